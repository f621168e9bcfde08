package dev.rediskit.ratelimit.impl;

import dev.rediskit.error.RedisTimeoutException;
import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.ratelimit.Decision;
import dev.rediskit.ratelimit.Decision.Source;
import dev.rediskit.ratelimit.Limit;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admission queue alone: Redis is a fake whose replies the test completes, so each step
 * (sent, queued, rejected, expired) is seen as it happens, on the test's thread.
 */
class AdmissionTest {

  private static final Limit LIMIT = Limit.of(10, 1_000);
  private static final long LONG_AGO_FROM_NOW = TimeUnit.SECONDS.toNanos(60);

  /** Records what admission asks of the limiter, and answers like it would, without Redis. */
  private static final class FakeDecider implements Admission.Decider {
    final Map<Call, Promise<Response>> atRedis = new LinkedHashMap<>();
    final Set<String> blocked = new HashSet<>();
    final List<Throwable> fallbacks = new ArrayList<>();
    int finished;

    @Override
    public Decision cached(Call call) {
      return blocked.contains(call.keys[0])
        ? Decisions.rejectedFor(call.limits[0], 5, call.policies[0], Source.DENY_CACHE)
        : null;
    }

    @Override
    public Future<Response> eval(Call call) {
      Promise<Response> p = Promise.promise();
      atRedis.put(call, p);
      return p.future();
    }

    @Override
    public Decision answer(Call call, AsyncResult<Response> reply) {
      return reply.succeeded()
        ? Decisions.fromRedis(true, call.limits[0], 9, 100, 0, call.policies[0])
        : fallback(call, reply.cause());
    }

    @Override
    public Decision fallback(Call call, Throwable cause) {
      fallbacks.add(cause);
      return Decisions.of(false, Decisions.rejectedFor(call.limits[0], 1_000, call.policies[0], Source.FALLBACK),
        Source.FALLBACK, null, cause);
    }

    @Override
    public Decision finish(Decision decision) {
      finished++;
      return decision;
    }

    void reply(Call call) {
      atRedis.get(call).complete(null);
    }
  }

  private final FakeDecider decider = new FakeDecider();
  /** The gateway's count of replies received: a test moves it to play a Redis that keeps answering. */
  private final long[] replies = {0};

  private static Call call(String key) {
    Limit[] limits = {LIMIT};
    return new Call(new String[] {key}, limits, new String[] {"check"}, 1, false, new FixedWindowScript());
  }

  /** One place at Redis, one in the queue; the limiter's timeout shorter than the gateway's when {@code own}. */
  private Admission admission(boolean own) {
    return new Admission("test", 1, 1, 500, own ? 5_000 : 500, () -> replies[0], decider);
  }

  @Test
  void aFullQueueRejectsAsOverloadedWithoutAskingRedis() {
    Admission a = admission(true);
    Future<Decision> first = a.admit(call("a"));
    Future<Decision> second = a.admit(call("b"));
    Future<Decision> third = a.admit(call("c"));
    assertThat(decider.atRedis).hasSize(1);
    assertThat(first.isComplete()).isFalse();
    assertThat(second.isComplete()).isFalse();
    Decision rejected = third.result();
    assertThat(rejected.allowed()).isFalse();
    assertThat(rejected.source()).isEqualTo(Source.OVERLOADED);
    assertThat(rejected.retryAfterMs()).isEqualTo(Admission.OVERLOADED_RETRY_MS);
    assertThat(decider.finished).isEqualTo(1);
    assertThat(decider.fallbacks).isEmpty();
  }

  @Test
  void aReplyFreesThePlaceForTheNextWaitingCall() {
    for (boolean own : new boolean[] {true, false}) {
      decider.atRedis.clear();
      Admission a = admission(own);
      Call first = call("a");
      Call second = call("b");
      Future<Decision> f1 = a.admit(first);
      Future<Decision> f2 = a.admit(second);
      assertThat(decider.atRedis.keySet()).containsExactly(first);
      decider.reply(first);
      assertThat(f1.result().source()).as("own deadlines: %s", own).isEqualTo(Source.REDIS);
      assertThat(decider.atRedis.keySet()).containsExactly(first, second);
      decider.reply(second);
      assertThat(f2.result().source()).isEqualTo(Source.REDIS);
    }
  }

  @Test
  void aWaitingCallAsksTheDenyCacheAgainWhenItsTurnComes() {
    Admission a = admission(true);
    Call first = call("a");
    Future<Decision> f1 = a.admit(first);
    Future<Decision> f2 = a.admit(call("hot"));
    // Meanwhile Redis rejected "hot" for another caller.
    decider.blocked.add("hot");
    decider.reply(first);
    assertThat(f1.result().source()).isEqualTo(Source.REDIS);
    assertThat(f2.result().source()).isEqualTo(Source.DENY_CACHE);
    assertThat(decider.atRedis).hasSize(1);
  }

