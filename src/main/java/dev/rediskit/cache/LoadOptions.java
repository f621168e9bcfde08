package dev.rediskit.cache;

import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.List;

/**
 * How {@link CacheNamespace#getOrLoad} caches what it loads. Unset durations fall back to the
 * {@link CacheOptions} of the cache; everything is checked when the options are used (an invalid
 * value fails the call with code 400, naming the field).
 *
 * <pre>{@code
 * new LoadOptions().setTtl(Duration.ofMinutes(5)).setStaleTtl(Duration.ofHours(1))
 *   .setRefreshAheadFraction(0.2).setCacheNulls(true).setNullTtl(Duration.ofSeconds(30));
 * }</pre>
 */
public class LoadOptions {

  /** JSON name of {@link #setTtl(Duration)}, in ms: the same in a {@code cache.getOrLoad} request and in {@code cache.namespaces}. */
  public static final String TTL_MS = "ttlMs";
  /** JSON name of {@link #setStaleTtl(Duration)}, in ms. */
  public static final String STALE_TTL_MS = "staleTtlMs";
  /** JSON name of {@link #setRefreshAheadFraction(double)}. */
  public static final String REFRESH_AHEAD_FRACTION = "refreshAheadFraction";
  /** JSON name of {@link #setRefreshAheadBeta(double)}. */
  public static final String REFRESH_AHEAD_BETA = "refreshAheadBeta";
  /** JSON name of {@link #setCacheNulls(boolean)}. */
  public static final String CACHE_NULLS = "cacheNulls";
  /** JSON name of {@link #setNullTtl(Duration)}, in ms. */
  public static final String NULL_TTL_MS = "nullTtlMs";
  /** JSON name of {@link #setIdleTtl(Duration)}, in ms. */
  public static final String IDLE_TTL_MS = "idleTtlMs";
  /** JSON name of {@link #setTags(List)}: an array of strings. */
  public static final String TAGS = "tags";
  /** Every JSON name of these options, in the order {@link #toJson()} writes them. */
  public static final List<String> JSON_FIELDS = List.of(TTL_MS, STALE_TTL_MS, REFRESH_AHEAD_FRACTION, REFRESH_AHEAD_BETA,
    CACHE_NULLS, NULL_TTL_MS, IDLE_TTL_MS, TAGS);

  private Duration ttl;
  private Duration staleTtl;
  private double refreshAheadFraction;
  private double refreshAheadBeta;
  private boolean cacheNulls;
  private Duration nullTtl;
  private Duration idleTtl;
  private List<String> tags = List.of();

  /** Options taking every default from the cache's {@link CacheOptions}; refresh-ahead and null caching off. */
  public LoadOptions() {
  }

  /**
   * Copy constructor.
   *
   * @param other the options to copy
   */
  public LoadOptions(LoadOptions other) {
    this.ttl = other.ttl;
    this.staleTtl = other.staleTtl;
    this.refreshAheadFraction = other.refreshAheadFraction;
    this.refreshAheadBeta = other.refreshAheadBeta;
    this.cacheNulls = other.cacheNulls;
    this.nullTtl = other.nullTtl;
    this.idleTtl = other.idleTtl;
    this.tags = other.tags;
  }

  /**
   * @param ttl how long a loaded value stays fresh
   * @return new options with that TTL and every other default
   */
  public static LoadOptions ttl(Duration ttl) {
    return new LoadOptions().setTtl(ttl);
  }

  /** @return how long a loaded value stays fresh, or {@code null} for {@code cache.ttlMs} */
  public Duration getTtl() {
    return ttl;
  }

  /**
   * @param ttl how long a loaded value stays fresh ({@code > 0}, at most {@code cache.maxTtlMs}); {@code null} for the default
   * @return this
   */
  public LoadOptions setTtl(Duration ttl) {
    this.ttl = ttl;
    return this;
  }

  /** @return how long after its TTL a value may still be served stale, or {@code null} for {@code cache.staleTtlMs} */
  public Duration getStaleTtl() {
    return staleTtl;
  }

  /**
   * Serve-stale: the entry is kept this long after its TTL; when reloading it fails meanwhile, the
   * stale value is served instead of the error.
   *
   * @param staleTtl the stale window ({@code >= 0}, 0 turns it off); {@code null} for the default
   * @return this
   */
  public LoadOptions setStaleTtl(Duration staleTtl) {
    this.staleTtl = staleTtl;
    return this;
  }

  /** @return the refresh-ahead fraction, 0 when off */
  public double getRefreshAheadFraction() {
    return refreshAheadFraction;
  }

  /**
   * Refresh-ahead by fraction: a read in the last {@code fraction} of the entry's TTL (0.2: the
   * last 20%) reloads it once in the background, while readers keep getting the current value.
   *
   * @param fraction between 0 (off) and 1, exclusive of 1; not together with a beta
   * @return this
   */
  public LoadOptions setRefreshAheadFraction(double fraction) {
    this.refreshAheadFraction = fraction;
    return this;
  }

