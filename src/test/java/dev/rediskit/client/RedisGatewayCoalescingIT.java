package dev.rediskit.client;

import dev.rediskit.error.RedisCommandException;
import dev.rediskit.RedisKitOptions;
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

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static dev.rediskit.test.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads issued in one event-loop turn are written together: every caller still gets its own
 * answer (an error reply for one read does not fail the others) and the pipeline keeps call order.
 */
@IntegrationTest
class RedisGatewayCoalescingIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  /** A gateway created on {@code ctx}, so that tasks run on {@code ctx} take its fast path. */
  private static RedisGateway gatewayOn(Context ctx, Vertx vertx, RedisServer server) {
    Promise<RedisGateway> created = Promise.promise();
    ctx.runOnContext(v -> RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(server.uri())).ready().onComplete(created));
    return await(created.future());
  }

  /** Runs {@code calls} in one task on {@code ctx}, as an event-bus consumer would. */
  private static <T> List<Future<T>> inOneTurn(Context ctx, Supplier<List<Future<T>>> calls) {
    Promise<List<Future<T>>> issued = Promise.promise();
    ctx.runOnContext(v -> issued.complete(calls.get()));
    return await(issued.future());
  }

  @Test
  void anErrorReplyFailsOnlyItsOwnRead(Vertx vertx, RedisServer server) {
    Context ctx = vertx.getOrCreateContext();
    RedisGateway gw = gatewayOn(ctx, vertx, server);
    for (int i = 0; i < 20; i++) {
      server.command("SET", "k" + i, "v" + i);
    }
    server.command("DEL", "k7");
    server.command("HSET", "k7", "f", "x");   // GET on a hash answers WRONGTYPE
    List<Future<Response>> gets = inOneTurn(ctx, () -> {
      List<Future<Response>> out = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        out.add(gw.send(Request.cmd(Command.GET).arg("k" + i)));
      }
      return out;
    });
    for (int i = 0; i < 20; i++) {
      Future<Response> f = gets.get(i);
      f.toCompletionStage().toCompletableFuture().handle((r, e) -> null).join();
      if (i == 7) {
        assertThat(f.cause()).isInstanceOf(RedisCommandException.class).hasMessageContaining("WRONGTYPE");
      } else {
        assertThat(f.result().toString()).isEqualTo("v" + i);
      }
    }
    await(gw.close());
  }

  @Test
  void readsAndWritesOfOneTurnKeepTheirOrder(Vertx vertx, RedisServer server) {
    Context ctx = vertx.getOrCreateContext();
    RedisGateway gw = gatewayOn(ctx, vertx, server);
    server.command("SET", "o", "old");
    List<Future<Response>> calls = inOneTurn(ctx, () -> List.of(
      gw.send(Request.cmd(Command.GET).arg("o")),
      gw.send(Request.cmd(Command.SET).arg("o").arg("new")),
      gw.send(Request.cmd(Command.GET).arg("o")),
      gw.send(Request.cmd(Command.DEL).arg("o")),
      gw.send(Request.cmd(Command.EXISTS).arg("o"))));
    assertThat(await(calls.get(0)).toString()).isEqualTo("old");
    assertThat(await(calls.get(1)).toString()).isEqualTo("OK");
    assertThat(await(calls.get(2)).toString()).isEqualTo("new");
    assertThat(await(calls.get(3)).toInteger()).isEqualTo(1);
    assertThat(await(calls.get(4)).toInteger()).isZero();
    await(gw.close());
  }
}
