package dev.rediskit.cache;

import io.vertx.core.json.JsonObject;

/**
 * Counters of one namespace on this instance, since the cache was created. They only grow, so a
 * metrics layer binds them as monotonic counters (e.g. Micrometer {@code FunctionCounter}s reading
 * the live object from {@link RedisCache#stats(String)}) and derives rates itself.
 *
 * <table>
 *   <caption>Counters</caption>
 *   <tr><th>counter</th><th>counts</th></tr>
 *   <tr><td>hits</td><td>reads that found a fresh entry (a cached absence included)</td></tr>
 *   <tr><td>misses</td><td>reads that found nothing fresh (absent, stale or unreadable); for getOrLoad each is followed by a load or a join (a caller that joins a load already running counts, as does one the loader answered because Redis failed)</td></tr>
 *   <tr><td>staleHits</td><td>stale values served: by get/mget within the stale window, or by getOrLoad when the loader failed</td></tr>
 *   <tr><td>loads</td><td>loader calls (getOrLoad, refresh-ahead, warm-up)</td></tr>
 *   <tr><td>loadFailures</td><td>loader calls that failed or timed out</td></tr>
 *   <tr><td>loadTimeMs</td><td>total time spent in loaders, in milliseconds</td></tr>
 *   <tr><td>errors</td><td>Redis operations that failed (unavailable, timeout, error reply)</td></tr>
 *   <tr><td>sets</td><td>entries written (set, mset, loads, warm-up)</td></tr>
 *   <tr><td>deletes</td><td>entries removed by delete or invalidate</td></tr>
 *   <tr><td>singleFlightJoins</td><td>getOrLoad misses that joined a load already running on this instance instead of calling the loader</td></tr>
 *   <tr><td>leaseWaits</td><td>loads that found another instance holding the lease and waited for its result</td></tr>
 *   <tr><td>refreshes</td><td>background refresh-ahead loads started by this instance</td></tr>
 *   <tr><td>redisFallbacks</td><td>getOrLoad calls answered by the loader directly because Redis failed</td></tr>
 *   <tr><td>flushes</td><td>flushNamespace calls completed</td></tr>
 *   <tr><td>flushedKeys</td><td>keys removed by those flushes</td></tr>
 * </table>
 */
public interface CacheStats {

  /** @return the namespace */
  String namespace();

  /** @return reads that found a fresh entry */
  long hits();

  /** @return reads that found nothing fresh */
  long misses();

  /** @return stale values served */
  long staleHits();

  /** @return loader calls */
  long loads();

  /** @return loader calls that failed or timed out */
  long loadFailures();

  /** @return total time spent in loaders, in milliseconds */
  long loadTimeMs();

  /** @return Redis operations that failed */
  long errors();

  /** @return entries written */
  long sets();

  /** @return entries removed by delete or invalidate */
  long deletes();

  /** @return misses that joined a load already running on this instance */
  long singleFlightJoins();

  /** @return loads that waited for another instance's lease */
  long leaseWaits();

  /** @return background refreshes started */
  long refreshes();

  /** @return getOrLoad calls answered by the loader because Redis failed */
  long redisFallbacks();

  /** @return namespace flushes completed */
  long flushes();

  /** @return keys removed by namespace flushes */
  long flushedKeys();

  /** @return {@code (hits + staleHits) / (hits + staleHits + misses)}, 0 when nothing was read */
  default double hitRatio() {
    long served = hits() + staleHits();
    long total = served + misses();
    return total == 0 ? 0.0 : (double) served / total;
  }

  /** @return every counter and the hit ratio, the reply of {@code cache.stats} */
  default JsonObject toJson() {
    return new JsonObject()
      .put("namespace", namespace())
      .put("hits", hits())
      .put("misses", misses())
      .put("staleHits", staleHits())
      .put("loads", loads())
      .put("loadFailures", loadFailures())
      .put("loadTimeMs", loadTimeMs())
      .put("errors", errors())
      .put("sets", sets())
      .put("deletes", deletes())
      .put("hitRatio", hitRatio())
      .put("singleFlightJoins", singleFlightJoins())
      .put("leaseWaits", leaseWaits())
      .put("refreshes", refreshes())
      .put("redisFallbacks", redisFallbacks())
      .put("flushes", flushes())
      .put("flushedKeys", flushedKeys());
  }

  /**
   * A fixed snapshot read back from {@link #toJson()}, e.g. from a {@code cache.stats} reply.
   *
   * @param json the counters; missing ones read as 0
   * @return the snapshot
   */
  static CacheStats fromJson(JsonObject json) {
    return new Snapshot(json.getString("namespace"), json.getLong("hits", 0L), json.getLong("misses", 0L),
      json.getLong("staleHits", 0L), json.getLong("loads", 0L), json.getLong("loadFailures", 0L),
      json.getLong("loadTimeMs", 0L), json.getLong("errors", 0L), json.getLong("sets", 0L),
      json.getLong("deletes", 0L), json.getLong("singleFlightJoins", 0L), json.getLong("leaseWaits", 0L),
      json.getLong("refreshes", 0L), json.getLong("redisFallbacks", 0L), json.getLong("flushes", 0L), json.getLong("flushedKeys", 0L));
  }

  /**
   * Fixed values, as read from JSON.
   *
   * @param namespace the namespace
   * @param hits hits
   * @param misses misses
   * @param staleHits stale hits
   * @param loads loads
   * @param loadFailures load failures
   * @param loadTimeMs load time in ms
   * @param errors errors
   * @param sets sets
   * @param deletes deletes
   * @param singleFlightJoins single-flight joins
   * @param leaseWaits lease waits
   * @param refreshes refreshes
   * @param redisFallbacks Redis fallbacks
   * @param flushes flushes
   * @param flushedKeys keys removed by flushes
   */
  record Snapshot(String namespace, long hits, long misses, long staleHits, long loads, long loadFailures,
                  long loadTimeMs, long errors, long sets, long deletes, long singleFlightJoins, long leaseWaits,
                  long refreshes, long redisFallbacks, long flushes, long flushedKeys) implements CacheStats {
  }
}
