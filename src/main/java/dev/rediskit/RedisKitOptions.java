package dev.rediskit;

import dev.rediskit.cache.CacheOptions;
import dev.rediskit.ratelimit.RateLimitOptions;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisRole;

import java.util.ArrayList;
import java.util.List;

/**
 * Every setting of the module, as one Vert.x data object. Built from JSON configuration, system
 * properties and environment variables by {@link RedisKitConfig}, validated once with
 * {@link #validate()}, then handed down to the gateway, the cache and the limiter.
 */
public class RedisKitOptions {

  /** Default endpoint: a standalone Redis on the local machine. */
  public static final String DEFAULT_ENDPOINT = "redis://localhost:6379";
  /** Default topology: {@link RedisClientType#STANDALONE}. */
  public static final RedisClientType DEFAULT_TYPE = RedisClientType.STANDALONE;
  /** Default sentinel master name, as in Redis' sample sentinel.conf. */
  public static final String DEFAULT_MASTER_NAME = "mymaster";
  /** Default role of the node a sentinel client connects to. */
  public static final RedisRole DEFAULT_ROLE = RedisRole.MASTER;
  /** Default size of the connection pool kept for commands that need a connection of their own (connections). */
  public static final int DEFAULT_POOL_SIZE = 6;
  /** Default number of callers that may wait for a pooled connection before failing fast. */
  public static final int DEFAULT_MAX_POOL_WAITING = 64;
  /** Default connect timeout, in milliseconds. */
  public static final long DEFAULT_CONNECT_TIMEOUT_MS = 2_000;
  /** Default per-command timeout, in milliseconds: a command not answered by then fails with {@link RedisTimeoutException}. */
  public static final long DEFAULT_COMMAND_TIMEOUT_MS = 1_000;
  /** Default maximum of commands queued or in flight per gateway before new ones fail fast (commands). */
  public static final int DEFAULT_MAX_PENDING_COMMANDS = 4_096;
  /** Default longest delay between two reconnection attempts, in milliseconds (back-off doubles up to it). */
  public static final long DEFAULT_RECONNECT_MAX_DELAY_MS = 2_000;
  /** Default number of consecutive failures that open the circuit breaker. */
  public static final int DEFAULT_BREAKER_MAX_FAILURES = 5;
  /** Default time the breaker stays open before it lets a trial call through, in milliseconds. */
  public static final long DEFAULT_BREAKER_RESET_TIMEOUT_MS = 5_000;
  /** Default prefix of every key the module writes. */
  public static final String DEFAULT_KEY_PREFIX = "rediskit";
  /** Default prefix of the event-bus addresses (empty: addresses are {@code cache.get} etc.). */
  public static final String DEFAULT_ADDRESS_PREFIX = "";
  /** Default TLS hostname verification: on. */
  public static final boolean DEFAULT_TLS_HOSTNAME_VERIFICATION = true;

  private List<String> endpoints = new ArrayList<>(List.of(DEFAULT_ENDPOINT));
  private RedisClientType type = DEFAULT_TYPE;
  private String masterName = DEFAULT_MASTER_NAME;
  private RedisRole role = DEFAULT_ROLE;
  private String user;
  private String password;
  private Integer database;
  private int poolSize = DEFAULT_POOL_SIZE;
  private int maxPoolWaiting = DEFAULT_MAX_POOL_WAITING;
  private long connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS;
  private long commandTimeoutMs = DEFAULT_COMMAND_TIMEOUT_MS;
  private int maxPendingCommands = DEFAULT_MAX_PENDING_COMMANDS;
  private long reconnectMaxDelayMs = DEFAULT_RECONNECT_MAX_DELAY_MS;
  private int breakerMaxFailures = DEFAULT_BREAKER_MAX_FAILURES;
  private long breakerResetTimeoutMs = DEFAULT_BREAKER_RESET_TIMEOUT_MS;
  private String tlsCaPath;
  private boolean tlsHostnameVerification = DEFAULT_TLS_HOSTNAME_VERIFICATION;
  private String keyPrefix = DEFAULT_KEY_PREFIX;
  private String addressPrefix = DEFAULT_ADDRESS_PREFIX;
  private CacheOptions cache = new CacheOptions();
  private RateLimitOptions rateLimit = new RateLimitOptions();

  /** Options with every default. */
  public RedisKitOptions() {
  }

