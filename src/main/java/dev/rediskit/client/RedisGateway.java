package dev.rediskit.client;

import dev.rediskit.client.impl.RedisGatewayImpl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.List;
import java.util.function.Function;

/**
 * The only part of the module that talks to Redis.
 *
 * <p>Ordinary commands are pipelined on one long-lived connection owned by the event loop of the
 * context that created the gateway; the pool is kept for work that needs a connection of its own
 * ({@link #withConnection}). Every call completes within the configured command timeout
 * ({@link dev.rediskit.error.RedisTimeoutException}), fails fast when too many commands are pending or
 * the circuit breaker is open ({@link dev.rediskit.error.RedisUnavailableException}), and a dropped
 * connection is re-established by the gateway itself, with back-off.
 *
 * <p>Calls may be made from any thread; calls from the owning context take the fast path, others
 * hop to it first.
 */
public interface RedisGateway {

  /** The name of a gateway created without one. */
  String DEFAULT_NAME = "default";

  /**
   * Creates a gateway named {@value #DEFAULT_NAME} bound to the current context (or a new one when
   * called outside a context) and starts connecting. Use {@link #ready()} to wait for the first
   * connection. The options are validated first.
   *
   * @param vertx the Vert.x instance
   * @param options the settings (copied)
   * @return the gateway
   * @throws dev.rediskit.error.InvalidRequestException listing every invalid setting
   */
  static RedisGateway create(Vertx vertx, GatewayOptions<?> options) {
    return new RedisGatewayImpl(vertx, options);
  }

  /**
   * Like {@link #create(Vertx, GatewayOptions)}, with a name that the gateway's log lines carry,
   * so that an application with several gateways (one per verticle instance, or one per Redis
   * deployment) can tell whose breaker opened or whose connection was lost.
   *
   * @param vertx the Vert.x instance
   * @param options the settings (copied)
   * @param name the gateway's name in its log lines; not blank
   * @return the gateway
   * @throws dev.rediskit.error.InvalidRequestException listing every invalid setting, or when the name is blank
   */
  static RedisGateway create(Vertx vertx, GatewayOptions<?> options, String name) {
    return new RedisGatewayImpl(vertx, options, name);
  }

  /** @return the name the gateway's log lines carry ({@value #DEFAULT_NAME} unless one was given) */
  default String name() {
    return DEFAULT_NAME;
  }

  /**
   * @return a future completed when the first connection is established, or failed with the
   * connect error (authentication, refused, timed out after the connect timeout)
   */
  Future<RedisGateway> ready();

  /**
   * Sends one command, pipelined.
   *
   * @param request the command
   * @return its reply; a Redis error reply fails it with {@link dev.rediskit.error.RedisCommandException}
   */
  Future<Response> send(Request request);

  /**
   * Sends several commands in one write, pipelined. On a cluster they are routed per slot.
   * This is not a transaction: each command runs on its own.
   *
   * @param requests the commands
   * @return the replies, in request order; fails when any command fails
   */
  Future<List<Response>> batch(List<Request> requests);

  /**
   * Runs a script with {@code EVALSHA}, sending its source once after a {@code NOSCRIPT} reply.
   *
   * @param script the script
   * @param keys the keys it touches (on a cluster they must share a hash slot)
   * @param args its arguments
   * @return the script's reply
   */
  Future<Response> eval(Script script, List<String> keys, List<String> args);

  /**
   * Runs work that needs a connection of its own (blocking commands, MULTI/EXEC, SCAN of one
   * node...) on a pooled connection, released when the returned future completes. The circuit
   * breaker applies, and the work as a whole must finish within the command timeout.
   *
   * @param work what to do with the connection
   * @param <T> the result type
   * @return the work's result
   */
  <T> Future<T> withConnection(Function<RedisConnection, Future<T>> work);

  /**
   * Lists the endpoints of the master nodes: every master of a cluster, or the single node
   * otherwise. Used to walk keys node by node (SCAN is per node).
   *
   * @return the masters' {@code host:port} endpoints
   */
  Future<List<String>> masters();

  /**
   * Runs work on a short-lived connection to one node, with this gateway's credentials and TLS
   * settings, closed afterwards.
   *
   * @param hostPort a node from {@link #masters()}
   * @param work what to do with the connection
   * @param <T> the result type
   * @return the work's result
   */
  <T> Future<T> onNode(String hostPort, Function<RedisConnection, Future<T>> work);

  /**
   * Opens a tracking link: Redis reports every change of a key starting with one of the prefixes,
   * made by any client on any node, to the listener (see {@link TrackingLink}). The link has
   * connections of its own (one per master on a cluster), reconnects by itself, and closes with
   * the gateway. Its state shows in {@link #status()}.
   *
   * @param prefixes the key prefixes; none may be a prefix of another (Redis refuses overlaps)
   * @param listener told of changes and flushes, on the gateway's event loop
   * @return the link, starting
   * @throws dev.rediskit.error.InvalidRequestException when no prefix is given or two overlap
   */
  TrackingLink track(java.util.Collection<String> prefixes, TrackingLink.Listener listener);

  /** @return the topology in use */
  RedisClientType type();

  /**
   * @return the context whose event loop owns the gateway's pipelined connection: calls made on it
   * go out without a hop, and components that keep per-gateway state (a limiter's admission queue)
   * run there so that they need no locks
   */
  io.vertx.core.Context context();

  /** @return the settings in use (a copy must not be changed) */
  GatewayOptions<?> options();

  /** @return a snapshot of breaker, connection and queue state */
  GatewayStatus status();

  /**
   * How many replies Redis has sent this gateway's commands since it was created, error replies
   * included; a command failed by a timeout or a lost connection is not one. A count that moves
   * while Redis answers, whatever the commands: a component with a deadline shorter than
   * {@code commandTimeoutMs} (the rate limiter's {@code timeoutMs}) reads it to tell a late reply
   * behind others that Redis keeps answering (the module's own back-pressure) from a Redis that
   * stopped answering.
   *
   * @return the count; exact when read on {@link #context()}, possibly behind elsewhere
   */
  long replies();

  /**
   * @return the board where the components using this gateway report a standing permission refusal (an ACL user
   * that lacks a command or key pattern they need), read by the health check
   */
  PermissionRefusals refusals();

  /**
   * Sets the observer told about every command outcome (metrics). One observer per gateway;
   * {@code null} removes it. It is called on the gateway's event loop and must be cheap.
   *
   * @param observer the observer
   * @return this
   */
  RedisGateway observer(CommandObserver observer);

  /**
   * Closes the connections; pending commands fail with reason CLOSED.
   *
   * @return completion
   */
  Future<Void> close();
}
