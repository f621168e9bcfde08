package dev.rediskit.bench;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.cache.CacheNamespace;
import dev.rediskit.cache.CacheOptions;
import dev.rediskit.cache.CompressionOptions;
import dev.rediskit.cache.CompressionOptions.Codec;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.client.RedisGateway;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

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
 * What compression saves in Redis and costs on a read, through the cache itself: the corpus of
 * {@link JsonCorpus} (10,000 JSON documents of 2-20 KiB) written once per codec (none, LZ4, zstd)
 * into a namespace of its own, Redis' {@code used_memory} read before and after each; then
 * {@code CacheNamespace.get} of random keys of each namespace (decompression and JSON decoding
 * included, as an application reads them) at 64 and at 1 in flight, over {@code bench.rounds} rounds
 * in rotating order, each ratio to the uncompressed namespace taken within its round.
 *
 * <pre>mvn -Pbench -q test-compile exec:java -Dexec.mainClass=dev.rediskit.bench.CompressionCacheBenchmark [-Dbench.seconds=5] [-Dbench.rounds=6]</pre>
 */
public final class CompressionCacheBenchmark {

  private CompressionCacheBenchmark() {
  }

  /**
   * @param args unused
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    long measureMs = Harness.measureMs();
    long warmupMs = Harness.warmupMs();
    int rounds = Integer.getInteger("bench.rounds", 6);
    List<byte[]> docs = JsonCorpus.generate(10_000, 2048, 20_480, 42);
    long rawBytes = docs.stream().mapToLong(d -> d.length).sum();
    try (Harness.Server server = Harness.Server.start()) {
      Vertx vertx = Harness.vertx();
      Context ctx = vertx.getOrCreateContext();
      Harness.Clients clients = Harness.connect(vertx, ctx, new RedisKitOptions().setEndpoint(server.url()));
      RedisGateway gw = clients.gateway();
      Map<Codec, CacheNamespace<Object>> namespaces = new LinkedHashMap<>();
      System.out.printf(Locale.ROOT, "corpus: %,d documents, %,d bytes of JSON%n", docs.size(), rawBytes);
      for (Codec codec : Codec.values()) {
        RedisCache cache = RedisCache.create(vertx, gw, new CacheOptions()
          .setCompression(new CompressionOptions().setCodec(codec)));
        CacheNamespace<Object> ns = cache.namespace("c-" + codec.name().toLowerCase(Locale.ROOT));
        namespaces.put(codec, ns);
        long before = usedMemory(server);
        for (int from = 0; from < docs.size(); from += 500) {
          Map<String, Object> batch = new HashMap<>();
          for (int i = from; i < Math.min(docs.size(), from + 500); i++) {
            batch.put(String.valueOf(i), new JsonObject(Buffer.buffer(docs.get(i))));
          }
          Harness.onContext(ctx, () -> ns.setMany(batch, Duration.ofHours(1)));
        }
        long after = usedMemory(server);
        System.out.printf(Locale.ROOT, "%-5s used_memory +%,d bytes (%.1f MiB, %,d per entry)%n", codec, after - before,
          (after - before) / 1048576.0, (after - before) / docs.size());
      }
      Random rnd = new Random(42);
      Supplier<String> key = () -> String.valueOf(rnd.nextInt(docs.size()));
      for (int inFlight : new int[] {64, 1}) {
        Map<Codec, List<Double>> ratios = new LinkedHashMap<>();
        System.out.println(Harness.HEADER);
        List<Codec> order = List.of(Codec.values());
        for (int round = 0; round < rounds; round++) {
          Map<Codec, Double> ops = new HashMap<>();
          for (int i = 0; i < order.size(); i++) {
            Codec c = order.get((round + i) % order.size());
            CacheNamespace<Object> ns = namespaces.get(c);
            ops.put(c, Harness.print(Harness.run(ctx, "cache get, " + c, inFlight, warmupMs, measureMs, () -> ns.get(key.get())))
              .opsPerSec());
          }
          for (Codec c : List.of(Codec.LZ4, Codec.ZSTD)) {
            ratios.computeIfAbsent(c, x -> new ArrayList<>()).add(ops.get(c) / ops.get(Codec.NONE));
          }
        }
        int f = inFlight;
        ratios.forEach((c, rs) -> System.out.printf(Locale.ROOT, "ratio get %s / get uncompressed at %d in flight, per round %s, median %.2f%n",
          c, f, rs.stream().map(r -> String.format(Locale.ROOT, "%.2f", r)).toList(), Harness.median(rs)));
      }
      namespaces.forEach((c, ns) -> System.out.println(c + " stats: " + ns.stats().toJson().encode()));
      gw.close().await();
      vertx.close().await();
    }
  }

  private static long usedMemory(Harness.Server server) throws Exception {
    for (String line : server.tool("redis-cli", "INFO", "memory").split("\n")) {
      if (line.startsWith("used_memory:")) {
        return Long.parseLong(line.substring("used_memory:".length()).trim());
      }
    }
    throw new IllegalStateException("no used_memory in INFO memory");
  }
}