  /**
   * Copy constructor.
   *
   * @param other the options to copy
   */
  public RedisKitOptions(RedisKitOptions other) {
    this.endpoints = new ArrayList<>(other.endpoints);
    this.type = other.type;
    this.masterName = other.masterName;
    this.role = other.role;
    this.user = other.user;
    this.password = other.password;
    this.database = other.database;
    this.poolSize = other.poolSize;
    this.maxPoolWaiting = other.maxPoolWaiting;
    this.connectTimeoutMs = other.connectTimeoutMs;
    this.commandTimeoutMs = other.commandTimeoutMs;
    this.maxPendingCommands = other.maxPendingCommands;
    this.reconnectMaxDelayMs = other.reconnectMaxDelayMs;
    this.breakerMaxFailures = other.breakerMaxFailures;
    this.breakerResetTimeoutMs = other.breakerResetTimeoutMs;
    this.tlsCaPath = other.tlsCaPath;
    this.tlsHostnameVerification = other.tlsHostnameVerification;
    this.keyPrefix = other.keyPrefix;
    this.addressPrefix = other.addressPrefix;
    this.cache = new CacheOptions(other.cache);
    this.rateLimit = new RateLimitOptions(other.rateLimit);
  }

  /** @return the Redis endpoints: one for standalone, seeds for a cluster, sentinels for sentinel */
  public List<String> getEndpoints() {
    return endpoints;
  }

  /**
   * @param endpoints {@code redis://[user:password@]host:port[/db]} or {@code rediss://...} for TLS
   * @return this
   */
  public RedisKitOptions setEndpoints(List<String> endpoints) {
    this.endpoints = new ArrayList<>(endpoints);
    return this;
  }

  /**
   * Sets a single endpoint.
   *
   * @param endpoint the connection string
   * @return this
   */
  public RedisKitOptions setEndpoint(String endpoint) {
    this.endpoints = new ArrayList<>(List.of(endpoint));
    return this;
  }

  /** @return the topology */
  public RedisClientType getType() {
    return type;
  }

  /** @param type the topology: STANDALONE, SENTINEL, CLUSTER or REPLICATION @return this */
  public RedisKitOptions setType(RedisClientType type) {
    this.type = type;
    return this;
  }

  /** @return the sentinel master name */
  public String getMasterName() {
    return masterName;
  }

  /** @param masterName the master name the sentinels monitor @return this */
  public RedisKitOptions setMasterName(String masterName) {
    this.masterName = masterName;
    return this;
  }

  /** @return the role of the node a sentinel client talks to */
  public RedisRole getRole() {
    return role;
  }

  /** @param role MASTER (default) or REPLICA @return this */
  public RedisKitOptions setRole(RedisRole role) {
    this.role = role;
    return this;
  }

  /** @return the ACL user, or {@code null} to use the one in the endpoint (or none) */
  public String getUser() {
    return user;
  }

  /** @param user the ACL user; overrides the one in the endpoint @return this */
  public RedisKitOptions setUser(String user) {
    this.user = user;
    return this;
  }

  /** @return the password; never print it */
  public String getPassword() {
    return password;
  }

  /** @param password the password; overrides the one in the endpoint @return this */
  public RedisKitOptions setPassword(String password) {
    this.password = password;
    return this;
  }

  /** @return the database index, or {@code null} for the one in the endpoint (default 0) */
  public Integer getDatabase() {
    return database;
  }

  /** @param database the database index (standalone and sentinel only) @return this */
  public RedisKitOptions setDatabase(Integer database) {
    this.database = database;
    return this;
  }

  /** @return the pool size (connections) */
  public int getPoolSize() {
    return poolSize;
  }

  /** @param poolSize connections kept for commands needing their own connection @return this */
  public RedisKitOptions setPoolSize(int poolSize) {
    this.poolSize = poolSize;
    return this;
  }

  /** @return how many callers may wait for a pooled connection */
  public int getMaxPoolWaiting() {
    return maxPoolWaiting;
  }

  /** @param maxPoolWaiting callers that may wait for a pooled connection @return this */
  public RedisKitOptions setMaxPoolWaiting(int maxPoolWaiting) {
    this.maxPoolWaiting = maxPoolWaiting;
    return this;
  }

  /** @return the connect timeout in milliseconds */
  public long getConnectTimeoutMs() {
    return connectTimeoutMs;
  }

  /** @param connectTimeoutMs the connect timeout in milliseconds @return this */
  public RedisKitOptions setConnectTimeoutMs(long connectTimeoutMs) {
    this.connectTimeoutMs = connectTimeoutMs;
    return this;
  }

  /** @return the per-command timeout in milliseconds */
  public long getCommandTimeoutMs() {
    return commandTimeoutMs;
  }

  /** @param commandTimeoutMs the per-command timeout in milliseconds @return this */
  public RedisKitOptions setCommandTimeoutMs(long commandTimeoutMs) {
    this.commandTimeoutMs = commandTimeoutMs;
    return this;
  }