  /** @return the XFetch beta, 0 when off */
  public double getRefreshAheadBeta() {
    return refreshAheadBeta;
  }

  /**
   * Probabilistic early refresh (XFetch, Vattani et al.): a read refreshes in the background when
   * {@code now - loadTime * beta * ln(random) >= expiry}, so the slower the loader and the hotter
   * the key, the earlier, and the refreshes of many keys do not line up. 1.0 is the usual value;
   * larger refreshes earlier.
   *
   * @param beta {@code > 0} to turn it on, 0 for off; at most 10; not together with a fraction
   * @return this
   */
  public LoadOptions setRefreshAheadBeta(double beta) {
    this.refreshAheadBeta = beta;
    return this;
  }

  /** @return whether an absent (null) result is cached */
  public boolean isCacheNulls() {
    return cacheNulls;
  }

  /**
   * Negative caching: when the loader yields {@code null}, remember that for {@link #getNullTtl()},
   * so lookups of missing data do not reach the loader each time.
   *
   * @param cacheNulls whether to cache absence
   * @return this
   */
  public LoadOptions setCacheNulls(boolean cacheNulls) {
    this.cacheNulls = cacheNulls;
    return this;
  }

  /** @return how long an absence is cached, or {@code null} for {@code cache.nullTtlMs} */
  public Duration getNullTtl() {
    return nullTtl;
  }

  /**
   * @param nullTtl how long an absence is cached ({@code > 0}, at most {@code cache.maxTtlMs}); {@code null} for the default
   * @return this
   */
  public LoadOptions setNullTtl(Duration nullTtl) {
    this.nullTtl = nullTtl;
    return this;
  }

  /** @return the sliding expiry's idle TTL, or {@code null} for the namespace's ({@code idleTtlMs} of its entry in {@code cache.namespaces}, off when unset) */
  public Duration getIdleTtl() {
    return idleTtl;
  }

  /**
   * Sliding expiry (time to idle): an entry written by this call lives in Redis only {@code idleTtl}
   * past its last read, and every read that reaches Redis moves that deadline, in the same round
   * trip as the read; never past the entry's TTL, which becomes its absolute maximum age. A sliding
   * entry has no stale window. See docs/CACHING.md, "Sliding expiry".
   *
   * @param idleTtl how long an entry may go unread ({@code > 0}, at most {@code cache.maxTtlMs});
   * {@link Duration#ZERO} turns sliding off for this call; {@code null} for the namespace's setting
   * @return this
   */
  public LoadOptions setIdleTtl(Duration idleTtl) {
    this.idleTtl = idleTtl;
    return this;
  }

  /** @return the tags of an entry this call writes (empty for none) */
  public List<String> getTags() {
    return tags;
  }

  /**
   * Tags for the entry this call loads and writes: {@link RedisCache#invalidateTag(String)} of any
   * of them makes the entry stale (served only as a stale value when the loader fails). The tags'
   * versions are taken before the loader runs, so a load that overlaps an invalidation writes an
   * entry that is already stale. Checked when used: at most {@value CacheNames#MAX_TAGS}, each 1 to
   * {@value CacheNames#MAX_TAG_LENGTH} characters without control characters.
   *
   * @param tags the tags, {@code null} or empty for none (copied)
   * @return this
   */
  public LoadOptions setTags(List<String> tags) {
    this.tags = tags == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(tags));
    return this;
  }

  /**
   * The JSON form used by {@code cache.getOrLoad} requests and the {@code cache.namespaces}
   * configuration: only what is set (durations in ms, a fraction or beta when not 0,
   * {@code cacheNulls} when true), so that the receiver's defaults fill in the rest.
   *
   * @return the options that are set, under {@link #JSON_FIELDS}
   */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    if (ttl != null) {
      json.put(TTL_MS, ttl.toMillis());
    }
    if (staleTtl != null) {
      json.put(STALE_TTL_MS, staleTtl.toMillis());
    }
    if (refreshAheadFraction != 0) {
      json.put(REFRESH_AHEAD_FRACTION, refreshAheadFraction);
    }
    if (refreshAheadBeta != 0) {
      json.put(REFRESH_AHEAD_BETA, refreshAheadBeta);
    }
    if (cacheNulls) {
      json.put(CACHE_NULLS, true);
    }
    if (nullTtl != null) {
      json.put(NULL_TTL_MS, nullTtl.toMillis());
    }
    if (idleTtl != null) {
      json.put(IDLE_TTL_MS, idleTtl.toMillis());
    }
    if (!tags.isEmpty()) {
      json.put(TAGS, new io.vertx.core.json.JsonArray(new java.util.ArrayList<>(tags)));
    }
    return json;
  }

  @Override
  public String toString() {
    return "LoadOptions{ttl=" + ttl + ", staleTtl=" + staleTtl + ", refreshAheadFraction=" + refreshAheadFraction
      + ", refreshAheadBeta=" + refreshAheadBeta + ", cacheNulls=" + cacheNulls + ", nullTtl=" + nullTtl + ", idleTtl=" + idleTtl + ", tags=" + tags + "}";
  }
}
