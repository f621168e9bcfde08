package dev.rediskit.bench;

import dev.rediskit.cache.CacheNamespace;
import dev.rediskit.test.Futures;
import io.vertx.core.Future;

/**
 * The cost of one near-cache hit through {@code CacheNamespace.get}, in a tight loop on the caller's
 * thread (no harness, no event loop in between): 100-byte values over 10,000 keys, a key picked at
 * random per read from names built once. Ten rounds of {@code bench.seconds} (2 by default), ns per
 * hit of each; for profiling the hit path alone.
 *
 * <pre>java -cp target/classes:target/test-classes:$(cat /tmp/bench.cp) dev.rediskit.bench.NearHitLoop</pre>
 */
public final class NearHitLoop {

  private NearHitLoop() {
  }

  /**
   * @param args unused
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    try (Harness.Server server = Harness.Server.start(); HitLoops.SetUp up = HitLoops.setUp(server)) {
      CacheNamespace<Object> ns = up.cache().namespace(HitLoops.NS);
      // Twice: the invalidations of the writes may still drop a few copies made by the first pass.
      for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < NearCacheBenchmark.KEYS; i++) {
          String k = String.valueOf(i);
          Futures.await(Future.<Object>future(p -> up.ctx().runOnContext(v -> ns.get(k).onComplete(p))), NearCacheBenchmark.START);
        }
      }
      long sink = HitLoops.run(ns::get);
      System.out.println("near stats: " + up.cache().nearCacheStats().get(HitLoops.NS).toJson().encode() + " " + sink);
    }
  }
}
