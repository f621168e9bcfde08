package dev.rediskit.cache;

import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Locale;

/**
 * What a lookup or a get-or-load found, and where the answer came from.
 *
 * @param found whether an entry exists (a cached absence counts: then {@code value} is {@code null})
 * @param value the value, or {@code null} when not found or when the entry caches an absence
 * @param stale whether the entry is past its TTL (served within its stale window)
 * @param ttlMs how long the entry stays fresh, in ms: 0 when stale or not found
 * @param source where the answer came from; never {@code null}
 * @param tags the tags of the entry read from the cache (see {@link WriteOptions#setTags(java.util.List)}):
 *     empty for an untagged entry, a miss, or a value a loader returned; never {@code null}
 * @param <V> the value type
 */
public record CacheResult<V>(boolean found, V value, boolean stale, long ttlMs, Source source, List<String> tags) {

  /**
   * Where a read result came from: one field for every read result of the module ({@code source}
   * in the replies of {@code cache.get}, {@code cache.mget} and {@code cache.getOrLoad}). Later
   * features add values; a reader should treat a value it does not know like {@link #CACHE}.
   */
  public enum Source {
    /** Answered from Redis: a fresh entry, or nothing there ({@code found} says which). */
    CACHE,
    /** A stale entry, past its TTL but within its stale window (a failed load, or a read that serves stale). */
    STALE,
    /** A cached absence: the loader found nothing earlier, and negative caching remembered it. */
    NEGATIVE,
    /** Loaded for this call (or for the load it joined): {@code found} says whether the loader had a value. */
    LOADER,
    /** A fresh entry served from this instance's near cache, without Redis ({@link NearCacheOptions}). */
    NEAR;

    // Made once: every event-bus read result carries one.
    private final String jsonName = name().toLowerCase(Locale.ROOT);

    /** @return the name used in JSON: the constant in lower case ({@code cache}, {@code stale}...) */
    public String jsonName() {
      return jsonName;
    }

    /**
     * @param name a JSON name, any case; {@code null} or unknown reads as {@link #CACHE}
     * @return the source
     */
    public static Source fromJson(String name) {
      if (name != null) {
        // The services send the exact JSON names: one comparison on every event-bus read.
        for (Source s : values()) {
          if (s.jsonName.equals(name)) {
            return s;
          }
        }
        for (Source s : values()) {
          if (s.name().equalsIgnoreCase(name)) {
            return s;
          }
        }
      }
      return CACHE;
    }
  }

  private static final CacheResult<?> MISS = new CacheResult<>(false, null, false, 0, Source.CACHE);
  private static final CacheResult<?> LOADED_ABSENT = new CacheResult<>(false, null, false, 0, Source.LOADER);

  /**
   * Checks the source.
   *
   * @param found whether a value (or a cached absence) was found
   * @param value the value, or {@code null}
   * @param stale whether it is past its TTL, served within the stale window
   * @param ttlMs the fresh lifetime left, in milliseconds
   * @param source where it came from
   * @param tags the entry's tags, {@code null} or empty for none (kept as an unmodifiable copy)
   */
  public CacheResult {
    if (source == null) {
      throw new NullPointerException("source");
    }
    tags = tags == null || tags.isEmpty() ? List.of() : List.copyOf(tags);
  }

  /**
   * A result of an untagged entry, a miss or a load.
   *
   * @param found whether a value (or a cached absence) was found
   * @param value the value, or {@code null}
   * @param stale whether it is past its TTL, served within the stale window
   * @param ttlMs the fresh lifetime left, in milliseconds
   * @param source where it came from
   */
  public CacheResult(boolean found, V value, boolean stale, long ttlMs, Source source) {
    this(found, value, stale, ttlMs, source, List.of());
  }

  /**
   * A result read from the cache: the source follows from the state ({@link Source#STALE} when
   * stale, {@link Source#NEGATIVE} for a cached absence, else {@link Source#CACHE}).
   *
   * @param found whether an entry exists
   * @param value the value
   * @param stale whether it is stale
   * @param ttlMs how long it stays fresh
   */
  public CacheResult(boolean found, V value, boolean stale, long ttlMs) {
    this(found, value, stale, ttlMs, List.of());
  }

  /**
   * A result read from the cache, of an entry with tags: the source follows from the state as for
   * {@link #CacheResult(boolean, Object, boolean, long)}.
   *
   * @param found whether an entry exists
   * @param value the value
   * @param stale whether it is stale
   * @param ttlMs how long it stays fresh
   * @param tags the entry's tags, {@code null} or empty for none
   */
  public CacheResult(boolean found, V value, boolean stale, long ttlMs, List<String> tags) {
    this(found, value, stale, ttlMs, stale ? Source.STALE : found && value == null ? Source.NEGATIVE : Source.CACHE, tags);
  }

  /**
   * @param <V> the value type
   * @return the result of a miss
   */
  @SuppressWarnings("unchecked")
  public static <V> CacheResult<V> miss() {
    return (CacheResult<V>) MISS;
  }

  /**
   * @param <V> the value type
   * @return the result of a load that found nothing, with nothing cached
   */
  @SuppressWarnings("unchecked")
  public static <V> CacheResult<V> loadedAbsent() {
    return (CacheResult<V>) LOADED_ABSENT;
  }

  /**
   * @param value the loaded value, {@code null} for a loaded absence that was cached
   * @param ttlMs how long it stays fresh (0 when it was not cached)
   * @param <V> the value type
   * @return the result of a load
   */
  public static <V> CacheResult<V> loaded(V value, long ttlMs) {
    return new CacheResult<>(true, value, false, ttlMs, Source.LOADER);
  }

  /** @return whether a fresh entry was found */
  public boolean isFreshHit() {
    return found && !stale;
  }

  /**
   * The reply of {@code cache.get}: {@code {found, value?, stale?, ttlMs?, source, tags?}} ({@code tags}
   * only for a tagged entry).
   *
   * @return this result as JSON (a JSON-codec value as it is; other values as the caller put them)
   */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("found", found);
    if (found) {
      json.put("value", value);
      json.put("stale", stale);
      json.put("ttlMs", ttlMs);
    }
    json.put("source", source.jsonName());
    if (!tags.isEmpty()) {
      json.put("tags", new io.vertx.core.json.JsonArray(tags));
    }
    return json;
  }
}
