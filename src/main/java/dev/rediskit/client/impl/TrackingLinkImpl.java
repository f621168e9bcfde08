package dev.rediskit.client.impl;

import org.slf4j.event.Level;
import dev.rediskit.client.GatewayOptions;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.client.TrackingLink;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.LongAdder;

/**
 * The tracking link of a gateway: one {@link TrackingConnection} per master (one in all on a
 * standalone or Sentinel deployment), a heartbeat timer that PINGs them and, on a cluster, polls
 * the slot map, and the epoch and confirmation the near cache reads from any thread. Everything
 * but those two volatile fields and the counters is touched on the gateway's event loop only.
 */
public final class TrackingLinkImpl implements TrackingLink {

  private final Vertx vertx;
  private final Context context;
  private final RedisGateway gateway;
  private final GatewayOptions<?> options;
  private final RedisOptions redisOptions;
  private final GatewayLog log;
  private final List<String> prefixes;
  private final Listener listener;
  private final long lostAfterNanos;
  private final long timer;

  private final List<TrackingConnection> connections = new ArrayList<>();
  /** The cluster slot map the connections were made for; {@code null} before the first one is known. */
  private String topology;
  private boolean polling;
  private boolean closed;
  private volatile long epoch;
  /** {@code System.nanoTime()} up to which every change was reported, or {@link Long#MIN_VALUE}. */
  private volatile long confirmedAt = Long.MIN_VALUE;
  private volatile String lastError;
  /** Whether a refused set-up was logged since the link was last confirmed: it is retried for ever, logged once. */
  private boolean refusalLogged;
  private final LongAdder invalidations = new LongAdder();
  private final Map<FlushCause, LongAdder> flushes = new EnumMap<>(FlushCause.class);

  /**
   * Starts the link on the gateway's context.
   *
   * @param vertx the Vert.x instance
   * @param context the gateway's context
   * @param gateway the gateway (its slot map, on a cluster)
   * @param options the gateway's settings
   * @param redisOptions the client options connections are made from
   * @param log the gateway's log
   * @param prefixes the key prefixes to track (none a prefix of another)
   * @param listener told of changes and flushes
   */
  TrackingLinkImpl(Vertx vertx, Context context, RedisGateway gateway, GatewayOptions<?> options, RedisOptions redisOptions,
                   GatewayLog log, List<String> prefixes, Listener listener) {
    this.vertx = vertx;
    this.context = context;
    this.gateway = gateway;
    this.options = options;
    this.redisOptions = redisOptions;
    this.log = log;
    this.prefixes = List.copyOf(prefixes);
    this.listener = listener;
    // A PING unanswered this long means the connection is gone (a black hole sends no reset);
    // never below a second so that a busy machine does not flush for a slow reply.
    this.lostAfterNanos = Math.max(1000, options.getCommandTimeoutMs()) * 1_000_000L;
    for (FlushCause c : FlushCause.values()) {
      flushes.put(c, new LongAdder());
    }
    this.timer = vertx.setPeriodic(HEARTBEAT_MS, id -> context.runOnContext(v -> tick()));
    context.runOnContext(v -> build());
  }

  // ---------------------------------------------------------------- read from any thread

  @Override
  public long epoch() {
    return epoch;
  }

  @Override
  public boolean confirmedWithin(long maxAgeNanos) {
    long c = confirmedAt;
    return c != Long.MIN_VALUE && System.nanoTime() - c <= maxAgeNanos;
  }

  @Override
  public long confirmedAgoNanos() {
    long c = confirmedAt;
    return c == Long.MIN_VALUE ? Long.MAX_VALUE : Math.max(0, System.nanoTime() - c);
  }

  @Override
  public State state() {
    return closed ? State.CLOSED : confirmedAt == Long.MIN_VALUE ? State.CONNECTING : State.CONFIRMED;
  }

  @Override
  public JsonObject status() {
    long c = confirmedAt;
    JsonObject byCause = new JsonObject();
    flushes.forEach((cause, n) -> byCause.put(cause.tagName(), n.sum()));
    return new JsonObject()
      .put("state", state().name())
      .put("mode", "bcast")
      .put("connections", connections.size())
      .put("confirmedAgoMs", c == Long.MIN_VALUE ? null : (System.nanoTime() - c) / 1_000_000)
      .put("epoch", epoch)
      .put("invalidations", invalidations.sum())
      .put("flushes", byCause)
      .put("lastError", lastError);
  }

  /** @return invalidated keys received so far */
  public long invalidations() {
    return invalidations.sum();
  }

