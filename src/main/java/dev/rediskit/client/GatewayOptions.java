package dev.rediskit.client;

import dev.rediskit.config.Redaction;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisRole;

import java.util.List;

/**
 * What the gateway needs to know, and nothing of caching or limiting: the endpoints and topology,
 * credentials and TLS, the pool, timeouts, back-off and breaker, and the prefix of every key the
 * module writes (handed to the components that build keys). The defaults and bounds are the
 * constants below, in the units their names say.
 *
 * <p>{@link dev.rediskit.RedisKitOptions} is the data object that holds these settings (JSON
 * constructor, {@code toJson()}, validating fluent setters) together with the components' sections;
 * the gateway sees it only through this interface, so the client layer knows no component.
 */
public interface GatewayOptions {

  /** Default endpoint: a standalone Redis on the local machine. */
  String DEFAULT_ENDPOINT = "redis://localhost:6379";
  /** Default topology: {@link RedisClientType#STANDALONE}. */
  RedisClientType DEFAULT_TYPE = RedisClientType.STANDALONE;
  /** Default sentinel master name, as in Redis' sample sentinel.conf. */
  String DEFAULT_MASTER_NAME = "mymaster";
  /** Default role of the node a sentinel client connects to. */
  RedisRole DEFAULT_ROLE = RedisRole.MASTER;
  /** Default size of the connection pool kept for commands that need a connection of their own (connections). */
  int DEFAULT_POOL_SIZE = 6;
  /** Default number of callers that may wait for a pooled connection before failing fast. */
  int DEFAULT_MAX_POOL_WAITING = 64;
  /** Default connect timeout, in milliseconds. */
  long DEFAULT_CONNECT_TIMEOUT_MS = 2_000;
  /** Default per-command timeout, in milliseconds: a command not answered by then fails with {@link dev.rediskit.error.RedisTimeoutException}. */
  long DEFAULT_COMMAND_TIMEOUT_MS = 1_000;
  /** Default maximum of commands queued or in flight per gateway before new ones fail fast (commands). */
  int DEFAULT_MAX_PENDING_COMMANDS = 4_096;
  /** Default longest delay between two reconnection attempts, in milliseconds (back-off doubles up to it). */
  long DEFAULT_RECONNECT_MAX_DELAY_MS = 2_000;
  /** Default number of consecutive failures that open the circuit breaker. */
  int DEFAULT_BREAKER_MAX_FAILURES = 5;
  /** Default time the breaker stays open before it lets a trial call through, in milliseconds. */
  long DEFAULT_BREAKER_RESET_TIMEOUT_MS = 5_000;
  /** Default prefix of every key the module writes. */
  String DEFAULT_KEY_PREFIX = "rediskit";
  /** Default TLS hostname verification: on. */
  boolean DEFAULT_TLS_HOSTNAME_VERIFICATION = true;

  /** Upper bound of {@code connectTimeoutMs}, in milliseconds (1 minute). */
  long MAX_CONNECT_TIMEOUT_MS = 60_000;
  /** Upper bound of {@code commandTimeoutMs}, in milliseconds (1 minute). */
  long MAX_COMMAND_TIMEOUT_MS = 60_000;
  /** Upper bound of {@code reconnectMaxDelayMs}, in milliseconds (5 minutes). */
  long MAX_RECONNECT_MAX_DELAY_MS = 300_000;
  /** Upper bound of {@code breakerResetTimeoutMs}, in milliseconds (1 hour). */
  long MAX_BREAKER_RESET_TIMEOUT_MS = 3_600_000;
  /** Upper bound of {@code maxPendingCommands}, in commands. */
  int MAX_PENDING_COMMANDS_LIMIT = 1_000_000;

  /** What is shown instead of a secret. */
  String REDACTED = Redaction.REDACTED;

  /** @return the Redis endpoints: one for standalone, seeds for a cluster, sentinels for sentinel */
  List<String> getEndpoints();

  /** @return whether the endpoints were configured at all, rather than left at {@link #DEFAULT_ENDPOINT} */
  boolean isEndpointsConfigured();

  /** @return where the endpoints came from ({@code env REDIS_URL}, {@code deployment config}, {@code default}...), never a secret */
  String endpointsSource();

  /** @return the topology */
  RedisClientType getType();

  /** @return the name of the master the sentinels monitor */
  String getMasterName();

  /** @return the role of the node a sentinel client talks to */
  RedisRole getRole();

  /** @return the ACL user, or {@code null} */
  String getUser();

  /** @return the password, or {@code null}; never print it */
  String getPassword();

  /** @return the database index, or {@code null} for the endpoint's */
  Integer getDatabase();

  /** @return pooled connections for dedicated work */
  int getPoolSize();

  /** @return callers that may wait for a pooled connection */
  int getMaxPoolWaiting();

  /** @return the connect timeout, in milliseconds */
  long getConnectTimeoutMs();

  /** @return the per-command timeout, in milliseconds */
  long getCommandTimeoutMs();

  /** @return commands queued or in flight per gateway before new ones fail fast */
  int getMaxPendingCommands();

  /** @return the longest delay between reconnection attempts, in milliseconds */
  long getReconnectMaxDelayMs();

  /** @return consecutive failures that open the breaker */
  int getBreakerMaxFailures();

  /** @return how long the open breaker fails fast, in milliseconds */
  long getBreakerResetTimeoutMs();

  /** @return the PEM file of trusted CA certificates, or {@code null} for the JVM's trust store */
  String getTlsCaPath();

  /** @return whether a TLS server's certificate must match its host name */
  boolean isTlsHostnameVerification();

  /** @return the prefix of every key the module writes */
  String getKeyPrefix();

  /**
   * The settings of a component that these options carry besides the gateway's own, so that a
   * component created from a gateway alone ({@code RedisCache.create(vertx, gateway)}) takes the
   * section configured with it. The gateway never reads them; it does not know their types.
   *
   * @param type the section's type, e.g. {@code CacheOptions.class}
   * @param <T> the section's type
   * @return the section, or {@code null} when these options carry none of that type
   */
  default <T> T section(Class<T> type) {
    return null;
  }

  /**
   * @return a validated copy that later changes to this object do not reach: what a gateway keeps
   * @throws dev.rediskit.config.ConfigurationException naming every invalid setting
   */
  GatewayOptions validatedCopy();
}
