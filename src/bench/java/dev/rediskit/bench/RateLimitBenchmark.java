package dev.rediskit.bench;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.client.Script;
import dev.rediskit.ratelimit.Decision;
import dev.rediskit.ratelimit.Limit;
import dev.rediskit.ratelimit.RateLimitOptions;
import dev.rediskit.ratelimit.RateLimiter;
import dev.rediskit.ratelimit.impl.Scripts;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The limiter side by side with the same script sent raw and with Bucket4j's Redis back-end
 * (Lettuce, compare-and-swap proxy manager), in one run against one redis-server, at 64 in
 * flight: on 1,000 keys and on one hot key. Also the server's cost per decision
 * ({@code usec_per_call} of EVALSHA in INFO commandstats, next to a straightforward GCRA script
 * for reference) and the throughput of checks on a blocked key (the deny cache).
 *
 * <p>Every check is allowed (10,000,000 per 10,000 s per key, a burst as large) so that Redis
 * does the full work: a read, the arithmetic and a write. That limit's emission interval is 1 ms,
 * so the limiter decides it with {@code gcra_ms.lua}, and so does the raw scenario; the
 * microsecond script that decides limits finer than a millisecond is measured raw beside it.
 *
 * <pre>mvn -Pbench -q test-compile exec:java -Dexec.mainClass=dev.rediskit.bench.RateLimitBenchmark [-Dbench.seconds=5] [-Dbench.rounds=6]</pre>
 */
public final class RateLimitBenchmark {

  static final int KEYS = 1_000;
  static final int IN_FLIGHT = 64;
  static final Limit LIMIT = Limit.of(10_000_000, 10_000_000);

  /**
   * A GCRA as commonly written (go-redis/redis_rate's shape): float arithmetic in seconds, a
   * table of four values returned, {@code redis.replicate_commands()}. For comparison of
   * {@code usec_per_call} only.
   */
  static final Script STRAIGHTFORWARD_GCRA = Script.of(String.join("\n",
    "redis.replicate_commands()",
    "local rate_limit_key = KEYS[1]",
    "local burst = tonumber(ARGV[1])",
    "local rate = tonumber(ARGV[2])",
    "local period = tonumber(ARGV[3])",
    "local cost = tonumber(ARGV[4])",
    "local emission_interval = period / rate",
    "local increment = emission_interval * cost",
    "local burst_offset = emission_interval * burst",
    "local jan_1_2017 = 1483228800",
    "local now = redis.call('TIME')",
    "now = (now[1] - jan_1_2017) + (now[2] / 1000000)",
    "local tat = redis.call('GET', rate_limit_key)",
    "if not tat then tat = now else tat = tonumber(tat) end",
    "tat = math.max(tat, now)",
    "local new_tat = tat + increment",
    "local allow_at = new_tat - burst_offset",
    "local diff = now - allow_at",
    "local remaining = diff / emission_interval",
    "if remaining < 0 then",
    "  local reset_after = tat - now",
    "  local retry_after = diff * -1",
    "  return {0, 0, tostring(retry_after), tostring(reset_after)}",
    "end",
    "local reset_after = new_tat - now",
    "if reset_after > 0 then redis.call('SET', rate_limit_key, new_tat, 'EX', math.ceil(reset_after)) end",
    "local retry_after = -1",
    "return {cost, remaining, tostring(retry_after), tostring(reset_after)}"));

  private RateLimitBenchmark() {
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
      Supplier<String> key = () -> "k" + rnd.nextInt(KEYS);

      Harness.Clients clients = Harness.connect(vertx, ctx, new RedisKitOptions().setEndpoint(server.url()));
      RedisGateway[] gw = {clients.gateway()};
      RedisConnection[] raw = {clients.raw()};
      // The defaults, as an application gets them (250 ms limiter timeout, deny cache on).
      RateLimiter[] limiter = {Harness.onContext(ctx,
        () -> Future.succeededFuture(RateLimiter.create(vertx, gw[0], "bench", new RateLimitOptions())))};
      String sha = Harness.onContext(ctx, () -> raw[0].send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(Scripts.GCRA_MS.source())))
        .toString();
      String microSha = Harness.onContext(ctx, () -> raw[0].send(Request.cmd(Command.SCRIPT).arg("LOAD")
        .arg(Scripts.GCRA.source()))).toString();
      String straightSha = Harness.onContext(ctx, () -> raw[0].send(Request.cmd(Command.SCRIPT).arg("LOAD")
        .arg(STRAIGHTFORWARD_GCRA.source()))).toString();
      // The arguments the limiter computes for this limit: 1 ms per unit, a tolerance of 10,000 s.
      String increment = "1";
      String tolerance = Long.toString(10_000_000L);

