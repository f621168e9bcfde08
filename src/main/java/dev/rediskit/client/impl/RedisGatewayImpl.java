package dev.rediskit.client.impl;

import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.client.GatewayOptions;
import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.error.RedisUnavailableException.Reason;
import dev.rediskit.client.CommandObserver;
import dev.rediskit.client.GatewayStatus;
import dev.rediskit.client.PermissionRefusals;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.client.Script;
import dev.rediskit.client.TrackingLink;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.event.Level;

/**
 * The gateway: one pipelined connection owned by the creating context's event loop, a pool for
 * dedicated work, and circuit breakers (on a Redis Cluster, one per master besides the gateway's).
 *
 * <p>This class is the front and the wiring: calls from other contexts hop onto the owning one,
 * the breakers guard the way in ({@link Guard}), and the pieces do the work: {@link CommandPipeline}
 * (admission, deadlines, replies, with {@link ReadCoalescer} gathering reads),
 * {@link ConnectionSupervisor} (connecting, reconnecting, following a failover, with
 * {@link ClusterRebuild} for a cluster node's broken link), {@link BreakerCoordinator} (what follows
 * a breaker's change: the observer told, half-open trials, closing early after a confirmed failover),
 * {@link GatewayBreaker} (breaker reporting and its log lines), {@link ClusterBreakers} and
 * {@link ClusterTopology} (a cluster's per-master breakers and their slot map),
 * {@link SentinelWatch} (Sentinel's failover announcements), {@link DedicatedConnections} (work
 * on a connection of its own), {@link TrackingLinks} (the links opened with {@link #track}) and
 * {@link RedisFailures} (what a failure means). Every mutable field is touched only on the owning
 * event loop, so nothing is locked.
 */
public class RedisGatewayImpl implements RedisGateway {

  private final Vertx vertx;
  private final Context context;
  private final String name;
  private final GatewayOptions<?> options;
  private final RedisOptions redisOptions;
  private final Redis client;
  private final GatewayLog log;
  private final ConnectionSupervisor supervisor;
  private final BreakerCoordinator breakers;
  private final GatewayBreaker breaker;
  private final CommandPipeline pipeline;
  private final DedicatedConnections dedicated;
  /** On a cluster: a breaker per master (made by {@link #breakers}), and what keeps their slot map current; else {@code null}. */
  private final ClusterBreakers nodeBreakers;
  private final ClusterTopology topology;
  /** With Sentinel, for the master: the +switch-master subscriptions; else {@code null}. */
  private final SentinelWatch sentinelWatch;
  private final Guard guard;
  private final Promise<RedisGateway> ready;
  private final TrackingLinks links;
  private final PermissionRefusals refusals = new PermissionRefusals();
  /** Closes the gateway when Vert.x closes, before its client goes: no reconnect attempt against a closed client. */
  private final io.vertx.core.Closeable closeHook = completion -> close().onComplete(completion);

  /**
   * Validates the options, builds the client and starts connecting on the current context, under
   * the name {@value RedisGateway#DEFAULT_NAME}.
   *
   * @param vertx the Vert.x instance
   * @param options the settings
   */
  public RedisGatewayImpl(Vertx vertx, GatewayOptions<?> options) {
    this(vertx, options, DEFAULT_NAME);
  }

