package dev.rediskit.client.impl;

import dev.rediskit.client.GatewayOptions;
import dev.rediskit.error.RedisTimeoutException;
import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.error.RedisUnavailableException.Reason;
import dev.rediskit.client.GatewayStatus.ConnectionState;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.event.Level;

/**
 * Keeps the gateway's pipelined connection up: connect attempts, each under a guard timer, with
 * back-off between them; reconnecting when the connection is lost; and on a cluster, rebuilding the
 * cluster connection beside the live one when a node's link breaks; following a failover as soon
 * as Redis has made it (a sentinel's announcement, a cluster's new slot map) rather than when the
 * back-off next allows. What happens to the commands meanwhile is the {@link Listener}'s business.
 *
 * <p>Every field is touched only on the owning event loop, except {@link #lastError()}, which
 * status reads from any thread.
 */
final class ConnectionSupervisor {

  /** What the gateway does when the connection comes and goes; called on the owning event loop. */
  interface Listener {

    /**
     * A connection is up, logged already; {@link #sender()} is what to write commands on.
     *
     * @param first whether it is the first outcome of the gateway's start (no earlier connection nor failed attempt)
     */
    void connected(boolean first);

    /**
     * A connect attempt failed; the next one is scheduled after this returns.
     *
     * @param cause why, as callers are to see it
     */
    void connectFailed(RedisUnavailableException cause);

    /**
     * The connection was lost; an attempt to connect again starts after this returns.
     *
     * @param cause why, as the commands in flight are to see it
     */
    void connectionLost(RedisUnavailableException cause);

    /** On a cluster: a node's link broke and the cluster connection is being rebuilt beside the live one. */
    default void nodeLost() {
    }

    /** On a cluster: the rebuilt cluster connection, which reached every node of the slot map, is in use. */
    default void rebuilt() {
    }
  }

  private static final long INITIAL_RECONNECT_DELAY_MS = 50;

  private final Vertx vertx;
  private final Context context;
  /** The client of the first connection and of dedicated work; never closed before the gateway. */
  private final Redis client;
  private final GatewayOptions<?> options;
  private final GatewayLog log;
  private final Listener listener;
  private final Backoff backoff;

  private ConnectionState state = ConnectionState.CONNECTING;
  private RedisConnection connection;
  private final ConnectionClients clients;
  /** The master a sentinel announced last. */
  private String lastAnnounced;
  /** A sentinel announced a failover since the last connection: the next one follows a confirmed failover. */
  private boolean failoverAnnounced;
  /** Whether the connection just made follows a failover a sentinel announced; read in {@link Listener#connected}. */
  private boolean followsFailover;
  /** A rebuild was asked for while one was under way: the next one starts at once, not after back-off. */
  private boolean rebuildRequested;
  /** What commands are written on: {@link #connection}, or the connection under its pool wrapper. */
  private RedisConnection sender;
  private long connectAttempt;
  private long reconnectTimer = -1;
  private long reconnects;
  private boolean authFailed;
  private boolean rebuilding;
  private int consecutiveConnectFailures;
  /** Whether the start has an outcome: a connection, or a failed first attempt. */
  private boolean started;
  private volatile String lastError;

  /**
   * @param vertx the Vert.x instance
   * @param context the owning context
   * @param client the client the first connection comes from
   * @param redisOptions what clients for later connections are made from
   * @param options the connection settings
   * @param log where the connection's story is logged
   * @param listener told when the connection comes and goes
   */
  ConnectionSupervisor(Vertx vertx, Context context, Redis client, RedisOptions redisOptions, GatewayOptions<?> options,
                       GatewayLog log, Listener listener) {
    this.vertx = vertx;
    this.context = context;
    this.client = client;
    this.clients = new ConnectionClients(vertx, client, redisOptions, options);
    this.options = options;
    this.log = log;
    this.listener = listener;
    this.backoff = new Backoff(INITIAL_RECONNECT_DELAY_MS, options.getReconnectMaxDelayMs());
  }

  /** Starts the first connect attempt, in a task of the owning context. */
  void start() {
    context.runOnContext(v -> connect());
  }

