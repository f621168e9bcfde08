package dev.rediskit.health;

import dev.rediskit.config.ConfigKey;
import dev.rediskit.config.ConfigurationException;
import dev.rediskit.config.JsonOptionsReader;
import dev.rediskit.config.OptionChecks;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

  /** Upper bound of {@link #setTimeoutMs(long)} and {@link #setSlowPingMs(long)}, in milliseconds (1 minute). */
  public static final long MAX_TIMEOUT_MS = 60_000;

  /** The keys of this section, named as in the configuration ({@code health.timeoutMs}). */
  public static final List<ConfigKey> KEYS = List.of(
    key("health.timeoutMs", ConfigKey.Type.LONG, DEFAULT_TIMEOUT_MS, "ms",
      "The Redis health procedure answers within this time; a Redis that has not answered by then is reported DOWN. "
        + "1 to " + MAX_TIMEOUT_MS + "."),
    key("health.slowPingMs", ConfigKey.Type.LONG, DEFAULT_SLOW_PING_MS, "ms",
      "PING round trip above which Redis is reported degraded (still UP); 1 to " + MAX_TIMEOUT_MS + "."),
    new ConfigKey("health.detail", ConfigKey.Type.ENUM, DEFAULT_DETAIL.name(), "",
      "What a health result shows: MINIMAL is UP/DOWN only (for public exposure), FULL adds PING time, server, "
        + "memory, clients, topology, breaker and connection state (never credentials).", false,
      Arrays.stream(Detail.values()).map(Enum::name).toList()),
    key("health.path", ConfigKey.Type.STRING, DEFAULT_PATH, "",
      "Route of the aggregate health check (every registered procedure); a literal path starting with /."),
    key("health.redisPath", ConfigKey.Type.STRING, DEFAULT_REDIS_PATH, "",
      "Route of the Redis health check; a literal path starting with /."));

  private static ConfigKey key(String name, ConfigKey.Type type, Object defaultValue, String unit, String description) {
    return new ConfigKey(name, type, defaultValue, unit, description, false, List.of());
  }

  private long timeoutMs = DEFAULT_TIMEOUT_MS;
  private long slowPingMs = DEFAULT_SLOW_PING_MS;
  private Detail detail = DEFAULT_DETAIL;
  private String path = DEFAULT_PATH;
  private String redisPath = DEFAULT_REDIS_PATH;
  // Problems found while reading JSON, by key; a setter that sets the key again clears its entry.
  private final Map<String, String> inputProblems = new LinkedHashMap<>();

  /** Options with every default. */
  public HealthOptions() {
  }

  /**
   * Copy constructor.
   *
   * @param other the options to copy
   */
  public HealthOptions(HealthOptions other) {
    this.timeoutMs = other.timeoutMs;
    this.slowPingMs = other.slowPingMs;
    this.detail = other.detail;
    this.path = other.path;
    this.redisPath = other.redisPath;
    this.inputProblems.putAll(other.inputProblems);
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
    JsonOptionsReader in = new JsonOptionsReader(json, "health.", inputProblems);
    Long l = in.readLong("timeoutMs");
    if (l != null) {
      timeoutMs = l;
    }
    l = in.readLong("slowPingMs");
    if (l != null) {
      slowPingMs = l;
    }
    Detail d = in.readEnum("detail", Detail.class);
    if (d != null) {
      detail = d;
    }
    String s = in.readString("path");
    if (s != null) {
      path = s;
    }
    s = in.readString("redisPath");
    if (s != null) {
      redisPath = s;
    }
    in.reportUnknownKeys(List.of());
  }

  /** @return the options as JSON, the form the JSON constructor reads */
  public JsonObject toJson() {
    return new JsonObject()
      .put("timeoutMs", timeoutMs)
      .put("slowPingMs", slowPingMs)
      .put("detail", detail == null ? null : detail.name())
      .put("path", path)
      .put("redisPath", redisPath);
  }

  /** @return the time within which the procedure answers, in milliseconds */
  public long getTimeoutMs() {
    return timeoutMs;
  }

  /**
   * @param timeoutMs the time within which the procedure answers, in milliseconds: 1 to {@link #MAX_TIMEOUT_MS}
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public HealthOptions setTimeoutMs(long timeoutMs) {
    OptionChecks.require(timeoutProblem(timeoutMs));
    this.timeoutMs = timeoutMs;
    inputProblems.remove("health.timeoutMs");
    return this;
  }

  /** @return the PING round trip above which Redis is reported degraded, in milliseconds */
  public long getSlowPingMs() {
    return slowPingMs;
  }

  /**
   * @param slowPingMs the PING round trip above which Redis is reported degraded, in milliseconds:
   * 1 to {@link #MAX_TIMEOUT_MS}
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public HealthOptions setSlowPingMs(long slowPingMs) {
    OptionChecks.require(slowPingProblem(slowPingMs));
    this.slowPingMs = slowPingMs;
    inputProblems.remove("health.slowPingMs");
    return this;
  }

  /** @return how much a health result tells */
  public Detail getDetail() {
    return detail;
  }

  /**
   * @param detail how much a health result tells
   * @return this
   * @throws IllegalArgumentException when {@code null}
   */
  public HealthOptions setDetail(Detail detail) {
    OptionChecks.require(detailProblem(detail));
    this.detail = detail;
    inputProblems.remove("health.detail");
    return this;
  }

  /** @return the route of the aggregate health check */
  public String getPath() {
    return path;
  }

  /**
   * @param path the route of the aggregate health check: a literal path starting with {@code /}
   * @return this
   * @throws IllegalArgumentException when it is not such a path
   */
  public HealthOptions setPath(String path) {
    OptionChecks.require(OptionChecks.routePathProblem("health.path", path));
    this.path = path;
    inputProblems.remove("health.path");
    return this;
  }

  /** @return the route of the Redis health check */
  public String getRedisPath() {
    return redisPath;
  }

  /**
   * @param redisPath the route of the Redis health check: a literal path starting with {@code /}
   * @return this
   * @throws IllegalArgumentException when it is not such a path
   */
  public HealthOptions setRedisPath(String redisPath) {
    OptionChecks.require(OptionChecks.routePathProblem("health.redisPath", redisPath));
    this.redisPath = redisPath;
    inputProblems.remove("health.redisPath");
    return this;
  }

  private static String timeoutProblem(long v) {
    return OptionChecks.between("health.timeoutMs", v, 1, MAX_TIMEOUT_MS, "ms");
  }

  private static String slowPingProblem(long v) {
    return OptionChecks.between("health.slowPingMs", v, 1, MAX_TIMEOUT_MS, "ms");
  }

  private static String detailProblem(Detail d) {
    return d != null ? null : OptionChecks.violation("health.detail",
      "must be one of " + String.join(", ", Arrays.stream(Detail.values()).map(Enum::name).toList()), null);
  }

  /**
   * Lists every problem of this section: values of the wrong type or unknown keys met by the JSON
   * constructor, then rule violations, each naming the key ({@code health.timeoutMs}), the value
   * and what is allowed.
   *
   * @return the problems; empty when the section is valid
   */
  public List<String> problems() {
    List<String> problems = new ArrayList<>(inputProblems.values());
    OptionChecks.collect(problems, timeoutProblem(timeoutMs));
    OptionChecks.collect(problems, slowPingProblem(slowPingMs));
    OptionChecks.collect(problems, detailProblem(detail));
    String pathProblem = OptionChecks.routePathProblem("health.path", path);
    String redisPathProblem = OptionChecks.routePathProblem("health.redisPath", redisPath);
    OptionChecks.collect(problems, pathProblem);
    OptionChecks.collect(problems, redisPathProblem);
    if (pathProblem == null && redisPathProblem == null && path.equals(redisPath)) {
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
