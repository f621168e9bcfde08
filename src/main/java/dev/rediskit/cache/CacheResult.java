package dev.rediskit.cache;

import io.vertx.core.json.JsonObject;

/**
 * What a lookup found.
 *
 * @param found whether an entry exists (a cached absence counts: then {@code value} is {@code null})
 * @param value the value, or {@code null} when not found or when the entry caches an absence
 * @param stale whether the entry is past its TTL (served within its stale window)
 * @param ttlMs how long the entry stays fresh, in ms: 0 when stale or not found
 * @param <V> the value type
 */
public record CacheResult<V>(boolean found, V value, boolean stale, long ttlMs) {

  private static final CacheResult<?> MISS = new CacheResult<>(false, null, false, 0);

  /**
   * @param <V> the value type
   * @return the result of a miss
   */
  @SuppressWarnings("unchecked")
  public static <V> CacheResult<V> miss() {
    return (CacheResult<V>) MISS;
  }

  /** @return whether a fresh entry was found */
  public boolean isFreshHit() {
    return found && !stale;
  }

  /**
   * The reply of {@code cache.get}: {@code {found, value?, stale?, ttlMs?}}.
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
    return json;
  }
}
