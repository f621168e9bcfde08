package dev.rediskit.cache;

import dev.rediskit.config.ConfigKey;
import dev.rediskit.config.ConfigurationException;
import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.config.JsonOptionsReader;
import dev.rediskit.config.OptionChecks;
import dev.rediskit.config.Setting;
import dev.rediskit.config.SettingTable;
import dev.rediskit.config.SettingValues;
import io.vertx.core.json.JsonObject;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

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
  /** Default number of namespaces one cache serves, {@code default} and the configured ones included. */
  public static final int DEFAULT_MAX_NAMESPACES = 1_000;
  /** Upper bound of {@link #setMaxNamespaces(int)}, in namespaces. */
  public static final int MAX_MAX_NAMESPACES = 1_000_000;

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

  private static final Setting<Long> TTL_MS = Setting.ofLong("cache.ttlMs", DEFAULT_TTL_MS, "ms",
    "Time to live of an entry written without an explicit TTL; at most cache.maxTtlMs.").atLeast(1);
  private static final Setting<Long> STALE_TTL_MS = Setting.ofLong("cache.staleTtlMs", DEFAULT_STALE_TTL_MS, "ms",
      "How long after expiry an entry may still be served stale while it is reloaded or Redis fails; 0 turns serve-stale off.")
    .atLeast(0);
  private static final Setting<Long> MAX_TTL_MS = Setting.ofLong("cache.maxTtlMs", DEFAULT_MAX_TTL_MS, "ms",
    "Longest TTL a caller may ask for (30 days by default).").atLeast(1);
  private static final Setting<Integer> MAX_VALUE_BYTES = Setting.ofInt("cache.maxValueBytes", DEFAULT_MAX_VALUE_BYTES, "bytes",
      "Largest encoded value accepted; larger ones fail with code 413. 1 to 536870912 (512 MiB, Redis' limit).")
    .check((key, v) -> OptionChecks.between(key, v, 1, MAX_VALUE_BYTES_LIMIT, "bytes (512 MiB is Redis' limit)"));
  private static final Setting<Integer> TTL_JITTER_PERCENT = Setting.ofInt("cache.ttlJitterPercent", DEFAULT_TTL_JITTER_PERCENT,
      "percent", "Random spread taken off each TTL (never added, so PTTL stays <= the TTL asked for) so entries written "
        + "together do not expire together; 0 to 50.")
    .between(0, MAX_TTL_JITTER_PERCENT);
  // Not checked against cache.maxTtlMs: a short maxTtlMs should not force changing this default too; it is capped when used.
  private static final Setting<Long> NULL_TTL_MS = Setting.ofLong("cache.nullTtlMs", DEFAULT_NULL_TTL_MS, "ms",
      "How long getOrLoad remembers that the loader found nothing, when negative caching is on; capped at cache.maxTtlMs.")
    .atLeast(1);
  private static final Setting<Long> LEASE_TTL_MS = Setting.ofLong("cache.leaseTtlMs", DEFAULT_LEASE_TTL_MS, "ms",
      "Lifetime of the Redis lease that lets one instance load a missing key while the others wait; after it they load "
        + "themselves. 1 to 600000.")
    .between(1, MAX_LOAD_TIME_MS);
  private static final Setting<Long> LOAD_TIMEOUT_MS = Setting.ofLong("cache.loadTimeoutMs", DEFAULT_LOAD_TIMEOUT_MS, "ms",
      "Longest time a loader may take; then the load fails (a stale value is served if there is one). 1 to 600000.")
    .between(1, MAX_LOAD_TIME_MS);
  private static final Setting<Integer> WARM_BATCH_SIZE = Setting.ofInt("cache.warmBatchSize", DEFAULT_WARM_BATCH_SIZE, "keys",
    "Keys per batch of warm(keys) with the registered loader; 1 to 10000.").between(1, MAX_WARM_BATCH_SIZE);
  private static final Setting<Integer> WARM_CONCURRENCY = Setting.ofInt("cache.warmConcurrency", DEFAULT_WARM_CONCURRENCY,
    "batches", "Warm-up batches loaded at the same time; 1 to 64.").between(1, MAX_WARM_CONCURRENCY);
  private static final Setting<Integer> MAX_NAMESPACES = Setting.ofInt("cache.maxNamespaces", DEFAULT_MAX_NAMESPACES,
      "namespaces", "Most namespaces one cache serves, default and cache.namespaces included: each keeps its statistics "
        + "(and meter series) for the cache's life, so a call naming one more fails with code 400 rather than letting "
        + "names built from data grow them without end. 1 to 1000000.")
    .between(1, MAX_MAX_NAMESPACES);
  private static final Setting<String> LOADER_PREFIX = Setting.ofString("cache.loaderPrefix", DEFAULT_LOADER_PREFIX,
      "Event-bus addresses (after addressPrefix) under which a cache.getOrLoad request may name its own loader, "
        + "as CacheClient.memoize does; empty: only the loaders of cache.namespaces. Must not cover the module's own addresses.")
    .check((key, prefix) -> loaderPrefixProblem(prefix));
  private static final Setting<Long> VERSION_REFRESH_MS = Setting.ofLong("cache.versionRefreshMs", DEFAULT_VERSION_REFRESH_MS,
      "ms", "Longest time an instance uses a namespace version it fetched: every instance reads with the new version at "
        + "most this long after bumpVersion; 1 to 60000.")
    .between(1, MAX_VERSION_REFRESH_MS);
  private static final SettingTable TABLE = SettingTable.of("cache.", TTL_MS, STALE_TTL_MS, MAX_TTL_MS, MAX_VALUE_BYTES,
    TTL_JITTER_PERCENT, NULL_TTL_MS, LEASE_TTL_MS, LOAD_TIMEOUT_MS, WARM_BATCH_SIZE, WARM_CONCURRENCY, MAX_NAMESPACES,
    LOADER_PREFIX, VERSION_REFRESH_MS);

  /** The keys of this section, named as in the configuration ({@code cache.ttlMs}). */
  public static final List<ConfigKey> KEYS = Stream.of(TABLE.keys().stream(), Stream.of(
    new ConfigKey("cache.namespaces", ConfigKey.Type.OBJECT, new JsonObject(), "",
        "Per namespace: its loader and batch loader addresses, default load options and near cache (NearCacheOptions), "
          + "{\"users\": {\"loader\": \"db.users.load\", \"batchLoader\": \"db.users.loadMany\", \"ttlMs\": 60000, "
          + "\"staleTtlMs\": 600000, \"refreshAheadFraction\": 0.2, \"cacheNulls\": true, "
          + "\"nearCache\": {\"enabled\": true, \"maxEntries\": 10000, \"ttlMs\": 60000, \"maxStalenessMs\": 1000}}}.", false, List.of())),
    CompressionOptions.KEYS.stream()).flatMap(x -> x).toList();


  private Map<String, NamespaceOptions> namespaces = new LinkedHashMap<>();
  // Whether the code gave the namespaces (JSON holding the key, setNamespaces or putNamespace), for toGivenJson().
  private boolean namespacesGiven;
  private final SettingValues values;
  private CompressionOptions compression = new CompressionOptions();

  /** Options with every default. */
  public CacheOptions() {
    this.values = new SettingValues(TABLE);
  }

  /**
   * Copy constructor.
   *
   * @param other the options to copy
   */
  public CacheOptions(CacheOptions other) {
    this.values = new SettingValues(other.values);
    other.namespaces.forEach((name, ns) -> this.namespaces.put(name, new NamespaceOptions(ns)));
    this.namespacesGiven = other.namespacesGiven;
    this.compression = new CompressionOptions(other.compression);
  }

  /**
   * Reads the options from JSON (keys as in {@link #toJson()}; numbers may also be given as
   * strings). Never throws: values of the wrong type and unknown keys are kept as problems that
   * {@link #validate()} reports, and the options concerned keep their defaults.
   *
   * @param json the {@code cache} section
   */
  public CacheOptions(JsonObject json) {
    this.values = new SettingValues(TABLE);
    JsonOptionsReader in = values.read(json);
    JsonObject ns = in.readJsonObject("namespaces");
    if (ns != null) {
      namespacesGiven = true;
      for (Map.Entry<String, Object> e : ns) {
        String key = "cache.namespaces." + e.getKey();
        try {
          CacheNames.checkNamespace("namespace", e.getKey());
        } catch (InvalidRequestException ex) {
          values.inputProblems().put(key, "cache.namespaces: entry " + OptionChecks.describe(e.getKey()) + ": " + ex.getMessage());
          continue;
        }
        if (e.getValue() instanceof JsonObject entry) {
          namespaces.put(e.getKey(), new NamespaceOptions(entry));
        } else {
          values.inputProblems().put(key, key + ": expected an object {loader?, batchLoader?, ttlMs?, ...}, was "
            + OptionChecks.describe(e.getValue()));
        }
      }
    }
    JsonObject compressionJson = in.readJsonObject("compression");
    if (compressionJson != null) {
      compression = new CompressionOptions(compressionJson);
    }
    in.reportUnknownKeys(List.of());
  }

  /** @return the options as JSON, the form the JSON constructor reads */
  public JsonObject toJson() {
    return values.toJson().put("namespaces", namespacesJson()).put("compression", compression.toJson());
  }

  /**
   * What the code gave: the settings read from the JSON these options were built from (the keys it
   * held, whatever their values) or set by a setter, copied along by the copy constructor; in
   * {@link #toJson()}'s form, other settings left out. The namespaces, when given, are each written
   * as {@link NamespaceOptions#toGivenJson()} (what was given of the entry, whatever its value,
   * merged key by key over the same namespace of a source below), and {@code compression} holds
   * what was given of it. {@code RedisKit.create} lets these override the config file, and the file
   * keep the rest.
   *
   * @return the given settings as JSON
   */
  public JsonObject toGivenJson() {
    JsonObject json = values.toGivenJson();
    if (namespacesGiven) {
      JsonObject ns = new JsonObject();
      namespaces.forEach((name, entry) -> ns.put(name, entry.toGivenJson()));
      json.put("namespaces", ns);
    }
    JsonObject c = compression.toGivenJson();
    if (!c.isEmpty()) {
      json.put("compression", c);
    }
    return json;
  }

  private JsonObject namespacesJson() {
    JsonObject json = new JsonObject();
    namespaces.forEach((name, ns) -> json.put(name, ns.toJson()));
    return json;
  }

  /** @return the default TTL in milliseconds */
  public long getTtlMs() {
    return values.get(TTL_MS);
  }

  /**
   * @param ttlMs the TTL of entries written without one, in milliseconds; {@code > 0} (and, checked
   * by {@link #validate()}, at most {@link #getMaxTtlMs()})
   * @return this
   * @throws IllegalArgumentException when {@code ttlMs <= 0}
   */
  public CacheOptions setTtlMs(long ttlMs) {
    values.set(TTL_MS, ttlMs);
    return this;
  }

  /** @return the default serve-stale window in milliseconds */
  public long getStaleTtlMs() {
    return values.get(STALE_TTL_MS);
  }

  /**
   * @param staleTtlMs how long after expiry an entry may be served stale, in milliseconds; 0 turns it off
   * @return this
   * @throws IllegalArgumentException when negative
   */
  public CacheOptions setStaleTtlMs(long staleTtlMs) {
    values.set(STALE_TTL_MS, staleTtlMs);
    return this;
  }

  /** @return the longest TTL accepted in milliseconds */
  public long getMaxTtlMs() {
    return values.get(MAX_TTL_MS);
  }

  /**
   * @param maxTtlMs the longest TTL accepted, in milliseconds; {@code > 0}
   * @return this
   * @throws IllegalArgumentException when {@code maxTtlMs <= 0}
   */
  public CacheOptions setMaxTtlMs(long maxTtlMs) {
    values.set(MAX_TTL_MS, maxTtlMs);
    return this;
  }

  /** @return the largest encoded value accepted, in bytes */
  public int getMaxValueBytes() {
    return values.get(MAX_VALUE_BYTES);
  }

  /**
   * @param maxValueBytes the largest encoded value accepted, in bytes: 1 to {@link #MAX_VALUE_BYTES_LIMIT}
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public CacheOptions setMaxValueBytes(int maxValueBytes) {
    values.set(MAX_VALUE_BYTES, maxValueBytes);
    return this;
  }

  /** @return the TTL jitter in percent */
  public int getTtlJitterPercent() {
    return values.get(TTL_JITTER_PERCENT);
  }

  /**
   * @param ttlJitterPercent the TTL jitter in percent (0 to {@link #MAX_TTL_JITTER_PERCENT})
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public CacheOptions setTtlJitterPercent(int ttlJitterPercent) {
    values.set(TTL_JITTER_PERCENT, ttlJitterPercent);
    return this;
  }

  /** @return how long an absent value is cached, in milliseconds */
  public long getNullTtlMs() {
    return values.get(NULL_TTL_MS);
  }

  /**
   * @param nullTtlMs how long getOrLoad caches an absent value, in milliseconds; {@code > 0} (capped
   * at {@link #getMaxTtlMs()} when used)
   * @return this
   * @throws IllegalArgumentException when {@code nullTtlMs <= 0}
   */
  public CacheOptions setNullTtlMs(long nullTtlMs) {
    values.set(NULL_TTL_MS, nullTtlMs);
    return this;
  }

  /** @return the lifetime of a load lease, in milliseconds */
  public long getLeaseTtlMs() {
    return values.get(LEASE_TTL_MS);
  }

  /**
   * @param leaseTtlMs the lifetime of the lease that lets one instance load a key while the others
   * wait, in milliseconds: 1 to {@link #MAX_LOAD_TIME_MS}. Best at least the loader's usual time.
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public CacheOptions setLeaseTtlMs(long leaseTtlMs) {
    values.set(LEASE_TTL_MS, leaseTtlMs);
    return this;
  }

  /** @return the longest time a loader may take, in milliseconds */
  public long getLoadTimeoutMs() {
    return values.get(LOAD_TIMEOUT_MS);
  }

  /**
   * @param loadTimeoutMs the longest time a loader may take, in milliseconds: 1 to {@link #MAX_LOAD_TIME_MS}
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public CacheOptions setLoadTimeoutMs(long loadTimeoutMs) {
    values.set(LOAD_TIMEOUT_MS, loadTimeoutMs);
    return this;
  }

  /** @return the keys per batch of {@code warm(keys)} */
  public int getWarmBatchSize() {
    return values.get(WARM_BATCH_SIZE);
  }

  /**
   * @param warmBatchSize keys per batch of {@code warm(keys)}: 1 to {@link #MAX_WARM_BATCH_SIZE}
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public CacheOptions setWarmBatchSize(int warmBatchSize) {
    values.set(WARM_BATCH_SIZE, warmBatchSize);
    return this;
  }

  /** @return the warm-up batches loaded at the same time */
  public int getWarmConcurrency() {
    return values.get(WARM_CONCURRENCY);
  }

  /**
   * @param warmConcurrency warm-up batches loaded at the same time: 1 to {@link #MAX_WARM_CONCURRENCY}
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public CacheOptions setWarmConcurrency(int warmConcurrency) {
    values.set(WARM_CONCURRENCY, warmConcurrency);
    return this;
  }

  /** @return the most namespaces one cache serves, {@code default} and the configured ones included */
  public int getMaxNamespaces() {
    return values.get(MAX_NAMESPACES);
  }

  /**
   * @param maxNamespaces the most namespaces one cache serves ({@code default} and {@code cache.namespaces} included):
   *     1 to {@link #MAX_MAX_NAMESPACES}; a call naming one more fails with {@link InvalidRequestException} (code 400)
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public CacheOptions setMaxNamespaces(int maxNamespaces) {
    values.set(MAX_NAMESPACES, maxNamespaces);
    return this;
  }

  /** @return the loader prefix (after the address prefix); empty when requests may not name a loader */
  public String getLoaderPrefix() {
    return values.get(LOADER_PREFIX);
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
    values.set(LOADER_PREFIX, loaderPrefix);
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
    namespacesGiven = true;
    values.inputProblems().keySet().removeIf(k -> k.startsWith("cache.namespaces"));
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
    namespacesGiven = true;
    values.inputProblems().keySet().removeIf(k -> k.equals("cache.namespaces." + namespace) || k.startsWith("cache.namespaces." + namespace + "."));
    return this;
  }

  /** @return the longest time a fetched namespace version is used, in milliseconds */
  public long getVersionRefreshMs() {
    return values.get(VERSION_REFRESH_MS);
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
    values.set(VERSION_REFRESH_MS, versionRefreshMs);
    return this;
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
    values.accepted("cache.compression");
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

  /**
   * Lists every problem of this section: values of the wrong type or unknown keys met by the JSON
   * constructor, then rule violations, each naming the key ({@code cache.ttlMs}), the value and
   * what is allowed.
   *
   * @return the problems; empty when the section is valid
   */
  public List<String> problems() {
    List<String> problems = values.problems();
    long ttlMs = getTtlMs();
    long maxTtlMs = getMaxTtlMs();
    if (ttlMs >= 1 && maxTtlMs >= 1 && ttlMs > maxTtlMs) {
      problems.add(OptionChecks.violation("cache.ttlMs", "must be <= cache.maxTtlMs (" + maxTtlMs + " ms)", ttlMs));
    }
    problems.addAll(compression.problems());
    int served = namespaces.size() + (namespaces.containsKey("default") ? 0 : 1);
    if (getMaxNamespaces() >= 1 && served > getMaxNamespaces()) {
      problems.add(OptionChecks.violation("cache.maxNamespaces", "must be at least the " + served
        + " namespaces of cache.namespaces and default", getMaxNamespaces()));
    }
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