  /**
   * Validates the options and the name, builds the client and starts connecting on the current context.
   *
   * @param vertx the Vert.x instance
   * @param options the settings
   * @param name the name the gateway's log lines carry
   */
  public RedisGatewayImpl(Vertx vertx, GatewayOptions<?> options, String name) {
    if (name == null || name.isBlank()) {
      throw new InvalidRequestException("name", "must not be blank, was " + (name == null ? "null" : "\"" + name + "\""));
    }
    this.name = name;
    this.options = options.validatedCopy();
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.redisOptions = RedisOptionsFactory.create(this.options);
    this.client = Redis.createClient(vertx, redisOptions);
    this.log = new GatewayLog(name);
    this.ready = VertxInternals.promise(context);
    this.supervisor = new ConnectionSupervisor(vertx, context, client, redisOptions, this.options, log, new Lifecycle());
    // The breakers tell the coordinator of their changes, which tells the pipeline's observer and
    // tries them through send: both are read when a breaker changes, after this constructor.
    this.breakers = new BreakerCoordinator(vertx, context, this.options, log, supervisor, this::currentObserver, this::send);
    this.breaker = breakers.breaker();
    this.nodeBreakers = breakers.nodeBreakers();
    this.topology = this.options.getType() == RedisClientType.CLUSTER
      ? new ClusterTopology(vertx, context, supervisor, nodeBreakers, this.options.getCommandTimeoutMs()) : null;
    this.sentinelWatch = this.options.getType() == RedisClientType.SENTINEL && this.options.getRole() == RedisRole.MASTER
      ? new SentinelWatch(vertx, context, redisOptions, this.options, log, breakers::failoverAnnounced) : null;
    this.pipeline = new CommandPipeline(vertx, context, this.options, supervisor, breaker);
    this.guard = new Guard(context, breaker, nodeBreakers, pipeline, supervisor);
    this.dedicated = new DedicatedConnections(vertx, this.options, breaker, () -> guard.refusal(breaker),
      breakers::reportFailureFromAnyThread);
    this.links = new TrackingLinks((prefixes, listener) ->
      new TrackingLinkImpl(vertx, context, this, this.options, redisOptions, log, prefixes, listener));
    VertxInternals.addCloseHook(vertx, closeHook);
    String unconfigured = defaultEndpointWarning(this.options);
    if (unconfigured != null) {
      log.log(Level.WARN, unconfigured);
    }
    supervisor.start();
  }

  /**
   * @param options the gateway's options
   * @return the warning to log when nothing named a server, else {@code null}: in a container
   * "localhost" is rarely the Redis meant, so the default must not pass silently
   */
  static String defaultEndpointWarning(GatewayOptions<?> options) {
    return options.isEndpointsConfigured() ? null
      : "no Redis endpoint configured (REDIS_URL, REDISKIT_ENDPOINTS, -Drediskit.endpoints or endpoints in the "
        + "configuration): using the default " + GatewayOptions.DEFAULT_ENDPOINT;
  }

  // ---------------------------------------------------------------- public API

  @Override
  public Future<RedisGateway> ready() {
    return ready.future();
  }

  @Override
  public Future<Response> send(Request request) {
    // Off the owning context, the call hops onto it; on it (a verticle that owns the gateway, a
    // reply callback), the command goes straight into the pipeline.
    if (Vertx.currentContext() != context) {
      return hop(() -> send(request));
    }
    GatewayBreaker b = guard.breakerFor(request);
    return guard.guarded(b, () -> pipeline.send(request, null, b));
  }

  @Override
  public Future<List<Response>> batch(List<Request> requests) {
    if (Vertx.currentContext() != context) {
      return hop(() -> batch(requests));
    }
    if (requests.isEmpty()) {
      return VertxInternals.succeeded(context, List.of());
    }
    if (options.getType() == RedisClientType.CLUSTER) {
      // The cluster connection refuses batches spanning slots; each command is still pipelined to its node.
      List<Future<Response>> each = new ArrayList<>(requests.size());
      for (Request r : requests) {
        each.add(send(r));
      }
      return Future.all(each).map(cf -> {
        List<Response> out = new ArrayList<>(each.size());
        for (Future<Response> f : each) {
          out.add(f.result());
        }
        return out;
      });
    }
    return guard.guarded(breaker, () -> pipeline.batch(requests));
  }

  @Override
  public Future<Response> eval(Script script, List<String> keys, List<String> args) {
    if (Vertx.currentContext() != context) {
      return hop(() -> eval(script, keys, args));
    }
    // The NOSCRIPT fallback lives in the command's own reply handler rather than in a recover
    // stage: a limiter's every decision is an EVALSHA, and the extra future showed in its profile.
    GatewayBreaker b = guard.breakerFor(keys);
    return guard.guarded(b, () -> {
      ScriptCall call = new ScriptCall(script, keys, args);
      return pipeline.send(call.evalsha(), call, b);
    });
  }

  @Override
  public <T> Future<T> withConnection(Function<RedisConnection, Future<T>> work) {
    return dedicated.run(client, work, false);
  }

