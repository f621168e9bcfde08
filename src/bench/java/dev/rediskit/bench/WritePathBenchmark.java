package dev.rediskit.bench;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.eventbus.CacheClient;
import dev.rediskit.eventbus.CacheConsumers;
import dev.rediskit.eventbus.RateLimitClient;
import dev.rediskit.eventbus.RateLimitConsumers;
import dev.rediskit.ratelimit.Limit;
import dev.rediskit.ratelimit.RateLimitOptions;
import dev.rediskit.ratelimit.RateLimiter;
import dev.rediskit.web.HttpRateLimitPolicy;
import dev.rediskit.web.RateLimitHandler;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.Router;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The write path and the event-bus path of issue 13, side by side in one run, the order of the
 * scenarios rotating every round: the limiter's {@code check()} through {@link RateLimitClient}
 * against the Java API; an HTTP server with {@link RateLimitHandler} in front of a trivial handler
 * against the same server without it; SET through the gateway against SET pipelined raw (64 and 256
 * in flight); {@link CacheClient#lookup} against a raw pipelined GET. Each pair's ratio is taken
 * within its round; the medians are printed at the end, with the event loops' CPU time and Redis's
 * per operation for every scenario (the cost breakdown).
 *
 * <pre>mvn -Pbench -q test-compile exec:java -Dexec.mainClass=dev.rediskit.bench.WritePathBenchmark [-Dbench.seconds=5] [-Dbench.rounds=6]</pre>
 */
public final class WritePathBenchmark {

  static final int KEYS = 1_000;
  static final Limit LIMIT = Limit.of(10_000_000, 10_000_000);
  static final String VALUE = "x".repeat(100);

  private WritePathBenchmark() {
  }

  /** One scenario: its name, callers in flight, the context its callers run on, one operation. */
  record Scenario(String name, int inFlight, Context ctx, Supplier<Future<?>> op) {
  }

  /**
   * @param args unused
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    long measureMs = Harness.measureMs();
    long warmupMs = Harness.warmupMs();
    int rounds = Integer.getInteger("bench.rounds", 6);
    try (Harness.Server server = Harness.Server.start()) {
      Vertx vertx = Harness.vertx();
      Context ctx = vertx.getOrCreateContext();
      Context httpClientCtx = vertx.getOrCreateContext();
      Random rnd = new Random(42);
      Supplier<String> key = () -> String.valueOf(rnd.nextInt(KEYS));

      Harness.Clients clients = Harness.connect(vertx, ctx, new RedisKitOptions().setEndpoint(server.url()));
      RateLimiter limiter = Harness.onContext(ctx, () -> Future.succeededFuture(
        RateLimiter.create(vertx, clients.gateway(), "bench", new RateLimitOptions())));
      Harness.onContext(ctx, () -> RateLimitConsumers.register(vertx, limiter, ""));
      RedisCache cache = Harness.onContext(ctx, () -> Future.succeededFuture(RedisCache.create(vertx, clients.gateway())));
      Harness.onContext(ctx, () -> CacheConsumers.register(vertx.eventBus(), "", cache));
      RateLimitClient rateClient = RateLimitClient.create(vertx, "");
      CacheClient cacheClient = CacheClient.create(vertx, "");
      Harness.onContext(ctx, () -> {
        List<Future<?>> fill = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
          fill.add(cache.namespace("bench").set(String.valueOf(i), VALUE, Duration.ofHours(1)));
        }
        return Future.all(fill);
      });

      Router router = Router.router(vertx);
      router.get("/plain").handler(rc -> rc.response().end("ok"));
      router.get("/limited").handler(RateLimitHandler.create(limiter,
        HttpRateLimitPolicy.perIp("bench", 10_000_000, Duration.ofSeconds(10_000))));
      router.get("/limited").handler(rc -> rc.response().end("ok"));
      java.util.concurrent.atomic.AtomicLong httpConnections = new java.util.concurrent.atomic.AtomicLong();
      HttpServer http = Harness.onContext(ctx, () -> vertx.createHttpServer().connectionHandler(c -> httpConnections.incrementAndGet())
        .requestHandler(router).listen(0, "127.0.0.1"));
      int port = http.actualPort();
      HttpClient httpClient = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(64));
      Supplier<Future<?>> plain = () -> httpClient.request(HttpMethod.GET, port, "127.0.0.1", "/plain")
        .compose(req -> req.send().compose(resp -> resp.body()));
      Supplier<Future<?>> limited = () -> httpClient.request(HttpMethod.GET, port, "127.0.0.1", "/limited")
        .compose(req -> req.send().compose(resp -> resp.statusCode() == 200 ? resp.body()
          : Future.failedFuture("status " + resp.statusCode())));

      List<Scenario> all = List.of(
        new Scenario("check() Java API", 64, ctx, () -> limiter.check("k" + key.get(), LIMIT, 1)),
        new Scenario("check() RateLimitClient", 64, ctx,
          () -> rateClient.check("k" + key.get(), LIMIT.limit(), Duration.ofMillis(LIMIT.windowMs()))),
        new Scenario("HTTP trivial handler", 64, httpClientCtx, plain),
        new Scenario("HTTP + RateLimitHandler", 64, httpClientCtx, limited),
        new Scenario("SET raw pipelined", 64, ctx, () -> clients.raw().send(Request.cmd(Command.SET).arg("s" + key.get()).arg(VALUE))),
        new Scenario("SET gateway", 64, ctx, () -> clients.gateway().send(Request.cmd(Command.SET).arg("s" + key.get()).arg(VALUE))),
        new Scenario("SET raw pipelined 256", 256, ctx, () -> clients.raw().send(Request.cmd(Command.SET).arg("s" + key.get()).arg(VALUE))),
        new Scenario("SET gateway 256", 256, ctx, () -> clients.gateway().send(Request.cmd(Command.SET).arg("s" + key.get()).arg(VALUE))),
        new Scenario("GET raw pipelined", 64, ctx, () -> clients.raw().send(Request.cmd(Command.GET).arg("rediskit:c:bench:0:" + key.get()))),
        new Scenario("cache lookup CacheClient", 64, ctx, () -> cacheClient.lookup("bench", key.get())));
      // -Dbench.only=<regex> runs the scenarios whose names match (for a look at one pair).
      String only = System.getProperty("bench.only");
      List<Scenario> scenarios = only == null ? all : all.stream().filter(s -> s.name().matches(only)).toList();
      String[][] pairs = {
        {"check() RateLimitClient", "check() Java API"},
        {"HTTP + RateLimitHandler", "HTTP trivial handler"},
        {"SET gateway", "SET raw pipelined"},
        {"SET gateway 256", "SET raw pipelined 256"},
        {"cache lookup CacheClient", "GET raw pipelined"},
      };

      Map<String, List<Double>> ratios = new LinkedHashMap<>();
      Map<String, List<double[]>> costs = new LinkedHashMap<>();
      System.out.println(Harness.HEADER + "   loop-us/op redis-us/op");
      for (int round = 0; round < rounds; round++) {
        Map<String, Double> ops = new LinkedHashMap<>();
        for (int i = 0; i < scenarios.size(); i++) {
          Scenario s = scenarios.get((round + i) % scenarios.size());
          long loopCpu0 = eventLoopCpuNanos();
          double redisCpu0 = redisCpuSeconds(server);
          Harness.Result r = Harness.run(s.ctx(), s.name(), s.inFlight(), warmupMs, measureMs, s.op());
          // The CPU figures cover warm-up and measurement: per operation they hold for both.
          double total = r.opsPerSec() * (r.seconds() + warmupMs / 1000.0);
          double loopUs = (eventLoopCpuNanos() - loopCpu0) / 1000.0 / total;
          double redisUs = (redisCpuSeconds(server) - redisCpu0) * 1e6 / total;
          System.out.printf(Locale.ROOT, "%s %12.2f %11.2f%n", r.line(), loopUs, redisUs);
          ops.put(s.name(), r.opsPerSec());
          costs.computeIfAbsent(s.name(), n -> new ArrayList<>()).add(new double[] {loopUs, redisUs});
        }
        for (String[] p : pairs) {
          if (!ops.containsKey(p[0]) || !ops.containsKey(p[1])) {
            continue;
          }
          ratios.computeIfAbsent(p[0] + " / " + p[1], n -> new ArrayList<>()).add(ops.get(p[0]) / ops.get(p[1]));
        }
      }
      System.out.println("HTTP connections accepted: " + httpConnections.get());
      ratios.forEach((name, rs) -> System.out.printf(Locale.ROOT, "ratio %s, per round %s, median %.2f%n",
        name, rs.stream().map(r -> String.format(Locale.ROOT, "%.2f", r)).toList(), Harness.median(rs)));
      costs.forEach((name, cs) -> System.out.printf(Locale.ROOT, "cost %s: event loops %.2f us/op, redis %.2f us/op (medians)%n",
        name, Harness.median(cs.stream().map(c -> c[0]).toList()), Harness.median(cs.stream().map(c -> c[1]).toList())));
      System.out.println(server.tool("redis-cli", "info", "commandstats").lines()
        .filter(l -> l.startsWith("cmdstat_exec") || l.startsWith("cmdstat_multi") || l.startsWith("cmdstat_set")
          || l.startsWith("cmdstat_evalsha")).reduce("", (a, b) -> a + b + "\n"));
      vertx.close().await();
    }
  }

  /** CPU time of the Vert.x event-loop threads so far. */
  static long eventLoopCpuNanos() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (t != null && t.getThreadName().startsWith("vert.x-eventloop-thread")) {
        sum += Math.max(0, mx.getThreadCpuTime(t.getThreadId()));
      }
    }
    return sum;
  }

  /** used_cpu_user + used_cpu_sys of the server so far, in seconds. */
  static double redisCpuSeconds(Harness.Server server) throws Exception {
    double s = 0;
    for (String line : server.tool("redis-cli", "info", "cpu").split("\r?\n")) {
      if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
        s += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    return s;
  }
}
