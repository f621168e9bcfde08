package dev.rediskit.client;

import dev.rediskit.client.impl.ClientCertificateRules;
import dev.rediskit.client.impl.GatewayRules;
import dev.rediskit.config.ConfigKey;
import dev.rediskit.config.JsonOptionsReader;
import dev.rediskit.config.OptionChecks;
import dev.rediskit.config.Redaction;
import dev.rediskit.config.Setting;
import dev.rediskit.config.SettingTable;
import dev.rediskit.config.SettingValues;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisRole;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The gateway's own settings, and nothing of caching or limiting: the endpoints and topology,
 * credentials and TLS, the pool, timeouts, back-off and breaker, and the prefix of every key the
 * module writes (handed to the components that build keys). Each is declared once, as a row of
 * {@link #SETTINGS} (key, type, default, unit, meaning and rules), which drives reading JSON,
 * {@code toJson()}, copying and {@link #problems()}; the defaults and bounds are the constants below,
 * in the units their names say.
 *
 * <p>The concrete data object is {@link dev.rediskit.RedisKitOptions}, which adds the components'
 * sections; the type parameter lets its fluent setters, these included, return it. The gateway
 * sees only this class, so the client layer knows no component.
 *
 * @param <S> the concrete options type, returned by the fluent setters
 */
public abstract class GatewayOptions<S extends GatewayOptions<S>> {

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
  /** Default per-command timeout, in milliseconds: a command not answered by then fails with {@link dev.rediskit.error.RedisTimeoutException}. */
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
  /** Default TLS hostname verification: on. */
  public static final boolean DEFAULT_TLS_HOSTNAME_VERIFICATION = true;

  /** Upper bound of {@code connectTimeoutMs}, in milliseconds (1 minute). */
  public static final long MAX_CONNECT_TIMEOUT_MS = 60_000;
  /** Upper bound of {@code commandTimeoutMs}, in milliseconds (1 minute). */
  public static final long MAX_COMMAND_TIMEOUT_MS = 60_000;
  /** Upper bound of {@code reconnectMaxDelayMs}, in milliseconds (5 minutes). */
  public static final long MAX_RECONNECT_MAX_DELAY_MS = 300_000;
  /** Upper bound of {@code breakerResetTimeoutMs}, in milliseconds (1 hour). */
  public static final long MAX_BREAKER_RESET_TIMEOUT_MS = 3_600_000;
  /** Upper bound of {@code maxPendingCommands}, in commands. */
  public static final int MAX_PENDING_COMMANDS_LIMIT = 1_000_000;

  /** What is shown instead of a secret. */
  public static final String REDACTED = Redaction.REDACTED;

  private static final String ENDPOINTS_RULE = "must list at least one redis://, rediss:// or unix:// URI";

  // Checked by problems() and setEndpoints, item by item, with every bad item named.
  private static final Setting<List<String>> ENDPOINTS = Setting.ofStringList("endpoints", List.of(DEFAULT_ENDPOINT), "URIs",
      "Redis endpoints, redis://[user:password@]host[:port][/db], rediss:// for TLS or unix:///path: the server for "
        + "STANDALONE, seed nodes for CLUSTER, sentinels for SENTINEL, master and replicas for REPLICATION; all of one "
        + "scheme for the last three.");
  private static final Setting<RedisClientType> TYPE = Setting.ofEnum("type", RedisClientType.class, DEFAULT_TYPE, "Topology.");
  private static final Setting<String> MASTER_NAME = Setting.ofString("masterName", DEFAULT_MASTER_NAME,
    "Name of the master the sentinels monitor; required for SENTINEL.");
  private static final Setting<RedisRole> ROLE = Setting.ofEnum("role", RedisRole.class, DEFAULT_ROLE,
    "Role of the node a SENTINEL client talks to.");
  private static final Setting<String> USER = Setting.ofOptionalString("user",
    "ACL user; overrides the one in the endpoints. Empty means none.");
  private static final Setting<String> PASSWORD = Setting.ofSecret("password",
    "Password; overrides the one in the endpoints. Never printed. Empty means none.");
  private static final Setting<Integer> DATABASE = Setting.ofOptionalInt("database", "",
      "Database index, >= 0 (0 to 15 on a default Redis); not with CLUSTER. Unset: the one in the endpoint, else 0.")
    .check((key, v) -> v == null ? null
      : OptionChecks.atLeast(key, v, 0, "(a default Redis has databases 0 to 15; its 'databases' setting allows more)"));
  private static final Setting<Integer> POOL_SIZE = Setting.ofInt("poolSize", DEFAULT_POOL_SIZE, "connections",
    "Pooled connections kept for work needing a connection of its own (blocking commands, MULTI/EXEC); >= 1.").atLeast(1);
  private static final Setting<Integer> MAX_POOL_WAITING = Setting.ofInt("maxPoolWaiting", DEFAULT_MAX_POOL_WAITING, "callers",
    "Callers that may wait for a pooled connection before failing fast; >= 0.").atLeast(0);
  private static final Setting<Long> CONNECT_TIMEOUT_MS = Setting.ofLong("connectTimeoutMs", DEFAULT_CONNECT_TIMEOUT_MS, "ms",
    "Connect timeout; 1 to " + MAX_CONNECT_TIMEOUT_MS + ".").between(1, MAX_CONNECT_TIMEOUT_MS);
  private static final Setting<Long> COMMAND_TIMEOUT_MS = Setting.ofLong("commandTimeoutMs", DEFAULT_COMMAND_TIMEOUT_MS, "ms",
    "Every command completes or fails within this time, or within twice it while Redis keeps answering the commands "
      + "sent before it (a reply read late behind others is waited for); 1 to " + MAX_COMMAND_TIMEOUT_MS + ".").between(1, MAX_COMMAND_TIMEOUT_MS);
  private static final Setting<Integer> MAX_PENDING_COMMANDS = Setting.ofInt("maxPendingCommands", DEFAULT_MAX_PENDING_COMMANDS,
      "commands", "Commands queued or in flight per gateway before new ones fail fast; 1 to " + MAX_PENDING_COMMANDS_LIMIT + ".")
    .between(1, MAX_PENDING_COMMANDS_LIMIT);
  private static final Setting<Long> RECONNECT_MAX_DELAY_MS = Setting.ofLong("reconnectMaxDelayMs", DEFAULT_RECONNECT_MAX_DELAY_MS,
      "ms", "Longest delay between reconnection attempts (the back-off doubles up to it); 1 to " + MAX_RECONNECT_MAX_DELAY_MS + ".")
    .between(1, MAX_RECONNECT_MAX_DELAY_MS);
  private static final Setting<Integer> BREAKER_MAX_FAILURES = Setting.ofInt("breakerMaxFailures", DEFAULT_BREAKER_MAX_FAILURES,
    "failures", "Consecutive failures that open the circuit breaker; >= 1.").atLeast(1);
  private static final Setting<Long> BREAKER_RESET_TIMEOUT_MS = Setting.ofLong("breakerResetTimeoutMs",
      DEFAULT_BREAKER_RESET_TIMEOUT_MS, "ms",
      "How long the open breaker fails fast before it lets a trial call through; 1 to " + MAX_BREAKER_RESET_TIMEOUT_MS + ".")
    .between(1, MAX_BREAKER_RESET_TIMEOUT_MS);
  private static final Setting<String> TLS_CA_PATH = Setting.ofOptionalString("tlsCaPath",
      "PEM file of the CA certificates trusted for rediss://; must exist and be readable. Unset: the JVM's trust store.")
    .check((key, path) -> path != null && path.isBlank()
      ? OptionChecks.violation(key, "must not be blank (null means the JVM's trust store)", path) : null)
    .checkWhenValidated(GatewayRules::tlsCaPathProblem);
  private static final Setting<String> TLS_CERT_PATH = Setting.ofOptionalString("tlsCertPath",
      "PEM file of the client certificate (then any intermediates) presented to servers requiring one (tls-auth-clients "
        + "yes); with tlsKeyPath and rediss:// endpoints only. Unset: none presented.")
    .check((key, path) -> path != null && path.isBlank()
      ? OptionChecks.violation(key, "must not be blank (null means no client certificate)", path) : null)
    .checkWhenValidated(ClientCertificateRules::certPathProblem);
  private static final Setting<String> TLS_KEY_PATH = Setting.ofOptionalString("tlsKeyPath",
      "PEM file of tlsCertPath's private key: unencrypted PKCS#8 (BEGIN PRIVATE KEY), PKCS#1 (BEGIN RSA PRIVATE KEY) "
        + "or EC (BEGIN EC PRIVATE KEY). Its contents are never printed. Unset: none.")
    .check((key, path) -> path != null && path.isBlank()
      ? OptionChecks.violation(key, "must not be blank (null means no client certificate)", path) : null)
    .checkWhenValidated(ClientCertificateRules::keyPathProblem);
  private static final Setting<Boolean> TLS_HOSTNAME_VERIFICATION = Setting.ofBoolean("tlsHostnameVerification",
    DEFAULT_TLS_HOSTNAME_VERIFICATION, "Whether a TLS server's certificate must match its host name.");
  private static final Setting<String> KEY_PREFIX = Setting.ofString("keyPrefix", DEFAULT_KEY_PREFIX,
      "Prefix of every key the module writes; not empty, no whitespace, no { } (hash tags), no * ? [ ] \\ (glob).")
    .check(GatewayRules::keyPrefixProblem);

  /** The gateway's settings, in the order they are documented, written and checked. */
  protected static final SettingTable SETTINGS = SettingTable.of("", ENDPOINTS, TYPE, MASTER_NAME, ROLE, USER, PASSWORD,
    DATABASE, POOL_SIZE, MAX_POOL_WAITING, CONNECT_TIMEOUT_MS, COMMAND_TIMEOUT_MS, MAX_PENDING_COMMANDS,
    RECONNECT_MAX_DELAY_MS, BREAKER_MAX_FAILURES, BREAKER_RESET_TIMEOUT_MS, TLS_CA_PATH, TLS_CERT_PATH, TLS_KEY_PATH,
    TLS_HOSTNAME_VERIFICATION, KEY_PREFIX);

  /** The gateway's configuration keys, with types, defaults, units and meanings, in {@link #SETTINGS}' order. */
  public static final List<ConfigKey> KEYS = SETTINGS.keys();

  /** The values of this object's settings, those a subclass adds included. */
  protected final SettingValues values;
  private boolean endpointsConfigured;
  // Where the endpoints came from, for the start-up log line; null while they are the default.
  private String endpointsSource;

  /**
   * Options with every default.
   *
   * @param table {@link #SETTINGS}, or a table that a subclass made {@link SettingTable#with with} more settings
   */
  protected GatewayOptions(SettingTable table) {
    this.values = new SettingValues(table);
  }

  /**
   * Copy constructor: the copy shares nothing mutable with the original, and keeps its pending input problems.
   *
   * @param other the options to copy
   */
  protected GatewayOptions(GatewayOptions<?> other) {
    this.values = new SettingValues(other.values);
    this.endpointsConfigured = other.endpointsConfigured;
    this.endpointsSource = other.endpointsSource;
  }

  /**
   * Reads the settings of the table from JSON (see {@link SettingValues#read}).
   *
   * @param json the configuration
   * @param sources for keys read from the environment or system properties, where from (e.g. {@code env REDIS_URL})
   * @return the reader, for the keys the subclass reads itself
   */
  protected JsonOptionsReader read(JsonObject json, Map<String, String> sources) {
    JsonOptionsReader in = values.read(json);
    endpointsConfigured = json.containsKey("endpoints");
    if (endpointsConfigured) {
      String source = sources.get("endpoints");
      endpointsSource = source != null ? source : "configuration JSON";
    }
    return in;
  }

  /** @return this, as the concrete type the fluent setters return */
  protected abstract S self();

  /**
   * The settings of a component that these options carry besides the gateway's own, so that a
   * component created from a gateway alone ({@code RedisCache.create(vertx, gateway)}) takes the
   * section configured with it. The gateway never reads them; it does not know their types.
   *
   * @param type the section's type, e.g. {@code CacheOptions.class}
   * @param <T> the section's type
   * @return the section, or {@code null} when these options carry none of that type
   */
  public <T> T section(Class<T> type) {
    return null;
  }

  /**
   * @return a validated copy that later changes to this object do not reach: what a gateway keeps
   * @throws dev.rediskit.config.ConfigurationException naming every invalid setting
   */
  public abstract GatewayOptions<S> validatedCopy();

  /**
   * The round-trippable form of the gateway's settings (and those a subclass added to the table). It
   * holds the password: never log it, use {@link #toDisplayJson()}. Unset optional values are left out.
   *
   * @return the settings as JSON
   */
  public JsonObject toJson() {
    return values.toJson();
  }

  /**
   * What the code gave, as opposed to what it left alone: the settings read from the JSON these
   * options were built from (the keys it held, whatever their values) or set by a setter, copied
   * along by the copy constructor; in {@link #toJson()}'s form, other settings left out. A
   * configuration source below these options (the config file, for {@code RedisKit.create}) keeps
   * every setting this leaves out, and loses every one it holds, even one given its default value.
   * It holds the password when one was given: never log it.
   *
   * @return the given settings as JSON
   */
  public JsonObject toGivenJson() {
    return values.toGivenJson();
  }

  /**
   * The form to print or log: {@link #toJson()} with the password replaced by {@value #REDACTED}
   * and passwords inside endpoint URLs hidden too.
   *
   * @return the options as JSON, without secrets
   */
  public JsonObject toDisplayJson() {
    JsonObject json = toJson();
    if (getPassword() != null) {
      json.put("password", REDACTED);
    }
    if (getEndpoints() != null) {
      json.put("endpoints", new JsonArray(getEndpoints().stream().map(Redaction::redact).toList()));
    }
    return json;
  }

  /**
   * Every problem of the gateway's settings: values of the wrong type and unknown keys met while
   * reading, then every rule a value breaks, then the rules across settings (tlsCertPath and
   * tlsKeyPath both or neither, matching, with rediss:// endpoints; masterName for SENTINEL, no
   * database with CLUSTER).
   *
   * @return the problems; empty when the settings are valid
   */
  public List<String> problems() {
    List<String> problems = values.problems();
    RedisClientType type = getType();
    List<String> endpoints = getEndpoints();
    List<String> endpointProblems = new ArrayList<>();
    if (endpoints == null || endpoints.isEmpty()) {
      endpointProblems.add("endpoints: " + ENDPOINTS_RULE);
    } else {
      for (int i = 0; i < endpoints.size(); i++) {
        OptionChecks.collect(endpointProblems, GatewayRules.endpointProblem("endpoints[" + i + "]", endpoints.get(i), type));
      }
      if (endpointProblems.isEmpty()) {
        OptionChecks.collect(endpointProblems, GatewayRules.mixedSchemesProblem(endpoints, type));
      }
    }
    // Right after the input problems, where a reader looks first.
    problems.addAll(values.inputProblems().size(), endpointProblems);
    if (type == RedisClientType.SENTINEL && (getMasterName() == null || getMasterName().isBlank())) {
      problems.add(OptionChecks.violation("masterName",
        "must be set when type is SENTINEL (the name of the master the sentinels monitor)", getMasterName()));
    }
    boolean usesTls = endpoints != null
      && endpoints.stream().anyMatch(e -> e != null && e.regionMatches(true, 0, "rediss://", 0, 9));
    problems.addAll(ClientCertificateRules.pairProblems(getTlsCertPath(), getTlsKeyPath(), usesTls));
    if (type == RedisClientType.CLUSTER) {
      Integer database = getDatabase();
      if (database != null && database > 0) {
        problems.add(OptionChecks.violation("database", "is not allowed with type CLUSTER (Redis Cluster has database 0 only)", database));
      }
    }
    return problems;
  }

  /** @return the Redis endpoints: one for standalone, seeds for a cluster, sentinels for sentinel (the list itself, not a copy) */
  public List<String> getEndpoints() {
    return values.get(ENDPOINTS);
  }

  /**
   * @param endpoints {@code redis://[user:password@]host[:port][/db]}, {@code rediss://...} for TLS,
   * or {@code unix:///path/to/socket}; at least one (the list is copied)
   * @return this
   * @throws IllegalArgumentException when the list is null or empty, or an endpoint is not such a URI
   */
  public S setEndpoints(List<String> endpoints) {
    OptionChecks.require(endpoints == null ? "endpoints: must not be null" : null);
    OptionChecks.require(endpoints.isEmpty() ? "endpoints: " + ENDPOINTS_RULE : null);
    for (int i = 0; i < endpoints.size(); i++) {
      // The type may still change, so the topology-dependent checks wait for problems().
      OptionChecks.require(GatewayRules.endpointProblem("endpoints[" + i + "]", endpoints.get(i), null));
    }
    values.set(ENDPOINTS, new ArrayList<>(endpoints));
    endpointsConfigured = true;
    endpointsSource = "set in code";
    return self();
  }

  /**
   * Sets a single endpoint.
   *
   * @param endpoint the connection string, as for {@link #setEndpoints(List)}
   * @return this
   * @throws IllegalArgumentException when it is not a redis://, rediss:// or unix:// URI
   */
  public S setEndpoint(String endpoint) {
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

  /**
   * Names the source of endpoints read from JSON that the configuration loader got from a file or an entry point.
   *
   * @param label the source, e.g. {@code config file conf/rediskit.json}; never a secret
   */
  protected void endpointsSource(String label) {
    this.endpointsSource = label;
  }

  /** @return the topology */
  public RedisClientType getType() {
    return values.get(TYPE);
  }

  /**
   * @param type the topology: STANDALONE, SENTINEL, CLUSTER or REPLICATION
   * @return this
   * @throws IllegalArgumentException when {@code null}
   */
  public S setType(RedisClientType type) {
    values.set(TYPE, type);
    return self();
  }

  /** @return the sentinel master name */
  public String getMasterName() {
    return values.get(MASTER_NAME);
  }

  /**
   * @param masterName the master name the sentinels monitor (required, checked by {@link #problems()}, for SENTINEL)
   * @return this
   */
  public S setMasterName(String masterName) {
    values.set(MASTER_NAME, masterName);
    return self();
  }

  /** @return the role of the node a sentinel client talks to */
  public RedisRole getRole() {
    return values.get(ROLE);
  }

  /**
   * @param role MASTER (default), REPLICA or SENTINEL
   * @return this
   * @throws IllegalArgumentException when {@code null}
   */
  public S setRole(RedisRole role) {
    values.set(ROLE, role);
    return self();
  }

  /** @return the ACL user, or {@code null} to use the one in the endpoint (or none) */
  public String getUser() {
    return values.get(USER);
  }

  /**
   * @param user the ACL user; overrides the one in the endpoint; {@code null} for none
   * @return this
   */
  public S setUser(String user) {
    values.set(USER, user);
    return self();
  }

  /** @return the password; never print it */
  public String getPassword() {
    return values.get(PASSWORD);
  }

  /**
   * @param password the password; overrides the one in the endpoint; {@code null} for none
   * @return this
   */
  public S setPassword(String password) {
    values.set(PASSWORD, password);
    return self();
  }

  /** @return the database index, or {@code null} for the one in the endpoint (default 0) */
  public Integer getDatabase() {
    return values.get(DATABASE);
  }

  /**
   * @param database the database index, {@code >= 0} (standalone, sentinel and replication only);
   * {@code null} for the one in the endpoint
   * @return this
   * @throws IllegalArgumentException when negative
   */
  public S setDatabase(Integer database) {
    values.set(DATABASE, database);
    return self();
  }

  /** @return the pool size (connections) */
  public int getPoolSize() {
    return values.get(POOL_SIZE);
  }

  /**
   * @param poolSize connections kept for commands needing their own connection, {@code >= 1}
   * @return this
   * @throws IllegalArgumentException when below 1
   */
  public S setPoolSize(int poolSize) {
    values.set(POOL_SIZE, poolSize);
    return self();
  }

  /** @return how many callers may wait for a pooled connection */
  public int getMaxPoolWaiting() {
    return values.get(MAX_POOL_WAITING);
  }

  /**
   * @param maxPoolWaiting callers that may wait for a pooled connection, {@code >= 0}
   * @return this
   * @throws IllegalArgumentException when negative
   */
  public S setMaxPoolWaiting(int maxPoolWaiting) {
    values.set(MAX_POOL_WAITING, maxPoolWaiting);
    return self();
  }

  /** @return the connect timeout in milliseconds */
  public long getConnectTimeoutMs() {
    return values.get(CONNECT_TIMEOUT_MS);
  }

  /**
   * @param connectTimeoutMs the connect timeout in milliseconds, 1 to {@link #MAX_CONNECT_TIMEOUT_MS}
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public S setConnectTimeoutMs(long connectTimeoutMs) {
    values.set(CONNECT_TIMEOUT_MS, connectTimeoutMs);
    return self();
  }

  /** @return the per-command timeout in milliseconds */
  public long getCommandTimeoutMs() {
    return values.get(COMMAND_TIMEOUT_MS);
  }

  /**
   * @param commandTimeoutMs the per-command timeout in milliseconds, 1 to {@link #MAX_COMMAND_TIMEOUT_MS}
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public S setCommandTimeoutMs(long commandTimeoutMs) {
    values.set(COMMAND_TIMEOUT_MS, commandTimeoutMs);
    return self();
  }

  /** @return the maximum of commands queued or in flight per gateway */
  public int getMaxPendingCommands() {
    return values.get(MAX_PENDING_COMMANDS);
  }

  /**
   * @param maxPendingCommands commands queued or in flight before new ones fail fast, 1 to {@link #MAX_PENDING_COMMANDS_LIMIT}
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public S setMaxPendingCommands(int maxPendingCommands) {
    values.set(MAX_PENDING_COMMANDS, maxPendingCommands);
    return self();
  }

  /** @return the longest delay between reconnection attempts, in milliseconds */
  public long getReconnectMaxDelayMs() {
    return values.get(RECONNECT_MAX_DELAY_MS);
  }

  /**
   * @param reconnectMaxDelayMs the longest delay between reconnection attempts, in milliseconds, 1 to
   * {@link #MAX_RECONNECT_MAX_DELAY_MS}
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public S setReconnectMaxDelayMs(long reconnectMaxDelayMs) {
    values.set(RECONNECT_MAX_DELAY_MS, reconnectMaxDelayMs);
    return self();
  }

  /** @return consecutive failures that open the breaker */
  public int getBreakerMaxFailures() {
    return values.get(BREAKER_MAX_FAILURES);
  }

  /**
   * @param breakerMaxFailures consecutive failures that open the breaker, {@code >= 1}
   * @return this
   * @throws IllegalArgumentException when below 1
   */
  public S setBreakerMaxFailures(int breakerMaxFailures) {
    values.set(BREAKER_MAX_FAILURES, breakerMaxFailures);
    return self();
  }

  /** @return how long the breaker stays open before a trial call, in milliseconds */
  public long getBreakerResetTimeoutMs() {
    return values.get(BREAKER_RESET_TIMEOUT_MS);
  }

  /**
   * @param breakerResetTimeoutMs how long the breaker stays open before a trial call, in
   * milliseconds, 1 to {@link #MAX_BREAKER_RESET_TIMEOUT_MS}
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public S setBreakerResetTimeoutMs(long breakerResetTimeoutMs) {
    values.set(BREAKER_RESET_TIMEOUT_MS, breakerResetTimeoutMs);
    return self();
  }

  /** @return path of a PEM file with the CA certificates trusted for {@code rediss://}, or {@code null} for the JVM's */
  public String getTlsCaPath() {
    return values.get(TLS_CA_PATH);
  }

  /**
   * @param tlsCaPath PEM file with trusted CA certificates, or {@code null} for the JVM's trust
   * store; {@link #problems()} checks that it exists and is readable
   * @return this
   * @throws IllegalArgumentException when blank
   */
  public S setTlsCaPath(String tlsCaPath) {
    values.set(TLS_CA_PATH, tlsCaPath);
    return self();
  }

  /** @return path of the PEM file of the client certificate presented to servers requiring one, or {@code null} for none */
  public String getTlsCertPath() {
    return values.get(TLS_CERT_PATH);
  }

  /**
   * The client certificate for mutual TLS (servers with {@code tls-auth-clients yes}, Redis' default
   * when TLS is on): PEM {@code BEGIN CERTIFICATE} blocks, the client's own first, then any
   * intermediates. Needs {@link #setTlsKeyPath(String)} and {@code rediss://} endpoints;
   * {@link #problems()} reads the file and checks all three.
   *
   * @param tlsCertPath the certificate file, or {@code null} for none
   * @return this
   * @throws IllegalArgumentException when blank
   */
  public S setTlsCertPath(String tlsCertPath) {
    values.set(TLS_CERT_PATH, tlsCertPath);
    return self();
  }

  /** @return path of the PEM file of the client certificate's private key, or {@code null}; the path is not a secret, the contents are */
  public String getTlsKeyPath() {
    return values.get(TLS_KEY_PATH);
  }

  /**
   * The private key of {@link #getTlsCertPath()}, unencrypted (Vert.x 5.0.7 reads no encrypted key):
   * PEM PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or EC
   * ({@code BEGIN EC PRIVATE KEY}). {@link #problems()} reads the file and checks that it holds such
   * a key and that it is the certificate's; no message ever shows its contents.
   *
   * @param tlsKeyPath the key file, or {@code null} for none
   * @return this
   * @throws IllegalArgumentException when blank
   */
  public S setTlsKeyPath(String tlsKeyPath) {
    values.set(TLS_KEY_PATH, tlsKeyPath);
    return self();
  }

  /** @return whether the server's certificate must match its host name */
  public boolean isTlsHostnameVerification() {
    return values.get(TLS_HOSTNAME_VERIFICATION);
  }

  /**
   * @param tlsHostnameVerification whether the certificate must match the host name
   * @return this
   */
  public S setTlsHostnameVerification(boolean tlsHostnameVerification) {
    values.set(TLS_HOSTNAME_VERIFICATION, tlsHostnameVerification);
    return self();
  }

  /** @return the prefix of every key the module writes */
  public String getKeyPrefix() {
    return values.get(KEY_PREFIX);
  }

  /**
   * @param keyPrefix the prefix of every key the module writes: not empty, without whitespace,
   * hash-tag characters {@code { }} or glob characters {@code * ? [ ] \}
   * @return this
   * @throws IllegalArgumentException when it breaks one of those rules
   */
  public S setKeyPrefix(String keyPrefix) {
    values.set(KEY_PREFIX, keyPrefix);
    return self();
  }

  /** @return the event-bus address prefix */
}
