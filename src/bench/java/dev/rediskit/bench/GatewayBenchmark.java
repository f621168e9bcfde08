package dev.rediskit.bench;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.client.RedisGateway;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GET and SET of 100-byte values over 10,000 keys, at 1, 64 and 256 in flight, side by side in one
 * run: the client's pooled {@code Redis.send()}, raw requests pipelined on one
 * {@code RedisConnection}, and the gateway (breaker and deadlines included). Prints
 * redis-benchmark's pipelined GET figure from the same server as the machine's ceiling.
 *
 * <pre>mvn -Pbench -q test-compile exec:java -Dexec.mainClass=dev.rediskit.bench.GatewayBenchmark [-Dbench.seconds=5]</pre>
 */
public final class GatewayBenchmark {

  static final int KEYS = 10_000;
  static final String VALUE = "x".repeat(100);

  private GatewayBenchmark() {
  }

  /**
   * @param args unused
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    long measureMs = Harness.measureMs();
    long warmupMs = Harness.warmupMs();
    int[] levels = {1, 64, 256};
    try (Harness.Server server = Harness.Server.start()) {
      Vertx vertx = Harness.vertx();
      Context ctx = vertx.getOrCreateContext();
      Random rnd = new Random(42);
      Supplier<String> key = () -> "bench:" + rnd.nextInt(KEYS);

      // Everything created on the same context, as a verticle would.
      Redis pooled = Redis.createClient(vertx, new RedisOptions().setConnectionString(server.url()).setMaxPoolSize(8).setMaxPoolWaiting(1024));
      Harness.Clients clients = Harness.connect(vertx, ctx, new RedisKitOptions().setEndpoint(server.url()));
      RedisConnection[] raw = {clients.raw()};
      RedisGateway[] gw = {clients.gateway()};

      for (int from = 0; from < KEYS; from += 1000) {
        List<Request> fill = new ArrayList<>();
        for (int i = from; i < from + 1000; i++) {
          fill.add(Request.cmd(Command.SET).arg("bench:" + i).arg(VALUE));
        }
        Future.future(p -> ctx.runOnContext(v -> raw[0].batch(fill).<Void>mapEmpty().onComplete(p))).await();
      }

      List<Harness.Result> results = new ArrayList<>();
      System.out.println(Harness.HEADER);
      for (int c : levels) {
        results.add(Harness.print(Harness.run(ctx, "GET raw pooled Redis.send()", c, warmupMs, measureMs,
          () -> pooled.send(Request.cmd(Command.GET).arg(key.get())))));
        results.add(Harness.print(Harness.run(ctx, "GET raw pipelined RedisConnection", c, warmupMs, measureMs,
          () -> raw[0].send(Request.cmd(Command.GET).arg(key.get())))));
        results.add(Harness.print(Harness.run(ctx, "GET gateway", c, warmupMs, measureMs,
          () -> gw[0].send(Request.cmd(Command.GET).arg(key.get())))));
        results.add(Harness.print(Harness.run(ctx, "SET raw pipelined RedisConnection", c, warmupMs, measureMs,
          () -> raw[0].send(Request.cmd(Command.SET).arg(key.get()).arg(VALUE)))));
        results.add(Harness.print(Harness.run(ctx, "SET gateway", c, warmupMs, measureMs,
          () -> gw[0].send(Request.cmd(Command.SET).arg(key.get()).arg(VALUE)))));
      }
      String rb = server.tool("redis-benchmark", "-t", "get", "-P", "16", "-c", "64", "-n", "2000000", "-d", "100", "-r", "10000", "-q");
      Matcher m = Pattern.compile("GET: ([0-9.]+) requests per second").matcher(rb);
      System.out.println("redis-benchmark -t get -P 16 -c 64 -d 100: " + (m.find() ? m.group(1) + " requests/s" : rb.trim()));
      for (int c : levels) {
        double rawOps = find(results, "GET raw pipelined RedisConnection", c).opsPerSec();
        double gwOps = find(results, "GET gateway", c).opsPerSec();
        System.out.printf("ratio GET gateway / raw pipelined at %d in flight: %.2f%n", c, gwOps / rawOps);
      }
      vertx.close().await();
    }
  }

  static Harness.Result find(List<Harness.Result> rs, String name, int c) {
    return rs.stream().filter(r -> r.name().equals(name) && r.inFlight() == c).findFirst().orElseThrow();
  }
}
