package dev.rediskit.cache;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A scan of many distinct keys through two near caches, one bounded by entries, one by bytes: the
 * bound holds after every batch. {@value #DEFAULT_KEYS} keys by default ({@code -Dnearcache.scanKeys}
 * changes it).
 */
@IntegrationTest
class NearCacheBoundsIT {

  static final int DEFAULT_KEYS = 1_000_000;
  static final long MAX_ENTRIES = 1_000;
  static final long MAX_BYTES = 256 * 1024;
  static final int BATCH = 1_000;

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  @Test
  void boundsHoldUnderAScanOfDistinctKeys(Vertx vertx) {
    int keys = Integer.getInteger("nearcache.scanKeys", DEFAULT_KEYS);
    RedisGateway gateway = AbstractNearCacheTest.await(RedisGateway.create(vertx, new RedisKitOptions()
      .setEndpoint(redis.uri()).setKeyPrefix("b").setConnectTimeoutMs(10_000).setCommandTimeoutMs(10_000)).ready());
    try {
      RedisCache cache = RedisCache.create(vertx, gateway, new CacheOptions()
        .putNamespace("ents", new NamespaceOptions().setNearCache(new NearCacheOptions().setEnabled(true).setMaxEntries(MAX_ENTRIES)))
        .putNamespace("bytes", new NamespaceOptions().setNearCache(new NearCacheOptions().setEnabled(true).setMaxBytes(MAX_BYTES))));
      AbstractNearCacheTest.awaitConfirmed(gateway);
      String value = "x".repeat(100);
      long started = System.nanoTime();
      for (String ns : List.of("ents", "bytes")) {
        CacheNamespace<Object> n = cache.namespace(ns);
        NearCacheStats s = cache.nearCacheStats().get(ns);
        long maxEntriesSeen = 0;
        long maxBytesSeen = 0;
        for (int from = 0; from < keys; from += BATCH) {
          Map<String, Object> batch = new LinkedHashMap<>();
          for (int i = from; i < Math.min(keys, from + BATCH); i++) {
            batch.put("k" + i, value);
          }
          AbstractNearCacheTest.await(n.setMany(batch, Duration.ofMinutes(10)));
          List<String> read = new ArrayList<>(batch.keySet());
          Map<String, Object> got = AbstractNearCacheTest.await(n.getMany(read));
          assertThat(got).hasSize(read.size());
          maxEntriesSeen = Math.max(maxEntriesSeen, s.entries());
          maxBytesSeen = Math.max(maxBytesSeen, s.bytes());
          if (ns.equals("ents")) {
            assertThat(s.entries()).as("entries after %d keys", from + BATCH).isLessThanOrEqualTo(MAX_ENTRIES);
          } else {
            assertThat(s.bytes()).as("bytes after %d keys", from + BATCH).isLessThanOrEqualTo(MAX_BYTES);
          }
        }
        System.out.printf("near cache bounds (%s): %d distinct keys scanned, most entries held %d, most bytes %d%n",
          ns, keys, maxEntriesSeen, maxBytesSeen);
        assertThat(s.hits() + s.misses() + s.bypasses()).isGreaterThanOrEqualTo(keys);
        assertThat(maxEntriesSeen).isPositive();
        redis.server().command("FLUSHALL");
      }
      System.out.printf("near cache bounds: %d keys per namespace in %.1f s%n", keys, (System.nanoTime() - started) / 1e9);
    } finally {
      AbstractNearCacheTest.await(gateway.close());
    }
  }

  static <T> T await(Future<T> f) {
    return AbstractNearCacheTest.await(f);
  }
}
