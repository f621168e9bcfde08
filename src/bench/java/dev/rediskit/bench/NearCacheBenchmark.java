package dev.rediskit.bench;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.cache.CacheNamespace;
import dev.rediskit.cache.CacheOptions;
import dev.rediskit.cache.NamespaceOptions;
import dev.rediskit.cache.NearCacheOptions;
import dev.rediskit.cache.NearCacheStats;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.eventbus.CacheClient;
import dev.rediskit.eventbus.CacheConsumers;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * A near-cache hit through {@code CacheNamespace.get} against a GET through the gateway, 100-byte
 * values over 10,000 keys, at 1 and at 64 in flight, side by side in one run; then the same for
 * the event-bus client: a {@code CacheClient} near-cache hit against {@code CacheClient.get} over
 * the local event bus (answered by the cache service from its own near cache), the clients on the
 * other event loop than the service, as a verticle of their own. The scenarios
 * alternate over {@code bench.rounds} rounds (6 by default) in an order that rotates every round,
 * each ratio is taken within its round and the median reported. Then the heap per cached entry:
 * {@code bench.heapEntries} (100,000 by default) 100-byte entries filled into a near cache, heap
 * after a GC before and after, divided by the count.
 *
 * <pre>mvn -Pbench -q test-compile exec:java -Dexec.mainClass=dev.rediskit.bench.NearCacheBenchmark [-Dbench.seconds=5] [-Dbench.rounds=6]</pre>
 */
public final class NearCacheBenchmark {

  static final int KEYS = 10_000;

  private NearCacheBenchmark() {
  }

