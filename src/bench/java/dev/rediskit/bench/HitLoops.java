package dev.rediskit.bench;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.cache.CacheOptions;
import dev.rediskit.cache.NamespaceOptions;
import dev.rediskit.cache.NearCacheOptions;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.test.Await;
import dev.rediskit.test.Futures;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * What {@link NearHitLoop} and {@link ClientHitLoop} share: the set-up (a gateway and a cache whose
 * namespace {@code near} has a near cache, its {@link NearCacheBenchmark#KEYS} 100-byte values
 * written) and the timing loop: reads on the caller's thread, a key picked at random per read from
 * names built once ({@code "0"} to {@code keys - 1}, other instances than those the caches were
 * filled with), {@code bench.rounds} rounds (10 by default) of {@code bench.seconds} (2), ns per
 * read of each round printed.
 */
final class HitLoops {

  /** The namespace with a near cache. */
  static final String NS = "near";

  private HitLoops() {
  }

  /**
   * A Vert.x, a gateway on its tracking link, and a cache whose namespace {@link #NS} has a near
   * cache, created on {@code ctx}.
   *
   * @param vertx the Vert.x instance
   * @param ctx the cache's context
   * @param gateway the gateway
   * @param cache the cache
   */
  record SetUp(Vertx vertx, Context ctx, RedisGateway gateway, RedisCache cache) implements AutoCloseable {

    /** Closes the gateway, then Vert.x. */
    @Override
    public void close() {
      gateway.close().await();
      vertx.close().await();
    }
  }

  /**
   * @param server the Redis to use
   * @return the set-up, its tracking link confirmed and the values written (not read yet)
   */
  static SetUp setUp(Harness.Server server) {
    int keys = NearCacheBenchmark.KEYS;
    Vertx vertx = Harness.vertx();
    Context ctx = vertx.getOrCreateContext();
    RedisGateway gw = Harness.connect(vertx, ctx, new RedisKitOptions().setEndpoint(server.url())
      .setConnectTimeoutMs(10_000)).gateway();
    RedisCache[] cache = new RedisCache[1];
    Harness.onContext(ctx, () -> {
      cache[0] = RedisCache.create(vertx, gw, new CacheOptions()
        .putNamespace(NS, new NamespaceOptions().setNearCache(new NearCacheOptions().setEnabled(true)
          .setMaxEntries(2L * keys).setTtlMs(3_600_000))));
      return Future.succeededFuture();
    });
    Await.until(() -> "CONFIRMED".equals(gw.status().tracking().getString("state")),
      NearCacheBenchmark.START, () -> "tracking never confirmed");
    Map<String, Object> batch = new HashMap<>();
    for (int i = 0; i < keys; i++) {
      batch.put(String.valueOf(i), "x".repeat(98));
    }
    Futures.await(Future.<Void>future(p -> ctx.runOnContext(v -> cache[0].namespace(NS).setMany(batch, Duration.ofHours(1))
      .onComplete(p))), NearCacheBenchmark.START);
    return new SetUp(vertx, ctx, gw, cache[0]);
  }

  /**
   * @param read one read of a key, expected to complete at once (a hit); one that does not is counted
   * @return how many reads found a value, so that the reads cannot be optimized away
   */
  static long run(Function<String, Future<Object>> read) {
    return run(NearCacheBenchmark.KEYS, Integer.getInteger("bench.rounds", 10), Long.getLong("bench.seconds", 2), read);
  }

  /**
   * @param keys how many keys
   * @param rounds how many rounds
   * @param seconds the length of a round
   * @param read one read of a key, expected to complete at once (a hit); one that does not is counted
   * @return how many reads found a value, so that the reads cannot be optimized away
   */
  private static long run(int keys, int rounds, long seconds, Function<String, Future<Object>> read) {
    String[] names = new String[keys];
    for (int i = 0; i < keys; i++) {
      names[i] = String.valueOf(i);
    }
    SplittableRandom rnd = new SplittableRandom(42);
    long sink = 0;
    for (int r = 0; r < rounds; r++) {
      long n = 0;
      long pending = 0;
      long start = System.nanoTime();
      long end = start + seconds * 1_000_000_000L;
      long now;
      do {
        for (int i = 0; i < 1000; i++) {
          Future<Object> f = read.apply(names[rnd.nextInt(keys)]);
          if (f.isComplete()) {
            sink += f.result() == null ? 0 : 1;
          } else {
            pending++;
          }
        }
        n += 1000;
        now = System.nanoTime();
      } while (now < end);
      System.out.printf(Locale.ROOT, "round %d: %.0f ns per hit (%d reads, %d not complete at once)%n", r,
        (now - start) / (double) n, n, pending);
    }
    return sink;
  }
}