  /** @return the maximum of commands queued or in flight per gateway */
  public int getMaxPendingCommands() {
    return maxPendingCommands;
  }

  /** @param maxPendingCommands commands queued or in flight before new ones fail fast @return this */
  public RedisKitOptions setMaxPendingCommands(int maxPendingCommands) {
    this.maxPendingCommands = maxPendingCommands;
    return this;
  }

  /** @return the longest delay between reconnection attempts, in milliseconds */
  public long getReconnectMaxDelayMs() {
    return reconnectMaxDelayMs;
  }

  /** @param reconnectMaxDelayMs the longest delay between reconnection attempts, in milliseconds @return this */
  public RedisKitOptions setReconnectMaxDelayMs(long reconnectMaxDelayMs) {
    this.reconnectMaxDelayMs = reconnectMaxDelayMs;
    return this;
  }

  /** @return consecutive failures that open the breaker */
  public int getBreakerMaxFailures() {
    return breakerMaxFailures;
  }

  /** @param breakerMaxFailures consecutive failures that open the breaker @return this */
  public RedisKitOptions setBreakerMaxFailures(int breakerMaxFailures) {
    this.breakerMaxFailures = breakerMaxFailures;
    return this;
  }

  /** @return how long the breaker stays open before a trial call, in milliseconds */
  public long getBreakerResetTimeoutMs() {
    return breakerResetTimeoutMs;
  }

  /** @param breakerResetTimeoutMs how long the breaker stays open before a trial call, in milliseconds @return this */
  public RedisKitOptions setBreakerResetTimeoutMs(long breakerResetTimeoutMs) {
    this.breakerResetTimeoutMs = breakerResetTimeoutMs;
    return this;
  }

  /** @return path of a PEM file with the CA certificates trusted for {@code rediss://}, or {@code null} for the JVM's */
  public String getTlsCaPath() {
    return tlsCaPath;
  }

  /** @param tlsCaPath PEM file with trusted CA certificates @return this */
  public RedisKitOptions setTlsCaPath(String tlsCaPath) {
    this.tlsCaPath = tlsCaPath;
    return this;
  }

  /** @return whether the server's certificate must match its host name */
  public boolean isTlsHostnameVerification() {
    return tlsHostnameVerification;
  }

  /** @param tlsHostnameVerification whether the certificate must match the host name @return this */
  public RedisKitOptions setTlsHostnameVerification(boolean tlsHostnameVerification) {
    this.tlsHostnameVerification = tlsHostnameVerification;
    return this;
  }

  /** @return the prefix of every key the module writes */
  public String getKeyPrefix() {
    return keyPrefix;
  }

  /** @param keyPrefix the prefix of every key the module writes @return this */
  public RedisKitOptions setKeyPrefix(String keyPrefix) {
    this.keyPrefix = keyPrefix;
    return this;
  }

  /** @return the event-bus address prefix */
  public String getAddressPrefix() {
    return addressPrefix;
  }

  /** @param addressPrefix prepended to every event-bus address @return this */
  public RedisKitOptions setAddressPrefix(String addressPrefix) {
    this.addressPrefix = addressPrefix;
    return this;
  }

  /** @return the cache settings */
  public CacheOptions getCache() {
    return cache;
  }

  /** @param cache the cache settings @return this */
  public RedisKitOptions setCache(CacheOptions cache) {
    this.cache = cache;
    return this;
  }

  /** @return the rate-limit settings */
  public RateLimitOptions getRateLimit() {
    return rateLimit;
  }

  /** @param rateLimit the rate-limit settings @return this */
  public RedisKitOptions setRateLimit(RateLimitOptions rateLimit) {
    this.rateLimit = rateLimit;
    return this;
  }

  /**
   * Checks every setting and reports all problems at once.
   *
   * @return this
   * @throws ConfigurationException naming each invalid key, its value and what is allowed
   */
  public RedisKitOptions validate() {
    java.util.List<String> problems = new ArrayList<>();
    if (endpoints == null || endpoints.isEmpty()) {
      problems.add("endpoints: must list at least one redis:// or rediss:// URL");
    }
    if (commandTimeoutMs <= 0) {
      problems.add("commandTimeoutMs: must be > 0 (milliseconds), was " + commandTimeoutMs);
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
    return this;
  }

  /**
   * Hides the password of a connection URL, for printing.
   *
   * @param url a connection URL, possibly with {@code user:password@}
   * @return the URL with the password replaced by {@code ***}
   */
  public static String redact(String url) {
    if (url == null) {
      return null;
    }
    return url.replaceAll("(://[^:/@,]*:)[^@/,]*@", "$1***@");
  }
}
