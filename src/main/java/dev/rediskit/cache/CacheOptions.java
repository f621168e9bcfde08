package dev.rediskit.cache;

import dev.rediskit.config.ConfigKey;
import dev.rediskit.config.ConfigurationException;
import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.config.JsonOptionsReader;
import dev.rediskit.config.OptionChecks;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Cache defaults: TTLs, serve-stale window, the largest value accepted, negative caching, the
 * load lease and timeout, warm-up batching, and the loaders of the event-bus service (per
 * namespace in {@code namespaces}, and the prefix under which requests may name their own). The {@code cache}
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

  /** Default time an absent value is cached by getOrLoad with negative caching on, in milliseconds (1 minute). */
  public static final long DEFAULT_NULL_TTL_MS = 60_000;
  /** Default lifetime of the lease that lets one instance load a key while others wait, in milliseconds. */
  public static final long DEFAULT_LEASE_TTL_MS = 5_000;
  /** Default longest time a loader may take before the load fails, in milliseconds. */
  public static final long DEFAULT_LOAD_TIMEOUT_MS = 5_000;
  /** Default number of keys per batch of a warm-up without an explicit batch size. */
  public static final int DEFAULT_WARM_BATCH_SIZE = 100;
  /** Default number of warm-up batches loaded at the same time. */
  public static final int DEFAULT_WARM_CONCURRENCY = 4;

  /**
   * Default loader prefix: with it, a {@code cache.getOrLoad} request (or a memoized function of
   * {@code CacheClient}) may name a loader at {@code <addressPrefix>cache.loader.<anything>}.
   */
  public static final String DEFAULT_LOADER_PREFIX = "cache.loader.";

  /** Default longest time an instance uses a namespace version it fetched, in milliseconds: the bound after which a bumpVersion is seen everywhere (1 s). */
  public static final long DEFAULT_VERSION_REFRESH_MS = 1_000;
  /** Upper bound of {@link #setVersionRefreshMs(long)}, in milliseconds (1 minute). */
  public static final long MAX_VERSION_REFRESH_MS = 60_000;

  /** Upper bound of {@link #setLeaseTtlMs(long)} and {@link #setLoadTimeoutMs(long)}, in milliseconds (10 minutes). */
  public static final long MAX_LOAD_TIME_MS = 600_000;
  /** Upper bound of {@link #setWarmBatchSize(int)}, in keys. */
  public static final int MAX_WARM_BATCH_SIZE = 10_000;
  /** Upper bound of {@link #setWarmConcurrency(int)}, in batches. */
  public static final int MAX_WARM_CONCURRENCY = 64;

  /** Upper bound of {@link #setMaxValueBytes(int)}, in bytes: Redis' own limit for a string value (512 MiB). */
  public static final int MAX_VALUE_BYTES_LIMIT = 512 * 1024 * 1024;
  /** Upper bound of {@link #setTtlJitterPercent(int)}, in percent. */
  public static final int MAX_TTL_JITTER_PERCENT = 50;

  /** The keys of this section, named as in the configuration ({@code cache.ttlMs}). */
  public static final List<ConfigKey> KEYS = java.util.stream.Stream.concat(java.util.stream.Stream.of(
    key("cache.ttlMs", ConfigKey.Type.LONG, DEFAULT_TTL_MS, "ms",
      "Time to live of an entry written without an explicit TTL; at most cache.maxTtlMs."),
    key("cache.staleTtlMs", ConfigKey.Type.LONG, DEFAULT_STALE_TTL_MS, "ms",
      "How long after expiry an entry may still be served stale while it is reloaded or Redis fails; 0 turns serve-stale off."),
    key("cache.maxTtlMs", ConfigKey.Type.LONG, DEFAULT_MAX_TTL_MS, "ms",
      "Longest TTL a caller may ask for (30 days by default)."),
    key("cache.maxValueBytes", ConfigKey.Type.INT, DEFAULT_MAX_VALUE_BYTES, "bytes",
      "Largest encoded value accepted; larger ones fail with code 413. 1 to 536870912 (512 MiB, Redis' limit)."),
    key("cache.ttlJitterPercent", ConfigKey.Type.INT, DEFAULT_TTL_JITTER_PERCENT, "percent",
      "Random spread taken off each TTL (never added, so PTTL stays <= the TTL asked for) so entries written together do not expire together; 0 to 50."),
    key("cache.nullTtlMs", ConfigKey.Type.LONG, DEFAULT_NULL_TTL_MS, "ms",
      "How long getOrLoad remembers that the loader found nothing, when negative caching is on; capped at cache.maxTtlMs."),
    key("cache.leaseTtlMs", ConfigKey.Type.LONG, DEFAULT_LEASE_TTL_MS, "ms",
      "Lifetime of the Redis lease that lets one instance load a missing key while the others wait; after it they load themselves. 1 to 600000."),
    key("cache.loadTimeoutMs", ConfigKey.Type.LONG, DEFAULT_LOAD_TIMEOUT_MS, "ms",
      "Longest time a loader may take; then the load fails (a stale value is served if there is one). 1 to 600000."),
    key("cache.warmBatchSize", ConfigKey.Type.INT, DEFAULT_WARM_BATCH_SIZE, "keys",
      "Keys per batch of warm(keys) with the registered loader; 1 to 10000."),
    key("cache.warmConcurrency", ConfigKey.Type.INT, DEFAULT_WARM_CONCURRENCY, "batches",
      "Warm-up batches loaded at the same time; 1 to 64."),
    key("cache.loaderPrefix", ConfigKey.Type.STRING, DEFAULT_LOADER_PREFIX, "",
      "Event-bus addresses (after addressPrefix) under which a cache.getOrLoad request may name its own loader, "
        + "as CacheClient.memoize does; empty: only the loaders of cache.namespaces. Must not cover the module's own addresses."),
    key("cache.versionRefreshMs", ConfigKey.Type.LONG, DEFAULT_VERSION_REFRESH_MS, "ms",
      "Longest time an instance uses a namespace version it fetched: every instance reads with the new version at most this long after bumpVersion; 1 to 60000."),
    new ConfigKey("cache.namespaces", ConfigKey.Type.OBJECT, new JsonObject(), "",
      "Per namespace: its loader and batch loader addresses and default load options, "
        + "{\"users\": {\"loader\": \"db.users.load\", \"batchLoader\": \"db.users.loadMany\", \"ttlMs\": 60000, "
        + "\"staleTtlMs\": 600000, \"refreshAheadFraction\": 0.2, \"cacheNulls\": true}}.", false, List.of())),
    CompressionOptions.KEYS.stream()).toList();

  private static ConfigKey key(String name, ConfigKey.Type type, Object defaultValue, String unit, String description) {
    return new ConfigKey(name, type, defaultValue, unit, description, false, List.of());
  }

  private long ttlMs = DEFAULT_TTL_MS;
  private long staleTtlMs = DEFAULT_STALE_TTL_MS;
  private long maxTtlMs = DEFAULT_MAX_TTL_MS;
  private int maxValueBytes = DEFAULT_MAX_VALUE_BYTES;
  private int ttlJitterPercent = DEFAULT_TTL_JITTER_PERCENT;
  private long nullTtlMs = DEFAULT_NULL_TTL_MS;
  private long leaseTtlMs = DEFAULT_LEASE_TTL_MS;
  private long loadTimeoutMs = DEFAULT_LOAD_TIMEOUT_MS;
  private int warmBatchSize = DEFAULT_WARM_BATCH_SIZE;
  private int warmConcurrency = DEFAULT_WARM_CONCURRENCY;
  private String loaderPrefix = DEFAULT_LOADER_PREFIX;
  private Map<String, NamespaceOptions> namespaces = new LinkedHashMap<>();
  private CompressionOptions compression = new CompressionOptions();
  private long versionRefreshMs = DEFAULT_VERSION_REFRESH_MS;
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
    this.nullTtlMs = other.nullTtlMs;
    this.leaseTtlMs = other.leaseTtlMs;
    this.loadTimeoutMs = other.loadTimeoutMs;
    this.warmBatchSize = other.warmBatchSize;
    this.warmConcurrency = other.warmConcurrency;
    this.loaderPrefix = other.loaderPrefix;
    other.namespaces.forEach((name, ns) -> this.namespaces.put(name, new NamespaceOptions(ns)));
    this.compression = new CompressionOptions(other.compression);
    this.versionRefreshMs = other.versionRefreshMs;
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
    l = in.readLong("nullTtlMs");
    if (l != null) {
      nullTtlMs = l;
    }
    l = in.readLong("leaseTtlMs");
    if (l != null) {
      leaseTtlMs = l;
    }
    l = in.readLong("loadTimeoutMs");
    if (l != null) {
      loadTimeoutMs = l;
    }
    i = in.readInt("warmBatchSize");
    if (i != null) {
      warmBatchSize = i;
    }
    i = in.readInt("warmConcurrency");
    if (i != null) {
      warmConcurrency = i;
    }
    String prefix = in.readString("loaderPrefix");
    if (prefix != null) {
      loaderPrefix = prefix;
    }
    JsonObject ns = in.readJsonObject("namespaces");
    if (ns != null) {
      for (Map.Entry<String, Object> e : ns) {
        String key = "cache.namespaces." + e.getKey();
        try {
          CacheNames.checkNamespace("namespace", e.getKey());
        } catch (InvalidRequestException ex) {
          inputProblems.put(key, "cache.namespaces: entry " + OptionChecks.describe(e.getKey()) + ": " + ex.getMessage());
          continue;
        }
        if (e.getValue() instanceof JsonObject entry) {
          namespaces.put(e.getKey(), new NamespaceOptions(entry));
        } else {
          inputProblems.put(key, key + ": expected an object {loader?, batchLoader?, ttlMs?, ...}, was "
            + OptionChecks.describe(e.getValue()));
        }
      }
    }
    l = in.readLong("versionRefreshMs");
    if (l != null) {
      versionRefreshMs = l;
    }
    JsonObject compressionJson = in.readJsonObject("compression");
    if (compressionJson != null) {
      compression = new CompressionOptions(compressionJson);
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
      .put("ttlJitterPercent", ttlJitterPercent)
      .put("nullTtlMs", nullTtlMs)
      .put("leaseTtlMs", leaseTtlMs)
      .put("loadTimeoutMs", loadTimeoutMs)
      .put("warmBatchSize", warmBatchSize)
      .put("warmConcurrency", warmConcurrency)
      .put("loaderPrefix", loaderPrefix)
      .put("versionRefreshMs", versionRefreshMs)
      .put("namespaces", namespacesJson())
      .put("compression", compression.toJson());
  }

  private JsonObject namespacesJson() {
    JsonObject json = new JsonObject();
    namespaces.forEach((name, ns) -> json.put(name, ns.toJson()));
    return json;
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

  /** @return how long an absent value is cached, in milliseconds */
  public long getNullTtlMs() {
    return nullTtlMs;
  }

  /**
   * @param nullTtlMs how long getOrLoad caches an absent value, in milliseconds; {@code > 0} (capped
   * at {@link #getMaxTtlMs()} when used)
   * @return this
   * @throws IllegalArgumentException when {@code nullTtlMs <= 0}
   */
  public CacheOptions setNullTtlMs(long nullTtlMs) {
    OptionChecks.require(OptionChecks.atLeast("cache.nullTtlMs", nullTtlMs, 1, "ms"));
    this.nullTtlMs = nullTtlMs;
    inputProblems.remove("cache.nullTtlMs");
    return this;
  }

  /** @return the lifetime of a load lease, in milliseconds */
  public long getLeaseTtlMs() {
    return leaseTtlMs;
  }

  /**
   * @param leaseTtlMs the lifetime of the lease that lets one instance load a key while the others
   * wait, in milliseconds: 1 to {@link #MAX_LOAD_TIME_MS}. Best at least the loader's usual time.
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public CacheOptions setLeaseTtlMs(long leaseTtlMs) {
    OptionChecks.require(loadTimeProblem("cache.leaseTtlMs", leaseTtlMs));
    this.leaseTtlMs = leaseTtlMs;
    inputProblems.remove("cache.leaseTtlMs");
    return this;
  }

  /** @return the longest time a loader may take, in milliseconds */
  public long getLoadTimeoutMs() {
    return loadTimeoutMs;
  }

  /**
   * @param loadTimeoutMs the longest time a loader may take, in milliseconds: 1 to {@link #MAX_LOAD_TIME_MS}
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public CacheOptions setLoadTimeoutMs(long loadTimeoutMs) {
    OptionChecks.require(loadTimeProblem("cache.loadTimeoutMs", loadTimeoutMs));
    this.loadTimeoutMs = loadTimeoutMs;
    inputProblems.remove("cache.loadTimeoutMs");
    return this;
  }

  /** @return the keys per batch of {@code warm(keys)} */
  public int getWarmBatchSize() {
    return warmBatchSize;
  }

  /**
   * @param warmBatchSize keys per batch of {@code warm(keys)}: 1 to {@link #MAX_WARM_BATCH_SIZE}
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public CacheOptions setWarmBatchSize(int warmBatchSize) {
    OptionChecks.require(warmBatchSizeProblem(warmBatchSize));
    this.warmBatchSize = warmBatchSize;
    inputProblems.remove("cache.warmBatchSize");
    return this;
  }

  /** @return the warm-up batches loaded at the same time */
  public int getWarmConcurrency() {
    return warmConcurrency;
  }

  /**
   * @param warmConcurrency warm-up batches loaded at the same time: 1 to {@link #MAX_WARM_CONCURRENCY}
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public CacheOptions setWarmConcurrency(int warmConcurrency) {
    OptionChecks.require(warmConcurrencyProblem(warmConcurrency));
    this.warmConcurrency = warmConcurrency;
    inputProblems.remove("cache.warmConcurrency");
    return this;
  }

  /** @return the loader prefix (after the address prefix); empty when requests may not name a loader */
  public String getLoaderPrefix() {
    return loaderPrefix;
  }

  /**
   * @param loaderPrefix the event-bus addresses, after {@code addressPrefix}, under which a
   * {@code cache.getOrLoad} request may name its own loader (as {@code CacheClient.memoize} does);
   * empty to allow only the loaders of {@link #getNamespaces()}. No whitespace; the event-bus
   * consumers refuse to start when it covers one of the module's own addresses.
   * @return this
   * @throws IllegalArgumentException when {@code null} or holding whitespace
   */
  public CacheOptions setLoaderPrefix(String loaderPrefix) {
    OptionChecks.require(loaderPrefixProblem(loaderPrefix));
    this.loaderPrefix = loaderPrefix;
    inputProblems.remove("cache.loaderPrefix");
    return this;
  }

  /** @return the per-namespace settings, by namespace (read-only view) */
  public Map<String, NamespaceOptions> getNamespaces() {
    return Collections.unmodifiableMap(namespaces);
  }

  /**
   * @param namespace a namespace
   * @return its settings, or {@code null} when it has none of its own
   */
  public NamespaceOptions getNamespace(String namespace) {
    return namespaces.get(namespace);
  }

  /**
   * @param namespaces the per-namespace settings, by namespace (the map is copied, the entries kept)
   * @return this
   * @throws IllegalArgumentException when a namespace name is invalid or an entry {@code null}
   */
  public CacheOptions setNamespaces(Map<String, NamespaceOptions> namespaces) {
    Map<String, NamespaceOptions> copy = new LinkedHashMap<>();
    namespaces.forEach((name, ns) -> copy.put(checkedNamespace(name), Objects.requireNonNull(ns, name)));
    this.namespaces = copy;
    inputProblems.keySet().removeIf(k -> k.startsWith("cache.namespaces"));
    return this;
  }

  /**
   * @param namespace a namespace
   * @param options its settings (kept, not copied)
   * @return this
   * @throws IllegalArgumentException when the name is invalid
   */
  public CacheOptions putNamespace(String namespace, NamespaceOptions options) {
    namespaces.put(checkedNamespace(namespace), Objects.requireNonNull(options, "options"));
    inputProblems.keySet().removeIf(k -> k.equals("cache.namespaces." + namespace) || k.startsWith("cache.namespaces." + namespace + "."));
    return this;
  }

  /** @return the longest time a fetched namespace version is used, in milliseconds */
  public long getVersionRefreshMs() {
    return versionRefreshMs;
  }

  /**
   * @param versionRefreshMs the longest time an instance uses a namespace version it fetched, in
   * milliseconds: 1 to {@link #MAX_VERSION_REFRESH_MS}. It bounds how long after a
   * {@code bumpVersion} another instance may still read the old version; each instance fetches the
   * version of a namespace it reads about twice per this time.
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public CacheOptions setVersionRefreshMs(long versionRefreshMs) {
    OptionChecks.require(versionRefreshProblem(versionRefreshMs));
    this.versionRefreshMs = versionRefreshMs;
    inputProblems.remove("cache.versionRefreshMs");
    return this;
  }

  private static String versionRefreshProblem(long v) {
    return OptionChecks.between("cache.versionRefreshMs", v, 1, MAX_VERSION_REFRESH_MS, "ms");
  }

  /** @return how values are compressed (the object itself: changing it changes these options) */
  public CompressionOptions getCompression() {
    return compression;
  }

  /**
   * @param compression how values are compressed (kept, not copied)
   * @return this
   * @throws NullPointerException when {@code null}
   */
  public CacheOptions setCompression(CompressionOptions compression) {
    this.compression = Objects.requireNonNull(compression, "cache.compression");
    inputProblems.keySet().removeIf(k -> k.startsWith("cache.compression"));
    return this;
  }

  private static String checkedNamespace(String name) {
    try {
      return CacheNames.checkNamespace("namespace", name);
    } catch (InvalidRequestException e) {
      throw new IllegalArgumentException("cache.namespaces: " + e.getMessage());
    }
  }

  private static String loaderPrefixProblem(String prefix) {
    if (prefix == null) {
      return "cache.loaderPrefix: must not be null (empty turns request-named loaders off)";
    }
    if (prefix.isEmpty()) {
      return null;
    }
    try {
      dev.rediskit.config.RequestText.checkAddress("cache.loaderPrefix", prefix);
      return null;
    } catch (InvalidRequestException e) {
      return e.getMessage();
    }
  }

  private static String loadTimeProblem(String key, long v) {
    return OptionChecks.between(key, v, 1, MAX_LOAD_TIME_MS, "ms");
  }

  private static String warmBatchSizeProblem(int v) {
    return OptionChecks.between("cache.warmBatchSize", v, 1, MAX_WARM_BATCH_SIZE, "keys");
  }

  private static String warmConcurrencyProblem(int v) {
    return OptionChecks.between("cache.warmConcurrency", v, 1, MAX_WARM_CONCURRENCY, "batches");
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
    // Not checked against cache.maxTtlMs: a short maxTtlMs should not force changing this default too; it is capped when used.
    OptionChecks.collect(problems, OptionChecks.atLeast("cache.nullTtlMs", nullTtlMs, 1, "ms"));
    OptionChecks.collect(problems, loadTimeProblem("cache.leaseTtlMs", leaseTtlMs));
    OptionChecks.collect(problems, loadTimeProblem("cache.loadTimeoutMs", loadTimeoutMs));
    OptionChecks.collect(problems, warmBatchSizeProblem(warmBatchSize));
    OptionChecks.collect(problems, warmConcurrencyProblem(warmConcurrency));
    OptionChecks.collect(problems, loaderPrefixProblem(loaderPrefix));
    problems.addAll(compression.problems());
    OptionChecks.collect(problems, versionRefreshProblem(versionRefreshMs));
    long maxTtl = Math.max(1, maxTtlMs);
    namespaces.forEach((name, ns) -> {
      for (String p : ns.problems(maxTtl)) {
        problems.add("cache.namespaces." + name + "." + p);
      }
    });
    return problems;
  }

  /**
   * Checks this section on its own; {@link dev.rediskit.RedisKitOptions#validate()} includes it.
   *
   * @return this
   * @throws ConfigurationException listing every problem of {@link #problems()}
   */
  public CacheOptions validate() {
    OptionChecks.requireNone(problems());
    return this;
  }

  @Override
  public String toString() {
    return "CacheOptions" + toJson().encode();
  }
}