  @Override
  public Future<Void> close() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      if (!closed) {
        closed = true;
        vertx.cancelTimer(timer);
        flush(FlushCause.CLOSED, "link closed");
        connections.forEach(TrackingConnection::close);
        connections.clear();
      }
      done.complete();
    });
    return done.future();
  }

  // ---------------------------------------------------------------- on the gateway's event loop

  /** Makes the connections: one per master from the slot map on a cluster, else one. */
  private void build() {
    if (closed) {
      return;
    }
    if (options.getType() != RedisClientType.CLUSTER) {
      RedisOptions o = new RedisOptions(redisOptions).setMaxPoolSize(1).setPoolName("rediskit-tracking");
      if (options.getType() == RedisClientType.REPLICATION) {
        o = RedisOptionsFactory.forNode(redisOptions, RedisOptionsFactory.hostPort(options.getEndpoints().get(0)));
      }
      connections.add(new TrackingConnection(this, "master", o));
      return;
    }
    polling = true;
    slotMap().onComplete(ar -> {
      polling = false;
      if (closed) {
        return;
      }
      if (ar.failed()) {
        lastError = "cannot read the cluster slot map: " + ar.cause().getMessage();
        return; // the next tick tries again
      }
      relink(ar.result());
    });
  }

  private void relink(SlotMap map) {
    connections.forEach(TrackingConnection::close);
    connections.clear();
    topology = map.signature;
    for (String master : map.masters) {
      connections.add(new TrackingConnection(this, master, RedisOptionsFactory.forNode(redisOptions, master)));
    }
  }

  private void tick() {
    if (closed) {
      return;
    }
    long now = System.nanoTime();
    for (TrackingConnection c : connections) {
      c.heartbeat(now, lostAfterNanos);
    }
    if (options.getType() == RedisClientType.CLUSTER && !polling) {
      if (topology == null) {
        build();
        return;
      }
      polling = true;
      slotMap().onComplete(ar -> {
        polling = false;
        if (closed || ar.failed()) {
          return; // a dead node shows in its connection; a failed poll alone proves nothing
        }
        if (!ar.result().signature.equals(topology)) {
          log.log(Level.INFO, "cluster slot map changed; near caches flushed, tracking links rebuilt");
          flush(FlushCause.TOPOLOGY_CHANGED, "cluster slot map changed");
          relink(ar.result());
        }
      });
    }
  }

  private record SlotMap(String signature, List<String> masters) {
  }

  private Future<SlotMap> slotMap() {
    return gateway.send(Request.cmd(Command.CLUSTER).arg("SLOTS")).map(slots -> {
      TreeSet<String> ranges = new TreeSet<>();
      TreeSet<String> masters = new TreeSet<>();
      for (Response range : slots) {
        Response master = range.get(2);
        String hp = master.get(0).toString() + ":" + master.get(1).toInteger();
        ranges.add(range.get(0).toLong() + "-" + range.get(1).toLong() + "@" + hp);
        masters.add(hp);
      }
      return new SlotMap(String.join(",", ranges), new ArrayList<>(masters));
    });
  }

  // ---------------------------------------------------------------- told by the connections

  /** @return the context connections run on */
  Context context() {
    return context;
  }

  /** @return the Vert.x instance */
  Vertx vertx() {
    return vertx;
  }

  /** @return the gateway's settings */
  GatewayOptions<?> options() {
    return options;
  }

  /** @return the prefixes tracked */
  List<String> prefixes() {
    return prefixes;
  }

  /** @return whether the link is closed */
  boolean isClosed() {
    return closed;
  }

  /** @param key a key Redis reported changed */
  void invalidated(String key) {
    invalidations.increment();
    listener.invalidated(key);
  }

  /** A connection's confirmation moved on: the link's is the oldest of all, once all are confirmed. */
  void confirmationChanged() {
    long oldest = Long.MAX_VALUE;
    for (TrackingConnection c : connections) {
      long at = c.confirmedAt();
      if (at == Long.MIN_VALUE) {
        oldest = Long.MIN_VALUE;
        break;
      }
      oldest = Math.min(oldest, at);
    }
    boolean wasUnconfirmed = confirmedAt == Long.MIN_VALUE;
    confirmedAt = connections.isEmpty() ? Long.MIN_VALUE : oldest;
    if (wasUnconfirmed && confirmedAt != Long.MIN_VALUE) {
      refusalLogged = false;
      log.log(Level.INFO, "tracking link confirmed on " + connections.size() + " connection(s), epoch " + epoch);
    }
  }

  /**
   * Everything under the prefixes may have changed unseen: unconfirmed first, then a new epoch, then
   * the listener, so that no read started before can store its reply after.
   *
   * @param cause why
   * @param why what to log
   */
  void flush(FlushCause cause, String why) {
    lastError = why;
    confirmedAt = Long.MIN_VALUE;
    epoch++;
    flushes.get(cause).increment();
    if (cause != FlushCause.SERVER_FLUSH && cause != FlushCause.CLOSED) {
      log.log(Level.WARN, "tracking link: " + why + "; near caches flushed (" + cause.tagName()
        + "), bypassed until confirmed again");
    }
    listener.flushed(cause);
  }

  /**
   * Redis refused a connection's set-up (an ACL user without {@code CLIENT} or {@code SUBSCRIBE}, say):
   * nothing was served on the link's word, so nothing to flush, but a link that never comes up leaves
   * every near cache bypassed, which must not pass silently.
   *
   * @param why what Redis answered
   */
  void setupRefused(String why) {
    if (!refusalLogged) {
      refusalLogged = true;
      log.log(Level.WARN, "tracking link: " + why + "; near caches bypassed until it is confirmed (retrying with back-off)");
    }
    // After the line: a reader that sees the error in the status finds it in the log too.
    lastError = why;
  }

  /** Redis dropped every key: flush, but the link itself is fine. */
  void serverFlushed() {
    long c = confirmedAt;
    flush(FlushCause.SERVER_FLUSH, "Redis flushed every key");
    confirmedAt = c;
  }
}
