package dev.rediskit.cache;

import dev.rediskit.config.JsonOptionsReader;
import dev.rediskit.config.OptionChecks;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The near cache of one namespace: a local copy of hot entries in this JVM (on Caffeine), kept
 * correct by Redis itself ({@code CLIENT TRACKING}). The {@code nearCache} entry of a namespace in
 * {@code cache.namespaces}, e.g. {@code {"users": {"nearCache": {"enabled": true, "maxEntries": 10000,
 * "ttlMs": 60000, "maxStalenessMs": 1000}}}}. Off by default.
 *
 * <p>The cache is bounded by one of {@link #setMaxEntries(long) entries} or
 * {@link #setMaxBytes(long) bytes} (Caffeine takes one of the two): setting one clears the other.
 * A local copy lives at most {@link #setTtlMs(long) ttlMs}, and never past its entry's fresh TTL
 * in Redis. A read served locally is never older than {@link #setMaxStalenessMs(long)
 * maxStalenessMs}: while the invalidation link has not been confirmed within that time, reads go
 * to Redis (docs/CACHING.md, "Near cache").
 */
public class NearCacheOptions {

  /** JSON name of the switch. */
  public static final String ENABLED = "enabled";
  /** JSON name of the entry bound. */
  public static final String MAX_ENTRIES = "maxEntries";
  /** JSON name of the byte bound. */
  public static final String MAX_BYTES = "maxBytes";
  /** JSON name of the local TTL. */
  public static final String TTL_MS = "ttlMs";
  /** JSON name of the staleness bound. */
  public static final String MAX_STALENESS_MS = "maxStalenessMs";

  /** Default: off. */
  public static final boolean DEFAULT_ENABLED = false;
  /** Default bound of the local copies, in entries. */
  public static final long DEFAULT_MAX_ENTRIES = 10_000;
  /** Default bound in bytes: 0, the cache is bounded by entries. */
  public static final long DEFAULT_MAX_BYTES = 0;
  /** Default longest life of a local copy, in milliseconds (1 minute; never past the entry's own TTL). */
  public static final long DEFAULT_TTL_MS = 60_000;
  /** Default staleness bound of a local read, in milliseconds (1 second). */
  public static final long DEFAULT_MAX_STALENESS_MS = 1_000;
  /**
   * Smallest staleness bound, in milliseconds: the invalidation link is confirmed by a PING every
   * {@code 100 ms}, and a bound must leave room for a few of them.
   */
  public static final long MIN_MAX_STALENESS_MS = 250;
  /** Largest staleness bound, in milliseconds (1 minute). */
  public static final long MAX_MAX_STALENESS_MS = 60_000;
  /** Largest entry bound. */
  public static final long MAX_MAX_ENTRIES = 100_000_000L;

  private boolean enabled = DEFAULT_ENABLED;
  private long maxEntries = DEFAULT_MAX_ENTRIES;
  private long maxBytes = DEFAULT_MAX_BYTES;
  private long ttlMs = DEFAULT_TTL_MS;
  private long maxStalenessMs = DEFAULT_MAX_STALENESS_MS;
  // Problems found while reading JSON, by key; a setter clears its key.
  private final Map<String, String> inputProblems = new LinkedHashMap<>();
  // The keys the code gave (JSON holding them, or a setter), whatever their values, for toGivenJson().
  private final Set<String> given = new LinkedHashSet<>();

  /** Off, with every default. */
  public NearCacheOptions() {
  }

  /**
   * Copy constructor.
   *
   * @param other the options to copy
   */
  public NearCacheOptions(NearCacheOptions other) {
    this.enabled = other.enabled;
    this.maxEntries = other.maxEntries;
    this.maxBytes = other.maxBytes;
    this.ttlMs = other.ttlMs;
    this.maxStalenessMs = other.maxStalenessMs;
    this.inputProblems.putAll(other.inputProblems);
    this.given.addAll(other.given);
  }

  /**
   * Reads the {@code nearCache} entry of a namespace (keys as in {@link #toJson()}). Never throws:
   * values of the wrong type, unknown keys and both bounds at once are kept as problems that
   * {@link #problems()} reports.
   *
   * @param json the entry
   */
  public NearCacheOptions(JsonObject json) {
    JsonOptionsReader in = new JsonOptionsReader(json, "", inputProblems);
    Boolean b = in.readBoolean(ENABLED);
    if (b != null) {
      enabled = b;
      given.add(ENABLED);
    }
    Long entries = in.readLong(MAX_ENTRIES);
    Long bytes = in.readLong(MAX_BYTES);
    if (entries != null) {
      given.add(MAX_ENTRIES);
    }
    if (bytes != null) {
      given.add(MAX_BYTES);
    }
    if (entries != null && bytes != null && entries > 0 && bytes > 0) {
      inputProblems.put(MAX_BYTES, MAX_BYTES + ": set either maxEntries or maxBytes, not both (Caffeine bounds a cache by one of them)");
    }
    if (bytes != null && bytes > 0) {
      maxBytes = bytes;
      maxEntries = 0;
    } else if (entries != null) {
      maxEntries = entries;
    }
    Long l = in.readLong(TTL_MS);
    if (l != null) {
      ttlMs = l;
      given.add(TTL_MS);
    }
    l = in.readLong(MAX_STALENESS_MS);
    if (l != null) {
      maxStalenessMs = l;
      given.add(MAX_STALENESS_MS);
    }
    in.reportUnknownKeys(List.of());
  }

  /** @return the settings as JSON; only the bound in use is written */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put(ENABLED, enabled);
    if (maxBytes > 0) {
      json.put(MAX_BYTES, maxBytes);
    } else {
      json.put(MAX_ENTRIES, maxEntries);
    }
    return json.put(TTL_MS, ttlMs).put(MAX_STALENESS_MS, maxStalenessMs);
  }

  /**
   * What the code gave: the keys the JSON these options were built from held, whatever their
   * values, and those a setter set, copied along by the copy constructor; other keys left out. A
   * setter of one bound gives both, since it clears the other ({@code maxBytes: 0} after
   * {@link #setMaxEntries(long)}), so a bound of a source below does not combine with it.
   * {@code RedisKit.create} lets these override the same namespace's near cache in the config
   * file, and the file keep the rest: {@code setEnabled(false)} turns off a near cache the file
   * turns on.
   *
   * @return the given settings as JSON, in {@link #toJson()}'s form
   */
  public JsonObject toGivenJson() {
    JsonObject json = new JsonObject();
    for (String key : List.of(ENABLED, MAX_ENTRIES, MAX_BYTES, TTL_MS, MAX_STALENESS_MS)) {
      if (given.contains(key)) {
        json.put(key, switch (key) {
          case ENABLED -> enabled;
          case MAX_ENTRIES -> maxEntries;
          case MAX_BYTES -> maxBytes;
          case TTL_MS -> ttlMs;
          default -> maxStalenessMs;
        });
      }
    }
    return json;
  }

  /** @return whether the namespace keeps local copies */
  public boolean isEnabled() {
    return enabled;
  }

  /**
   * @param enabled whether the namespace keeps local copies
   * @return this
   */
  public NearCacheOptions setEnabled(boolean enabled) {
    this.enabled = enabled;
    given.add(ENABLED);
    inputProblems.remove(ENABLED);
    return this;
  }

  /** @return the bound in entries; 0 when the cache is bounded by bytes */
  public long getMaxEntries() {
    return maxEntries;
  }

  /**
   * Bounds the cache by entries, and clears the byte bound.
   *
   * @param maxEntries the most local copies, 1 to {@value #MAX_MAX_ENTRIES}
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public NearCacheOptions setMaxEntries(long maxEntries) {
    OptionChecks.require(OptionChecks.between(MAX_ENTRIES, maxEntries, 1, MAX_MAX_ENTRIES, "entries"));
    this.maxEntries = maxEntries;
    this.maxBytes = 0;
    given.add(MAX_ENTRIES);
    given.add(MAX_BYTES);
    inputProblems.remove(MAX_ENTRIES);
    inputProblems.remove(MAX_BYTES);
    return this;
  }

  /** @return the bound in bytes (estimated: key, value and bookkeeping); 0 when bounded by entries */
  public long getMaxBytes() {
    return maxBytes;
  }

  /**
   * Bounds the cache by the estimated heap of its copies, and clears the entry bound.
   *
   * @param maxBytes the most bytes, at least 1024
   * @return this
   * @throws IllegalArgumentException when below 1024
   */
  public NearCacheOptions setMaxBytes(long maxBytes) {
    OptionChecks.require(OptionChecks.atLeast(MAX_BYTES, maxBytes, 1024, "bytes"));
    this.maxBytes = maxBytes;
    this.maxEntries = 0;
    given.add(MAX_ENTRIES);
    given.add(MAX_BYTES);
    inputProblems.remove(MAX_ENTRIES);
    inputProblems.remove(MAX_BYTES);
    return this;
  }

  /** @return the longest life of a local copy, in ms */
  public long getTtlMs() {
    return ttlMs;
  }

  /**
   * @param ttlMs the longest life of a local copy, in ms, at least 1; a copy never outlives its
   * entry's fresh TTL in Redis whatever this says
   * @return this
   * @throws IllegalArgumentException when below 1
   */
  public NearCacheOptions setTtlMs(long ttlMs) {
    OptionChecks.require(OptionChecks.atLeast(TTL_MS, ttlMs, 1, "ms"));
    this.ttlMs = ttlMs;
    given.add(TTL_MS);
    inputProblems.remove(TTL_MS);
    return this;
  }

  /** @return the staleness bound of a local read, in ms */
  public long getMaxStalenessMs() {
    return maxStalenessMs;
  }

  /**
   * @param maxStalenessMs how old a value served locally may be at most, in ms: a local copy is
   * served only while the invalidation link was confirmed (every invalidation before then
   * received) within this time; {@value #MIN_MAX_STALENESS_MS} to {@value #MAX_MAX_STALENESS_MS}
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public NearCacheOptions setMaxStalenessMs(long maxStalenessMs) {
    OptionChecks.require(OptionChecks.between(MAX_STALENESS_MS, maxStalenessMs, MIN_MAX_STALENESS_MS,
      MAX_MAX_STALENESS_MS, "ms"));
    this.maxStalenessMs = maxStalenessMs;
    given.add(MAX_STALENESS_MS);
    inputProblems.remove(MAX_STALENESS_MS);
    return this;
  }

  /**
   * Lists the problems, each starting with its key relative to this entry ({@code maxEntries: must
   * be ...}); {@link NamespaceOptions#problems(long)} prefixes them with {@code nearCache.}.
   *
   * @return the problems; empty when valid
   */
  public List<String> problems() {
    List<String> problems = new ArrayList<>(inputProblems.values());
    if (maxBytes > 0) {
      OptionChecks.collect(problems, OptionChecks.atLeast(MAX_BYTES, maxBytes, 1024, "bytes"));
    } else {
      OptionChecks.collect(problems, OptionChecks.between(MAX_ENTRIES, maxEntries, 1, MAX_MAX_ENTRIES, "entries"));
    }
    OptionChecks.collect(problems, OptionChecks.atLeast(TTL_MS, ttlMs, 1, "ms"));
    OptionChecks.collect(problems, OptionChecks.between(MAX_STALENESS_MS, maxStalenessMs, MIN_MAX_STALENESS_MS,
      MAX_MAX_STALENESS_MS, "ms"));
    return problems;
  }

  @Override
  public String toString() {
    return "NearCacheOptions" + toJson().encode();
  }
}
