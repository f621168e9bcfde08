package dev.rediskit.metrics;

import dev.rediskit.cache.NearCacheStats;
import dev.rediskit.cache.RedisCache;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.Collection;
import java.util.function.ToLongFunction;

/**
 * The near-cache meters of one namespace, added to its cache binding when some cache has a near
 * cache on it; each the sum over the caches at scrape time.
 */
final class NearCacheMeters {

  private NearCacheMeters() {
  }

  static void bind(Binding binding, MeterRegistry registry, Tags tags, String namespace, Collection<? extends RedisCache> caches) {
    NearCacheStats any = null;
    for (RedisCache c : caches) {
      if (any == null) {
        any = c.nearCacheStats().get(namespace);
      }
    }
    if (any == null) {
      return;
    }
    ToLongFunction<ToLongFunction<NearCacheStats>> sum = f -> {
      long total = 0;
      for (RedisCache c : caches) {
        NearCacheStats s = c.nearCacheStats().get(namespace);
        if (s != null) {
          total += f.applyAsLong(s);
        }
      }
      return total;
    };
    requests(binding, tags, MeterNames.RESULT_HIT, sum, NearCacheStats::hits);
    requests(binding, tags, MeterNames.RESULT_MISS, sum, NearCacheStats::misses);
    requests(binding, tags, MeterNames.RESULT_BYPASS, sum, NearCacheStats::bypasses);
    // Micrometer holds a function meter's object weakly: the object is the binding, which its owner
    // keeps, and the sum lives in the (strongly held) function. A lambda as the object would be
    // collected, and the meter would read 0 from then on.
    binding.counter(MeterNames.NEAR_INVALIDATIONS, tags, binding, b -> sum.applyAsLong(NearCacheStats::invalidations));
    for (String cause : any.flushes().keySet()) {
      binding.counter(MeterNames.NEAR_FLUSHES, tags.and(MeterNames.TAG_CAUSE, cause), binding,
        b -> sum.applyAsLong(n -> n.flushes().getOrDefault(cause, 0L)));
    }
    binding.add(Gauge.builder(MeterNames.NEAR_ENTRIES, binding, b -> sum.applyAsLong(NearCacheStats::entries))
      .tags(tags).description(Binding.description(MeterNames.NEAR_ENTRIES)).register(registry));
    binding.add(Gauge.builder(MeterNames.NEAR_BYTES, binding, b -> sum.applyAsLong(NearCacheStats::bytes))
      .tags(tags).baseUnit("bytes").description(Binding.description(MeterNames.NEAR_BYTES)).register(registry));
  }

  private static void requests(Binding binding, Tags tags, String result, ToLongFunction<ToLongFunction<NearCacheStats>> sum,
                               ToLongFunction<NearCacheStats> count) {
    binding.counter(MeterNames.NEAR_REQUESTS, tags.and(MeterNames.TAG_RESULT, result), binding, b -> sum.applyAsLong(count));
  }
}
