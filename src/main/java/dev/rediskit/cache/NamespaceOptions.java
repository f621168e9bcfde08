package dev.rediskit.cache;

import dev.rediskit.config.RequestFields;
import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.config.JsonOptionsReader;
import dev.rediskit.config.OptionChecks;
import dev.rediskit.config.RequestText;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The settings of one namespace, an entry of the {@code cache.namespaces} section: the event-bus
 * address of its loader (called by {@code cache.getOrLoad}) and of its batch loader (called by
 * {@code cache.warm}), and its default {@link LoadOptions}. For example, in JSON:
 * {@code {"cache": {"namespaces": {"users": {"loader": "db.users.load", "batchLoader":
 * "db.users.loadMany", "ttlMs": 300000, "staleTtlMs": 3600000, "refreshAheadFraction": 0.2}}}}}.
 *
 * <p>Every get-or-load of the namespace takes these defaults, over the event bus and from Java
 * alike ({@code cache.getOrLoad}, {@link CacheNamespace#getOrLoad}, {@code getOrLoadResult},
 * {@code getOrLoadBlocking}, {@code memoize}): a call's own options override them field by field
 * ({@link LoadOptions#overriding(LoadOptions)}), no options take them as they are, and what
 * neither sets comes from {@link CacheOptions}. Warm-up takes the {@code ttlMs} where it is given
 * no TTL ({@code cache.warm} without one, {@link CacheNamespace#warm(java.util.Collection)}) and
 * the {@code tags} unless given others (every warm-up, the Java API's included). An
 * {@code idleTtlMs} turns on sliding expiry for the namespace (see
 * {@link LoadOptions#setIdleTtl(Duration)}): all its writes slide and its reads extend. Writes
 * ({@link CacheNamespace#set}, {@link CacheNamespace#setMany}, {@code cache.set}, {@code cache.mset})
 * are not loads and take neither the {@code ttlMs} nor the {@code tags}.
 *
 * <p>The loader addresses are taken as they are (the address prefix is not prepended): they belong
 * to the verticles that own the data. Only an operator sets them, never an event-bus request.
 */
public class NamespaceOptions {

  /** JSON name of the loader address. */
  public static final String LOADER = "loader";
  /** JSON name of the batch loader address. */
  public static final String BATCH_LOADER = "batchLoader";
  /** JSON name of the near cache settings ({@link NearCacheOptions}). */
  public static final String NEAR_CACHE = "nearCache";

  private String loader;
  private String batchLoader;
  private LoadOptions loadOptions = new LoadOptions();
  private NearCacheOptions nearCache = new NearCacheOptions();
  // Problems found while reading JSON, by key (relative to the entry); a setter clears its key.
  private final Map<String, String> inputProblems = new LinkedHashMap<>();
  // Which addresses the code gave (JSON holding the key, or the setter), null included, for toGivenJson().
  private final Set<String> given = new LinkedHashSet<>();

  /** No loader, no batch loader, every load option from {@link CacheOptions}. */
  public NamespaceOptions() {
  }

  /**
   * Copy constructor.
   *
   * @param other the options to copy
   */
  public NamespaceOptions(NamespaceOptions other) {
    this.loader = other.loader;
    this.batchLoader = other.batchLoader;
    this.loadOptions = new LoadOptions(other.loadOptions);
    this.nearCache = new NearCacheOptions(other.nearCache);
    this.inputProblems.putAll(other.inputProblems);
    this.given.addAll(other.given);
  }

  /**
   * Reads an entry (keys as in {@link #toJson()}). Never throws: values of the wrong type and
   * unknown keys are kept as problems that {@link #problems(long)} reports.
   *
   * @param json the entry of one namespace
   */
  public NamespaceOptions(JsonObject json) {
    JsonOptionsReader in = new JsonOptionsReader(json, "", inputProblems);
    loader = in.readString(LOADER);
    batchLoader = in.readString(BATCH_LOADER);
    JsonObject near = in.readJsonObject(NEAR_CACHE);
    if (near != null) {
      nearCache = new NearCacheOptions(near);
    }
    LoadOptions.readInto(loadOptions, in::readLong, in::readDouble, in::readBoolean, in::readStringList);
    // A key held with a value read is given; one held as null is given too, unset, as it is in a
    // deployment config merged over the file's entry.
    if (loader != null || holdsNull(json, LOADER)) {
      given.add(LOADER);
    }
    if (batchLoader != null || holdsNull(json, BATCH_LOADER)) {
      given.add(BATCH_LOADER);
    }
    LoadOptions.JSON_FIELDS.stream().filter(f -> holdsNull(json, f)).forEach(loadOptions::given);
    in.reportUnknownKeys(List.of());
  }

  /** @return the entry as JSON: the addresses and the load options that are set */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    if (loader != null) {
      json.put(LOADER, loader);
    }
    if (batchLoader != null) {
      json.put(BATCH_LOADER, batchLoader);
    }
    if (nearCache.isEnabled()) {
      json.put(NEAR_CACHE, nearCache.toJson());
    }
    return json.mergeIn(loadOptions.toJson());
  }

  /**
   * What the code gave, in {@link #toJson()}'s form: the addresses and load options the JSON this
   * entry was built from held or a setter set, whatever their values (one given unset, such as
   * {@code setLoader(null)}, as JSON {@code null}, which unsets the same namespace's value of a
   * source below), and what was given of the near cache ({@link NearCacheOptions#toGivenJson()},
   * so {@code setEnabled(false)} is written); other keys left out. Objects handed to
   * {@link #setLoadOptions} or {@link #setNearCache} count by what was given in them.
   * {@code RedisKit.create} merges this over the config file's entry of the namespace, key by key,
   * as a verticle's deployment config is.
   *
   * @return the given settings as JSON
   */
  public JsonObject toGivenJson() {
    JsonObject json = new JsonObject();
    if (given.contains(LOADER)) {
      json.put(LOADER, loader);
    }
    if (given.contains(BATCH_LOADER)) {
      json.put(BATCH_LOADER, batchLoader);
    }
    JsonObject near = nearCache.toGivenJson();
    if (!near.isEmpty()) {
      json.put(NEAR_CACHE, near);
    }
    return json.mergeIn(loadOptions.toGivenJson());
  }

  private static boolean holdsNull(JsonObject json, String key) {
    return json.containsKey(key) && json.getValue(key) == null;
  }

  /** @return the loader's event-bus address, or {@code null} when the namespace has none */
  public String getLoader() {
    return loader;
  }

  /**
   * @param loader the event-bus address {@code cache.getOrLoad} sends {@code {namespace, key, args?}}
   * to on a miss; {@code null} for none
   * @return this
   */
  public NamespaceOptions setLoader(String loader) {
    this.loader = loader;
    given.add(LOADER);
    inputProblems.remove(LOADER);
    return this;
  }

  /** @return the batch loader's event-bus address, or {@code null} when the namespace has none */
  public String getBatchLoader() {
    return batchLoader;
  }

  /**
   * @param batchLoader the event-bus address {@code cache.warm} sends {@code {namespace, keys}} to;
   * {@code null} for none
   * @return this
   */
  public NamespaceOptions setBatchLoader(String batchLoader) {
    this.batchLoader = batchLoader;
    given.add(BATCH_LOADER);
    inputProblems.remove(BATCH_LOADER);
    return this;
  }

  /** @return the namespace's default load options (the object itself), which every get-or-load of the namespace lays its own over */
  public LoadOptions getLoadOptions() {
    return loadOptions;
  }

  /**
   * @param loadOptions the namespace's default load options (kept, not copied)
   * @return this
   */
  public NamespaceOptions setLoadOptions(LoadOptions loadOptions) {
    this.loadOptions = Objects.requireNonNull(loadOptions, "loadOptions");
    LoadOptions.JSON_FIELDS.forEach(inputProblems::remove);
    return this;
  }

  /** @return the namespace's near cache settings (the object itself; off unless enabled) */
  public NearCacheOptions getNearCache() {
    return nearCache;
  }

  /**
   * @param nearCache the namespace's near cache settings (kept, not copied)
   * @return this
   */
  public NamespaceOptions setNearCache(NearCacheOptions nearCache) {
    this.nearCache = Objects.requireNonNull(nearCache, "nearCache");
    inputProblems.keySet().removeIf(k -> k.startsWith(NEAR_CACHE));
    return this;
  }

  /**
   * Lists the problems of this entry, each starting with its key relative to the entry
   * ({@code ttlMs: must be >= 1 ms, was 0}); {@link CacheOptions#problems()} prefixes them with
   * {@code cache.namespaces.<namespace>.}.
   *
   * @param maxTtlMs the cache's longest TTL
   * @return the problems; empty when the entry is valid
   */
  public List<String> problems(long maxTtlMs) {
    List<String> problems = new ArrayList<>(inputProblems.values());
    OptionChecks.collect(problems, addressProblem(LOADER, loader));
    OptionChecks.collect(problems, addressProblem(BATCH_LOADER, batchLoader));
    nearCache.problems().forEach(p -> problems.add(NEAR_CACHE + "." + p));
    LoadOptions o = loadOptions;
    OptionChecks.collect(problems, durationProblem(LoadOptions.TTL_MS, o.getTtl(), 1, maxTtlMs));
    OptionChecks.collect(problems, durationProblem(LoadOptions.STALE_TTL_MS, o.getStaleTtl(), 0, maxTtlMs));
    OptionChecks.collect(problems, durationProblem(LoadOptions.NULL_TTL_MS, o.getNullTtl(), 1, maxTtlMs));
    // 0 turns sliding off, as in a request.
    OptionChecks.collect(problems, durationProblem(LoadOptions.IDLE_TTL_MS, o.getIdleTtl(), 0, maxTtlMs));
    try {
      CacheNames.checkTags(o.getTags());
    } catch (InvalidRequestException e) {
      problems.add(e.getMessage());
    }
    double f = o.getRefreshAheadFraction();
    if (!(f >= 0 && f < 1)) {
      problems.add(OptionChecks.violation(LoadOptions.REFRESH_AHEAD_FRACTION, "must be >= 0 and < 1", f));
    }
    double b = o.getRefreshAheadBeta();
    if (!(b >= 0 && b <= 10)) {
      problems.add(OptionChecks.violation(LoadOptions.REFRESH_AHEAD_BETA, "must be between 0 and 10", b));
    }
    if (f > 0 && b > 0) {
      problems.add(LoadOptions.REFRESH_AHEAD_BETA + ": must be 0 when refreshAheadFraction is set (pick one way)");
    }
    return problems;
  }

  private static String addressProblem(String key, String address) {
    if (address == null) {
      return null;
    }
    try {
      RequestText.checkAddress(key, address);
      return null;
    } catch (InvalidRequestException e) {
      return e.getMessage();
    }
  }

  private static String durationProblem(String key, Duration d, long min, long max) {
    return d == null ? null : OptionChecks.between(key, RequestFields.saturatedMillis(d), min, max, "ms");
  }

  @Override
  public String toString() {
    return "NamespaceOptions" + toJson().encode();
  }
}
