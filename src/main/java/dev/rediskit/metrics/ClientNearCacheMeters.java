package dev.rediskit.metrics;

import dev.rediskit.cache.NearCacheStats;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/** The meters of one event-bus client's near cache, read from its live stats at scrape time. */
final class ClientNearCacheMeters extends Binding {

  ClientNearCacheMeters(RedisKitMetricsImpl owner, MeterRegistry registry, String name, NearCacheStats stats) {
    super(owner, registry);
    Tags tags = Tags.of(MeterNames.TAG_CLIENT, name);
    counter(MeterNames.CLIENT_NEAR_REQUESTS, tags.and(MeterNames.TAG_RESULT, MeterNames.RESULT_HIT), stats, NearCacheStats::hits);
    counter(MeterNames.CLIENT_NEAR_REQUESTS, tags.and(MeterNames.TAG_RESULT, MeterNames.RESULT_MISS), stats, NearCacheStats::misses);
    counter(MeterNames.CLIENT_NEAR_REQUESTS, tags.and(MeterNames.TAG_RESULT, MeterNames.RESULT_BYPASS), stats, NearCacheStats::bypasses);
    counter(MeterNames.CLIENT_NEAR_INVALIDATIONS, tags, stats, NearCacheStats::invalidations);
    // Every cause is listed from the start (at zero), so the set of counters is fixed here.
    for (String cause : stats.flushes().keySet()) {
      counter(MeterNames.CLIENT_NEAR_FLUSHES, tags.and(MeterNames.TAG_CAUSE, cause), stats, s -> s.flushes().getOrDefault(cause, 0L));
    }
    add(Gauge.builder(MeterNames.CLIENT_NEAR_ENTRIES, stats, NearCacheStats::entries)
      .tags(tags).description(description(MeterNames.CLIENT_NEAR_ENTRIES)).register(registry));
    add(Gauge.builder(MeterNames.CLIENT_NEAR_BYTES, stats, NearCacheStats::bytes)
      .tags(tags).baseUnit("bytes").description(description(MeterNames.CLIENT_NEAR_BYTES)).register(registry));
  }
}
