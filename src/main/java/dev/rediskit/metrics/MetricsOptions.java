package dev.rediskit.metrics;

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

  private static final Setting<String> PATH = Setting.ofString("metrics.path", DEFAULT_PATH,
      "Route of the Prometheus scrape; a literal path starting with /.")
    .check(OptionChecks::routePathProblem);
  private static final Setting<Long> HEALTH_PROBE_INTERVAL_MS = Setting.ofLong("metrics.healthProbeIntervalMs",
      DEFAULT_HEALTH_PROBE_INTERVAL_MS, "ms",
      "How often the Redis health procedure runs to keep the rediskit_redis_up gauge current; 0 turns the probe off "
        + "(the gauge then shows the last check anyone made). 0 to " + MAX_HEALTH_PROBE_INTERVAL_MS + ".")
    .between(0, MAX_HEALTH_PROBE_INTERVAL_MS);
  private static final SettingTable TABLE = SettingTable.of("metrics.", PATH, HEALTH_PROBE_INTERVAL_MS);

  /** The keys of this section, named as in the configuration ({@code metrics.path}). */
  public static final List<ConfigKey> KEYS = TABLE.keys();

  private final SettingValues values;

  /** Options with every default. */
  public MetricsOptions() {
    this.values = new SettingValues(TABLE);
  }

  /**
   * Copy constructor.
   *
   * @param other the options to copy
   */
  public MetricsOptions(MetricsOptions other) {
    this.values = new SettingValues(other.values);
  }

  /**
   * Reads the options from JSON (keys as in {@link #toJson()}; numbers may also be given as
   * strings). Never throws: values of the wrong type and unknown keys are kept as problems that
   * {@link #validate()} reports, and the options concerned keep their defaults.
   *
   * @param json the {@code metrics} section
   */
  public MetricsOptions(JsonObject json) {
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

  /** @return the route of the Prometheus scrape */
  public String getPath() {
    return values.get(PATH);
  }

  /**
   * @param path the route of the Prometheus scrape: a literal path starting with {@code /}
   * @return this
   * @throws IllegalArgumentException when it is not such a path
   */
  public MetricsOptions setPath(String path) {
    values.set(PATH, path);
    return this;
  }

  /** @return how often the health probe runs, in milliseconds; 0 when it is off */
  public long getHealthProbeIntervalMs() {
    return values.get(HEALTH_PROBE_INTERVAL_MS);
  }

  /**
   * @param healthProbeIntervalMs how often the health probe runs, in milliseconds: 0 (off) to
   * {@link #MAX_HEALTH_PROBE_INTERVAL_MS}
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public MetricsOptions setHealthProbeIntervalMs(long healthProbeIntervalMs) {
    values.set(HEALTH_PROBE_INTERVAL_MS, healthProbeIntervalMs);
    return this;
  }

  /**
   * Lists every problem of this section: values of the wrong type or unknown keys met by the JSON
   * constructor, then rule violations, each naming the key, the value and what is allowed.
   *
   * @return the problems; empty when the section is valid
   */
  public List<String> problems() {
    return values.problems();
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
