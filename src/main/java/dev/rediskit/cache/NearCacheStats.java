package dev.rediskit.cache;

import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * The live counters of one namespace's near cache on this instance. They only grow, except
 * {@link #entries()} and {@link #bytes()}, which are gauges.
 */
public interface NearCacheStats {

  /** @return the namespace */
  String namespace();

  /** @return reads answered from the local copy, without Redis */
  long hits();

  /** @return reads that found no usable local copy and went to Redis (while the link was confirmed) */
  long misses();

  /**
   * @return reads that went to Redis because the invalidation link was not confirmed within the staleness bound;
   * for a {@link dev.rediskit.eventbus.CacheClient}'s near cache, reads that went over the event bus because the
   * cache service's invalidation stream was not confirmed, or the namespace not tracked by the service (its
   * {@code cache.namespaces.<ns>.nearCache.enabled} not set)
   */
  long bypasses();

  /** @return keys Redis reported changed that this near cache held or was reading */
  long invalidations();

  /** @return replies not stored because the key changed (or the link's epoch moved) while the read was in flight */
  long rejectedFills();

  /**
   * @return flushes of the whole near cache, by cause: the {@link dev.rediskit.client.TrackingLink.FlushCause}
   * names in lower case, and {@code namespace} for a flush of the namespace through this instance
   */
  Map<String, Long> flushes();

  /** @return local copies held now (an estimate, as Caffeine gives it) */
  long entries();

  /** @return the estimated heap of the local copies now, in bytes (keys, values and bookkeeping) */
  long bytes();

  /** @return the counters as JSON */
  default JsonObject toJson() {
    JsonObject byCause = new JsonObject();
    flushes().forEach(byCause::put);
    return new JsonObject()
      .put("namespace", namespace())
      .put("hits", hits())
      .put("misses", misses())
      .put("bypasses", bypasses())
      .put("invalidations", invalidations())
      .put("rejectedFills", rejectedFills())
      .put("flushes", byCause)
      .put("entries", entries())
      .put("bytes", bytes());
  }
}
