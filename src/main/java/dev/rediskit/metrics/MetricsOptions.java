package dev.rediskit.metrics;

import dev.rediskit.config.ConfigKey;
import dev.rediskit.config.ConfigurationException;
import dev.rediskit.config.JsonOptionsReader;
import dev.rediskit.config.OptionChecks;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Settings of the metrics: the {@code metrics} section of {@link dev.rediskit.RedisKitOptions};
 * durations are in milliseconds.
 *
 * <p>Fluent setters reject at once a value no configuration could make valid; the JSON
 * constructor never throws and keeps such problems for {@link #validate()}.
 */
public class MetricsOptions {

  /** Default path of the Prometheus scrape route. */
  public static final String DEFAULT_PATH = "/metrics";
  /** Default interval of the health probe behind {@code rediskit_redis_up}, in milliseconds. */
  public static final long DEFAULT_HEALTH_PROBE_INTERVAL_MS = 10_000;
  /** Upper bound of {@link #setHealthProbeIntervalMs(long)}, in milliseconds (1 hour). */
  public static final long MAX_HEALTH_PROBE_INTERVAL_MS = 3_600_000;

  /** The keys of this section, named as in the configuration ({@code metrics.path}). */
  public static final List<ConfigKey> KEYS = List.of(
    new ConfigKey("metrics.path", ConfigKey.Type.STRING, DEFAULT_PATH, "",
      "Route of the Prometheus scrape; a literal path starting with /.", false, List.of()),
    new ConfigKey("metrics.healthProbeIntervalMs", ConfigKey.Type.LONG, DEFAULT_HEALTH_PROBE_INTERVAL_MS, "ms",
      "How often the Redis health procedure runs to keep the rediskit_redis_up gauge current; 0 turns the probe off "
        + "(the gauge then shows the last check anyone made). 0 to " + MAX_HEALTH_PROBE_INTERVAL_MS + ".", false, List.of()));

  private String path = DEFAULT_PATH;
  private long healthProbeIntervalMs = DEFAULT_HEALTH_PROBE_INTERVAL_MS;
  // Problems found while reading JSON, by key; a setter that sets the key again clears its entry.
  private final Map<String, String> inputProblems = new LinkedHashMap<>();

  /** Options with every default. */
  public MetricsOptions() {
  }

  /**
   * Copy constructor.
   *
   * @param other the options to copy
   */
  public MetricsOptions(MetricsOptions other) {
    this.path = other.path;
    this.healthProbeIntervalMs = other.healthProbeIntervalMs;
    this.inputProblems.putAll(other.inputProblems);
  }

  /**
   * Reads the options from JSON (keys as in {@link #toJson()}; numbers may also be given as
   * strings). Never throws: values of the wrong type and unknown keys are kept as problems that
   * {@link #validate()} reports, and the options concerned keep their defaults.
   *
   * @param json the {@code metrics} section
   */
  public MetricsOptions(JsonObject json) {
    JsonOptionsReader in = new JsonOptionsReader(json, "metrics.", inputProblems);
    String s = in.readString("path");
    if (s != null) {
      path = s;
    }
    Long l = in.readLong("healthProbeIntervalMs");
    if (l != null) {
      healthProbeIntervalMs = l;
    }
    in.reportUnknownKeys(List.of());
  }

  /** @return the options as JSON, the form the JSON constructor reads */
  public JsonObject toJson() {
    return new JsonObject()
      .put("path", path)
      .put("healthProbeIntervalMs", healthProbeIntervalMs);
  }

  /** @return the route of the Prometheus scrape */
  public String getPath() {
    return path;
  }

  /**
   * @param path the route of the Prometheus scrape: a literal path starting with {@code /}
   * @return this
   * @throws IllegalArgumentException when it is not such a path
   */
  public MetricsOptions setPath(String path) {
    OptionChecks.require(OptionChecks.routePathProblem("metrics.path", path));
    this.path = path;
    inputProblems.remove("metrics.path");
    return this;
  }

  /** @return how often the health probe runs, in milliseconds; 0 when it is off */
  public long getHealthProbeIntervalMs() {
    return healthProbeIntervalMs;
  }

  /**
   * @param healthProbeIntervalMs how often the health probe runs, in milliseconds: 0 (off) to
   * {@link #MAX_HEALTH_PROBE_INTERVAL_MS}
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public MetricsOptions setHealthProbeIntervalMs(long healthProbeIntervalMs) {
    OptionChecks.require(probeProblem(healthProbeIntervalMs));
    this.healthProbeIntervalMs = healthProbeIntervalMs;
    inputProblems.remove("metrics.healthProbeIntervalMs");
    return this;
  }

  private static String probeProblem(long v) {
    return OptionChecks.between("metrics.healthProbeIntervalMs", v, 0, MAX_HEALTH_PROBE_INTERVAL_MS, "ms");
  }

  /**
   * Lists every problem of this section: values of the wrong type or unknown keys met by the JSON
   * constructor, then rule violations, each naming the key, the value and what is allowed.
   *
   * @return the problems; empty when the section is valid
   */
  public List<String> problems() {
    List<String> problems = new ArrayList<>(inputProblems.values());
    OptionChecks.collect(problems, OptionChecks.routePathProblem("metrics.path", path));
    OptionChecks.collect(problems, probeProblem(healthProbeIntervalMs));
    return problems;
  }

  /**
   * Checks this section on its own; {@link dev.rediskit.RedisKitOptions#validate()} includes it.
   *
   * @return this
   * @throws ConfigurationException listing every problem of {@link #problems()}
   */
  public MetricsOptions validate() {
    OptionChecks.requireNone(problems());
    return this;
  }

  @Override
  public String toString() {
    return "MetricsOptions" + toJson().encode();
  }
}
