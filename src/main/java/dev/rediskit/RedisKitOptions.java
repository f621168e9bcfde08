package dev.rediskit;

import dev.rediskit.cache.CacheOptions;
import dev.rediskit.client.GatewayOptions;
import dev.rediskit.config.ConfigKey;
import dev.rediskit.config.ConfigurationException;
import dev.rediskit.error.RedisTimeoutException;
import dev.rediskit.health.HealthOptions;
import dev.rediskit.config.JsonOptionsReader;
import dev.rediskit.config.OptionChecks;
import dev.rediskit.config.Redaction;
import dev.rediskit.metrics.MetricsOptions;
import dev.rediskit.ratelimit.RateLimitOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisRole;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every setting of the module, as one Vert.x data object. Built from JSON configuration, system
 * properties and environment variables by {@link RedisKitConfig}, validated once with
 * {@link #validate()}, then handed down to the gateway, the cache and the limiter.
 *
 * <p>JSON keys are the property names ({@link #KEYS} lists them all, with types, defaults and
 * units); durations are milliseconds, in keys ending in {@code Ms}. Fluent setters reject at once a
 * value that no configuration could make valid (a negative timeout, say), with an
 * {@link IllegalArgumentException} naming the key and the value. The JSON constructor never throws:
 * it keeps wrong types and unknown keys as problems, so that {@link #validate()} reports them
 * together with every rule violation.
 *
 * <p>{@link #toJson()} holds the password (it is the form read back by the JSON constructor);
 * print {@link #toDisplayJson()} or {@link #toString()} instead, which hide it, also inside endpoint
 * URLs.
 */
public class RedisKitOptions implements GatewayOptions {

  /** Default prefix of the event-bus addresses (empty: addresses are {@code cache.get} etc.). */
  public static final String DEFAULT_ADDRESS_PREFIX = "";

  /**
   * Every configuration key, top-level ones first, then {@link CacheOptions#KEYS},
   * {@link RateLimitOptions#KEYS}, {@link HealthOptions#KEYS} and {@link MetricsOptions#KEYS}: the single table from which {@link RedisKitConfig} maps
   * environment variables and system properties, and from which {@code docs/CONFIGURATION.md} is
   * generated.
   */
  public static final List<ConfigKey> KEYS = Stream.of(List.of(
      ConfigKey.of("endpoints", ConfigKey.Type.STRING_LIST, List.of(DEFAULT_ENDPOINT), "URIs",
        "Redis endpoints, redis://[user:password@]host[:port][/db], rediss:// for TLS or unix:///path: the server for "
          + "STANDALONE, seed nodes for CLUSTER, sentinels for SENTINEL, master and replicas for REPLICATION."),
      ConfigKey.ofEnum("type", RedisClientType.class, DEFAULT_TYPE, "Topology."),
      ConfigKey.of("masterName", ConfigKey.Type.STRING, DEFAULT_MASTER_NAME, "",
        "Name of the master the sentinels monitor; required for SENTINEL."),
      ConfigKey.ofEnum("role", RedisRole.class, DEFAULT_ROLE, "Role of the node a SENTINEL client talks to."),
      ConfigKey.of("user", ConfigKey.Type.STRING, null, "",
        "ACL user; overrides the one in the endpoints. Empty means none."),
      ConfigKey.secret("password", "Password; overrides the one in the endpoints. Never printed. Empty means none."),
      ConfigKey.of("database", ConfigKey.Type.INT, null, "",
        "Database index, >= 0 (0 to 15 on a default Redis); not with CLUSTER. Unset: the one in the endpoint, else 0."),
      ConfigKey.of("poolSize", ConfigKey.Type.INT, DEFAULT_POOL_SIZE, "connections",
        "Pooled connections kept for work needing a connection of its own (blocking commands, MULTI/EXEC); >= 1."),
      ConfigKey.of("maxPoolWaiting", ConfigKey.Type.INT, DEFAULT_MAX_POOL_WAITING, "callers",
        "Callers that may wait for a pooled connection before failing fast; >= 0."),
      ConfigKey.of("connectTimeoutMs", ConfigKey.Type.LONG, DEFAULT_CONNECT_TIMEOUT_MS, "ms",
        "Connect timeout; 1 to " + MAX_CONNECT_TIMEOUT_MS + "."),
      ConfigKey.of("commandTimeoutMs", ConfigKey.Type.LONG, DEFAULT_COMMAND_TIMEOUT_MS, "ms",
        "Every command completes or fails within this time; 1 to " + MAX_COMMAND_TIMEOUT_MS + "."),
      ConfigKey.of("maxPendingCommands", ConfigKey.Type.INT, DEFAULT_MAX_PENDING_COMMANDS, "commands",
        "Commands queued or in flight per gateway before new ones fail fast; 1 to " + MAX_PENDING_COMMANDS_LIMIT + "."),
      ConfigKey.of("reconnectMaxDelayMs", ConfigKey.Type.LONG, DEFAULT_RECONNECT_MAX_DELAY_MS, "ms",
        "Longest delay between reconnection attempts (the back-off doubles up to it); 1 to " + MAX_RECONNECT_MAX_DELAY_MS + "."),
      ConfigKey.of("breakerMaxFailures", ConfigKey.Type.INT, DEFAULT_BREAKER_MAX_FAILURES, "failures",
        "Consecutive failures that open the circuit breaker; >= 1."),
      ConfigKey.of("breakerResetTimeoutMs", ConfigKey.Type.LONG, DEFAULT_BREAKER_RESET_TIMEOUT_MS, "ms",
        "How long the open breaker fails fast before it lets a trial call through; 1 to " + MAX_BREAKER_RESET_TIMEOUT_MS + "."),
      ConfigKey.of("tlsCaPath", ConfigKey.Type.STRING, null, "",
        "PEM file of the CA certificates trusted for rediss://; must exist and be readable. Unset: the JVM's trust store."),
      ConfigKey.of("tlsHostnameVerification", ConfigKey.Type.BOOLEAN, DEFAULT_TLS_HOSTNAME_VERIFICATION, "",
        "Whether a TLS server's certificate must match its host name."),
      ConfigKey.of("keyPrefix", ConfigKey.Type.STRING, DEFAULT_KEY_PREFIX, "",
        "Prefix of every key the module writes; not empty, no whitespace, no { } (hash tags), no * ? [ ] \\ (glob)."),
      ConfigKey.of("addressPrefix", ConfigKey.Type.STRING, DEFAULT_ADDRESS_PREFIX, "",
        "Prefix of the event-bus addresses (cache.get becomes <prefix>cache.get); no whitespace.")),
      CacheOptions.KEYS, RateLimitOptions.KEYS, HealthOptions.KEYS, MetricsOptions.KEYS)
    .flatMap(List::stream)
    .toList();

  private static final Pattern DATABASE_PATH = Pattern.compile("/\\d{1,9}");
  /** Characters a URI never holds unencoded (RFC 3986 has no place for them). */
  private static final String URI_EXCLUDED_CHARS = "\"<>\\^`{|}";

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
  private HealthOptions health = new HealthOptions();
  private MetricsOptions metrics = new MetricsOptions();

  // Problems met while reading the input (wrong types, unknown keys, unknown variables), by key,
  // kept for validate(); a setter that sets the key again clears its entry.
  private final Map<String, String> inputProblems = new LinkedHashMap<>();
  // Where RedisKitConfig read each key from, so that a problem can say which variable to fix.
  private final Map<String, Origin> origins = new HashMap<>();
  private boolean endpointsConfigured;
  // Where the endpoints came from, for the start-up log line; null while they are the default.
  private String endpointsSource;

  /** The source of a key's value, and the value it produced (the label is dropped once the value is changed). */
  private record Origin(String source, Object value) {
  }

  /** Options with every default. */
  public RedisKitOptions() {
  }

  /**
   * Copy constructor: the copy shares nothing mutable with the original, and keeps its pending
   * input problems.
   *
   * @param other the options to copy
   */
  public RedisKitOptions(RedisKitOptions other) {
    this.endpoints = other.endpoints == null ? null : new ArrayList<>(other.endpoints);
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
    this.health = new HealthOptions(other.health);
    this.metrics = new MetricsOptions(other.metrics);
    this.inputProblems.putAll(other.inputProblems);
    this.origins.putAll(other.origins);
    this.endpointsConfigured = other.endpointsConfigured;
    this.endpointsSource = other.endpointsSource;
  }

  /**
   * Reads the options from JSON, keys as in {@link #toJson()}. Missing keys and JSON {@code null}
   * keep their defaults. Numbers and booleans may also be given as strings, enum names in any
   * case, {@code endpoints} as one string with comma-separated URIs; an empty string for
   * {@code user}, {@code password}, {@code database} or {@code tlsCaPath} means "not set".
   *
   * <p>Never throws: a value of the wrong type and an unknown key are kept as problems that
   * {@link #validate()} reports (the option concerned keeps its default), so that a
   * configuration file with several mistakes is reported in one go.
   *
   * @param json the configuration
   */
  public RedisKitOptions(JsonObject json) {
    this(json, Map.of(), List.of());
  }

  /**
   * Reads JSON assembled by {@link RedisKitConfig} from several sources.
   *
   * @param json the merged configuration
   * @param sources for keys read from the environment or system properties, a description of
   * where (e.g. {@code env REDISKIT_POOL_SIZE}), used to label problems
   * @param sourceProblems problems found while assembling (unknown variables), reported by validate()
   */
  RedisKitOptions(JsonObject json, Map<String, String> sources, List<String> sourceProblems) {
    JsonOptionsReader in = new JsonOptionsReader(json, "", inputProblems);
    List<String> list = in.readStringList("endpoints");
    endpointsConfigured = json.containsKey("endpoints");
    if (endpointsConfigured) {
      String source = sources.get("endpoints");
      endpointsSource = source != null ? source : "configuration JSON";
    }
    if (list != null) {
      endpoints = new ArrayList<>(list);
    }
    RedisClientType t = in.readEnum("type", RedisClientType.class);
    if (t != null) {
      type = t;
    }
    String s = in.readString("masterName");
    if (s != null) {
      masterName = s;
    }
    RedisRole r = in.readEnum("role", RedisRole.class);
    if (r != null) {
      role = r;
    }
    s = in.readString("user");
    if (s != null) {
      user = s.isEmpty() ? null : s;
    }
    s = in.readSecret("password");
    if (s != null) {
      password = s.isEmpty() ? null : s;
    }
    Integer i = in.readOptionalInt("database");
    if (i != null) {
      database = i;
    }
    i = in.readInt("poolSize");
    if (i != null) {
      poolSize = i;
    }
    i = in.readInt("maxPoolWaiting");
    if (i != null) {
      maxPoolWaiting = i;
    }
    Long l = in.readLong("connectTimeoutMs");
    if (l != null) {
      connectTimeoutMs = l;
    }
    l = in.readLong("commandTimeoutMs");
    if (l != null) {
      commandTimeoutMs = l;
    }
    i = in.readInt("maxPendingCommands");
    if (i != null) {
      maxPendingCommands = i;
    }
    l = in.readLong("reconnectMaxDelayMs");
    if (l != null) {
      reconnectMaxDelayMs = l;
    }
    i = in.readInt("breakerMaxFailures");
    if (i != null) {
      breakerMaxFailures = i;
    }
    l = in.readLong("breakerResetTimeoutMs");
    if (l != null) {
      breakerResetTimeoutMs = l;
    }
    s = in.readString("tlsCaPath");
    if (s != null) {
      tlsCaPath = s.isEmpty() ? null : s;
    }
    Boolean b = in.readBoolean("tlsHostnameVerification");
    if (b != null) {
      tlsHostnameVerification = b;
    }
    s = in.readString("keyPrefix");
    if (s != null) {
      keyPrefix = s;
    }
    s = in.readString("addressPrefix");
    if (s != null) {
      addressPrefix = s;
    }
    JsonObject section = in.readObject("cache");
    if (section != null) {
      cache = new CacheOptions(section);
    }
    section = in.readObject("rateLimit");
    if (section != null) {
      rateLimit = new RateLimitOptions(section);
    }
    section = in.readObject("health");
    if (section != null) {
      health = new HealthOptions(section);
    }
    section = in.readObject("metrics");
    if (section != null) {
      metrics = new MetricsOptions(section);
    }
    // Nested keys written at the top level ("ttlMs", "cache.ttlMs") get a suggestion too.
    in.reportUnknownKeys(KEYS.stream().map(ConfigKey::name).filter(n -> n.contains(".")).toList());
    for (String p : sourceProblems) {
      inputProblems.put(p, p);
    }
    if (!sources.isEmpty()) {
      JsonObject loaded = toJson();
      sources.forEach((key, source) -> origins.put(key, new Origin(source, valueAt(loaded, key))));
    }
  }

  /**
   * The round-trippable form, read back by {@link #RedisKitOptions(JsonObject)}. It holds the
   * password: never log it, use {@link #toDisplayJson()}. Unset optional values are left out.
   *
   * @return the options as JSON
   */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    json.put("endpoints", endpoints == null ? null : new JsonArray(new ArrayList<>(endpoints)));
    json.put("type", type == null ? null : type.name());
    putIfSet(json, "masterName", masterName);
    json.put("role", role == null ? null : role.name());
    putIfSet(json, "user", user);
    putIfSet(json, "password", password);
    putIfSet(json, "database", database);
    json.put("poolSize", poolSize);
    json.put("maxPoolWaiting", maxPoolWaiting);
    json.put("connectTimeoutMs", connectTimeoutMs);
    json.put("commandTimeoutMs", commandTimeoutMs);
    json.put("maxPendingCommands", maxPendingCommands);
    json.put("reconnectMaxDelayMs", reconnectMaxDelayMs);
    json.put("breakerMaxFailures", breakerMaxFailures);
    json.put("breakerResetTimeoutMs", breakerResetTimeoutMs);
    putIfSet(json, "tlsCaPath", tlsCaPath);
    json.put("tlsHostnameVerification", tlsHostnameVerification);
    json.put("keyPrefix", keyPrefix);
    json.put("addressPrefix", addressPrefix);
    json.put("cache", cache.toJson());
    json.put("rateLimit", rateLimit.toJson());
    json.put("health", health.toJson());
    json.put("metrics", metrics.toJson());
    return json;
  }

  private static void putIfSet(JsonObject json, String key, Object value) {
    if (value != null) {
      json.put(key, value);
    }
  }

  /**
   * The form to print or log: {@link #toJson()} with the password replaced by {@value #REDACTED}
   * and passwords inside endpoint URLs hidden too.
   *
   * @return the options as JSON, without secrets
   */
  public JsonObject toDisplayJson() {
    JsonObject json = toJson();
    if (password != null) {
      json.put("password", REDACTED);
    }
    if (endpoints != null) {
      json.put("endpoints", new JsonArray(endpoints.stream().map(RedisKitOptions::redact).toList()));
    }
    return json;
  }

  /** @return {@link #toDisplayJson()} as a string: safe to log */
  @Override
  public String toString() {
    return "RedisKitOptions" + toDisplayJson().encode();
  }

  /**
   * Hides the password in a connection URL, or in several joined with commas, for printing:
   * {@link Redaction#redact(String)}.
   *
   * @param url a connection URL
   * @return the URL with the password replaced by {@value #REDACTED}; {@code null} for {@code null}
   */
  public static String redact(String url) {
    return Redaction.redact(url);
  }

  /** @return the Redis endpoints: one for standalone, seeds for a cluster, sentinels for sentinel (the list itself, not a copy) */
  public List<String> getEndpoints() {
    return endpoints;
  }

  /**
   * @param endpoints {@code redis://[user:password@]host[:port][/db]}, {@code rediss://...} for TLS,
   * or {@code unix:///path/to/socket}; at least one (the list is copied)
   * @return this
   * @throws IllegalArgumentException when the list is null or empty, or an endpoint is not such a URI
   */
  public RedisKitOptions setEndpoints(List<String> endpoints) {
    OptionChecks.require(endpoints == null ? "endpoints: must not be null" : null);
    OptionChecks.require(endpoints.isEmpty() ? "endpoints: must list at least one redis://, rediss:// or unix:// URI" : null);
    for (int i = 0; i < endpoints.size(); i++) {
      // The type may still change, so the topology-dependent checks wait for validate().
      OptionChecks.require(endpointProblem("endpoints[" + i + "]", endpoints.get(i), null));
    }
    this.endpoints = new ArrayList<>(endpoints);
    this.endpointsConfigured = true;
    this.endpointsSource = "set in code";
    accepted("endpoints");
    return this;
  }

  /**
   * Sets a single endpoint.
   *
   * @param endpoint the connection string, as for {@link #setEndpoints(List)}
   * @return this
   * @throws IllegalArgumentException when it is not a redis://, rediss:// or unix:// URI
   */
  public RedisKitOptions setEndpoint(String endpoint) {
    return setEndpoints(Arrays.asList(endpoint));
  }

  /**
   * Whether the endpoints were set at all (by a setter, the JSON, the environment or a system
   * property), as opposed to left at {@link #DEFAULT_ENDPOINT}. Lets an application tell "use the
   * local default" from "nothing configured" (the example starts an embedded Redis then).
   *
   * @return {@code true} when the endpoints were configured
   */
  public boolean isEndpointsConfigured() {
    return endpointsConfigured;
  }

  /**
   * Where the endpoints came from, as the start-up log line names it: {@code env REDIS_URL},
   * {@code system property rediskit.endpoints}, {@code deployment config}, {@code config file
   * conf/rediskit.json}, {@code set in code}, or {@code default} when nothing configured them.
   *
   * @return a description of the endpoints' source; never a secret
   */
  public String endpointsSource() {
    return endpointsSource == null ? "default" : endpointsSource;
  }

  /** Names the source of endpoints read from JSON that {@link RedisKitConfig} got from a file or an entry point. */
  void endpointsSource(String label) {
    this.endpointsSource = label;
  }

  /** @return the topology */
  public RedisClientType getType() {
    return type;
  }

  /**
   * @param type the topology: STANDALONE, SENTINEL, CLUSTER or REPLICATION
   * @return this
   * @throws IllegalArgumentException when {@code null}
   */
  public RedisKitOptions setType(RedisClientType type) {
    OptionChecks.require(type == null ? typeProblem(null) : null);
    this.type = type;
    accepted("type");
    return this;
  }

  /** @return the sentinel master name */
  public String getMasterName() {
    return masterName;
  }

  /**
   * @param masterName the master name the sentinels monitor (required, checked by {@link #validate()}, for SENTINEL)
   * @return this
   */
  public RedisKitOptions setMasterName(String masterName) {
    this.masterName = masterName;
    accepted("masterName");
    return this;
  }

  /** @return the role of the node a sentinel client talks to */
  public RedisRole getRole() {
    return role;
  }

  /**
   * @param role MASTER (default), REPLICA or SENTINEL
   * @return this
   * @throws IllegalArgumentException when {@code null}
   */
  public RedisKitOptions setRole(RedisRole role) {
    OptionChecks.require(role == null ? roleProblem(null) : null);
    this.role = role;
    accepted("role");
    return this;
  }

  /** @return the ACL user, or {@code null} to use the one in the endpoint (or none) */
  public String getUser() {
    return user;
  }

  /**
   * @param user the ACL user; overrides the one in the endpoint; {@code null} for none
   * @return this
   */
  public RedisKitOptions setUser(String user) {
    this.user = user;
    accepted("user");
    return this;
  }

  /** @return the password; never print it */
  public String getPassword() {
    return password;
  }

  /**
   * @param password the password; overrides the one in the endpoint; {@code null} for none
   * @return this
   */
  public RedisKitOptions setPassword(String password) {
    this.password = password;
    accepted("password");
    return this;
  }

  /** @return the database index, or {@code null} for the one in the endpoint (default 0) */
  public Integer getDatabase() {
    return database;
  }

  /**
   * @param database the database index, {@code >= 0} (standalone, sentinel and replication only);
   * {@code null} for the one in the endpoint
   * @return this
   * @throws IllegalArgumentException when negative
   */
  public RedisKitOptions setDatabase(Integer database) {
    OptionChecks.require(database == null ? null : databaseProblem(database));
    this.database = database;
    accepted("database");
    return this;
  }

  /** @return the pool size (connections) */
  public int getPoolSize() {
    return poolSize;
  }

  /**
   * @param poolSize connections kept for commands needing their own connection, {@code >= 1}
   * @return this
   * @throws IllegalArgumentException when below 1
   */
  public RedisKitOptions setPoolSize(int poolSize) {
    OptionChecks.require(poolSizeProblem(poolSize));
    this.poolSize = poolSize;
    accepted("poolSize");
    return this;
  }

  /** @return how many callers may wait for a pooled connection */
  public int getMaxPoolWaiting() {
    return maxPoolWaiting;
  }

  /**
   * @param maxPoolWaiting callers that may wait for a pooled connection, {@code >= 0}
   * @return this
   * @throws IllegalArgumentException when negative
   */
  public RedisKitOptions setMaxPoolWaiting(int maxPoolWaiting) {
    OptionChecks.require(maxPoolWaitingProblem(maxPoolWaiting));
    this.maxPoolWaiting = maxPoolWaiting;
    accepted("maxPoolWaiting");
    return this;
  }

  /** @return the connect timeout in milliseconds */
  public long getConnectTimeoutMs() {
    return connectTimeoutMs;
  }

  /**
   * @param connectTimeoutMs the connect timeout in milliseconds, 1 to {@link #MAX_CONNECT_TIMEOUT_MS}
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public RedisKitOptions setConnectTimeoutMs(long connectTimeoutMs) {
    OptionChecks.require(connectTimeoutProblem(connectTimeoutMs));
    this.connectTimeoutMs = connectTimeoutMs;
    accepted("connectTimeoutMs");
    return this;
  }

  /** @return the per-command timeout in milliseconds */
  public long getCommandTimeoutMs() {
    return commandTimeoutMs;
  }

  /**
   * @param commandTimeoutMs the per-command timeout in milliseconds, 1 to {@link #MAX_COMMAND_TIMEOUT_MS}
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public RedisKitOptions setCommandTimeoutMs(long commandTimeoutMs) {
    OptionChecks.require(commandTimeoutProblem(commandTimeoutMs));
    this.commandTimeoutMs = commandTimeoutMs;
    accepted("commandTimeoutMs");
    return this;
  }

  /** @return the maximum of commands queued or in flight per gateway */
  public int getMaxPendingCommands() {
    return maxPendingCommands;
  }

  /**
   * @param maxPendingCommands commands queued or in flight before new ones fail fast, 1 to {@link #MAX_PENDING_COMMANDS_LIMIT}
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public RedisKitOptions setMaxPendingCommands(int maxPendingCommands) {
    OptionChecks.require(maxPendingCommandsProblem(maxPendingCommands));
    this.maxPendingCommands = maxPendingCommands;
    accepted("maxPendingCommands");
    return this;
  }

  /** @return the longest delay between reconnection attempts, in milliseconds */
  public long getReconnectMaxDelayMs() {
    return reconnectMaxDelayMs;
  }

  /**
   * @param reconnectMaxDelayMs the longest delay between reconnection attempts, in milliseconds, 1 to
   * {@link #MAX_RECONNECT_MAX_DELAY_MS}
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public RedisKitOptions setReconnectMaxDelayMs(long reconnectMaxDelayMs) {
    OptionChecks.require(reconnectMaxDelayProblem(reconnectMaxDelayMs));
    this.reconnectMaxDelayMs = reconnectMaxDelayMs;
    accepted("reconnectMaxDelayMs");
    return this;
  }

  /** @return consecutive failures that open the breaker */
  public int getBreakerMaxFailures() {
    return breakerMaxFailures;
  }

  /**
   * @param breakerMaxFailures consecutive failures that open the breaker, {@code >= 1}
   * @return this
   * @throws IllegalArgumentException when below 1
   */
  public RedisKitOptions setBreakerMaxFailures(int breakerMaxFailures) {
    OptionChecks.require(breakerMaxFailuresProblem(breakerMaxFailures));
    this.breakerMaxFailures = breakerMaxFailures;
    accepted("breakerMaxFailures");
    return this;
  }

  /** @return how long the breaker stays open before a trial call, in milliseconds */
  public long getBreakerResetTimeoutMs() {
    return breakerResetTimeoutMs;
  }

  /**
   * @param breakerResetTimeoutMs how long the breaker stays open before a trial call, in
   * milliseconds, 1 to {@link #MAX_BREAKER_RESET_TIMEOUT_MS}
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public RedisKitOptions setBreakerResetTimeoutMs(long breakerResetTimeoutMs) {
    OptionChecks.require(breakerResetTimeoutProblem(breakerResetTimeoutMs));
    this.breakerResetTimeoutMs = breakerResetTimeoutMs;
    accepted("breakerResetTimeoutMs");
    return this;
  }

  /** @return path of a PEM file with the CA certificates trusted for {@code rediss://}, or {@code null} for the JVM's */
  public String getTlsCaPath() {
    return tlsCaPath;
  }

  /**
   * @param tlsCaPath PEM file with trusted CA certificates, or {@code null} for the JVM's trust
   * store; {@link #validate()} checks that it exists and is readable
   * @return this
   * @throws IllegalArgumentException when blank
   */
  public RedisKitOptions setTlsCaPath(String tlsCaPath) {
    OptionChecks.require(tlsCaPath != null && tlsCaPath.isBlank()
      ? OptionChecks.violation("tlsCaPath", "must not be blank (null means the JVM's trust store)", tlsCaPath) : null);
    this.tlsCaPath = tlsCaPath;
    accepted("tlsCaPath");
    return this;
  }

  /** @return whether the server's certificate must match its host name */
  public boolean isTlsHostnameVerification() {
    return tlsHostnameVerification;
  }

  /**
   * @param tlsHostnameVerification whether the certificate must match the host name
   * @return this
   */
  public RedisKitOptions setTlsHostnameVerification(boolean tlsHostnameVerification) {
    this.tlsHostnameVerification = tlsHostnameVerification;
    accepted("tlsHostnameVerification");
    return this;
  }

  /** @return the prefix of every key the module writes */
  public String getKeyPrefix() {
    return keyPrefix;
  }

  /**
   * @param keyPrefix the prefix of every key the module writes: not empty, without whitespace,
   * hash-tag characters {@code { }} or glob characters {@code * ? [ ] \}
   * @return this
   * @throws IllegalArgumentException when it breaks one of those rules
   */
  public RedisKitOptions setKeyPrefix(String keyPrefix) {
    OptionChecks.require(keyPrefixProblem(keyPrefix));
    this.keyPrefix = keyPrefix;
    accepted("keyPrefix");
    return this;
  }

  /** @return the event-bus address prefix */
  public String getAddressPrefix() {
    return addressPrefix;
  }

  /**
   * @param addressPrefix prepended to every event-bus address; may be empty, must not hold whitespace
   * @return this
   * @throws IllegalArgumentException when null or holding whitespace
   */
  public RedisKitOptions setAddressPrefix(String addressPrefix) {
    OptionChecks.require(addressPrefixProblem(addressPrefix));
    this.addressPrefix = addressPrefix;
    accepted("addressPrefix");
    return this;
  }

  /** @return the cache settings (the object itself, not a copy) */
  public CacheOptions getCache() {
    return cache;
  }

  /**
   * @param cache the cache settings (kept, not copied)
   * @return this
   * @throws IllegalArgumentException when {@code null}
   */
  public RedisKitOptions setCache(CacheOptions cache) {
    OptionChecks.require(cache == null ? "cache: must not be null" : null);
    this.cache = cache;
    accepted("cache");
    return this;
  }

  /** @return the rate-limit settings (the object itself, not a copy) */
  public RateLimitOptions getRateLimit() {
    return rateLimit;
  }

  /**
   * @param rateLimit the rate-limit settings (kept, not copied)
   * @return this
   * @throws IllegalArgumentException when {@code null}
   */
  public RedisKitOptions setRateLimit(RateLimitOptions rateLimit) {
    OptionChecks.require(rateLimit == null ? "rateLimit: must not be null" : null);
    this.rateLimit = rateLimit;
    accepted("rateLimit");
    return this;
  }

  /** @return the health check settings (the object itself, not a copy) */
  public HealthOptions getHealth() {
    return health;
  }

  /**
   * @param health the health check settings (kept, not copied)
   * @return this
   * @throws IllegalArgumentException when {@code null}
   */
  public RedisKitOptions setHealth(HealthOptions health) {
    OptionChecks.require(health == null ? "health: must not be null" : null);
    this.health = health;
    accepted("health");
    return this;
  }

  /** @return the metrics settings (the object itself, not a copy) */
  public MetricsOptions getMetrics() {
    return metrics;
  }

  /**
   * @param metrics the metrics settings (kept, not copied)
   * @return this
   * @throws IllegalArgumentException when {@code null}
   */
  public RedisKitOptions setMetrics(MetricsOptions metrics) {
    OptionChecks.require(metrics == null ? "metrics: must not be null" : null);
    this.metrics = metrics;
    accepted("metrics");
    return this;
  }

  private void accepted(String key) {
    inputProblems.keySet().removeIf(k -> k.equals(key) || k.startsWith(key + "[") || k.startsWith(key + "."));
  }

  /**
   * Lists every problem at once: values of the wrong type and unknown keys met while reading
   * JSON, environment variables or system properties, then every rule that the values break, the
   * cross-field ones included (masterName for SENTINEL, no database with CLUSTER, cache.ttlMs at
   * most cache.maxTtlMs, tlsCaPath readable). Each line names the key (dotted for nested ones, with
   * the variable or property it came from when {@link RedisKitConfig} read it), the value (never a
   * secret) and what is allowed.
   *
   * @return the problems; empty when the options are valid
   */
  public List<String> problems() {
    List<String> problems = new ArrayList<>(inputProblems.values());
    if (endpoints == null || endpoints.isEmpty()) {
      problems.add("endpoints: must list at least one redis://, rediss:// or unix:// URI");
    } else {
      for (int i = 0; i < endpoints.size(); i++) {
        OptionChecks.collect(problems, endpointProblem("endpoints[" + i + "]", endpoints.get(i), type));
      }
    }
    OptionChecks.collect(problems, typeProblem(type));
    if (type == RedisClientType.SENTINEL && (masterName == null || masterName.isBlank())) {
      problems.add(OptionChecks.violation("masterName",
        "must be set when type is SENTINEL (the name of the master the sentinels monitor)", masterName));
    }
    OptionChecks.collect(problems, roleProblem(role));
    if (database != null) {
      String problem = databaseProblem(database);
      if (problem == null && type == RedisClientType.CLUSTER && database != 0) {
        problem = OptionChecks.violation("database", "is not allowed with type CLUSTER (Redis Cluster has database 0 only)", database);
      }
      OptionChecks.collect(problems, problem);
    }
    OptionChecks.collect(problems, poolSizeProblem(poolSize));
    OptionChecks.collect(problems, maxPoolWaitingProblem(maxPoolWaiting));
    OptionChecks.collect(problems, connectTimeoutProblem(connectTimeoutMs));
    OptionChecks.collect(problems, commandTimeoutProblem(commandTimeoutMs));
    OptionChecks.collect(problems, maxPendingCommandsProblem(maxPendingCommands));
    OptionChecks.collect(problems, reconnectMaxDelayProblem(reconnectMaxDelayMs));
    OptionChecks.collect(problems, breakerMaxFailuresProblem(breakerMaxFailures));
    OptionChecks.collect(problems, breakerResetTimeoutProblem(breakerResetTimeoutMs));
    OptionChecks.collect(problems, tlsCaPathProblem(tlsCaPath));
    OptionChecks.collect(problems, keyPrefixProblem(keyPrefix));
    OptionChecks.collect(problems, addressPrefixProblem(addressPrefix));
    problems.addAll(cache.problems());
    problems.addAll(rateLimit.problems());
    problems.addAll(health.problems());
    problems.addAll(metrics.problems());
    String metricsPath = metrics.getPath();
    if (metricsPath != null && (metricsPath.equals(health.getPath()) || metricsPath.equals(health.getRedisPath()))) {
      // One route would shadow the other: whichever is mounted first answers both.
      problems.add(OptionChecks.violation("metrics.path", "must differ from health.path and health.redisPath", metricsPath));
    }
    if (origins.isEmpty()) {
      return problems;
    }
    JsonObject current = toJson();
    return problems.stream().map(p -> labelled(p, current)).toList();
  }

  /**
   * Checks every setting and reports all problems at once (see {@link #problems()}). Call it once,
   * at start-up; {@link RedisKitConfig#load} does.
   *
   * @return this
   * @throws ConfigurationException naming each invalid key, its value and what is allowed
   */
  /**
   * @param type {@link CacheOptions}, {@link RateLimitOptions}, {@link HealthOptions} or {@link MetricsOptions}
   * @param <T> the section's type
   * @return that section of these options (the object itself, not a copy), {@code null} for another type
   */
  @Override
  public <T> T section(Class<T> type) {
    Object s = type == CacheOptions.class ? cache : type == RateLimitOptions.class ? rateLimit
      : type == HealthOptions.class ? health : type == MetricsOptions.class ? metrics : null;
    return s == null ? null : type.cast(s);
  }

  /** @return a validated copy, see {@link GatewayOptions#validatedCopy()} */
  @Override
  public RedisKitOptions validatedCopy() {
    return new RedisKitOptions(this).validate();
  }

  /**
   * Checks every setting and reports all problems at once (see {@link #problems()}). Call it once,
   * at start-up; {@link RedisKitConfig#load} does.
   *
   * @return this
   * @throws ConfigurationException naming each invalid key, its value and what is allowed
   */
  public RedisKitOptions validate() {
    OptionChecks.requireNone(problems());
    return this;
  }

  private String labelled(String problem, JsonObject current) {
    int colon = problem.indexOf(": ");
    if (colon < 0) {
      return problem;
    }
    String head = problem.substring(0, colon);
    String key = head.replaceFirst("\\[\\d+]$", "");
    Origin origin = origins.get(key);
    // A value set in code after loading no longer comes from that variable: no label then.
    if (origin == null || !Objects.equals(origin.value(), valueAt(current, key))) {
      return problem;
    }
    return head + " (from " + origin.source() + ")" + problem.substring(colon);
  }

  private static Object valueAt(JsonObject json, String dottedKey) {
    Object value = json;
    for (String part : dottedKey.split("\\.")) {
      if (!(value instanceof JsonObject o)) {
        return null;
      }
      value = o.getValue(part);
    }
    return value;
  }

  // The rules: each returns null or the problem line, so that setters (which throw it) and
  // problems() (which collects it) say exactly the same thing.

  private static String typeProblem(RedisClientType type) {
    return type != null ? null : OptionChecks.violation("type", "must be one of "
      + String.join(", ", Arrays.stream(RedisClientType.values()).map(Enum::name).toList()), null);
  }

  private static String roleProblem(RedisRole role) {
    return role != null ? null : OptionChecks.violation("role", "must be one of "
      + String.join(", ", Arrays.stream(RedisRole.values()).map(Enum::name).toList()), null);
  }

  private static String databaseProblem(int database) {
    return OptionChecks.atLeast("database", database, 0,
      "(a default Redis has databases 0 to 15; its 'databases' setting allows more)");
  }

  private static String poolSizeProblem(int v) {
    return OptionChecks.atLeast("poolSize", v, 1, "connections");
  }

  private static String maxPoolWaitingProblem(int v) {
    return OptionChecks.atLeast("maxPoolWaiting", v, 0, "callers");
  }

  private static String connectTimeoutProblem(long v) {
    return OptionChecks.between("connectTimeoutMs", v, 1, MAX_CONNECT_TIMEOUT_MS, "ms");
  }

  private static String commandTimeoutProblem(long v) {
    return OptionChecks.between("commandTimeoutMs", v, 1, MAX_COMMAND_TIMEOUT_MS, "ms");
  }

  private static String maxPendingCommandsProblem(int v) {
    return OptionChecks.between("maxPendingCommands", v, 1, MAX_PENDING_COMMANDS_LIMIT, "commands");
  }

  private static String reconnectMaxDelayProblem(long v) {
    return OptionChecks.between("reconnectMaxDelayMs", v, 1, MAX_RECONNECT_MAX_DELAY_MS, "ms");
  }

  private static String breakerMaxFailuresProblem(int v) {
    return OptionChecks.atLeast("breakerMaxFailures", v, 1, "failures");
  }

  private static String breakerResetTimeoutProblem(long v) {
    return OptionChecks.between("breakerResetTimeoutMs", v, 1, MAX_BREAKER_RESET_TIMEOUT_MS, "ms");
  }

  private static String tlsCaPathProblem(String path) {
    if (path == null) {
      return null;
    }
    Path p;
    try {
      p = Path.of(path);
    } catch (InvalidPathException e) {
      return OptionChecks.violation("tlsCaPath", "must be a valid file path (" + e.getReason() + ")", path);
    }
    // A stat at start-up: validate() runs once, before any traffic, so this tiny blocking call is fine.
    if (!Files.exists(p)) {
      return OptionChecks.violation("tlsCaPath", "must name an existing PEM file (no such file)", path);
    }
    if (Files.isDirectory(p)) {
      return OptionChecks.violation("tlsCaPath", "must name a PEM file, not a directory", path);
    }
    if (!Files.isReadable(p)) {
      return OptionChecks.violation("tlsCaPath", "must name a readable PEM file (permission denied)", path);
    }
    return null;
  }

  private static String keyPrefixProblem(String prefix) {
    if (prefix == null || prefix.isEmpty()) {
      return OptionChecks.violation("keyPrefix", "must not be empty (every key the module writes starts with it)", prefix);
    }
    if (prefix.chars().anyMatch(Character::isWhitespace)) {
      return OptionChecks.violation("keyPrefix", "must not contain whitespace", prefix);
    }
    if (prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
      return OptionChecks.violation("keyPrefix",
        "must not contain '{' or '}' (a Redis Cluster hash tag would put every key in one slot)", prefix);
    }
    if (prefix.chars().anyMatch(c -> "*?[]\\".indexOf(c) >= 0)) {
      return OptionChecks.violation("keyPrefix",
        "must not contain the glob characters * ? [ ] \\ (namespace flush matches keys with SCAN patterns)", prefix);
    }
    return null;
  }

  private static String addressPrefixProblem(String prefix) {
    if (prefix == null) {
      return OptionChecks.violation("addressPrefix", "must not be null (\"\" means no prefix)", null);
    }
    if (prefix.chars().anyMatch(Character::isWhitespace)) {
      return OptionChecks.violation("addressPrefix", "must not contain whitespace", prefix);
    }
    return null;
  }

  /**
   * Says, in the module's own words, why {@link URI} refused an endpoint. The JDK's reason and index
   * are not used as they are: their wording changes between Java versions (17 points at the start
   * of the authority, 25 at the offending character), and the exception's message repeats the
   * input, password included.
   *
   * @param url the endpoint {@link URI} refused
   * @param e what it said
   * @return the rule the endpoint breaks
   */
  private static String uriSyntaxRule(String url, URISyntaxException e) {
    for (int i = 0; i < url.length(); i++) {
      char c = url.charAt(i);
      if (Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)) {
        return "must not contain whitespace or control characters (at index " + i + ")";
      }
      if (URI_EXCLUDED_CHARS.indexOf(c) >= 0) {
        return "must percent-encode the characters \" < > \\ ^ ` { | } (at index " + i + ")";
      }
      if (c == '%' && (i + 2 >= url.length() || Character.digit(url.charAt(i + 1), 16) < 0
        || Character.digit(url.charAt(i + 2), 16) < 0)) {
        return "must follow '%' with two hex digits, or write '%' itself as %25 (at index " + i + ")";
      }
    }
    int open = url.indexOf('[');
    if (open >= 0 && url.indexOf(']', open) < 0) {
      return "must close the IPv6 address opened at index " + open + " with ']'";
    }
    if (url.endsWith("://")) {
      return url.regionMatches(true, 0, "unix", 0, 4)
        ? "must name the socket file (unix:///run/redis/redis.sock)"
        : "must name a host (redis://host:port)";
    }
    // Rare shapes the checks above don't name; the JDK's reason, without its index, is the best said.
    return "must be a valid URI (" + e.getReason() + ")";
  }

  /**
   * @param key the key to name, e.g. {@code endpoints[1]}
   * @param url the endpoint
   * @param type the topology, or {@code null} to skip the checks that depend on it
   * @return the problem (showing the URL with its password hidden), or {@code null}
   */
  static String endpointProblem(String key, String url, RedisClientType type) {
    if (url == null) {
      return key + ": must be a redis://, rediss:// or unix:// URI, was null";
    }
    String shown = redact(url);
    if (url.isBlank()) {
      return OptionChecks.violation(key, "must be a redis://, rediss:// or unix:// URI", shown);
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return OptionChecks.violation(key, uriSyntaxRule(url, e), shown);
    }
    String scheme = uri.getScheme();
    if (scheme == null || !(scheme.equals("redis") || scheme.equals("rediss") || scheme.equals("unix"))) {
      return OptionChecks.violation(key, "must start with redis://, rediss:// or unix://", shown);
    }
    if (scheme.equals("unix")) {
      String path = uri.getPath();
      if (path == null || path.isEmpty() || path.equals("/")) {
        return OptionChecks.violation(key, "must name the socket file (unix:///run/redis/redis.sock)", shown);
      }
      return null;
    }
    if (uri.getHost() == null) {
      String authority = uri.getRawAuthority();
      if (authority == null || authority.isEmpty()) {
        return OptionChecks.violation(key, "must name a host (redis://host:port)", shown);
      }
      String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
      int colon = hostPort.lastIndexOf(':');
      if (colon >= 0 && !hostPort.endsWith("]") && !hostPort.substring(colon + 1).chars().allMatch(Character::isDigit)) {
        return OptionChecks.violation(key, "must have a port between 1 and 65535", shown);
      }
      return OptionChecks.violation(key, "must name a valid host (redis://host:port"
        + (authority.indexOf('@') != authority.lastIndexOf('@') ? "; write an '@' in the password as %40" : "") + ")", shown);
    }
    int port = uri.getPort();
    if (port != -1 && (port < 1 || port > 65535)) {
      return OptionChecks.violation(key, "must have a port between 1 and 65535", shown);
    }
    String path = uri.getRawPath();
    if (path != null && !path.isEmpty() && !path.equals("/")) {
      if (!DATABASE_PATH.matcher(path).matches()) {
        return OptionChecks.violation(key, "may only have a database index as path (redis://host:port/0)", shown);
      }
      if (type == RedisClientType.CLUSTER && Integer.parseInt(path.substring(1)) != 0) {
        return OptionChecks.violation(key, "must not select a database with type CLUSTER (Redis Cluster has database 0 only)", shown);
      }
    }
    return null;
  }
}