      RedisClient lettuce = RedisClient.create(server.url());
      StatefulRedisConnection<byte[], byte[]> lettuceConnection = lettuce.connect(ByteArrayCodec.INSTANCE);
      AsyncProxyManager<byte[]> bucket4j = Bucket4jLettuce.casBasedBuilder(lettuceConnection)
        .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
        .build().asAsync();
      BucketConfiguration config = BucketConfiguration.builder()
        .addLimit(l -> l.capacity(10_000_000).refillGreedy(10_000_000, Duration.ofSeconds(10_000)))
        .build();
      List<AsyncBucketProxy> buckets = new ArrayList<>();
      for (int i = 0; i < KEYS; i++) {
        buckets.add(bucket4j.builder().build(("b4j:k" + i).getBytes(StandardCharsets.UTF_8), config));
      }
      AsyncBucketProxy hotBucket = bucket4j.builder().build("b4j:hot".getBytes(StandardCharsets.UTF_8), config);

      List<Harness.Result> results = new ArrayList<>();
      System.out.println(Harness.HEADER);

      // The API and the raw script alternate over several rounds, each with its EVALSHA cost
      // from INFO commandstats: on a shared machine a single pair is at the mercy of whatever
      // else runs, the median ratio much less so. Which goes first swaps every round, so that a
      // drift during the run (JIT, the machine's neighbours) favours neither.
      int rounds = Integer.getInteger("bench.rounds", 6);
      List<Double> ratios = new ArrayList<>();
      List<Double> apiUsec = new ArrayList<>();
      List<Double> rawUsec = new ArrayList<>();
      Supplier<Harness.Result> apiRun = () -> Harness.print(Harness.run(ctx, "check() API, 1000 keys", IN_FLIGHT, warmupMs,
        measureMs, () -> limiter[0].check(key.get(), LIMIT, 1)));
      Supplier<Harness.Result> rawRun = () -> Harness.print(Harness.run(ctx, "raw EVALSHA pipelined, 1000 keys", IN_FLIGHT,
        warmupMs, measureMs, () -> raw[0].send(Request.cmd(Command.EVALSHA).arg(sha).arg(1)
          .arg("rediskit:rl:g:k:" + key.get()).arg(increment).arg(tolerance))));
      for (int round = 1; round <= rounds; round++) {
        Harness.Result api = null;
        Harness.Result rawScript = null;
        for (int turn = 0; turn < 2; turn++) {
          boolean apiTurn = (turn == 0) == (round % 2 == 1);
          resetStats(ctx, raw[0]);
          if (apiTurn) {
            api = apiRun.get();
            apiUsec.add(usecPerCall(ctx, raw[0]));
          } else {
            rawScript = rawRun.get();
            rawUsec.add(usecPerCall(ctx, raw[0]));
          }
        }
        results.add(api);
        results.add(rawScript);
        ratios.add(api.opsPerSec() / rawScript.opsPerSec());
      }

      results.add(Harness.print(Harness.run(ctx, "Bucket4j Lettuce CAS, 1000 keys", IN_FLIGHT, warmupMs, measureMs,
        () -> Future.fromCompletionStage(buckets.get(rnd.nextInt(KEYS)).tryConsume(1), ctx))));

      resetStats(ctx, raw[0]);
      results.add(Harness.print(Harness.run(ctx, "straightforward GCRA raw, 1000 keys", IN_FLIGHT, warmupMs, measureMs,
        () -> raw[0].send(Request.cmd(Command.EVALSHA).arg(straightSha).arg(1).arg("straight:" + key.get())
          .arg(10_000_000).arg(10_000_000).arg(10_000).arg(1)))));
      double straightUsec = usecPerCall(ctx, raw[0]);
      resetStats(ctx, raw[0]);
      // The same limit in microseconds (1,000 us per unit): what gcra.lua costs for limits finer than 1 ms.
      results.add(Harness.print(Harness.run(ctx, "raw EVALSHA microsecond script, 1000 keys", IN_FLIGHT, warmupMs, measureMs,
        () -> raw[0].send(Request.cmd(Command.EVALSHA).arg(microSha).arg(1).arg("micro:" + key.get())
          .arg(1_000).arg(10_000_000_000L)))));
      double microUsec = usecPerCall(ctx, raw[0]);
      resetStats(ctx, raw[0]);
      results.add(Harness.print(Harness.run(ctx, "raw EVALSHA pipelined, 1000 keys", IN_FLIGHT, warmupMs, measureMs,
        () -> raw[0].send(Request.cmd(Command.EVALSHA).arg(sha).arg(1).arg("rediskit:rl:g:k:" + key.get())
          .arg(increment).arg(tolerance)))));
      rawUsec.add(usecPerCall(ctx, raw[0]));