  @Test
  void aCallWaitingPastTheTimeoutIsRejectedAsOverloaded() {
    Admission a = admission(false);
    a.admit(call("a"));
    Future<Decision> waiting = a.admit(call("b"));
    a.tick(System.nanoTime());
    assertThat(waiting.isComplete()).isFalse();
    a.tick(System.nanoTime() + LONG_AGO_FROM_NOW);
    assertThat(waiting.result().source()).isEqualTo(Source.OVERLOADED);
    assertThat(decider.fallbacks).isEmpty();
  }

  @Test
  void withDeadlinesOfItsOwnASlowReplyGoesToTheFailurePolicyAndStillFreesItsPlace() {
    Admission a = admission(true);
    Call slow = call("a");
    Future<Decision> f1 = a.admit(slow);
    Future<Decision> f2 = a.admit(call("b"));
    long later = System.nanoTime() + LONG_AGO_FROM_NOW;
    a.tick(later);
    assertThat(f1.result().source()).isEqualTo(Source.FALLBACK);
    assertThat(decider.fallbacks).singleElement().isInstanceOf(RedisTimeoutException.class);
    // The queued call also waited too long: the same tick rejects it.
    assertThat(f2.result().source()).isEqualTo(Source.OVERLOADED);
    // The late reply is ignored but frees the place: the next call goes to Redis at once.
    decider.reply(slow);
    assertThat(f1.result().source()).isEqualTo(Source.FALLBACK);
    Call next = call("c");
    a.admit(next);
    assertThat(decider.atRedis).containsKey(next);
  }

  @Test
  void withDeadlinesOfItsOwnALateReplyWhileRedisKeepsAnsweringWaitsOneMoreTimeout() {
    Admission a = admission(true);
    Call late = call("a");
    Future<Decision> f = a.admit(late);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
    // Redis answers other commands of the gateway meanwhile: this call's reply is behind them.
    replies[0] += 40;
    a.tick(deadline + TimeUnit.MILLISECONDS.toNanos(100));
    assertThat(f.isComplete()).as("past its deadline while Redis answers").isFalse();
    decider.reply(late);
    assertThat(f.result().source()).isEqualTo(Source.REDIS);
    assertThat(decider.fallbacks).isEmpty();
  }

  @Test
  void withDeadlinesOfItsOwnALateReplyWaitsNoLongerThanOneMoreTimeout() {
    Admission a = admission(true);
    Future<Decision> f = a.admit(call("a"));
    long t = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_050);
    replies[0] += 40;
    // Replies still come, but the call is past its deadline plus one more timeout.
    a.tick(t);
    assertThat(f.result().source()).isEqualTo(Source.FALLBACK);
    assertThat(decider.fallbacks).singleElement().isInstanceOf(RedisTimeoutException.class);
  }

  @Test
  void withDeadlinesOfItsOwnRepliesThatStoppedLongBeforeTheDeadlineLeaveItToTheFailurePolicy() {
    Admission a = admission(true);
    Future<Decision> f = a.admit(call("a"));
    long t = System.nanoTime();
    replies[0] += 3;
    a.tick(t);
    assertThat(f.isComplete()).isFalse();
    // No reply since: at the deadline Redis has been silent for longer than half the timeout.
    a.tick(t + LONG_AGO_FROM_NOW);
    assertThat(f.result().source()).isEqualTo(Source.FALLBACK);
    assertThat(decider.fallbacks).singleElement().isInstanceOf(RedisTimeoutException.class);
  }

  @Test
  void withTheGatewaysDeadlineTheTickLeavesSentCallsAlone() {
    Admission a = admission(false);
    Future<Decision> sent = a.admit(call("a"));
    a.tick(System.nanoTime() + LONG_AGO_FROM_NOW);
    assertThat(sent.isComplete()).isFalse();
    assertThat(decider.fallbacks).isEmpty();
  }

  @Test
  void closingAnswersTheWaitingCallsWithTheFailurePolicy() {
    Admission a = admission(true);
    a.admit(call("a"));
    Future<Decision> waiting = a.admit(call("b"));
    a.close();
    assertThat(waiting.result().source()).isEqualTo(Source.FALLBACK);
    assertThat(decider.fallbacks).singleElement().isInstanceOfSatisfying(RedisUnavailableException.class,
      e -> assertThat(e.reason()).isEqualTo(RedisUnavailableException.Reason.CLOSED));
  }

  @Test
  void theTickRunsAtATenthOfTheTimeoutWithinFiveToFiftyMs() {
    assertThat(Admission.tickMs(10)).isEqualTo(5);
    assertThat(Admission.tickMs(200)).isEqualTo(20);
    assertThat(Admission.tickMs(10_000)).isEqualTo(50);
  }
}
