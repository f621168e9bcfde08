package dev.rediskit.client;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.error.RedisCommandException;
import dev.rediskit.error.RedisTimeoutException;
import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.error.RedisUnavailableException.Reason;
import dev.rediskit.test.Await;
import dev.rediskit.test.FaultProxy;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static dev.rediskit.test.Futures.await;
import static dev.rediskit.test.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writes issued in one event-loop turn go to Redis as one transaction in one write: every caller
 * still gets its own reply or its own error, the order of the calls is kept, a lost connection
 * never makes a write run twice, and deadlines hold.
 */
@IntegrationTest
class RedisGatewayWriteCoalescingIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  private static final Script ECHO = Script.of("return 'ran ' .. ARGV[1]");

  private static RedisGateway gatewayOn(Context ctx, Vertx vertx, RedisKitOptions options) {
    Promise<RedisGateway> created = Promise.promise();
    ctx.runOnContext(v -> RedisGateway.create(vertx, options).ready().onComplete(created));
    RedisGateway gw = await(created.future());
    // Writes are gathered once an empty transaction came back on the connection.
    Await.until(() -> await(gw.send(Request.cmd(Command.PING))) != null && execCalls(gw) > 0, "the MULTI/EXEC probe ran");
    return gw;
  }

  /** Runs {@code calls} in one task on {@code ctx}, as an event-bus consumer would. */
  private static <T> List<Future<T>> inOneTurn(Context ctx, Supplier<List<Future<T>>> calls) {
    Promise<List<Future<T>>> issued = Promise.promise();
    ctx.runOnContext(v -> issued.complete(calls.get()));
    return await(issued.future());
  }

  private static long execCalls(RedisGateway gw) {
    String info = await(gw.send(Request.cmd(Command.INFO).arg("commandstats"))).toString();
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("cmdstat_exec:")) {
        String calls = line.substring(line.indexOf("calls=") + 6);
        return Long.parseLong(calls.substring(0, calls.indexOf(',')));
      }
    }
    return 0;
  }

  private static Throwable settle(Future<?> f) {
    f.toCompletionStage().toCompletableFuture().handle((r, e) -> null).join();
    return f.cause();
  }

  @Test
  void eachCallerGetsItsOwnReplyOrErrorFromOneTransaction(Vertx vertx, RedisServer server) {
    Context ctx = vertx.getOrCreateContext();
    RedisGateway gw = gatewayOn(ctx, vertx, new RedisKitOptions().setEndpoint(server.uri()));
    server.command("SET", "text", "not a number");
    server.command("HSET", "hash", "f", "v");
    await(gw.send(Request.cmd(Command.SCRIPT).arg("FLUSH")));
    long execBefore = execCalls(gw);
    List<Future<Response>> calls = inOneTurn(ctx, () -> {
      List<Future<Response>> out = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        out.add(gw.send(Request.cmd(Command.SET).arg("w" + i).arg("v" + i)));
      }
      out.add(gw.send(Request.cmd(Command.INCR).arg("text")));             // 10: error reply when run
      out.add(gw.send(Request.cmd(Command.SET).arg("hash").arg("x").arg("GET")));  // 11: WRONGTYPE
      out.add(gw.eval(ECHO, List.of(), List.of("a")));                      // 12: NOSCRIPT, then EVAL
      out.add(gw.send(Request.cmd(Command.INCR).arg("counter")));           // 13
      return out;
    });
    for (int i = 0; i < 10; i++) {
      assertThat(await(calls.get(i)).toString()).isEqualTo("OK");
    }
    assertThat(settle(calls.get(10))).isInstanceOf(RedisCommandException.class).hasMessageContaining("not an integer");
    assertThat(settle(calls.get(11))).isInstanceOf(RedisCommandException.class).hasMessageContaining("WRONGTYPE");
    assertThat(await(calls.get(12)).toString()).isEqualTo("ran a");
    assertThat(await(calls.get(13)).toInteger()).isEqualTo(1);
    for (int i = 0; i < 10; i++) {
      assertThat(server.command("GET", "w" + i)).hasToString("v" + i);
    }
    // The 14 writes went as one transaction; the EVAL after NOSCRIPT went alone.
    assertThat(execCalls(gw) - execBefore).isEqualTo(1);
    await(gw.close());
  }

  @Test
  void writesOfOneTurnKeepTheirOrder(Vertx vertx, RedisServer server) {
    Context ctx = vertx.getOrCreateContext();
    RedisGateway gw = gatewayOn(ctx, vertx, new RedisKitOptions().setEndpoint(server.uri()));
    List<Future<Response>> calls = inOneTurn(ctx, () -> {
      List<Future<Response>> out = new ArrayList<>();
      for (int i = 0; i < 1200; i++) {  // several transactions' worth (128 each)
        out.add(gw.send(Request.cmd(Command.RPUSH).arg("list").arg(i)));
        if (i % 100 == 0) {
          out.add(gw.send(Request.cmd(Command.LLEN).arg("list")));  // a read between the writes
        }
      }
      return out;
    });
    int pushed = 0;
    for (Future<Response> f : calls) {
      long r = await(f).toLong();
      if (r != pushed) {
        pushed++;
        assertThat(r).isEqualTo(pushed);   // RPUSH answers the new length
      } else {
        assertThat(r).isEqualTo(pushed);   // LLEN sees every push before it, none after
      }
    }
    Response list = await(gw.send(Request.cmd(Command.LRANGE).arg("list").arg(0).arg(-1)));
    assertThat(list.size()).isEqualTo(1200);
    for (int i = 0; i < 1200; i++) {
      assertThat(list.get(i).toInteger()).isEqualTo(i);
    }
    await(gw.close());
  }

  @Test
  void aCommandRedisRefusesAsQueuedFailsAloneAndNothingRuns(Vertx vertx, RedisServer server) {
    server.command("ACL", "SETUSER", "noincr", "on", ">secret", "~*", "+@all", "-incr");
    Context ctx = vertx.getOrCreateContext();
    RedisGateway gw = gatewayOn(ctx, vertx, new RedisKitOptions().setEndpoint(server.uri("noincr", "secret")));
    List<Future<Response>> calls = inOneTurn(ctx, () -> List.of(
      gw.send(Request.cmd(Command.SET).arg("refused-set").arg("v")),   // allowed, but in the same transaction as...
      gw.send(Request.cmd(Command.INCR).arg("refused-incr"))));         // ...this, which the ACL refuses as it is queued
    assertThat(settle(calls.get(1))).isInstanceOf(RedisCommandException.class).hasMessageContaining("NOPERM");
    assertThat(settle(calls.get(0))).isInstanceOf(RedisCommandException.class)
      .hasMessageContaining("EXECABORT").hasMessageContaining("nothing was done");
    assertThat(server.command("EXISTS", "refused-set")).hasToString("0");
    await(gw.close());
  }

  @Test
  void aConnectionLostDuringFlushesNeverRunsAWriteTwice(Vertx vertx, RedisServer server) {
    try (FaultProxy proxy = FaultProxy.start(vertx, server)) {
      Context ctx = vertx.getOrCreateContext();
      RedisGateway gw = gatewayOn(ctx, vertx, new RedisKitOptions().setEndpoint(proxy.uri()));
      Map<Integer, Future<Response>> calls = new HashMap<>();
      int id = 0;
      for (int round = 0; round < 30; round++) {
        int first = id;
        id += 200;
        int last = id;
        boolean drop = round % 10 == 5;
        boolean dropDelayed = round % 10 == 2;
        if (drop) {
          proxy.blackhole();   // the turn's writes are held in the proxy, then dropped with the connection
        } else if (dropDelayed) {
          proxy.delay(Duration.ofMillis(5));   // they may reach Redis, and their replies be lost
        }
        Map<Integer, Future<Response>> turn = inOneTurnMap(ctx, () -> {
          Map<Integer, Future<Response>> out = new HashMap<>();
          for (int i = first; i < last; i++) {
            out.put(i, gw.send(Request.cmd(Command.RPUSH).arg("ids").arg(i)));
          }
          return out;
        });
        calls.putAll(turn);
        if (drop || dropDelayed) {
          proxy.resetAll();   // drops the connection with this turn's writes in flight
          proxy.pass();
        }
        turn.values().forEach(RedisGatewayWriteCoalescingIT::settle);
      }
      int succeeded = 0;
      int lost = 0;
      for (Future<Response> f : calls.values()) {
        Throwable t = settle(f);
        if (t == null) {
          succeeded++;
        } else {
          assertThat(t).isInstanceOf(RedisUnavailableException.class);
          assertThat(((RedisUnavailableException) t).reason()).isIn(Reason.CONNECTION_LOST, Reason.DISCONNECTED, Reason.BREAKER_OPEN);
          lost++;
        }
      }
      assertThat(lost).as("some writes met the dropped connection").isPositive();
      Map<Integer, Integer> seen = new HashMap<>();
      for (Object o : (List<?>) server.command("LRANGE", "ids", "0", "-1")) {
        seen.merge(Integer.parseInt(o.toString()), 1, Integer::sum);
      }
      assertThat(seen.values()).as("no write ran twice").allMatch(n -> n == 1);
      for (Map.Entry<Integer, Future<Response>> e : calls.entrySet()) {
        if (e.getValue().succeeded()) {
          assertThat(seen).containsKey(e.getKey());
        }
      }
      assertThat(succeeded).isPositive();
      await(gw.close());
    }
  }

  @Test
  void gatheredWritesStillTimeOutAndAreNotSentAgain(Vertx vertx, RedisServer server) {
    try (FaultProxy proxy = FaultProxy.start(vertx, server)) {
      Context ctx = vertx.getOrCreateContext();
      RedisGateway gw = gatewayOn(ctx, vertx, new RedisKitOptions().setEndpoint(proxy.uri())
        .setCommandTimeoutMs(300));
      proxy.blackhole();
      long start = System.nanoTime();
      List<Future<Response>> calls = inOneTurn(ctx, () -> {
        List<Future<Response>> out = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          out.add(gw.send(Request.cmd(Command.INCR).arg("t" + i)));
        }
        return out;
      });
      for (Future<Response> f : calls) {
        assertThat(failure(f)).isInstanceOf(RedisTimeoutException.class);
      }
      // 300 ms deadlines, answered by a tick of 30 ms; the bound is loose for a loaded 2-core machine.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
      proxy.pass();
      // The breaker opened on the timeouts: it lets a trial through after its reset timeout.
      Await.until(() -> settle(gw.send(Request.cmd(Command.PING))) == null, "the gateway answers again");
      for (int i = 0; i < 50; i++) {
        Object v = server.command("GET", "t" + i);
        assertThat(v == null ? 0 : Integer.parseInt(v.toString())).as("t" + i + " incremented at most once").isLessThanOrEqualTo(1);
      }
      await(gw.close());
    }
  }

  private static <T> Map<Integer, Future<T>> inOneTurnMap(Context ctx, Supplier<Map<Integer, Future<T>>> calls) {
    Promise<Map<Integer, Future<T>>> issued = Promise.promise();
    ctx.runOnContext(v -> issued.complete(calls.get()));
    return await(issued.future());
  }
}