      Harness.Result apiHot = Harness.print(Harness.run(ctx, "check() API, one hot key", IN_FLIGHT, warmupMs, measureMs,
        () -> limiter[0].check("hot", LIMIT, 1)));
      Harness.Result rawHot = Harness.print(Harness.run(ctx, "raw EVALSHA pipelined, one hot key", IN_FLIGHT, warmupMs, measureMs,
        () -> raw[0].send(Request.cmd(Command.EVALSHA).arg(sha).arg(1).arg("rediskit:rl:g:k:hot")
          .arg(increment).arg(tolerance))));
      Harness.Result bucketHot = Harness.print(Harness.run(ctx, "Bucket4j Lettuce CAS, one hot key", IN_FLIGHT, warmupMs, measureMs,
        () -> Future.fromCompletionStage(hotBucket.tryConsume(1), ctx)));

      double blocked = blockedKeyChecksPerSecond(ctx, limiter[0], measureMs);

      System.out.println();
      System.out.printf(Locale.ROOT, "usec_per_call of EVALSHA (INFO commandstats): limiter script via check() %s,"
        + " sent raw %s; microsecond script (limits finer than 1 ms) %.2f; straightforward GCRA %.2f%n",
        apiUsec, rawUsec, microUsec, straightUsec);
      System.out.printf(Locale.ROOT, "ratio check() / raw script at %d in flight, 1000 keys, per round: %s, median %.2f;"
        + " one hot key: %.2f%n", IN_FLIGHT, ratios.stream().map(r -> String.format(Locale.ROOT, "%.2f", r)).toList(),
        Harness.median(ratios), apiHot.opsPerSec() / rawHot.opsPerSec());
      System.out.printf(Locale.ROOT, "ratio check() / Bucket4j, 1000 keys: %.2f; one hot key: %.2f%n",
        Harness.median(results.stream().filter(r -> r.name().equals("check() API, 1000 keys")).map(Harness.Result::opsPerSec).toList())
          / find(results, "Bucket4j Lettuce CAS, 1000 keys"),
        apiHot.opsPerSec() / bucketHot.opsPerSec());
      System.out.printf(Locale.ROOT, "checks on a blocked key (deny cache, one event loop): %.0f/s%n", blocked);

      lettuceConnection.close();
      lettuce.shutdown();
      vertx.close().await();
    }
  }

  /**
   * Checks on a key that is blocked for an hour, answered by the deny cache. They complete at
   * once, so they are run in batches (a closed loop of already-completed futures would only
   * measure recursion), each batch one event-loop task.
   */
  static double blockedKeyChecksPerSecond(Context ctx, RateLimiter limiter, long measureMs) {
    Limit one = Limit.of(1, 3_600_000);
    Harness.onContext(ctx, () -> limiter.check("blocked", one, 1));
    Decision denied = Harness.onContext(ctx, () -> limiter.check("blocked", one, 1));
    if (denied.allowed()) {
      throw new IllegalStateException("the key should be blocked");
    }
    long[] count = {0};
    long start = System.nanoTime();
    long end = start + measureMs * 1_000_000L;
    while (System.nanoTime() < end) {
      Harness.onContext(ctx, () -> {
        for (int i = 0; i < 10_000; i++) {
          limiter.check("blocked", one, 1).onSuccess(d -> {
            if (d.source() == Decision.Source.DENY_CACHE) {
              count[0]++;
            }
          });
        }
        return Future.succeededFuture();
      });
    }
    double secs = (System.nanoTime() - start) / 1e9;
    return count[0] / secs;
  }

  static void resetStats(Context ctx, RedisConnection c) {
    Harness.onContext(ctx, () -> c.send(Request.cmd(Command.CONFIG).arg("RESETSTAT")));
  }

  static double usecPerCall(Context ctx, RedisConnection c) {
    Response info = Harness.onContext(ctx, () -> c.send(Request.cmd(Command.INFO).arg("commandstats")));
    for (String line : info.toString().split("\r?\n")) {
      if (line.startsWith("cmdstat_evalsha:")) {
        for (String part : line.substring(line.indexOf(':') + 1).split(",")) {
          if (part.startsWith("usec_per_call=")) {
            return Double.parseDouble(part.substring("usec_per_call=".length()));
          }
        }
      }
    }
    return Double.NaN;
  }


  static double find(List<Harness.Result> rs, String name) {
    return rs.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow().opsPerSec();
  }
}
