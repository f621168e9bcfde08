package dev.rediskit.bench;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.cache.CacheOptions;
import dev.rediskit.cache.NamespaceOptions;
import dev.rediskit.cache.NearCacheOptions;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.eventbus.CacheClient;
import dev.rediskit.eventbus.CacheConsumers;
import dev.rediskit.test.Futures;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The cost of one {@code CacheClient} near-cache hit, in a tight loop on the caller's thread (no
 * harness, no event loop in between): 100-byte values over 10,000 keys, a key picked at random per
 * read from names built once. Ten rounds of {@code bench.seconds} (2 by default), ns per hit of
 * each; for profiling the client's hit path alone, as {@link NearHitLoop} does the Java API's.
 *
 * <pre>java -cp target/classes:target/test-classes:$(cat /tmp/bench.cp) dev.rediskit.bench.ClientHitLoop</pre>
 */
public final class ClientHitLoop {

  private ClientHitLoop() {
  }

  /**
   * @param args unused
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    int keys = NearCacheBenchmark.KEYS;
    long seconds = Long.getLong("bench.seconds", 2);
    int rounds = Integer.getInteger("bench.rounds", 10);
    try (Harness.Server server = Harness.Server.start()) {
      Vertx vertx = Harness.vertx();
      Context ctx = vertx.getOrCreateContext();
      Harness.Clients clients = Harness.connect(vertx, ctx, new RedisKitOptions().setEndpoint(server.url())
        .setConnectTimeoutMs(10_000));
      RedisGateway gw = clients.gateway();
      RedisCache[] cache = new RedisCache[1];
      Harness.onContext(ctx, () -> {
        cache[0] = RedisCache.create(vertx, gw, new CacheOptions()
          .putNamespace("near", new NamespaceOptions().setNearCache(new NearCacheOptions().setEnabled(true)
            .setMaxEntries(2L * keys).setTtlMs(3_600_000))));
        return CacheConsumers.register(vertx.eventBus(), "", cache[0]);
      });
      dev.rediskit.test.Await.until(() -> "CONFIRMED".equals(gw.status().tracking().getString("state")),
        NearCacheBenchmark.START, () -> "tracking never confirmed");
      Map<String, Object> batch = new HashMap<>();
      for (int i = 0; i < keys; i++) {
        batch.put(String.valueOf(i), "x".repeat(98));
      }
      Futures.await(Future.<Void>future(p -> ctx.runOnContext(v -> cache[0].namespace("near").setMany(batch, Duration.ofHours(1))
        .onComplete(p))), NearCacheBenchmark.START);
      Context clientCtx = Harness.otherLoop(vertx, ctx);
      CacheClient[] client = new CacheClient[1];
      Harness.onContext(clientCtx, () -> {
        client[0] = CacheClient.create(vertx, "", new NearCacheOptions().setEnabled(true).setMaxEntries(2L * keys)
          .setTtlMs(3_600_000));
        return Future.succeededFuture();
      });
      dev.rediskit.test.Await.until(() -> {
        for (int i = 0; i < keys; i++) {
          String k = String.valueOf(i);
          Futures.join(Future.<Object>future(p -> clientCtx.runOnContext(v -> client[0].get("near", k).onComplete(p))),
            NearCacheBenchmark.START);
        }
        return client[0].nearCacheStats().entries() >= keys;
      }, NearCacheBenchmark.START, () -> "the client's near cache never held every key");
      long sink = HitLoops.run(keys, rounds, seconds, k -> client[0].get("near", k));
      System.out.println("client near stats: " + client[0].nearCacheStats().toJson().encode() + " " + sink);
      gw.close().await();
      vertx.close().await();
    }
  }
}