  /** @return the connection's state */
  ConnectionState state() {
    return state;
  }

  /** @return the connection to write commands on, or {@code null} while there is none */
  RedisConnection sender() {
    return sender;
  }

  /** @return what went wrong last, or {@code null} */
  String lastError() {
    return lastError;
  }

  /** @return how many times a connection was made again after the first */
  long reconnects() {
    return reconnects;
  }

  /** @return while {@link ConnectionState#DISCONNECTED}, the failure a command meets */
  RedisUnavailableException unavailable() {
    return authFailed
      ? new RedisUnavailableException(Reason.AUTHENTICATION, "Redis refused the credentials: " + lastError, null)
      : new RedisUnavailableException(Reason.DISCONNECTED, "not connected to Redis: " + lastError, null);
  }

  /**
   * Connects at once when waiting for the back-off timer, so that a breaker's trial call does not
   * wait for it. A refused password is left to its slow retry.
   */
  void retryNow() {
    if (state == ConnectionState.DISCONNECTED && !authFailed) {
      if (reconnectTimer != -1) {
        vertx.cancelTimer(reconnectTimer);
      }
      connect();
    }
  }

  /**
   * Sentinel announced a new master ({@code +switch-master}): connect to it at once, whatever the
   * connection's state and back-off say. The connection to the old master is dropped: dead, it
   * would only fail; alive, it is a replica now and refuses writes.
   *
   * @param hostPort the new master's {@code host:port}, from the announcement
   * @return whether the connection in use is to that master already (it reconnected there first)
   */
  boolean failoverAnnounced(String hostPort) {
    if (state == ConnectionState.CONNECTED && hostPort.equals(PooledConnections.remoteAddress(connection))) {
      return true;
    }
    if (state == ConnectionState.CLOSED
      // Every sentinel announces it: the first announcement's attempt is under way already.
      || (state == ConnectionState.CONNECTING && hostPort.equals(lastAnnounced))) {
      return false;
    }
    lastAnnounced = hostPort;
    failoverAnnounced = true;
    log.log(Level.INFO, "Sentinel announced " + hostPort + " as the new master; connecting to it at once");
    clients.announced(hostPort);
    switch (state) {
      case CONNECTED -> {
        RedisConnection c = connection;
        connectionLost(c, new RedisUnavailableException(Reason.CONNECTION_LOST,
          "Sentinel announced a failover to " + hostPort, null));
        PooledConnections.forceClose(c);
      }
      case DISCONNECTED -> {
        if (reconnectTimer != -1) {
          vertx.cancelTimer(reconnectTimer);
        }
        connect();
      }
      // An attempt under way asked the sentinels before the failover: a new one supersedes it.
      case CONNECTING -> connect();
      default -> { }
    }
    return false;
  }

  /**
   * On a cluster whose connection is being rebuilt: the slot map changed (a replica was promoted),
   * so the next attempt starts now instead of after its back-off.
   */
  void rebuildNow() {
    if (options.getType() != RedisClientType.CLUSTER || state != ConnectionState.CONNECTED) {
      return;
    }
    if (rebuilding) {
      rebuildRequested = true;
      return;
    }
    if (reconnectTimer != -1) {
      vertx.cancelTimer(reconnectTimer);
      reconnectTimer = -1;
      rebuildCluster(connection);
    }
  }

  /**
   * @return during {@link Listener#connected}: whether this connection follows a failover a
   *         sentinel announced (the promoted master answers; a breaker need not wait any longer)
   */
  boolean followsAnnouncedFailover() {
    return followsFailover;
  }

  /** @return whether, on a cluster, a node's link broke and the rebuilt connection is not in use yet */
  boolean nodeDown() {
    return rebuilding || reconnectTimer != -1 && state == ConnectionState.CONNECTED;
  }

  /**
   * Nothing came back for a whole timeout although commands were sent: the connection is stalled
   * (e.g. a network black hole). Pipelined replies can't overtake a stuck one, so the connection is
   * dropped and a new one made.
   *
   * @param why what the commands in flight are told
   */
  void stalled(String why) {
    lastError = why;
    RedisConnection c = connection;
    connectionLost(c, new RedisUnavailableException(Reason.CONNECTION_LOST, why, null));
    PooledConnections.forceClose(c);
  }

