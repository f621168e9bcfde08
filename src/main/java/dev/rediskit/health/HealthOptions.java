package dev.rediskit.health;

import dev.rediskit.config.ConfigKey;
import dev.rediskit.config.ConfigurationException;
import dev.rediskit.config.JsonOptionsReader;
import dev.rediskit.config.OptionChecks;
import dev.rediskit.config.Setting;
import dev.rediskit.config.SettingTable;
import dev.rediskit.config.SettingValues;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Settings of the Redis health procedure and of its HTTP routes: the {@code health} section of
 * {@link dev.rediskit.RedisKitOptions}; durations are in milliseconds.
 *
 * <p>Fluent setters reject at once a value no configuration could make valid; the JSON
 * constructor never throws and keeps such problems for {@link #validate()}.
 */
public class HealthOptions {

  /** How much a health result tells. */
  public enum Detail {
    /** Only UP or DOWN: for routes reachable from outside, where versions and topology are nobody's business. */
    MINIMAL,
    /** UP or DOWN with the data: PING time, server, memory, clients, topology, breaker and connection state. */
    FULL
  }

  /** Default time within which the procedure answers, in milliseconds. */
  public static final long DEFAULT_TIMEOUT_MS = 1_000;
  /** Default PING round trip above which Redis is reported degraded, in milliseconds. */
  public static final long DEFAULT_SLOW_PING_MS = 100;
  /** Default detail level. */
  public static final Detail DEFAULT_DETAIL = Detail.FULL;
  /** Default path of the aggregate health route (every procedure). */
  public static final String DEFAULT_PATH = "/health";
  /** Default path of the Redis health route. */
  public static final String DEFAULT_REDIS_PATH = "/health/redis";

  /** Default most requests per second the health routes pass to the procedure, per instance of the routes. */
  public static final long DEFAULT_MAX_REQUESTS_PER_SECOND = 100;
  /** Upper bound of {@link #setMaxRequestsPerSecond(long)}. */
  public static final long MAX_MAX_REQUESTS_PER_SECOND = 1_000_000;

  /** Upper bound of {@link #setTimeoutMs(long)} and {@link #setSlowPingMs(long)}, in milliseconds (1 minute). */
  public static final long MAX_TIMEOUT_MS = 60_000;

  private static final Setting<Long> TIMEOUT_MS = Setting.ofLong("health.timeoutMs", DEFAULT_TIMEOUT_MS, "ms",
      "The Redis health procedure answers within this time; a Redis that has not answered by then is reported DOWN. "
        + "1 to " + MAX_TIMEOUT_MS + ".")
    .between(1, MAX_TIMEOUT_MS);
  private static final Setting<Long> SLOW_PING_MS = Setting.ofLong("health.slowPingMs", DEFAULT_SLOW_PING_MS, "ms",
      "PING round trip above which Redis is reported degraded (still UP); 1 to " + MAX_TIMEOUT_MS + ".")
    .between(1, MAX_TIMEOUT_MS);
  private static final Setting<Detail> DETAIL = Setting.ofEnum("health.detail", Detail.class, DEFAULT_DETAIL,
    "What a health result shows: MINIMAL is UP/DOWN only (for public exposure), FULL adds PING time, server, "
      + "memory, clients, topology, breaker and connection state (never credentials).");
  private static final Setting<String> PATH = Setting.ofString("health.path", DEFAULT_PATH,
      "Route of the aggregate health check (every registered procedure); a literal path starting with /.")
    .check(OptionChecks::routePathProblem);
  private static final Setting<String> REDIS_PATH = Setting.ofString("health.redisPath", DEFAULT_REDIS_PATH,
      "Route of the Redis health check; a literal path starting with /.")
    .check(OptionChecks::routePathProblem);
  private static final Setting<Long> MAX_REQUESTS_PER_SECOND = Setting.ofLong("health.maxRequestsPerSecond",
      DEFAULT_MAX_REQUESTS_PER_SECOND, "requests",
      "Most requests per second the health routes (health.path, health.redisPath) of one RedisKitRoutes pass to the "
        + "procedures (each a PING and an INFO); the others get 429 with Retry-After: 1, without touching Redis. "
        + "0 mounts no limit; 0 to " + MAX_MAX_REQUESTS_PER_SECOND + ".")
    .between(0, MAX_MAX_REQUESTS_PER_SECOND);
  private static final SettingTable TABLE = SettingTable.of("health.", TIMEOUT_MS, SLOW_PING_MS, DETAIL, PATH, REDIS_PATH,
    MAX_REQUESTS_PER_SECOND);

  /** The keys of this section, named as in the configuration ({@code health.timeoutMs}). */
  public static final List<ConfigKey> KEYS = TABLE.keys();

  private final SettingValues values;

  /** Options with every default. */
  public HealthOptions() {
    this.values = new SettingValues(TABLE);
  }

  /**
   * Copy constructor.
   *
   * @param other the options to copy
   */
  public HealthOptions(HealthOptions other) {
    this.values = new SettingValues(other.values);
  }

  /**
   * Reads the options from JSON (keys as in {@link #toJson()}; numbers may also be given as
   * strings, the detail level in any case). Never throws: values of the wrong type and unknown keys
   * are kept as problems that {@link #validate()} reports, and the options concerned keep their
   * defaults.
   *
   * @param json the {@code health} section
   */
  public HealthOptions(JsonObject json) {
    this.values = new SettingValues(TABLE);
    JsonOptionsReader in = values.read(json);
    in.reportUnknownKeys(List.of());
  }

  /** @return the options as JSON, the form the JSON constructor reads */
  public JsonObject toJson() {
    return values.toJson();
  }

  /**
   * What the code gave: the settings read from the JSON these options were built from (the keys it
   * held, whatever their values) or set by a setter, copied along by the copy constructor; in
   * {@link #toJson()}'s form, other settings left out. {@code RedisKit.create} lets these override
   * the config file, and the file keep the rest.
   *
   * @return the given settings as JSON
   */
  public JsonObject toGivenJson() {
    return values.toGivenJson();
  }

  /** @return the time within which the procedure answers, in milliseconds */
  public long getTimeoutMs() {
    return values.get(TIMEOUT_MS);
  }

  /**
   * @param timeoutMs the time within which the procedure answers, in milliseconds: 1 to {@link #MAX_TIMEOUT_MS}
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public HealthOptions setTimeoutMs(long timeoutMs) {
    values.set(TIMEOUT_MS, timeoutMs);
    return this;
  }

  /** @return the PING round trip above which Redis is reported degraded, in milliseconds */
  public long getSlowPingMs() {
    return values.get(SLOW_PING_MS);
  }

  /**
   * @param slowPingMs the PING round trip above which Redis is reported degraded, in milliseconds:
   * 1 to {@link #MAX_TIMEOUT_MS}
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public HealthOptions setSlowPingMs(long slowPingMs) {
    values.set(SLOW_PING_MS, slowPingMs);
    return this;
  }

  /** @return how much a health result tells */
  public Detail getDetail() {
    return values.get(DETAIL);
  }

  /**
   * @param detail how much a health result tells
   * @return this
   * @throws IllegalArgumentException when {@code null}
   */
  public HealthOptions setDetail(Detail detail) {
    values.set(DETAIL, detail);
    return this;
  }

  /** @return the route of the aggregate health check */
  public String getPath() {
    return values.get(PATH);
  }

  /**
   * @param path the route of the aggregate health check: a literal path starting with {@code /}
   * @return this
   * @throws IllegalArgumentException when it is not such a path
   */
  public HealthOptions setPath(String path) {
    values.set(PATH, path);
    return this;
  }

  /** @return the route of the Redis health check */
  public String getRedisPath() {
    return values.get(REDIS_PATH);
  }

  /**
   * @param redisPath the route of the Redis health check: a literal path starting with {@code /}
   * @return this
   * @throws IllegalArgumentException when it is not such a path
   */
  public HealthOptions setRedisPath(String redisPath) {
    values.set(REDIS_PATH, redisPath);
    return this;
  }

  /** @return the most requests per second the health routes pass to the procedures; 0 for no limit */
  public long getMaxRequestsPerSecond() {
    return values.get(MAX_REQUESTS_PER_SECOND);
  }

  /**
   * @param maxRequestsPerSecond the most requests per second the health routes of one
   * {@code RedisKitRoutes} pass to the procedures, the others answered 429: 0 (no limit) to
   * {@link #MAX_MAX_REQUESTS_PER_SECOND}
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public HealthOptions setMaxRequestsPerSecond(long maxRequestsPerSecond) {
    values.set(MAX_REQUESTS_PER_SECOND, maxRequestsPerSecond);
    return this;
  }

  /**
   * Lists every problem of this section: values of the wrong type or unknown keys met by the JSON
   * constructor, then rule violations, each naming the key ({@code health.timeoutMs}), the value
   * and what is allowed.
   *
   * @return the problems; empty when the section is valid
   */
  public List<String> problems() {
    List<String> problems = values.problems();
    String path = getPath();
    String redisPath = getRedisPath();
    if (OptionChecks.routePathProblem(PATH.key().name(), path) == null
      && OptionChecks.routePathProblem(REDIS_PATH.key().name(), redisPath) == null && path.equals(redisPath)) {
      problems.add(OptionChecks.violation("health.redisPath", "must differ from health.path", redisPath));
    }
    return problems;
  }

  /**
   * Checks this section on its own; {@link dev.rediskit.RedisKitOptions#validate()} includes it.
   *
   * @return this
   * @throws ConfigurationException listing every problem of {@link #problems()}
   */
  public HealthOptions validate() {
    OptionChecks.requireNone(problems());
    return this;
  }

  @Override
  public String toString() {
    return "HealthOptions" + toJson().encode();
  }
}
