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
 *   answered by the cache service from its own near cache, with the clients on a context of their
 *   own on another event loop than the service's (as an application verticle deployed beside it
 *   usually is), then on a context of their own on the service's event loop (the cheapest local
 *   get); beside them the harness alone (an operation that returns a completed future), whose ratio
 *   to each get is the most any hit could score there;</li>
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
      // Twice: the clients on another event loop than the service's, as an application verticle
      // deployed beside it usually is (a request and its reply each wake the other loop), and on the
      // service's loop (no wake-up: the cheapest local get, so the hardest ratio). And the harness
      // alone (an operation that returns a completed future): the most any hit could score.
      Harness.onContext(ctx, () -> CacheConsumers.register(vertx.eventBus(), "", cache[0]));
      Context otherCtx = Harness.otherLoop(vertx, ctx);
      Context sameCtx = Harness.sameLoop(vertx, ctx);
      CacheClient[] other = clients(vertx, otherCtx);
      CacheClient[] same = clients(vertx, sameCtx);
      fillClient(otherCtx, other[0], "the local client on another event loop");
      fillClient(sameCtx, same[0], "the local client on the service's event loop");
      Object constant = value;
      compare(rounds, warmupMs, measureMs, ratios, List.of(
          new Scenario("CacheClient.get, bus, other loop", otherCtx, () -> other[1].get("near", key.get())),
          new Scenario("CacheClient near hit, other loop", otherCtx, () -> other[0].get("near", key.get())),
          new Scenario("CacheClient.get, bus, same loop", sameCtx, () -> same[1].get("near", key.get())),
          new Scenario("CacheClient near hit, same loop", sameCtx, () -> same[0].get("near", key.get())),
          new Scenario("harness alone", otherCtx, () -> {
            key.get();
            return Future.succeededFuture(constant);
          })),
        List.of(
          new Ratio("CacheClient near hit / CacheClient.get over the local event bus, client on another event loop",
            "CacheClient near hit, other loop", "CacheClient.get, bus, other loop"),
          new Ratio("CacheClient near hit / CacheClient.get over the local event bus, client on the service's event loop",
            "CacheClient near hit, same loop", "CacheClient.get, bus, same loop"),
          new Ratio("harness alone / CacheClient.get over the local event bus, another event loop (the most a hit could score)",
            "harness alone", "CacheClient.get, bus, other loop"),
          new Ratio("harness alone / CacheClient.get over the local event bus, the service's event loop (the most a hit could score)",
            "harness alone", "CacheClient.get, bus, same loop")));
      System.out.println("client near cache stats (other loop): " + other[0].nearCacheStats().toJson().encode());
      System.out.println("client near cache stats (same loop): " + same[0].nearCacheStats().toJson().encode());
      Harness.onContext(otherCtx, () -> Future.all(other[0].close(), other[1].close()));
      Harness.onContext(sameCtx, () -> Future.all(same[0].close(), same[1].close()));

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

  /** One scenario: what one operation is, and the context it runs on. */
  private record Scenario(String name, Context ctx, Supplier<Future<?>> op) {
  }

  /** A ratio taken within each round: the numerator's ops/s over the denominator's. */
  private record Ratio(String name, String numerator, String denominator) {
  }

  /**
   * Measures two scenarios on {@code ctx} at 1 and at 64 in flight, and adds {@code numerator}'s
   * ops/s over {@code denominator}'s, per round, to {@code ratios} under {@code ratio} and the number
   * in flight.
   */
  private static void compare(Context ctx, int rounds, long warmupMs, long measureMs, Map<String, List<Double>> ratios,
                              String ratio, String denominator, Supplier<Future<?>> baseline, String numerator,
                              Supplier<Future<?>> measured) {
    compare(rounds, warmupMs, measureMs, ratios,
      List.of(new Scenario(denominator, ctx, baseline), new Scenario(numerator, ctx, measured)),
      List.of(new Ratio(ratio, numerator, denominator)));
  }

  /**
   * Measures {@code scenarios} at 1 and at 64 in flight, over {@code rounds} rounds in an order that
   * rotates every round, and adds each of {@code wanted}, taken within each round, to {@code ratios}
   * under its name and the number in flight.
   */
  private static void compare(int rounds, long warmupMs, long measureMs, Map<String, List<Double>> ratios,
                              List<Scenario> scenarios, List<Ratio> wanted) {
    for (int inFlight : new int[] {1, 64}) {
      for (int round = 0; round < rounds; round++) {
        Map<String, Double> ops = new HashMap<>();
        for (int i = 0; i < scenarios.size(); i++) {
          Scenario s = scenarios.get((round + i) % scenarios.size());
          ops.put(s.name(), Harness.print(Harness.run(s.ctx(), s.name(), inFlight, warmupMs, measureMs, s.op())).opsPerSec());
        }
        for (Ratio r : wanted) {
          ratios.computeIfAbsent(r.name() + ", " + inFlight + " in flight", n -> new ArrayList<>())
            .add(ops.get(r.numerator()) / ops.get(r.denominator()));
        }
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
