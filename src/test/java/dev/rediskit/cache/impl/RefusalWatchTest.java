package dev.rediskit.cache.impl;

import dev.rediskit.client.PermissionRefusals;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.error.RedisCommandException;
import dev.rediskit.error.RedisPermissionException;
import dev.rediskit.error.RedisTimeoutException;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cache's watch over its gateway: a refused call reports the cache on the board, and the report stands until
 * every kind of call refused meanwhile has been served again. The gateway here answers from a script of outcomes
 * (no Redis: what is watched is the outcome, not how Redis came to it; AclRefusalIT runs it against a real server).
 */
class RefusalWatchTest {

  static final RedisPermissionException NO_GET = new RedisPermissionException(
    "GET: NOPERM this user has no permissions to run the 'get' command", null);

  private final PermissionRefusals board = new PermissionRefusals();
  private final Deque<Future<Object>> outcomes = new ArrayDeque<>();

  private RedisGateway scripted() {
    return (RedisGateway) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {RedisGateway.class},
      (proxy, method, args) -> switch (method.getName()) {
        case "refusals" -> board;
        case "send", "batch", "eval" -> outcomes.removeFirst();
        default -> throw new UnsupportedOperationException(method.getName());
      });
  }

  @Test
  void aRefusalStandsUntilEachRefusedKindOfCallIsServedAgain() {
    RefusalWatch watch = new RefusalWatch(scripted(), "+get");
    outcomes.add(Future.succeededFuture(null));
    watch.send(Request.cmd(Command.GET).arg("k"));
    assertThat(board.standing()).as("nothing refused").isEmpty();

    outcomes.add(Future.failedFuture(NO_GET));
    watch.send(Request.cmd(Command.GET).arg("k"));
    assertThat(board.standing()).containsOnlyKeys("cache");
    assertThat(board.standing().get("cache")).contains("the command GET").contains("grant the ACL user +get");

    outcomes.add(Future.succeededFuture(null));
    watch.send(Request.cmd(Command.SET).arg("k").arg("v"));
    assertThat(watch.refusal().standing()).as("a write served says nothing of the refused reads").isTrue();

    outcomes.add(Future.succeededFuture(List.of()));
    watch.batch(List.of(Request.cmd(Command.MGET).arg("k")));
    assertThat(watch.refusal().standing()).isTrue();

    outcomes.add(Future.succeededFuture(null));
    watch.send(Request.cmd(Command.GET).arg("k"));
    assertThat(watch.refusal().standing()).isFalse();
    assertThat(board.standing()).isEmpty();
  }

  @Test
  void aRefusalWrappedByAnotherFailureCountsAndOtherFailuresDoNot() {
    RefusalWatch watch = new RefusalWatch(scripted(), "+get");
    outcomes.add(Future.failedFuture(new RedisTimeoutException("GET did not complete within 1000 ms")));
    watch.send(Request.cmd(Command.GET).arg("k"));
    outcomes.add(Future.failedFuture(new RedisCommandException("WRONGTYPE Operation against a key", null)));
    watch.send(Request.cmd(Command.GET).arg("k"));
    assertThat(board.standing()).as("no refusal").isEmpty();

    outcomes.add(Future.failedFuture(new RedisCommandException("batch failed", NO_GET)));
    watch.batch(List.of(Request.cmd(Command.MGET).arg("k")));
    assertThat(board.standing()).containsOnlyKeys("cache");
    assertThat(RefusalWatch.permission(new RuntimeException(new RuntimeException(NO_GET)))).isSameAs(NO_GET);
    assertThat(RefusalWatch.permission(new RuntimeException("x"))).isNull();
  }
}
