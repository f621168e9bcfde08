package dev.rediskit.client.impl;

import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.client.GatewayOptions;
import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.error.RedisUnavailableException.Reason;
import dev.rediskit.client.CommandObserver;
import dev.rediskit.client.GatewayStatus;
import dev.rediskit.client.GatewayStatus.ConnectionState;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.client.Script;
import dev.rediskit.client.TrackingLink;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.circuitbreaker.CircuitBreakerState;
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
 * {@link ClusterRebuild} for a cluster node's broken link),
 * {@link GatewayBreaker} (breaker reporting and its log lines), {@link ClusterBreakers} and
 * {@link ClusterTopology} (a cluster's per-master breakers and their slot map),
 * {@link SentinelWatch} (Sentinel's failover announcements), {@link DedicatedConnections} (work
 * on a connection of its own) and {@link RedisFailures} (what a failure means). Every mutable field is touched only on the owning
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
  private final GatewayBreaker breaker;
  private final ConnectionSupervisor supervisor;
  private final CommandPipeline pipeline;
  private final DedicatedConnections dedicated;
  /** On a cluster: a breaker per master, and what keeps their slot map current; else {@code null}. */
  private final ClusterBreakers nodeBreakers;
  private final ClusterTopology topology;
  /** With Sentinel, for the master: the +switch-master subscriptions; else {@code null}. */
  private final SentinelWatch sentinelWatch;
  private final Guard guard;
  private final Promise<RedisGateway> ready;
  /** The tracking links opened with {@link #track}, closed with the gateway. */
  private final List<TrackingLinkImpl> links = new java.util.concurrent.CopyOnWriteArrayList<>();
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
    this.breaker = new GatewayBreaker(vertx, this.options, log, this::breakerChanged);
    this.supervisor = new ConnectionSupervisor(vertx, context, client, redisOptions, this.options, log, new Lifecycle());
    boolean cluster = this.options.getType() == RedisClientType.CLUSTER;
    this.nodeBreakers = cluster ? new ClusterBreakers(vertx, this.options, log, this::nodeBreakerChanged, this::nodeKnown) : null;
    this.topology = cluster ? new ClusterTopology(vertx, context, supervisor, nodeBreakers, this.options.getCommandTimeoutMs()) : null;
    this.sentinelWatch = this.options.getType() == RedisClientType.SENTINEL && this.options.getRole() == RedisRole.MASTER
      ? new SentinelWatch(vertx, context, redisOptions, this.options, log, this::failoverAnnounced) : null;
    this.pipeline = new CommandPipeline(vertx, context, this.options, supervisor, breaker);
    this.guard = new Guard(context, breaker, nodeBreakers, pipeline, supervisor);
    this.dedicated = new DedicatedConnections(vertx, this.options, breaker, this::breakerOpen, this::reportFailureFromAnyThread);
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
    List<String> list = trackedPrefixes(prefixes);
    TrackingLinkImpl link = new TrackingLinkImpl(vertx, context, this, options, redisOptions, log, list,
      java.util.Objects.requireNonNull(listener, "listener"));
    links.add(link);
    return link;
  }

  /** Checks the prefixes as Redis will: at least one, none a prefix of another. */
  static List<String> trackedPrefixes(Collection<String> prefixes) {
    if (prefixes == null || prefixes.isEmpty()) {
      throw new InvalidRequestException("prefixes", "at least one key prefix is required");
    }
    List<String> list = new ArrayList<>(new LinkedHashSet<>(prefixes));
    for (String a : list) {
      if (a == null || a.isEmpty()) {
        throw new InvalidRequestException("prefixes", "must not hold an empty prefix (it would track every key)");
      }
      for (String b : list) {
        if (a != b && b.startsWith(a)) {
          throw new InvalidRequestException("prefixes", "\"" + a + "\" overlaps \"" + b + "\" (Redis refuses overlapping BCAST prefixes)");
        }
      }
    }
    return list;
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
  public GatewayStatus status() {
    JsonObject tracking = null;
    if (!links.isEmpty()) {
      // One link per cache that asked for one; the first speaks for the gateway, the others are listed.
      tracking = links.get(0).status();
      if (links.size() > 1) {
        JsonArray all = new JsonArray();
        links.forEach(l -> all.add(l.status()));
        tracking.put("links", all);
      }
    }
    return new GatewayStatus(supervisor.state(), breaker.state(), breaker.failureCount(), pipeline.pending(),
      supervisor.lastError(), supervisor.reconnects(), nodeBreakers == null ? List.of() : nodeBreakers.status(),
      tracking);
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
      links.forEach(TrackingLinkImpl::close);
      links.clear();
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

  private RedisUnavailableException breakerOpen() {
    return guard.refusal(breaker);
  }

  // ---------------------------------------------------------------- breaker

  private void breakerChanged(CircuitBreakerState s) {
    CommandObserver o = pipeline.observer();
    if (o != null) {
      context.runOnContext(v -> o.onBreakerState(s));
    }
    if (s == CircuitBreakerState.HALF_OPEN) {
      context.runOnContext(v -> trial());
    }
  }

  /**
   * Tries Redis as soon as the breaker half-opens, with a PING through the normal path, instead of
   * waiting for a caller: an idle gateway would otherwise stay half-open through an outage and after
   * it, and its breaker state (what health checks, the gauge and the alerts read) would say nothing
   * true. The PING is the breaker's trial call unless a caller's call got there first; its outcome
   * closes or reopens the breaker, so it needs no handling here.
   */
  private void trial() {
    if (supervisor.state() == ConnectionState.CLOSED || breaker.state() != CircuitBreakerState.HALF_OPEN) {
      return;
    }
    supervisor.retryNow();
    send(Request.cmd(Command.PING)).onFailure(err -> { });
  }

  private void failoverAnnounced(String master) {
    if (supervisor.failoverAnnounced(master)) {
      confirmRecovery();
    }
  }

  private void nodeKnown(String node) {
    CommandObserver o = pipeline.observer();
    if (o != null) {
      o.onNodeKnown(node);
    }
  }

  private void nodeBreakerChanged(GatewayBreaker b, CircuitBreakerState s) {
    CommandObserver o = pipeline.observer();
    if (o != null) {
      context.runOnContext(v -> o.onNodeBreakerState(b.node(), s));
    }
    if (s == CircuitBreakerState.HALF_OPEN) {
      // As for the gateway's breaker: an idle gateway must not stay half-open. The trial must reach
      // that node, so it asks whether a key of one of its slots exists (never written).
      context.runOnContext(v -> {
        String key = nodeBreakers.probeKey(b.node());
        if (key != null && supervisor.state() != ConnectionState.CLOSED && b.state() == CircuitBreakerState.HALF_OPEN) {
          send(Request.cmd(Command.EXISTS).arg(key)).onFailure(err -> { });
        }
      });
    }
  }

  /**
   * The connection to the master a sentinel announced is up while the breaker is not closed: one
   * PING on it, and the breaker closes on its reply instead of failing calls until the reset
   * timeout is over. The failover is confirmed by Redis and the promoted master answers; waiting
   * out the breaker would only stretch the outage. (An ordinary reconnect keeps the breaker's own
   * half-open trial: a server that comes and goes must not flap the breaker shut.)
   */
  private void confirmRecovery() {
    RedisConnection sender = supervisor.sender();
    if (sender == null || breaker.state() == CircuitBreakerState.CLOSED) {
      return;
    }
    sender.send(Request.cmd(Command.PING)).onComplete(ar -> context.runOnContext(v -> {
      if (ar.succeeded() && supervisor.state() == ConnectionState.CONNECTED) {
        breaker.recovered("the master Sentinel announced answers");
      }
    }));
  }

  /** For failures seen off the owning event loop (dedicated connections run on the caller's context). */
  private void reportFailureFromAnyThread(String why) {
    context.runOnContext(v -> {
      if (supervisor.state() != ConnectionState.CLOSED) {
        breaker.failed(why);
      }
    });
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
        confirmRecovery();
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
