package dev.rediskit.client.impl;

import dev.rediskit.client.GatewayOptions;
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

import org.slf4j.event.Level;

/**
 * Keeps the gateway's pipelined connection up, as a state machine (connecting, connected,
 * disconnected, closed): connect attempts ({@link ConnectAttempts}: each under a guard timer, with
 * back-off between them); reconnecting when the connection is lost; and on a cluster, rebuilding the
 * cluster connection beside the live one when a node's link breaks ({@link ClusterRebuild});
 * following a failover as soon as Redis has made it (a sentinel's announcement, a cluster's new slot
 * map) rather than when the back-off next allows; hearing of one is {@link SentinelWatch}'s and
 * {@link ClusterTopology}'s. What happens to the commands meanwhile is the {@link ConnectionListener}'s.
 *
 * <p>Every field is touched only on the owning event loop, except {@link #lastError()}, which
 * status reads from any thread.
 */
final class ConnectionSupervisor {

  private final Vertx vertx;
  private final Context context;
  /** The client of the first connection and of dedicated work; never closed before the gateway. */
  private final Redis client;
  private final GatewayOptions<?> options;
  private final GatewayLog log;
  private final ConnectionListener listener;
  private final ConnectAttempts attempts;
  /** On a cluster: what rebuilds the connection when a node's link breaks; else {@code null}. */
  private final ClusterRebuild rebuild;

  private ConnectionState state = ConnectionState.CONNECTING;
  private RedisConnection connection;
  private final ConnectionClients clients;
  /** The master a sentinel announced last. */
  private String lastAnnounced;
  /** A sentinel announced a failover since the last connection: the next one follows a confirmed failover. */
  private boolean failoverAnnounced;
  /** Whether the connection just made follows a failover a sentinel announced; read in {@link ConnectionListener#connected}. */
  private boolean followsFailover;
  /** What commands are written on: {@link #connection}, or the connection under its pool wrapper. */
  private RedisConnection sender;
  private long reconnects;
  private boolean authFailed;
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
                       GatewayLog log, ConnectionListener listener) {
    this.vertx = vertx;
    this.context = context;
    this.client = client;
    this.clients = new ConnectionClients(vertx, client, redisOptions, options);
    this.options = options;
    this.log = log;
    this.listener = listener;
    this.attempts = new ConnectAttempts(vertx, context, options, clients);
    this.rebuild = options.getType() == RedisClientType.CLUSTER ? new ClusterRebuild(this, attempts, options, log) : null;
  }

  /** Starts the first connect attempt, in a task of the owning context, after any TLS warm-up. */
  void start() {
    TlsWarmUp.ahead(vertx, options).onComplete(w -> context.runOnContext(v -> connect()));
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
      attempts.cancelRetry();
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
        attempts.cancelRetry();
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
    if (rebuild != null && state == ConnectionState.CONNECTED) {
      rebuild.now(connection);
    }
  }

  /**
   * @return during {@link ConnectionListener#connected}: whether this connection follows a failover a
   *         sentinel announced (the promoted master answers; a breaker need not wait any longer)
   */
  boolean followsAnnouncedFailover() {
    return followsFailover;
  }

  /** @return whether, on a cluster, a node's link broke and the rebuilt connection is not in use yet */
  boolean nodeDown() {
    return rebuild != null && rebuild.underWay() || attempts.retryPending() && state == ConnectionState.CONNECTED;
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
    ConnectionState before = state;
    state = ConnectionState.CLOSED;
    if (before != ConnectionState.CONNECTED && consecutiveConnectFailures > 0) {
      // The WARN of the failed attempt promised another (an entry point that cannot start closes at once).
      log.log(Level.INFO, "closed while not connected to Redis: no further attempts");
    }
    attempts.cancelRetry();
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

  // ---------------------------------------------------------------- connecting

  private void connect() {
    if (state == ConnectionState.CLOSED) {
      return;
    }
    // A retry timer still set (a cluster rebuild's, the connection since lost as a whole) goes too:
    // left to fire, it would clear the id of a newer retry timer, which then could not be cancelled.
    attempts.cancelRetry();
    state = ConnectionState.CONNECTING;
    // Too late (this attempt already timed out, or the gateway closed): the connection may be stalled.
    attempts.attempt(!started, "connecting to Redis", () -> state == ConnectionState.CONNECTING, this::connectFailed,
      this::connected, PooledConnections::forceClose);
  }

  private void connected(RedisConnection conn) {
    int failedAttempts = consecutiveConnectFailures;
    connection = conn;
    sender = PooledConnections.sender(conn);
    state = ConnectionState.CONNECTED;
    authFailed = false;
    consecutiveConnectFailures = 0;
    attempts.succeeded();
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
    RedisUnavailableException mapped = RedisFailures.connectFailure(cause, options);
    authFailed = mapped.reason() == Reason.AUTHENTICATION;
    lastError = mapped.getMessage();
    state = ConnectionState.DISCONNECTED;
    started = true;
    listener.connectFailed(mapped);
    // A refused password will not get better by itself: retry slowly, not in a storm.
    long delay = attempts.retryLater(authFailed, this::connect);
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
   * A link reported broken. On a cluster that is one node's link, and the connection is rebuilt
   * beside the one in use ({@link ClusterRebuild}); elsewhere the connection is lost as a whole.
   */
  private void nodeLost(RedisConnection conn, RedisUnavailableException cause) {
    if (rebuild == null) {
      connectionLost(conn, cause);
      return;
    }
    if (!inUse(conn)) {
      return;
    }
    lastError = cause.getMessage();
    if (!rebuild.underWay()) {
      log.log(Level.WARN, "link to a cluster node lost (" + lastError + "); rebuilding the cluster connection");
    }
    rebuild.start(conn);
    listener.nodeLost();
  }

  // ---------------------------------------------------------------- told by the cluster rebuild

  /**
   * @param conn a connection
   * @return whether it is the connection in use, and up
   */
  boolean inUse(RedisConnection conn) {
    return state == ConnectionState.CONNECTED && connection == conn;
  }

  /**
   * The rebuilt cluster connection replaces the one in use.
   *
   * @param old the connection in use until now
   * @param fresh the rebuilt one, which reached every node of the slot map
   */
  void rebuilt(RedisConnection old, RedisConnection fresh) {
    old.exceptionHandler(null).endHandler(null);
    connection = fresh;
    sender = PooledConnections.sender(fresh);
    watch(fresh);
    reconnects++;
    attempts.succeeded();
    log.log(Level.INFO, "cluster connection rebuilt");
    // Commands still in flight on the old connection complete there; it goes back to the pool.
    old.close();
    listener.rebuilt();
  }

  /** @param error why an attempt to rebuild the cluster connection failed */
  void rebuildFailed(String error) {
    lastError = error;
  }

  private void connectionLost(RedisConnection conn, RedisUnavailableException cause) {
    if (conn != connection || state != ConnectionState.CONNECTED) {
      return;
    }
    connection = null;
    sender = null;
    if (rebuild != null) {
      rebuild.stop();
    }
    lastError = cause.getMessage();
    log.log(Level.WARN, "connection to Redis lost (" + lastError + "); reconnecting");
    listener.connectionLost(cause);
    // Reconnect at once: most drops are one-off, and commands wait meanwhile.
    connect();
  }
}
