package dev.rediskit.bench;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.cache.CacheNamespace;
import dev.rediskit.cache.CacheOptions;
import dev.rediskit.cache.NamespaceOptions;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.eventbus.CacheClient;
import dev.rediskit.eventbus.CacheConsumers;
import dev.rediskit.eventbus.CacheLoaders;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Cache reads of 100-byte values over 10,000 keys at 64 in flight, side by side in one run: raw GET
 * pipelined on one {@code RedisConnection} (the reference), GET through the gateway,
 * {@code RedisCache.get} through the Java API, {@code CacheClient.get} and a {@code CacheClient.getOrLoad}
 * hit over the local event bus (the namespace has a loader address; every key is cached, so the
 * loader is never called), plus a bare event-bus request/reply without Redis, which shows how much
 * of the event-bus scenarios is the event bus itself. The five Redis scenarios alternate over
 * {@code bench.rounds} rounds (6 by default), in an order that rotates every round, and each ratio
 * (to the raw client, and getOrLoad hit to get hit) is taken within its round; the median is reported.
 * Everything runs on one event loop, as a verticle owning the cache would.
 *
 * <pre>mvn -Pbench -q test-compile exec:java -Dexec.mainClass=dev.rediskit.bench.CacheBenchmark [-Dbench.seconds=5] [-Dbench.rounds=6]</pre>
 */
public final class CacheBenchmark {

  static final int KEYS = 10_000;
  static final int IN_FLIGHT = 64;

  private CacheBenchmark() {
  }

  /**
   * @param args unused
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    long measureMs = Harness.measureMs();
    long warmupMs = Harness.warmupMs();
    try (Harness.Server server = Harness.Server.start()) {
      Vertx vertx = Harness.vertx();
      Context ctx = vertx.getOrCreateContext();
      Random rnd = new Random(42);
      Supplier<String> key = () -> String.valueOf(rnd.nextInt(KEYS));

      Harness.Clients clients = Harness.connect(vertx, ctx, new RedisKitOptions().setEndpoint(server.url()));
      RedisConnection[] raw = {clients.raw()};
      RedisGateway[] gw = {clients.gateway()};
      RedisCache[] cache = new RedisCache[1];
      AtomicLong loaderCalls = new AtomicLong();
      Harness.onContext(ctx, () -> {
        cache[0] = RedisCache.create(vertx, gw[0], new CacheOptions()
          .putNamespace("bench", new NamespaceOptions().setLoader("bench.loader")));
        return CacheConsumers.register(vertx.eventBus(), "", cache[0])
          .compose(c -> CacheLoaders.register(vertx, "bench.loader", k -> {
            loaderCalls.incrementAndGet();
            return Future.succeededFuture("x".repeat(98));
          }));
      });
      CacheNamespace<Object> ns = cache[0].namespace("bench");
      CacheClient client = CacheClient.create(vertx, "");
      // The event bus's own cost, without Redis: a consumer answering a JSON request at once.
      JsonObject echoReply = new JsonObject().put("found", true).put("value", "x".repeat(98)).put("stale", false).put("ttlMs", 1000L);
      Future.<Void>future(p -> ctx.runOnContext(v -> vertx.eventBus().<JsonObject>consumer("bench.echo", m -> m.reply(echoReply))
        .completion().onComplete(p))).await();

      String value = "x".repeat(98); // 100 bytes once encoded as a JSON string
      for (int from = 0; from < KEYS; from += 1000) {
        Map<String, Object> batch = new HashMap<>();
        for (int i = from; i < from + 1000; i++) {
          batch.put(String.valueOf(i), value);
        }
        Future.<Void>future(p -> ctx.runOnContext(v -> ns.setMany(batch, Duration.ofHours(1)).onComplete(p))).await();
      }

      // The scenarios alternate over several rounds and each ratio is taken within its round: on a
      // shared machine one pair is at the mercy of whatever else runs, the median ratio much less so.
      // The order rotates every round, so that a drift during the run favours no scenario.
      int rounds = Integer.getInteger("bench.rounds", 6);
      Map<String, List<Double>> ratios = new LinkedHashMap<>();
      List<Map.Entry<String, Supplier<Future<?>>>> scenarios = List.of(
        Map.entry("GET raw pipelined RedisConnection", () -> raw[0].send(Request.cmd(Command.GET).arg("rediskit:c:bench:0:" + key.get()))),
        Map.entry("GET gateway", () -> gw[0].send(Request.cmd(Command.GET).arg("rediskit:c:bench:0:" + key.get()))),
        Map.entry("cache get, Java API", () -> ns.get(key.get())),
        Map.entry("cache get, CacheClient (event bus)", () -> client.lookup("bench", key.get())),
        Map.entry("cache getOrLoad hit, CacheClient", () -> client.getOrLoad("bench", key.get(), null)));
      List<Double> loadToGet = new ArrayList<>();
      System.out.println(Harness.HEADER);
      for (int round = 0; round < rounds; round++) {
        Map<String, Double> ops = new HashMap<>();
        for (int i = 0; i < scenarios.size(); i++) {
          Map.Entry<String, Supplier<Future<?>>> s = scenarios.get((round + i) % scenarios.size());
          ops.put(s.getKey(), Harness.print(Harness.run(ctx, s.getKey(), IN_FLIGHT, warmupMs, measureMs, s.getValue()))
            .opsPerSec());
        }
        double rawOps = ops.get(scenarios.get(0).getKey());
        for (Map.Entry<String, Supplier<Future<?>>> s : scenarios.subList(1, scenarios.size())) {
          ratios.computeIfAbsent(s.getKey(), n -> new ArrayList<>()).add(ops.get(s.getKey()) / rawOps);
        }
        loadToGet.add(ops.get(scenarios.get(4).getKey()) / ops.get(scenarios.get(3).getKey()));
      }
      Harness.print(Harness.run(ctx, "event bus echo, no Redis (baseline)", IN_FLIGHT, warmupMs, measureMs,
        () -> vertx.eventBus().request("bench.echo", new JsonObject().put("namespace", "bench").put("key", key.get()))));
      ratios.forEach((name, rs) -> System.out.printf(Locale.ROOT, "ratio %s / raw pipelined, per round %s, median %.2f%n",
        name, rs.stream().map(r -> String.format(Locale.ROOT, "%.2f", r)).toList(), Harness.median(rs)));
      System.out.printf(Locale.ROOT, "ratio getOrLoad hit / get hit, both CacheClient over the event bus, per round %s, median %.2f%n",
        loadToGet.stream().map(r -> String.format(Locale.ROOT, "%.2f", r)).toList(), Harness.median(loadToGet));
      System.out.println("loader calls (0 expected: every getOrLoad was a hit): " + loaderCalls.get());
      System.out.println("cache stats: " + ns.stats().toJson().encode());
      gw[0].close().await();
      vertx.close().await();
    }
  }
}
