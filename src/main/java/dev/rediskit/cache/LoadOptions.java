package dev.rediskit.cache;

import dev.rediskit.config.RequestFields;
import dev.rediskit.error.InvalidRequestException;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * How {@link CacheNamespace#getOrLoad} caches what it loads. The options remember which fields were
 * set: a get-or-load (the Java API's and {@code cache.getOrLoad} alike) takes each field the caller
 * set, the namespace's configured value ({@link NamespaceOptions#getLoadOptions()}, an entry of
 * {@code cache.namespaces}) for the others, and the cache's {@link CacheOptions} for what neither
 * sets; {@link #overriding(LoadOptions)} is that rule. Everything is checked when the options are
 * used (an invalid value fails the call with code 400, naming the field).
 *
 * <pre>{@code
 * new LoadOptions().setTtl(Duration.ofMinutes(5)).setStaleTtl(Duration.ofHours(1))
 *   .setRefreshAheadFraction(0.2).setCacheNulls(true).setNullTtl(Duration.ofSeconds(30));
 * }</pre>
 *
 * <p>The getters return what a field is worth on its own (0, {@code false}, an empty list or
 * {@code null} when unset); whether a field was set shows in {@link #toJson()}, which writes only
 * the set ones.
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

  // null: not set, so a namespace's or the cache's default applies (see overriding).
  private Duration ttl;
  private Duration staleTtl;
  private Double refreshAheadFraction;
  private Double refreshAheadBeta;
  private Boolean cacheNulls;
  private Duration nullTtl;
  private Duration idleTtl;
  private List<String> tags;
  // Which fields the code gave, set or unset (bit i: JSON_FIELDS.get(i)), for toGivenJson(): a
  // namespace's entry overrides a config file's only there. Bits, not a set: requests make these.
  private int given;

  /**
   * Options that set nothing: every field comes from the namespace's configured load options, then
   * from the cache's {@link CacheOptions} (refresh-ahead and null caching off unless configured).
   */
  public LoadOptions() {
  }

  /**
   * Reads the JSON form of {@link #toJson()}: the fields of {@link #JSON_FIELDS} that are present
   * and not {@code null} are set, the others stay unset; other keys are ignored, so a whole
   * {@code cache.getOrLoad} request can be read. Ranges are checked when the options are used.
   *
   * @param json the options
   * @throws InvalidRequestException naming the first field of the wrong type (a duration that is
   *     not a whole number, a fraction that is not a finite number, a tag that is not a string...)
   */
  public LoadOptions(JsonObject json) {
    readInto(this, f -> RequestFields.optionalLong(json, f), f -> RequestFields.optionalDouble(json, f),
      f -> RequestFields.optionalBoolean(json, f), f -> RequestFields.optionalStrings(json, f));
  }

  /**
   * Sets on {@code o} each field of {@link #JSON_FIELDS} the readers find ({@code null}: absent):
   * the one mapping of the JSON form, for a request (whose readers fail at the first wrong type)
   * and for a {@code cache.namespaces} entry (whose readers collect every problem).
   */
  static void readInto(LoadOptions o, Function<String, Long> longs, Function<String, Double> doubles,
                       Function<String, Boolean> booleans, Function<String, List<String>> strings) {
    Long l = longs.apply(TTL_MS);
    if (l != null) {
      o.setTtl(Duration.ofMillis(l));
    }
    l = longs.apply(STALE_TTL_MS);
    if (l != null) {
      o.setStaleTtl(Duration.ofMillis(l));
    }
    Double d = doubles.apply(REFRESH_AHEAD_FRACTION);
    if (d != null) {
      o.setRefreshAheadFraction(d);
    }
    d = doubles.apply(REFRESH_AHEAD_BETA);
    if (d != null) {
      o.setRefreshAheadBeta(d);
    }
    Boolean b = booleans.apply(CACHE_NULLS);
    if (b != null) {
      o.setCacheNulls(b);
    }
    l = longs.apply(NULL_TTL_MS);
    if (l != null) {
      o.setNullTtl(Duration.ofMillis(l));
    }
    l = longs.apply(IDLE_TTL_MS);
    if (l != null) {
      o.setIdleTtl(Duration.ofMillis(l));
    }
    List<String> t = strings.apply(TAGS);
    if (t != null) {
      o.setTags(t);
    }
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
    this.given = other.given;
  }

  /**
   * @param ttl how long a loaded value stays fresh
   * @return new options that set only that TTL: every other field comes from the namespace's
   *     configured load options, then the cache's
   */
  public static LoadOptions ttl(Duration ttl) {
    return new LoadOptions().setTtl(ttl);
  }

  /** @return how long a loaded value stays fresh, or {@code null} when unset (the namespace's {@code ttlMs}, else {@code cache.ttlMs}) */
  public Duration getTtl() {
    return ttl;
  }

  /**
   * @param ttl how long a loaded value stays fresh ({@code > 0}, at most {@code cache.maxTtlMs}); {@code null} unsets it
   * (the namespace's, else the cache's)
   * @return this
   */
  public LoadOptions setTtl(Duration ttl) {
    this.ttl = ttl;
    given(TTL_MS);
    return this;
  }

  /** @return how long after its TTL a value may still be served stale, or {@code null} when unset (the namespace's, else {@code cache.staleTtlMs}) */
  public Duration getStaleTtl() {
    return staleTtl;
  }

  /**
   * Serve-stale: the entry is kept this long after its TTL; when reloading it fails meanwhile, the
   * stale value is served instead of the error.
   *
   * @param staleTtl the stale window ({@code >= 0}, 0 turns it off); {@code null} unsets it (the namespace's, else the cache's)
   * @return this
   */
  public LoadOptions setStaleTtl(Duration staleTtl) {
    this.staleTtl = staleTtl;
    given(STALE_TTL_MS);
    return this;
  }

  /** @return the refresh-ahead fraction, 0 when off or unset */
  public double getRefreshAheadFraction() {
    return refreshAheadFraction == null ? 0 : refreshAheadFraction;
  }

  /**
   * Refresh-ahead by fraction: a read in the last {@code fraction} of the entry's TTL (0.2: the
   * last 20%) reloads it once in the background, while readers keep getting the current value.
   *
   * <p>Refresh-ahead is one choice: options that set the fraction or the beta override both of the
   * namespace's ({@link #overriding(LoadOptions)}), so a call can pick a fraction in a namespace
   * configured with a beta.
   *
   * @param fraction between 0 (off) and 1, exclusive of 1; not together with a beta
   * @return this
   */
  public LoadOptions setRefreshAheadFraction(double fraction) {
    this.refreshAheadFraction = fraction;
    given(REFRESH_AHEAD_FRACTION);
    return this;
  }

  /** @return the XFetch beta, 0 when off or unset */
  public double getRefreshAheadBeta() {
    return refreshAheadBeta == null ? 0 : refreshAheadBeta;
  }

  /**
   * Probabilistic early refresh (XFetch, Vattani et al.): a read refreshes in the background when
   * {@code now - loadTime * beta * ln(random) >= expiry}, so the slower the loader and the hotter
   * the key, the earlier, and the refreshes of many keys do not line up. 1.0 is the usual value;
   * larger refreshes earlier.
   *
   * <p>As with the fraction, options that set the beta override both of the namespace's refresh-ahead fields.
   *
   * @param beta {@code > 0} to turn it on, 0 for off; at most 10; not together with a fraction
   * @return this
   */
  public LoadOptions setRefreshAheadBeta(double beta) {
    this.refreshAheadBeta = beta;
    given(REFRESH_AHEAD_BETA);
    return this;
  }

  /** @return whether an absent (null) result is cached ({@code false} when unset) */
  public boolean isCacheNulls() {
    return cacheNulls != null && cacheNulls;
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
    given(CACHE_NULLS);
    return this;
  }

  /** @return how long an absence is cached, or {@code null} when unset (the namespace's, else {@code cache.nullTtlMs}) */
  public Duration getNullTtl() {
    return nullTtl;
  }

  /**
   * @param nullTtl how long an absence is cached ({@code > 0}, at most {@code cache.maxTtlMs}); {@code null} unsets it
   * (the namespace's, else the cache's)
   * @return this
   */
  public LoadOptions setNullTtl(Duration nullTtl) {
    this.nullTtl = nullTtl;
    given(NULL_TTL_MS);
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
   * {@link Duration#ZERO} turns sliding off for this call; {@code null} unsets it (the namespace's setting)
   * @return this
   */
  public LoadOptions setIdleTtl(Duration idleTtl) {
    this.idleTtl = idleTtl;
    given(IDLE_TTL_MS);
    return this;
  }

  /** @return the tags of an entry this call writes (empty for none, and when unset: then the namespace's apply) */
  public List<String> getTags() {
    return tags == null ? List.of() : tags;
  }

  /**
   * Tags for the entry this call loads and writes: {@link RedisCache#invalidateTag(String)} of any
   * of them makes the entry stale (served only as a stale value when the loader fails). The tags'
   * versions are taken before the loader runs, so a load that overlaps an invalidation writes an
   * entry that is already stale. Checked when used: at most {@value CacheNames#MAX_TAGS}, each 1 to
   * {@value CacheNames#MAX_TAG_LENGTH} characters without control characters.
   *
   * <p>Tags set here replace the namespace's ({@code tags} of its {@code cache.namespaces} entry);
   * an empty list writes the entry without tags.
   *
   * @param tags the tags (copied); empty for none; {@code null} unsets them (the namespace's apply)
   * @return this
   */
  public LoadOptions setTags(List<String> tags) {
    this.tags = tags == null ? null : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(tags));
    given(TAGS);
    return this;
  }

  /**
   * Lays these options over {@code defaults}, the rule every get-or-load resolves its options by:
   * each field set here wins, each field unset here takes the value of {@code defaults} (set or
   * not). Refresh-ahead counts as one field: options that set the fraction or the beta take both
   * from here (the other one 0 unless set), so they never combine with the defaults' other way.
   * Neither object is changed.
   *
   * <pre>{@code
   * LoadOptions configured = new LoadOptions().setTtl(Duration.ofMinutes(5)).setTags(List.of("tenant:7"));
   * LoadOptions call = LoadOptions.ttl(Duration.ofMinutes(1)).overriding(configured);  // 1 minute, tags [tenant:7]
   * }</pre>
   *
   * @param defaults the options to fall back on (a namespace's configured load options), or
   *     {@code null} for none
   * @return new options with the fields set in either
   */
  public LoadOptions overriding(LoadOptions defaults) {
    LoadOptions o = new LoadOptions(this);
    if (defaults == null) {
      return o;
    }
    if (o.ttl == null) {
      o.ttl = defaults.ttl;
    }
    if (o.staleTtl == null) {
      o.staleTtl = defaults.staleTtl;
    }
    if (o.refreshAheadFraction == null && o.refreshAheadBeta == null) {
      o.refreshAheadFraction = defaults.refreshAheadFraction;
      o.refreshAheadBeta = defaults.refreshAheadBeta;
    } else if (defaults.refreshAheadFraction != null || defaults.refreshAheadBeta != null) {
      // Set both, so that laying the result over the same defaults again changes nothing.
      o.refreshAheadFraction = o.getRefreshAheadFraction();
      o.refreshAheadBeta = o.getRefreshAheadBeta();
    }
    if (o.cacheNulls == null) {
      o.cacheNulls = defaults.cacheNulls;
    }
    if (o.nullTtl == null) {
      o.nullTtl = defaults.nullTtl;
    }
    if (o.idleTtl == null) {
      o.idleTtl = defaults.idleTtl;
    }
    if (o.tags == null) {
      o.tags = defaults.tags;
    }
    return o;
  }

  /**
   * The JSON form used by {@code cache.getOrLoad} requests and the {@code cache.namespaces}
   * configuration: only the fields that are set (durations in ms), so that the receiver's defaults
   * fill in the rest; {@link #LoadOptions(JsonObject)} reads it back with the same fields set.
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
    if (refreshAheadFraction != null) {
      json.put(REFRESH_AHEAD_FRACTION, refreshAheadFraction);
    }
    if (refreshAheadBeta != null) {
      json.put(REFRESH_AHEAD_BETA, refreshAheadBeta);
    }
    if (cacheNulls != null) {
      json.put(CACHE_NULLS, cacheNulls);
    }
    if (nullTtl != null) {
      json.put(NULL_TTL_MS, nullTtl.toMillis());
    }
    if (idleTtl != null) {
      json.put(IDLE_TTL_MS, idleTtl.toMillis());
    }
    if (tags != null) {
      json.put(TAGS, new io.vertx.core.json.JsonArray(new java.util.ArrayList<>(tags)));
    }
    return json;
  }

  /** Counts a field as given, set or not: a setter did, or the JSON these options were read from held it. */
  void given(String field) {
    given |= 1 << JSON_FIELDS.indexOf(field);
  }

  /**
   * What the code gave, for a namespace's entry ({@link NamespaceOptions#toGivenJson()}): the
   * fields a setter set or the JSON held, in {@link #toJson()}'s form; a given field that is unset
   * is written as JSON {@code null}, which unsets the same field of a source below (read back, it
   * leaves the field unset).
   */
  JsonObject toGivenJson() {
    JsonObject all = toJson();
    JsonObject json = new JsonObject();
    for (int i = 0; i < JSON_FIELDS.size(); i++) {
      if ((given & (1 << i)) != 0) {
        json.put(JSON_FIELDS.get(i), all.getValue(JSON_FIELDS.get(i)));
      }
    }
    return json;
  }

  @Override
  public String toString() {
    return "LoadOptions" + toJson().encode();
  }
}
