package dev.rediskit.bench;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.RedisKitVerticle;
import dev.rediskit.cache.CacheNamespace;
import dev.rediskit.cache.CacheOptions;
import dev.rediskit.cache.NamespaceOptions;
import dev.rediskit.cache.NearCacheOptions;
import dev.rediskit.cache.NearCacheStats;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.eventbus.CacheClient;
import dev.rediskit.eventbus.CacheConsumers;
import dev.rediskit.test.Await;
import dev.rediskit.test.ClusteredVertx;
import dev.rediskit.test.Futures;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
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
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * A near-cache hit through {@code CacheNamespace.get} against a GET through the gateway, 100-byte
 * values over 10,000 keys, at 1 and at 64 in flight, side by side in one run; then the same for
 * the event-bus client, twice:
 *
 * <ol>
 *   <li>over the local event bus: a {@code CacheClient} near-cache hit against {@code CacheClient.get}
 *   answered by the cache service from its own near cache, the clients on the other event loop than
 *   the service, as a verticle of their own;</li>
 *   <li>over the clustered event bus, what the client near cache is for (a verticle on another node
 *   reading a hot key): two Hazelcast-clustered Vert.x nodes in this JVM ({@code ClusteredVertx} of
 *   the test support, on loopback), the service deployed on node A as {@code RedisKitVerticle} (its
 *   namespace tracked, with a near cache of its own), the two clients (one with a near cache, one
 *   without) and the load on node B.</li>
 * </ol>
 *
 * <p>The scenarios of each ratio alternate over {@code bench.rounds} rounds (6 by default) in an
 * order that rotates every round, each ratio is taken within its round and the median reported.
 * Both sides of a ratio run on the same harness with the same choice of keys: one at random per
 * operation from names built once (other instances than those the caches were filled with). Then
 * the heap per cached entry: {@code bench.heapEntries} (100,000 by default) 100-byte entries filled
 * into a near cache, heap after a GC before and after, divided by the count. Every start-up wait
 * is bounded ({@link #START}) and made on the main thread, never on an event loop.
 *
 * <pre>mvn -Pbench -q test-compile exec:java -Dexec.mainClass=dev.rediskit.bench.NearCacheBenchmark [-Dbench.seconds=5] [-Dbench.rounds=6]</pre>
 */
public final class NearCacheBenchmark {

  static final int KEYS = 10_000;

  /** How long any start-up step may take (a loaded two-core machine, Hazelcast spreading registrations). */
  static final Duration START = Duration.ofSeconds(120);

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
      // Built once: formatting a number per operation would be measured with every hit. Used by
      // one event loop at a time (each scenario runs on one), so an unsynchronized generator does.
      String[] names = new String[KEYS];
      for (int i = 0; i < KEYS; i++) {
        names[i] = String.valueOf(i);
      }
      SplittableRandom rnd = new SplittableRandom(42);
      Supplier<String> key = () -> names[rnd.nextInt(KEYS)];
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
      Await.until(() -> "CONFIRMED".equals(gw.status().tracking().getString("state")), START,
        () -> "the gateway's tracking link never confirmed: " + gw.status().tracking().encode());
      CacheNamespace<Object> ns = cache[0].namespace("near");
      String value = "x".repeat(98); // 100 bytes once encoded as a JSON string
      fill(ctx, ns, 0, KEYS, value);
      // Twice: the invalidations of the writes above may still drop a few copies made by the first pass.
      for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < KEYS; i++) {
          String k = String.valueOf(i);
          Futures.await(Future.<Object>future(p -> ctx.runOnContext(v -> ns.get(k).onComplete(p))), START);
        }
      }
      NearCacheStats near = cache[0].nearCacheStats().get("near");
      System.out.println("near cache filled: " + near.entries() + " entries");

      int rounds = Integer.getInteger("bench.rounds", 6);
      Map<String, List<Double>> ratios = new LinkedHashMap<>();
      System.out.println(Harness.HEADER);
      compare(ctx, rounds, warmupMs, measureMs, ratios, "near hit / GET gateway",
        "GET gateway", () -> gw.send(Request.cmd(Command.GET).arg("rediskit:c:near:0:" + key.get())),
        "near hit, CacheNamespace.get", () -> ns.get(key.get()));

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
      CacheClient[] clients2 = clients(vertx, cctx);
      CacheClient nearClient = clients2[0];
      CacheClient busClient = clients2[1];
      fillClient(cctx, nearClient, "the local client");
      compare(cctx, rounds, warmupMs, measureMs, ratios, "CacheClient near hit / CacheClient.get over the event bus",
        "CacheClient.get, event bus", () -> busClient.get("near", key.get()),
        "CacheClient near hit", () -> nearClient.get("near", key.get()));
      System.out.println("client near cache stats: " + nearClient.nearCacheStats().toJson().encode());
      Harness.onContext(cctx, () -> Future.all(nearClient.close(), busClient.close()));

      // The clustered event bus: the service on node A, the clients and the load on node B.
      try (ClusteredVertx.Nodes nodes = ClusteredVertx.start(2)) {
        Vertx a = nodes.get(0);
        Vertx b = nodes.get(1);
        JsonObject config = new JsonObject().put("endpoints", server.url()).put("keyPrefix", gw.options().getKeyPrefix())
          .put("connectTimeoutMs", 10_000)
          .put("cache", new JsonObject().put("namespaces", new JsonObject().put("near", new JsonObject()
            .put("nearCache", new JsonObject().put("enabled", true).put("maxEntries", 2L * KEYS).put("ttlMs", 3_600_000)))));
        String service = Futures.await(a.deployVerticle(RedisKitVerticle.class, new DeploymentOptions().setConfig(config)), START);
        Context bctx = b.getOrCreateContext();
        CacheClient[] onB = clients(b, bctx);
        CacheClient nearB = onB[0];
        CacheClient busB = onB[1];
        fillClient(bctx, nearB, "the client on node B");
        compare(bctx, rounds, warmupMs, measureMs, ratios, "CacheClient near hit / CacheClient.get over the clustered event bus",
          "CacheClient.get, clustered bus", () -> busB.get("near", key.get()),
          "CacheClient near hit, node B", () -> nearB.get("near", key.get()));
        System.out.println("client near cache stats (node B): " + nearB.nearCacheStats().toJson().encode());
        Futures.await(Future.<Void>future(p -> bctx.runOnContext(v -> Future.all(nearB.close(), busB.close())
          .<Void>mapEmpty().onComplete(p))), START);
        Futures.await(a.undeploy(service), START);
      }

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
        Futures.await(Future.<Map<String, Object>>future(p -> ctx.runOnContext(v -> heap.getMany(keys).onComplete(p))), START);
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

  /**
   * Measures two scenarios at 1 and at 64 in flight, over {@code rounds} rounds in an order that
   * rotates every round, and adds {@code numerator}'s ops/s over {@code denominator}'s, per round,
   * to {@code ratios} under {@code ratio} and the number in flight.
   */
  private static void compare(Context ctx, int rounds, long warmupMs, long measureMs, Map<String, List<Double>> ratios,
                              String ratio, String denominator, Supplier<Future<?>> baseline, String numerator,
                              Supplier<Future<?>> measured) {
    List<Map.Entry<String, Supplier<Future<?>>>> scenarios = List.of(Map.entry(denominator, baseline),
      Map.entry(numerator, measured));
    for (int inFlight : new int[] {1, 64}) {
      for (int round = 0; round < rounds; round++) {
        Map<String, Double> ops = new HashMap<>();
        for (int i = 0; i < scenarios.size(); i++) {
          Map.Entry<String, Supplier<Future<?>>> s = scenarios.get((round + i) % scenarios.size());
          ops.put(s.getKey(), Harness.print(Harness.run(ctx, s.getKey(), inFlight, warmupMs, measureMs, s.getValue())).opsPerSec());
        }
        ratios.computeIfAbsent(ratio + ", " + inFlight + " in flight", n -> new ArrayList<>())
          .add(ops.get(numerator) / ops.get(denominator));
      }
    }
  }

  /**
   * Reads every key through {@code client} on {@code ctx} until its near cache holds them all: it
   * follows the service's stream from its first heartbeat, and a clustered client only once the
   * registrations have spread (a read that fails meanwhile is tried again on the next pass).
   */
  private static void fillClient(Context ctx, CacheClient client, String what) {
    Await.until(() -> {
      for (int i = 0; i < KEYS; i++) {
        String k = String.valueOf(i);
        // join, not await: a failure is an exception, which Await takes for "not yet".
        Futures.join(Future.<Object>future(p -> ctx.runOnContext(v -> client.get("near", k).onComplete(p))), START);
      }
      return client.nearCacheStats().entries() >= KEYS;
    }, START, () -> what + "'s near cache never held every key: " + client.nearCacheStats().toJson().encode());
    System.out.println(what + ": near cache filled, " + client.nearCacheStats().entries() + " entries");
  }

  /** A client with a near cache holding every key, and one without, both created on {@code ctx}. */
  private static CacheClient[] clients(Vertx vertx, Context ctx) {
    CacheClient[] out = new CacheClient[2];
    Harness.onContext(ctx, () -> {
      out[0] = CacheClient.create(vertx, "", new NearCacheOptions().setEnabled(true).setMaxEntries(2L * KEYS)
        .setTtlMs(3_600_000));
      out[1] = CacheClient.create(vertx, "");
      return Future.succeededFuture();
    });
    return out;
  }

  private static void fill(Context ctx, CacheNamespace<Object> ns, int from, int to, String value) {
    for (int start = from; start < to; start += 1000) {
      Map<String, Object> batch = new HashMap<>();
      for (int i = start; i < Math.min(to, start + 1000); i++) {
        batch.put(String.valueOf(i), value);
      }
      Futures.await(Future.<Void>future(p -> ctx.runOnContext(v -> ns.setMany(batch, Duration.ofHours(1)).onComplete(p))), START);
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
