package dev.rediskit.cache;

import dev.rediskit.ConfigKey;
import dev.rediskit.ConfigurationException;
import dev.rediskit.impl.JsonOptionsReader;
import dev.rediskit.impl.OptionChecks;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cache defaults: TTLs, serve-stale window and the largest value accepted. The {@code cache}
 * section of {@link dev.rediskit.RedisKitOptions}; all durations are in milliseconds.
 *
 * <p>Fluent setters reject at once a value no configuration could make valid; the JSON
 * constructor never throws and keeps such problems for {@link #validate()}.
 */
public class CacheOptions {

  /** Default time to live of an entry, in milliseconds (5 minutes). */
  public static final long DEFAULT_TTL_MS = 300_000;
  /** Default extra time an expired entry is kept to be served stale, in milliseconds (0: off). */
  public static final long DEFAULT_STALE_TTL_MS = 0;
  /** Default longest TTL accepted, in milliseconds (30 days). */
  public static final long DEFAULT_MAX_TTL_MS = 30L * 24 * 3600 * 1000;
  /** Default largest encoded value accepted, in bytes (1 MiB). */
  public static final int DEFAULT_MAX_VALUE_BYTES = 1024 * 1024;
  /** Default TTL jitter, in percent of the TTL (0: off). */
  public static final int DEFAULT_TTL_JITTER_PERCENT = 0;

  /** Upper bound of {@link #setMaxValueBytes(int)}, in bytes: Redis' own limit for a string value (512 MiB). */
  public static final int MAX_VALUE_BYTES_LIMIT = 512 * 1024 * 1024;
  /** Upper bound of {@link #setTtlJitterPercent(int)}, in percent. */
  public static final int MAX_TTL_JITTER_PERCENT = 50;

  /** The keys of this section, named as in the configuration ({@code cache.ttlMs}). */
  public static final List<ConfigKey> KEYS = List.of(
    key("cache.ttlMs", ConfigKey.Type.LONG, DEFAULT_TTL_MS, "ms",
      "Time to live of an entry written without an explicit TTL; at most cache.maxTtlMs."),
    key("cache.staleTtlMs", ConfigKey.Type.LONG, DEFAULT_STALE_TTL_MS, "ms",
      "How long after expiry an entry may still be served stale while it is reloaded or Redis fails; 0 turns serve-stale off."),
    key("cache.maxTtlMs", ConfigKey.Type.LONG, DEFAULT_MAX_TTL_MS, "ms",
      "Longest TTL a caller may ask for (30 days by default)."),
    key("cache.maxValueBytes", ConfigKey.Type.INT, DEFAULT_MAX_VALUE_BYTES, "bytes",
      "Largest encoded value accepted; larger ones fail with code 413. 1 to 536870912 (512 MiB, Redis' limit)."),
    key("cache.ttlJitterPercent", ConfigKey.Type.INT, DEFAULT_TTL_JITTER_PERCENT, "percent",
      "Random spread added to each TTL so entries written together do not expire together; 0 to 50."));

  private static ConfigKey key(String name, ConfigKey.Type type, Object defaultValue, String unit, String description) {
    return new ConfigKey(name, type, defaultValue, unit, description, false, List.of());
  }

  private long ttlMs = DEFAULT_TTL_MS;
  private long staleTtlMs = DEFAULT_STALE_TTL_MS;
  private long maxTtlMs = DEFAULT_MAX_TTL_MS;
  private int maxValueBytes = DEFAULT_MAX_VALUE_BYTES;
  private int ttlJitterPercent = DEFAULT_TTL_JITTER_PERCENT;
  // Problems found while reading JSON, by key; a setter that sets the key again clears its entry.
  private final Map<String, String> inputProblems = new LinkedHashMap<>();

  /** Options with every default. */
  public CacheOptions() {
  }

  /**
   * Copy constructor.
   *
   * @param other the options to copy
   */
  public CacheOptions(CacheOptions other) {
    this.ttlMs = other.ttlMs;
    this.staleTtlMs = other.staleTtlMs;
    this.maxTtlMs = other.maxTtlMs;
    this.maxValueBytes = other.maxValueBytes;
    this.ttlJitterPercent = other.ttlJitterPercent;
    this.inputProblems.putAll(other.inputProblems);
  }

  /**
   * Reads the options from JSON (keys as in {@link #toJson()}; numbers may also be given as
   * strings). Never throws: values of the wrong type and unknown keys are kept as problems that
   * {@link #validate()} reports, and the options concerned keep their defaults.
   *
   * @param json the {@code cache} section
   */
  public CacheOptions(JsonObject json) {
    JsonOptionsReader in = new JsonOptionsReader(json, "cache.", inputProblems);
    Long l = in.readLong("ttlMs");
    if (l != null) {
      ttlMs = l;
    }
    l = in.readLong("staleTtlMs");
    if (l != null) {
      staleTtlMs = l;
    }
    l = in.readLong("maxTtlMs");
    if (l != null) {
      maxTtlMs = l;
    }
    Integer i = in.readInt("maxValueBytes");
    if (i != null) {
      maxValueBytes = i;
    }
    i = in.readInt("ttlJitterPercent");
    if (i != null) {
      ttlJitterPercent = i;
    }
    in.reportUnknownKeys(List.of());
  }

  /** @return the options as JSON, the form the JSON constructor reads */
  public JsonObject toJson() {
    return new JsonObject()
      .put("ttlMs", ttlMs)
      .put("staleTtlMs", staleTtlMs)
      .put("maxTtlMs", maxTtlMs)
      .put("maxValueBytes", maxValueBytes)
      .put("ttlJitterPercent", ttlJitterPercent);
  }

  /** @return the default TTL in milliseconds */
  public long getTtlMs() {
    return ttlMs;
  }

  /**
   * @param ttlMs the TTL of entries written without one, in milliseconds; {@code > 0} (and, checked
   * by {@link #validate()}, at most {@link #getMaxTtlMs()})
   * @return this
   * @throws IllegalArgumentException when {@code ttlMs <= 0}
   */
  public CacheOptions setTtlMs(long ttlMs) {
    OptionChecks.require(OptionChecks.atLeast("cache.ttlMs", ttlMs, 1, "ms"));
    this.ttlMs = ttlMs;
    inputProblems.remove("cache.ttlMs");
    return this;
  }

  /** @return the default serve-stale window in milliseconds */
  public long getStaleTtlMs() {
    return staleTtlMs;
  }

  /**
   * @param staleTtlMs how long after expiry an entry may be served stale, in milliseconds; 0 turns it off
   * @return this
   * @throws IllegalArgumentException when negative
   */
  public CacheOptions setStaleTtlMs(long staleTtlMs) {
    OptionChecks.require(OptionChecks.atLeast("cache.staleTtlMs", staleTtlMs, 0, "ms"));
    this.staleTtlMs = staleTtlMs;
    inputProblems.remove("cache.staleTtlMs");
    return this;
  }

  /** @return the longest TTL accepted in milliseconds */
  public long getMaxTtlMs() {
    return maxTtlMs;
  }

  /**
   * @param maxTtlMs the longest TTL accepted, in milliseconds; {@code > 0}
   * @return this
   * @throws IllegalArgumentException when {@code maxTtlMs <= 0}
   */
  public CacheOptions setMaxTtlMs(long maxTtlMs) {
    OptionChecks.require(OptionChecks.atLeast("cache.maxTtlMs", maxTtlMs, 1, "ms"));
    this.maxTtlMs = maxTtlMs;
    inputProblems.remove("cache.maxTtlMs");
    return this;
  }

  /** @return the largest encoded value accepted, in bytes */
  public int getMaxValueBytes() {
    return maxValueBytes;
  }

  /**
   * @param maxValueBytes the largest encoded value accepted, in bytes: 1 to {@link #MAX_VALUE_BYTES_LIMIT}
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public CacheOptions setMaxValueBytes(int maxValueBytes) {
    OptionChecks.require(maxValueBytesProblem(maxValueBytes));
    this.maxValueBytes = maxValueBytes;
    inputProblems.remove("cache.maxValueBytes");
    return this;
  }

  /** @return the TTL jitter in percent */
  public int getTtlJitterPercent() {
    return ttlJitterPercent;
  }

  /**
   * @param ttlJitterPercent the TTL jitter in percent (0 to {@link #MAX_TTL_JITTER_PERCENT})
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public CacheOptions setTtlJitterPercent(int ttlJitterPercent) {
    OptionChecks.require(jitterProblem(ttlJitterPercent));
    this.ttlJitterPercent = ttlJitterPercent;
    inputProblems.remove("cache.ttlJitterPercent");
    return this;
  }

  private static String maxValueBytesProblem(int v) {
    return OptionChecks.between("cache.maxValueBytes", v, 1, MAX_VALUE_BYTES_LIMIT, "bytes (512 MiB is Redis' limit)");
  }

  private static String jitterProblem(int v) {
    return OptionChecks.between("cache.ttlJitterPercent", v, 0, MAX_TTL_JITTER_PERCENT, "percent");
  }

  /**
   * Lists every problem of this section: values of the wrong type or unknown keys met by the JSON
   * constructor, then rule violations, each naming the key ({@code cache.ttlMs}), the value and
   * what is allowed.
   *
   * @return the problems; empty when the section is valid
   */
  public List<String> problems() {
    List<String> problems = new ArrayList<>(inputProblems.values());
    String ttlProblem = OptionChecks.atLeast("cache.ttlMs", ttlMs, 1, "ms");
    if (ttlProblem != null) {
      problems.add(ttlProblem);
    } else if (maxTtlMs >= 1 && ttlMs > maxTtlMs) {
      problems.add(OptionChecks.violation("cache.ttlMs", "must be <= cache.maxTtlMs (" + maxTtlMs + " ms)", ttlMs));
    }
    OptionChecks.collect(problems, OptionChecks.atLeast("cache.maxTtlMs", maxTtlMs, 1, "ms"));
    OptionChecks.collect(problems, OptionChecks.atLeast("cache.staleTtlMs", staleTtlMs, 0, "ms"));
    OptionChecks.collect(problems, maxValueBytesProblem(maxValueBytes));
    OptionChecks.collect(problems, jitterProblem(ttlJitterPercent));
    return problems;
  }

  /**
   * Checks this section on its own; {@link dev.rediskit.RedisKitOptions#validate()} includes it.
   *
   * @return this
   * @throws ConfigurationException listing every problem of {@link #problems()}
   */
  public CacheOptions validate() {
    List<String> problems = problems();
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
    return this;
  }

  @Override
  public String toString() {
    return "CacheOptions" + toJson().encode();
  }
}
