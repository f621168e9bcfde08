package dev.rediskit.cache.impl;

import dev.rediskit.client.CommandObserver;
import dev.rediskit.client.GatewayOptions;
import dev.rediskit.client.GatewayStatus;
import dev.rediskit.client.PermissionRefusals;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.client.Script;
import dev.rediskit.client.StandingRefusal;
import dev.rediskit.client.TrackingLink;
import dev.rediskit.error.RedisPermissionException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The cache's gateway, watched for permission refusals: every command the cache sends goes through
 * here, so that a refusal (an ACL changed while the application runs) is seen in one place rather
 * than at each of the cache's operations, and made loud as for the rate limiter
 * ({@link StandingRefusal}: ERROR, the health board, INFO when it is over). The calls still fail
 * with the {@link RedisPermissionException}: a refusal is no outage, so neither the loader nor a
 * stale entry stands in for Redis.
 *
 * <p>A refusal stands until each kind of call that was refused (a command, a script, a flush's
 * connection) has been served again, so that a user denied one command (say {@code INCR}) while
 * reads still work is not reported over and over. While nothing is refused, a served call costs one
 * volatile read.
 */
final class RefusalWatch implements RedisGateway {

  /** How deep a refusal is looked for among the causes of a failure (a batch or a flush wraps its command's). */
  private static final int MAX_CAUSE_DEPTH = 4;

  private final RedisGateway gateway;
  private final StandingRefusal refusal;
  /** The kinds of call refused since the refusal started and not served since. */
  private final Set<String> refused = ConcurrentHashMap.newKeySet();

  /**
   * @param gateway the gateway the cache was given
   * @param grant what the cache's ACL user needs
   */
  RefusalWatch(RedisGateway gateway, String grant) {
    this.gateway = gateway;
    this.refusal = new StandingRefusal(AccessProbe.COMPONENT, grant, gateway.refusals(), CacheContext.LOG,
      "Its calls fail with a RedisPermissionException (no loader or stale entry stands in)",
      "Redis serves the cache's commands again", System::nanoTime);
  }

  /** @return the refusal this watch keeps, for tests */
  StandingRefusal refusal() {
    return refusal;
  }

  private <T> Future<T> watched(Future<T> call, String kind) {
    return call.onComplete((result, failure) -> {
      if (failure == null) {
        if (refusal.standing()) {
          refused.remove(kind);
          if (refused.isEmpty()) {
            refusal.answered();
          }
        }
        return;
      }
      RedisPermissionException rpe = permission(failure);
      if (rpe != null) {
        refused.add(kind);
        refusal.refused(rpe);
      }
    });
  }

  /**
   * @param failure a call's failure
   * @return the permission refusal it is or wraps, or {@code null}
   */
  static RedisPermissionException permission(Throwable failure) {
    Throwable t = failure;
    for (int i = 0; t != null && i < MAX_CAUSE_DEPTH; i++, t = t.getCause()) {
      if (t instanceof RedisPermissionException rpe) {
        return rpe;
      }
    }
    return null;
  }

  @Override
  public Future<Response> send(Request request) {
    return watched(gateway.send(request), request.command().toString());
  }

  @Override
  public Future<List<Response>> batch(List<Request> requests) {
    // The cache's batches are of one command each (MGET, SET, UNLINK...).
    return watched(gateway.batch(requests), requests.isEmpty() ? "batch" : requests.get(0).command().toString());
  }

  @Override
  public Future<Response> eval(Script script, List<String> keys, List<String> args) {
    // The digest alone names the script (no command name is 40 hex digits): nothing built per call.
    return watched(gateway.eval(script, keys, args), script.sha());
  }

  @Override
  public <T> Future<T> withConnection(Function<RedisConnection, Future<T>> work) {
    return watched(gateway.withConnection(work), "connection");
  }

  @Override
  public <T> Future<T> onNode(String hostPort, Function<RedisConnection, Future<T>> work) {
    return watched(gateway.onNode(hostPort, work), "node");
  }

  @Override
  public Future<List<String>> masters() {
    return gateway.masters();
  }

  @Override
  public String name() {
    return gateway.name();
  }

  @Override
  public Future<RedisGateway> ready() {
    return gateway.ready();
  }

  @Override
  public TrackingLink track(Collection<String> prefixes, TrackingLink.Listener listener) {
    return gateway.track(prefixes, listener);
  }

  @Override
  public RedisClientType type() {
    return gateway.type();
  }

  @Override
  public Context context() {
    return gateway.context();
  }

  @Override
  public GatewayOptions<?> options() {
    return gateway.options();
  }

  @Override
  public GatewayStatus status() {
    return gateway.status();
  }

  @Override
  public long replies() {
    return gateway.replies();
  }

  @Override
  public PermissionRefusals refusals() {
    return gateway.refusals();
  }

  @Override
  public RedisGateway observer(CommandObserver observer) {
    gateway.observer(observer);
    return this;
  }

  @Override
  public Future<Void> close() {
    return gateway.close();
  }
}