  /**
   * First step of closing: no attempt starts any more, and callbacks see {@link ConnectionState#CLOSED}.
   *
   * @return whether it was open until now
   */
  boolean closing() {
    if (state == ConnectionState.CLOSED) {
      return false;
    }
    state = ConnectionState.CLOSED;
    if (reconnectTimer != -1) {
      vertx.cancelTimer(reconnectTimer);
    }
    return true;
  }

  /**
   * Last step of closing: lets go of the connection and closes the client.
   *
   * @return completed when the client closed
   */
  Future<Void> release() {
    RedisConnection c = connection;
    connection = null;
    sender = null;
    if (c != null) {
      c.exceptionHandler(null).endHandler(null);
    }
    clients.close();
    return client.close();
  }

  // ---------------------------------------------------------------- attempts

  /**
   * One connect attempt under its guard timer. The client's connect timeout covers TCP only; a
   * server that accepts and never answers the handshake would hang it, so each attempt gets its
   * own deadline (attempts are rare). The first of the outcome and the guard counts; a connection
   * arriving after that, or after the attempt stopped being {@code wanted}, goes to {@code late}.
   */
  private void attempt(String what, BooleanSupplier wanted, Consumer<Throwable> failed,
                       Consumer<RedisConnection> up, Consumer<RedisConnection> late) {
    long attempt = ++connectAttempt;
    Redis source = clients.next(!started);
    long guard = vertx.setTimer(options.getConnectTimeoutMs(), id -> context.runOnContext(v -> {
      if (attempt == connectAttempt && wanted.getAsBoolean()) {
        failed.accept(new RedisTimeoutException(what + " did not complete within "
          + options.getConnectTimeoutMs() + " ms (connectTimeoutMs)"));
      }
    }));
    source.connect().onComplete(ar -> context.runOnContext(v -> {
      vertx.cancelTimer(guard);
      if (attempt != connectAttempt || !wanted.getAsBoolean()) {
        if (ar.succeeded()) {
          late.accept(ar.result());
        }
        clients.unused(source);
        return;
      }
      if (ar.failed()) {
        clients.unused(source);
        failed.accept(ar.cause());
      } else {
        clients.adopt(source);
        up.accept(ar.result());
      }
    }));
  }

  /** Schedules {@code next} after the back-off's next wait, or its longest for a refused password. */
  private long retryLater(boolean longest, Runnable next) {
    long delay = backoff.next();
    if (longest) {
      delay = backoff.maxMs();
    }
    reconnectTimer = vertx.setTimer(delay, id -> context.runOnContext(v -> {
      // Cleared before the attempt: a pending timer is what tells that a rebuild is waiting (nodeDown).
      reconnectTimer = -1;
      next.run();
    }));
    return delay;
  }

  private void connect() {
    if (state == ConnectionState.CLOSED) {
      return;
    }
    reconnectTimer = -1;
    state = ConnectionState.CONNECTING;
    // Too late (this attempt already timed out, or the gateway closed): the connection may be stalled.
    attempt("connecting to Redis", () -> state == ConnectionState.CONNECTING, this::connectFailed, this::connected,
      PooledConnections::forceClose);
  }

  private void connected(RedisConnection conn) {
    int failedAttempts = consecutiveConnectFailures;
    connection = conn;
    sender = PooledConnections.sender(conn);
    state = ConnectionState.CONNECTED;
    authFailed = false;
    consecutiveConnectFailures = 0;
    backoff.reset();
    watch(conn);
    boolean first = !started;
    started = true;
    followsFailover = failoverAnnounced;
    failoverAnnounced = false;
    if (first) {
      StartupLine.log(log, options, conn);
    } else {
      reconnects++;
      log.log(Level.INFO, "reconnected to Redis"
        + (failedAttempts > 0 ? " after " + failedAttempts + " failed attempts" : ""));
    }
    listener.connected(first);
  }

