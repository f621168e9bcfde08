package dev.rediskit.bench;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.cache.CacheNamespace;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.cache.WriteOptions;
import dev.rediskit.client.RedisGateway;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * What tags cost a read: {@code CacheNamespace.get} of random keys of 10,000 entries of 100 bytes,
 * untagged in one namespace, each with one tag (over 1,000 tags) in a second and with three tags (its
 * own of 1,000, one of 100 and one of 10) in a third; at 64 in flight, over {@code bench.rounds}
 * rounds in rotating order, each ratio to the untagged read taken within its round. The tag versions
 * are held by the instance and refreshed in the background, as when read steadily in production.
 *
 * <pre>mvn -Pbench -q test-compile exec:java -Dexec.mainClass=dev.rediskit.bench.TagsBenchmark [-Dbench.seconds=5] [-Dbench.rounds=6]</pre>
 */
public final class TagsBenchmark {

  private static final int ENTRIES = 10_000;

  private TagsBenchmark() {
  }

  /**
   * @param args unused
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    long measureMs = Harness.measureMs();
    long warmupMs = Harness.warmupMs();
    int rounds = Integer.getInteger("bench.rounds", 6);
    int inFlight = Integer.getInteger("bench.inFlight", 64);
    String value = "x".repeat(100);
    try (Harness.Server server = Harness.Server.start()) {
      Vertx vertx = Harness.vertx();
      Context ctx = vertx.getOrCreateContext();
      Harness.Clients clients = Harness.connect(vertx, ctx, new RedisKitOptions().setEndpoint(server.url()));
      RedisGateway gw = clients.gateway();
      RedisCache cache = RedisCache.create(vertx, gw);
      Map<String, CacheNamespace<Object>> namespaces = new LinkedHashMap<>();
      for (String name : List.of("untagged", "1 tag", "3 tags")) {
        CacheNamespace<Object> ns = cache.namespace("b-" + name.replace(' ', '-'));
        namespaces.put(name, ns);
        for (int t = 0; t < 1_000; t++) {
          Map<String, Object> batch = new HashMap<>();
          for (int i = t; i < ENTRIES; i += 1_000) {
            batch.put(String.valueOf(i), value);
          }
          List<String> tags = switch (name) {
            case "untagged" -> List.of();
            case "1 tag" -> List.of("t" + t);
            default -> List.of("t" + t, "h" + (t % 100), "d" + (t % 10));
          };
          Harness.onContext(ctx, () -> ns.setMany(batch, new WriteOptions().setTtl(Duration.ofHours(1)).setTags(tags)));
        }
      }
      Random rnd = new Random(42);
      Map<String, List<Double>> ratios = new LinkedHashMap<>();
      List<String> order = new ArrayList<>(namespaces.keySet());
      System.out.println(Harness.HEADER);
      for (int round = 0; round < rounds; round++) {
        Map<String, Double> ops = new HashMap<>();
        for (int i = 0; i < order.size(); i++) {
          String name = order.get((round + i) % order.size());
          CacheNamespace<Object> ns = namespaces.get(name);
          ops.put(name, Harness.print(Harness.run(ctx, "cache get, " + name, inFlight, warmupMs, measureMs,
            () -> ns.get(String.valueOf(rnd.nextInt(ENTRIES))))).opsPerSec());
        }
        for (String name : List.of("1 tag", "3 tags")) {
          ratios.computeIfAbsent(name, x -> new ArrayList<>()).add(ops.get("untagged") / ops.get(name));
        }
      }
      ratios.forEach((name, rs) -> System.out.printf(Locale.ROOT,
        "cost of a read with %s / untagged read at %d in flight (time per read), per round %s, median %.2f%n",
        name, inFlight, rs.stream().map(r -> String.format(Locale.ROOT, "%.2f", r)).toList(), Harness.median(rs)));
      namespaces.forEach((n, ns) -> System.out.println(n + " stats: " + ns.stats().toJson().encode()));
      gw.close().await();
      vertx.close().await();
    }
  }
}