  @Override
  public Future<List<String>> masters() {
    if (options.getType() != RedisClientType.CLUSTER) {
      return Future.succeededFuture(List.of(RedisOptionsFactory.hostPort(options.getEndpoints().get(0))));
    }
    return send(Request.cmd(Command.CLUSTER).arg("SLOTS")).map(slots -> {
      Set<String> masters = new LinkedHashSet<>();
      for (Response range : slots) {
        Response master = range.get(2);
        masters.add(master.get(0).toString() + ":" + master.get(1).toInteger());
      }
      return new ArrayList<>(masters);
    });
  }

  @Override
  public <T> Future<T> onNode(String hostPort, Function<RedisConnection, Future<T>> work) {
    if (options.getType() != RedisClientType.CLUSTER) {
      return withConnection(work);
    }
    Redis nodeClient = Redis.createClient(vertx, RedisOptionsFactory.forNode(redisOptions, hostPort));
    return dedicated.run(nodeClient, work, true);
  }

  @Override
  public TrackingLink track(Collection<String> prefixes, TrackingLink.Listener listener) {
    return links.open(prefixes, listener);
  }

  @Override
  public RedisClientType type() {
    return options.getType();
  }

  @Override
  public Context context() {
    return context;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public GatewayOptions<?> options() {
    return options;
  }

  @Override
  public long replies() {
    return pipeline.replies();
  }

  @Override
  public GatewayStatus status() {
    return new GatewayStatus(supervisor.state(), breaker.state(), breaker.failureCount(), pipeline.pending(),
      supervisor.lastError(), supervisor.reconnects(), nodeBreakers == null ? List.of() : nodeBreakers.status(),
      links.status());
  }

  @Override
  public PermissionRefusals refusals() {
    return refusals;
  }

  @Override
  public RedisGateway observer(CommandObserver observer) {
    pipeline.observer(observer);
    return this;
  }

  @Override
  public Future<Void> close() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      if (!supervisor.closing()) {
        done.complete();
        return;
      }
      VertxInternals.removeCloseHook(vertx, closeHook);
      RedisUnavailableException closed = new RedisUnavailableException(Reason.CLOSED, "the Redis gateway was closed", null);
      pipeline.close(closed);
      ready.tryFail(closed);
      breaker.close();
      if (nodeBreakers != null) {
        topology.close();
        nodeBreakers.close();
      }
      if (sentinelWatch != null) {
        sentinelWatch.close();
      }
      links.close();
      supervisor.release().onComplete(ar -> done.complete());
    });
    return done.future();
  }

  // ---------------------------------------------------------------- the way in

  /**
   * Runs a call on the owning context. The caller's future is bound to the caller's context, so
   * its callbacks run there, as they would for any Vert.x client.
   */
  private <T> Future<T> hop(Supplier<Future<T>> call) {
    Promise<T> p = VertxInternals.promise(vertx.getOrCreateContext());
    context.runOnContext(v -> call.get().onComplete(p));
    return p.future();
  }

  /** @return the observer now, or {@code null}: what the breakers' changes are told to */
  private CommandObserver currentObserver() {
    return pipeline.observer();
  }

  /** What the commands and the start-up promise go through as the connection comes and goes. */
  private final class Lifecycle implements ConnectionListener {

    @Override
    public void connected(boolean first) {
      if (first) {
        ready.complete(RedisGatewayImpl.this);
      }
      if (sentinelWatch != null) {
        sentinelWatch.start();
      }
      pipeline.connected();
      if (supervisor.followsAnnouncedFailover()) {
        breakers.confirmRecovery();
      }
      if (topology != null) {
        if (!first) {
          nodeBreakers.recovered("a new cluster connection reached every node");
        }
        topology.connected();
      }
    }

    @Override
    public void nodeLost() {
      topology.nodeLost();
    }

    @Override
    public void rebuilt() {
      nodeBreakers.recovered("the rebuilt cluster connection reached every node");
      topology.connected();
    }

    @Override
    public void connectFailed(RedisUnavailableException cause) {
      pipeline.failWaiting(cause);
      // Told to the breaker like a failed command: an idle gateway has no commands to fail, and its
      // breaker (the state health checks and alerts read) must still open while Redis is down.
      breaker.failed(cause.getMessage());
      ready.tryFail(cause);
      if (sentinelWatch != null) {
        sentinelWatch.start();
      }
    }

    @Override
    public void connectionLost(RedisUnavailableException cause) {
      pipeline.failInflight(cause);
    }
  }
}