  /**
   * @param args unused
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    long measureMs = Harness.measureMs();
    long warmupMs = Harness.warmupMs();
    int heapEntries = Integer.getInteger("bench.heapEntries", 100_000);
    try (Harness.Server server = Harness.Server.start()) {
      Vertx vertx = Harness.vertx();
      Context ctx = vertx.getOrCreateContext();
      Random rnd = new Random(42);
      Supplier<String> key = () -> String.valueOf(rnd.nextInt(KEYS));
      Harness.Clients clients = Harness.connect(vertx, ctx, new RedisKitOptions().setEndpoint(server.url())
        .setConnectTimeoutMs(10_000)); // a loaded two-core machine has been seen to take over 2 s
      RedisGateway gw = clients.gateway();
      RedisCache[] cache = new RedisCache[1];
      Harness.onContext(ctx, () -> {
        cache[0] = RedisCache.create(vertx, gw, new CacheOptions()
          .putNamespace("near", new NamespaceOptions().setNearCache(new NearCacheOptions().setEnabled(true)
            .setMaxEntries(2L * KEYS).setTtlMs(3_600_000)))
          .putNamespace("heap", new NamespaceOptions().setNearCache(new NearCacheOptions().setEnabled(true)
            .setMaxEntries(2L * heapEntries).setTtlMs(3_600_000))));
        return Future.succeededFuture();
      });
      while (!"CONFIRMED".equals(gw.status().tracking().getString("state"))) {
        Thread.sleep(10); // bench start-up, off any event loop
      }
      CacheNamespace<Object> ns = cache[0].namespace("near");
      String value = "x".repeat(98); // 100 bytes once encoded as a JSON string
      fill(ctx, ns, 0, KEYS, value);
      // Twice: the invalidations of the writes above may still drop a few copies made by the first pass.
      for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < KEYS; i++) {
          String k = String.valueOf(i);
          Future.<Object>future(p -> ctx.runOnContext(v -> ns.get(k).onComplete(p))).await();
        }
      }
      NearCacheStats near = cache[0].nearCacheStats().get("near");
      System.out.println("near cache filled: " + near.entries() + " entries");

      int rounds = Integer.getInteger("bench.rounds", 6);
      Map<String, List<Double>> ratios = new LinkedHashMap<>();
      System.out.println(Harness.HEADER);
      for (int inFlight : new int[] {1, 64}) {
        List<Map.Entry<String, Supplier<Future<?>>>> scenarios = List.of(
          Map.entry("GET gateway", () -> gw.send(Request.cmd(Command.GET).arg("rediskit:c:near:0:" + key.get()))),
          Map.entry("near hit, CacheNamespace.get", () -> ns.get(key.get())));
        for (int round = 0; round < rounds; round++) {
          Map<String, Double> ops = new HashMap<>();
          for (int i = 0; i < scenarios.size(); i++) {
            Map.Entry<String, Supplier<Future<?>>> s = scenarios.get((round + i) % scenarios.size());
            ops.put(s.getKey(), Harness.print(Harness.run(ctx, s.getKey(), inFlight, warmupMs, measureMs, s.getValue())).opsPerSec());
          }
          ratios.computeIfAbsent("near hit / GET gateway, " + inFlight + " in flight", n -> new ArrayList<>())
            .add(ops.get("near hit, CacheNamespace.get") / ops.get("GET gateway"));
        }
      }
      // The event-bus client: its own near-cache hit against CacheClient.get over the local event bus,
      // answered by the service from its own near cache (the cheapest a get over the bus can be).
      // The clients run on the other event loop, as an application verticle beside the service's
      // would; on the service's own context a local request and its reply run inline, which no
      // verticle of its own sees.
      Harness.onContext(ctx, () -> CacheConsumers.register(vertx.eventBus(), "", cache[0]));
      Context clientCtx = vertx.getOrCreateContext();
      if (((io.vertx.core.internal.ContextInternal) clientCtx).nettyEventLoop()
        == ((io.vertx.core.internal.ContextInternal) ctx).nettyEventLoop()) {
        clientCtx = vertx.getOrCreateContext(); // round robin over the two loops: the next is the other one
      }
      Context cctx = clientCtx;
      CacheClient[] clients2 = new CacheClient[2];
      Harness.onContext(cctx, () -> {
        clients2[0] = CacheClient.create(vertx, "", new NearCacheOptions().setEnabled(true).setMaxEntries(2L * KEYS)
          .setTtlMs(3_600_000));
        clients2[1] = CacheClient.create(vertx, "");
        return Future.succeededFuture();
      });
      CacheClient nearClient = clients2[0];
      CacheClient busClient = clients2[1];
      // Until the client follows the service's stream and holds every key (bench start-up, off any event loop).
      while (nearClient.nearCacheStats().entries() < KEYS) {
        for (int i = 0; i < KEYS; i++) {
          String k = String.valueOf(i);
          Future.<Object>future(p -> cctx.runOnContext(v -> nearClient.get("near", k).onComplete(p))).await();
        }
        Thread.sleep(10);
      }
      System.out.println("client near cache filled: " + nearClient.nearCacheStats().entries() + " entries");
      for (int inFlight : new int[] {1, 64}) {
        List<Map.Entry<String, Supplier<Future<?>>>> scenarios = List.of(
          Map.entry("CacheClient.get, event bus", () -> busClient.get("near", key.get())),
          Map.entry("CacheClient near hit", () -> nearClient.get("near", key.get())));
        for (int round = 0; round < rounds; round++) {
          Map<String, Double> ops = new HashMap<>();
          for (int i = 0; i < scenarios.size(); i++) {
            Map.Entry<String, Supplier<Future<?>>> s = scenarios.get((round + i) % scenarios.size());
            ops.put(s.getKey(), Harness.print(Harness.run(cctx, s.getKey(), inFlight, warmupMs, measureMs, s.getValue())).opsPerSec());
          }
          ratios.computeIfAbsent("CacheClient near hit / CacheClient.get over the event bus, " + inFlight + " in flight",
            n -> new ArrayList<>()).add(ops.get("CacheClient near hit") / ops.get("CacheClient.get, event bus"));
        }
      }
      System.out.println("client near cache stats: " + nearClient.nearCacheStats().toJson().encode());
      ratios.forEach((name, rs) -> System.out.printf(Locale.ROOT, "ratio %s, per round %s, median %.1f%n",
        name, rs.stream().map(r -> String.format(Locale.ROOT, "%.1f", r)).toList(), Harness.median(rs)));
      System.out.println("near cache stats: " + near.toJson().encode());

      // Heap per cached entry.
      CacheNamespace<Object> heap = cache[0].namespace("heap");
      fill(ctx, heap, 0, heapEntries, value);
      long before = usedAfterGc();
      for (int from = 0; from < heapEntries; from += 1000) {
        List<String> keys = new ArrayList<>();
        for (int i = from; i < Math.min(heapEntries, from + 1000); i++) {
          keys.add(String.valueOf(i));
        }
        Future.<Map<String, Object>>future(p -> ctx.runOnContext(v -> heap.getMany(keys).onComplete(p))).await();
      }
      long held = cache[0].nearCacheStats().get("heap").entries();
      long after = usedAfterGc();
      System.out.printf(Locale.ROOT, "heap per cached 100-byte entry: %.0f bytes (%d entries, %d bytes of heap; "
          + "the near cache's own estimate %d bytes per entry)%n", (after - before) / (double) held, held, after - before,
        cache[0].nearCacheStats().get("heap").bytes() / Math.max(1, held));
      gw.close().await();
      vertx.close().await();
    }
  }

  private static void fill(Context ctx, CacheNamespace<Object> ns, int from, int to, String value) {
    for (int start = from; start < to; start += 1000) {
      Map<String, Object> batch = new HashMap<>();
      for (int i = start; i < Math.min(to, start + 1000); i++) {
        batch.put(String.valueOf(i), value);
      }
      Future.<Void>future(p -> ctx.runOnContext(v -> ns.setMany(batch, Duration.ofHours(1)).onComplete(p))).await();
    }
  }

  private static long usedAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200); // bench measurement, off any event loop
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