  private void connectFailed(Throwable cause) {
    RedisUnavailableException mapped = RedisFailures.connectFailure(cause, options.getEndpoints());
    authFailed = mapped.reason() == Reason.AUTHENTICATION;
    lastError = mapped.getMessage();
    state = ConnectionState.DISCONNECTED;
    started = true;
    listener.connectFailed(mapped);
    // A refused password will not get better by itself: retry slowly, not in a storm.
    long delay = retryLater(authFailed, this::connect);
    // Loud once per outage, quiet for the retries that follow.
    log.log(consecutiveConnectFailures++ == 0 ? Level.WARN : Level.DEBUG,
      "cannot connect to Redis (" + lastError + "); next attempt in " + delay + " ms");
  }

  // ---------------------------------------------------------------- losing the connection

  private void watch(RedisConnection conn) {
    conn.exceptionHandler(err -> context.runOnContext(v -> nodeLost(conn,
      new RedisUnavailableException(Reason.CONNECTION_LOST, "connection to Redis failed: " + err.getMessage(), err))));
    conn.endHandler(v0 -> context.runOnContext(v -> nodeLost(conn,
      new RedisUnavailableException(Reason.CONNECTION_LOST, "connection to Redis closed", null))));
  }

  /**
   * A link reported broken. On a cluster that is one node's link: the other masters still serve
   * their slots on the current connection, so a fresh cluster connection is built beside it and
   * swapped in once up (after a failover, once the promoted replica is in the slot map), instead
   * of failing every slot meanwhile. Elsewhere the connection is lost as a whole.
   */
  private void nodeLost(RedisConnection conn, RedisUnavailableException cause) {
    if (options.getType() != RedisClientType.CLUSTER) {
      connectionLost(conn, cause);
      return;
    }
    if (conn != connection || state != ConnectionState.CONNECTED) {
      return;
    }
    lastError = cause.getMessage();
    if (!rebuilding) {
      log.log(Level.WARN, "link to a cluster node lost (" + lastError + "); rebuilding the cluster connection");
    }
    rebuildCluster(conn);
    listener.nodeLost();
  }

  private void rebuildCluster(RedisConnection old) {
    if (rebuilding || state != ConnectionState.CONNECTED || connection != old) {
      return;
    }
    rebuilding = true;
    // A late connection is healthy, only not wanted any more: back to the pool.
    attempt("rebuilding the cluster connection",
      () -> rebuilding && state == ConnectionState.CONNECTED && connection == old,
      cause -> rebuildFailed(old, RedisFailures.connectFailure(cause, options.getEndpoints()).getMessage()),
      fresh -> rebuilt(old, fresh),
      RedisConnection::close);
  }

  private void rebuilt(RedisConnection old, RedisConnection fresh) {
    rebuilding = false;
    rebuildRequested = false;
    old.exceptionHandler(null).endHandler(null);
    connection = fresh;
    sender = PooledConnections.sender(fresh);
    watch(fresh);
    reconnects++;
    backoff.reset();
    log.log(Level.INFO, "cluster connection rebuilt");
    // Commands still in flight on the old connection complete there; it goes back to the pool.
    old.close();
    listener.rebuilt();
  }

  private void rebuildFailed(RedisConnection old, String error) {
    rebuilding = false;
    lastError = error;
    if (rebuildRequested) {
      rebuildRequested = false;
      rebuildCluster(old);
      return;
    }
    long delay = retryLater(false, () -> rebuildCluster(old));
    log.log(Level.DEBUG, "cannot rebuild the cluster connection (" + error + "); next attempt in " + delay + " ms");
  }

  private void connectionLost(RedisConnection conn, RedisUnavailableException cause) {
    if (conn != connection || state != ConnectionState.CONNECTED) {
      return;
    }
    connection = null;
    sender = null;
    rebuilding = false;
    rebuildRequested = false;
    lastError = cause.getMessage();
    log.log(Level.WARN, "connection to Redis lost (" + lastError + "); reconnecting");
    listener.connectionLost(cause);
    // Reconnect at once: most drops are one-off, and commands wait meanwhile.
    connect();
  }
}
