package dev.rediskit.bench;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.client.RedisGateway;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code flushNamespace} of 1,000,000 keys among 1,000,000 keys of another namespace: the time it
 * takes, and the longest Redis command meanwhile, from {@code SLOWLOG} with every command logged
 * ({@code slowlog-log-slower-than 0}). A flush must never hold Redis for long: the longest command
 * should stay well under 10 ms.
 *
 * <pre>mvn -Pbench -q test-compile exec:java -Dexec.mainClass=dev.rediskit.bench.CacheFlushBenchmark [-Dbench.keys=1000000]</pre>
 */
public final class CacheFlushBenchmark {

  private CacheFlushBenchmark() {
  }

  /**
   * @param args unused
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    try {
      run();
    } catch (Throwable t) {
      // exec:java waits for Vert.x's threads before reporting; print and leave at once instead.
      t.printStackTrace();
      System.exit(1);
    }
    System.exit(0);
  }

  private static void run() throws Exception {
    int keys = Integer.getInteger("bench.keys", 1_000_000);
    try (Harness.Server server = Harness.Server.start()) {
      Vertx vertx = Harness.vertx();
      Context ctx = vertx.getOrCreateContext();
      Harness.Clients clients = Harness.connect(vertx, ctx, new RedisKitOptions().setEndpoint(server.url()));
      RedisConnection[] raw = {clients.raw()};
      RedisGateway[] gw = {clients.gateway()};
      RedisCache cache = RedisCache.create(vertx, gw[0]);

      long t0 = System.nanoTime();
      for (String ns : List.of("flushed", "kept")) {
        for (int from = 0; from < keys; from += 5_000) {
          List<Request> fill = new ArrayList<>();
          for (int i = from; i < Math.min(keys, from + 5_000); i++) {
            fill.add(Request.cmd(Command.SET).arg("rediskit:c:" + ns + ":" + i).arg("v"));
          }
          Future.future(p -> ctx.runOnContext(v -> raw[0].batch(fill).<Void>mapEmpty().onComplete(p))).await();
        }
      }
      System.out.printf("filled %,d keys in %.1f s%n", 2L * keys, (System.nanoTime() - t0) / 1e9);

      call(ctx, raw[0], Request.cmd(Command.CONFIG).arg("SET").arg("slowlog-max-len").arg("1000000"));
      call(ctx, raw[0], Request.cmd(Command.CONFIG).arg("SET").arg("slowlog-log-slower-than").arg("0"));
      call(ctx, raw[0], Request.cmd(Command.SLOWLOG).arg("RESET"));
      long start = System.nanoTime();
      long removed = Future.<Long>future(p -> ctx.runOnContext(v -> cache.flushNamespace("flushed").onComplete(p))).await();
      double secs = (System.nanoTime() - start) / 1e9;
      call(ctx, raw[0], Request.cmd(Command.CONFIG).arg("SET").arg("slowlog-log-slower-than").arg("10000"));
      Response log = call(ctx, raw[0], Request.cmd(Command.SLOWLOG).arg("GET").arg("-1"));
      List<Long> durations = new ArrayList<>();
      long longest = 0;
      String longestCmd = "";
      int scans = 0;
      int unlinks = 0;
      for (Response entry : log) {
        long micros = entry.get(2).toLong();
        String cmd = entry.get(3).get(0).toString();
        if (!cmd.equalsIgnoreCase("SLOWLOG") && !cmd.equalsIgnoreCase("CONFIG")) {
          durations.add(micros);
        }
        if (cmd.equalsIgnoreCase("SCAN")) {
          scans++;
        } else if (cmd.equalsIgnoreCase("UNLINK")) {
          unlinks++;
        }
        if (micros > longest && !cmd.equalsIgnoreCase("SLOWLOG") && !cmd.equalsIgnoreCase("CONFIG")) {
          longest = micros;
          longestCmd = cmd + " (" + (entry.get(3).size() - 1) + " args)";
        }
      }
      durations.sort(null);
      if (!durations.isEmpty()) {
        System.out.printf("command time: median %d us, p99 %d us, top 5 %s us%n", durations.get(durations.size() / 2),
          durations.get((int) (durations.size() * 0.99)), durations.subList(Math.max(0, durations.size() - 5), durations.size()));
      }
      long left = call(ctx, raw[0], Request.cmd(Command.DBSIZE)).toLong();
      System.out.printf("flushNamespace removed %,d keys in %.2f s (%,.0f keys/s); %,d keys left (other namespace)%n",
        removed, secs, removed / secs, left);
      System.out.printf("commands logged: %d SCAN, %d UNLINK; longest command: %s, %.3f ms%n", scans, unlinks,
        longestCmd, longest / 1000.0);
      gw[0].close().await();
      vertx.close().await();
    }
  }

  private static Response call(Context ctx, RedisConnection c, Request r) {
    return Future.<Response>future(p -> ctx.runOnContext(v -> c.send(r).onComplete(p))).await();
  }
}
