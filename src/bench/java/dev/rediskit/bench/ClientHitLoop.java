package dev.rediskit.bench;

import dev.rediskit.cache.NearCacheOptions;
import dev.rediskit.eventbus.CacheClient;
import dev.rediskit.eventbus.CacheConsumers;
import dev.rediskit.test.Await;
import dev.rediskit.test.Futures;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

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
    try (Harness.Server server = Harness.Server.start(); HitLoops.SetUp up = HitLoops.setUp(server)) {
      Vertx vertx = up.vertx();
      Harness.onContext(up.ctx(), () -> CacheConsumers.register(vertx.eventBus(), "", up.cache()));
      Context clientCtx = Harness.otherLoop(vertx, up.ctx());
      CacheClient[] client = new CacheClient[1];
      Harness.onContext(clientCtx, () -> {
        client[0] = CacheClient.create(vertx, "", new NearCacheOptions().setEnabled(true).setMaxEntries(2L * keys)
          .setTtlMs(3_600_000));
        return Future.succeededFuture();
      });
      Await.until(() -> {
        for (int i = 0; i < keys; i++) {
          String k = String.valueOf(i);
          Futures.join(Future.<Object>future(p -> clientCtx.runOnContext(v -> client[0].get(HitLoops.NS, k).onComplete(p))),
            NearCacheBenchmark.START);
        }
        return client[0].nearCacheStats().entries() >= keys;
      }, NearCacheBenchmark.START, () -> "the client's near cache never held every key");
      long sink = HitLoops.run(k -> client[0].get(HitLoops.NS, k));
      System.out.println("client near stats: " + client[0].nearCacheStats().toJson().encode() + " " + sink);
    }
  }
}
