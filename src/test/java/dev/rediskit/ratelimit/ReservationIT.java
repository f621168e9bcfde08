package dev.rediskit.ratelimit;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.ratelimit.Decision.Source;
import dev.rediskit.ratelimit.RateLimitOptions.Algorithm;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Reservations on a real Redis: a request whose slot is close waits for it without blocking, one
 * booked slot per emission interval, exactly as many as the limit's arithmetic allows, and a second
 * instance sharing the key sees the same budget.
 */
@IntegrationTest
class ReservationIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  /** Generous: the machine is shared with other builds, a timer may fire late by this much. */
  static final long LATE_MS = 1_500;

  @RegisterExtension
  final Instances instances = new Instances(Duration.ofSeconds(60));

  static <T> T await(Future<T> f) {
    return dev.rediskit.test.Futures.join(f, java.time.Duration.ofSeconds(60));
  }

  private RateLimiter limiter(RateLimitOptions options) {
    Vertx vertx = instances.newVertx();
    RedisGateway gateway = instances.gateway(vertx, new RedisKitOptions().setEndpoint(redis.server().uri())
      .setCommandTimeoutMs(30_000).setConnectTimeoutMs(20_000));
    return RateLimiter.create(vertx, gateway, "reserve", options);
  }

  private static long redisMicros() {
    List<?> t = (List<?>) redis.server().command("TIME");
    return Long.parseLong(t.get(0).toString()) * 1_000_000 + Long.parseLong(t.get(1).toString());
  }

  private record Outcome(Decision decision, long completedMs) {
  }

  @Test
  void aHundredCallsOnTenPerSecondWithFiveSecondsToWait() {
    RateLimiter a = limiter(new RateLimitOptions().setTimeoutMs(30_000));
    RateLimiter b = limiter(new RateLimitOptions().setTimeoutMs(30_000));
    Limit tenPerSecond = Limit.parse("10/1s;burst=10");
    long t0 = redisMicros();
    long start = System.nanoTime();
    List<Future<Outcome>> all = new ArrayList<>();
    java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();
    for (int i = 0; i < 100; i++) {
      all.add(a.check("reports", tenPerSecond, 1, Duration.ofSeconds(5))
        .map(d -> new Outcome(d, (System.nanoTime() - start) / 1_000_000))
        .onComplete(ar -> {
          if (ar.failed() || ar.result().decision.waitedMs() == 0) {
            answered.incrementAndGet();
          }
        }));
    }
    // Every call has been decided once those answered without a wait and the booked ones (counted when
    // Redis' reply arrives, before their wait) make 100.
    dev.rediskit.test.Await.until(() -> answered.get() + a.stats().toJson().getLong("reserved") == 100, "all 100 decided");
    long t1 = redisMicros();

    // A second instance shares the key's budget: nothing is left now, and its own booking queues after
    // the others', about 5.1 s after the burst began.
    Decision now = await(b.check("reports", tenPerSecond, 1, null));
    assertThat(now.allowed()).isFalse();
    assertThat(now.retryAfterMs()).isGreaterThan(4_000);
    long tb = redisMicros();
    Future<Decision> later = b.check("reports", tenPerSecond, 1, Duration.ofSeconds(10));

    await(Future.all(all));
    List<Outcome> outcomes = all.stream().map(Future::result).toList();
    List<Outcome> atOnce = outcomes.stream().filter(o -> o.decision.allowed() && o.decision.waitedMs() == 0).toList();
    List<Outcome> waited = outcomes.stream().filter(o -> o.decision.allowed() && o.decision.waitedMs() > 0).toList();
    List<Outcome> denied = outcomes.stream().filter(o -> !o.decision.allowed()).toList();
    assertThat(outcomes).allMatch(o -> o.decision.source() == Source.REDIS || o.decision.source() == Source.DENY_CACHE);
    assertThat(atOnce).hasSize(10);
    // The arithmetic: one slot every 100 ms after the burst of 10, booked while it is at most 5 s away.
    // The burst reached Redis over (t1 - t0): each 100 ms of that brings one more slot within reach.
    long spreadSlots = (t1 - t0 + 99_999) / 100_000;
    assertThat(waited.size()).isBetween(50, 50 + (int) spreadSlots);
    assertThat(atOnce.size() + waited.size() + denied.size()).isEqualTo(100);
    assertThat(a.stats().toJson().getLong("reserved")).isEqualTo(waited.size());

    // The booked slots are 100 ms apart in Redis time: the k-th is k x 100 ms after the burst's first
    // call. Each wait counts from its own call's Redis time, somewhere in [t0, t1], so the k-th
    // shortest wait is k x 100 ms, give or take the burst's spread.
    List<Long> waits = new ArrayList<>(waited.stream().map(o -> o.decision.waitedMs()).toList());
    Collections.sort(waits);
    long spreadMs = (t1 - t0 + 999) / 1000;
    for (int k = 1; k <= waits.size(); k++) {
      assertThat(waits.get(k - 1)).as("the wait of slot %d", k).isBetween(k * 100L - spreadMs - 1, k * 100L + spreadMs + 1);
    }
    assertThat(waits.get(waits.size() - 1)).isLessThanOrEqualTo(5_000L);
    // Each request completed no earlier than its slot and within a generous bound of it.
    for (Outcome o : waited) {
      assertThat(o.completedMs).as("completed no earlier than its slot").isGreaterThanOrEqualTo(o.decision.waitedMs());
      assertThat(o.completedMs).as("completed within a generous bound of its slot").isLessThan(o.decision.waitedMs() + LATE_MS);
    }
    // The rest were denied at once: the first of them came back before the first booked slot was due.
    long firstDenied = denied.stream().mapToLong(o -> o.completedMs).min().orElseThrow();
    assertThat(firstDenied).isLessThan(waits.get(0) + LATE_MS);
    assertThat(denied).allMatch(o -> o.decision.retryAfterMs() > 4_000);
    System.out.printf("reservations: %d at once, %d booked (slots %d..%d ms, completed %d..%d ms after the burst), %d denied "
        + "(the last answered after %d ms); the burst spread over %d us of Redis time%n",
      atOnce.size(), waited.size(), waits.get(0), waits.get(waits.size() - 1),
      waited.stream().mapToLong(o -> o.completedMs).min().orElseThrow(),
      waited.stream().mapToLong(o -> o.completedMs).max().orElseThrow(), denied.size(),
      denied.stream().mapToLong(o -> o.completedMs).max().orElseThrow(), t1 - t0);

    Decision booked = await(later);
    assertThat(booked.allowed()).isTrue();
    // Its slot is 5.1 s after the burst's first call, which came at t0 or later; it asked at tb or earlier.
    assertThat(booked.waitedMs()).isGreaterThanOrEqualTo(5_100 - (tb - t0 + 999) / 1000 - 1);
    System.out.printf("second instance: refused now (retry in %d ms), booked %d ms ahead%n", now.retryAfterMs(),
      booked.waitedMs());
  }

  @Test
  void theDenyCacheNeverDeniesACallThatCouldStillReserve() {
    RateLimiter l = limiter(new RateLimitOptions());
    // One unit every 2 s: slow enough that the machine's pauses cannot give a unit back between the calls.
    Limit twoPerSecond = Limit.parse("2/4s");
    assertThat(await(l.check("dc", twoPerSecond, 1, null)).allowed()).isTrue();
    assertThat(await(l.check("dc", twoPerSecond, 1, null)).allowed()).isTrue();
    // Rejected by Redis: the deny cache now knows the key for about 2 s.
    Decision rejected = await(l.check("dc", twoPerSecond, 1, null));
    assertThat(rejected.allowed()).isFalse();
    assertThat(rejected.source()).isEqualTo(Source.REDIS);
    assertThat(await(l.check("dc", twoPerSecond, 1, null)).source()).isEqualTo(Source.DENY_CACHE);
    // A call that may wait longer than the entry has left goes to Redis and books its slot.
    Decision booked = await(l.check("dc", twoPerSecond, 1, Duration.ofSeconds(4)));
    assertThat(booked.allowed()).isTrue();
    assertThat(booked.source()).isEqualTo(Source.REDIS);
    assertThat(booked.waitedMs()).isBetween(1L, 2_000L);
  }

  @Test
  void reservationsAndPlainChecksOfAKeyShareOneBudget() {
    RateLimiter l = limiter(new RateLimitOptions().setDenyCacheSize(0));
    // One unit every 2.5 s: no unit comes back between the calls, however slow the machine.
    Limit limit = Limit.parse("4/10s");
    for (int i = 0; i < 4; i++) {
      assertThat(await(l.check("mixed", limit, 1, i % 2 == 0 ? null : Duration.ofMillis(1))).waitedMs()).isZero();
    }
    Decision booked = await(l.check("mixed", limit, 1, Duration.ofSeconds(5)));
    assertThat(booked.allowed()).isTrue();
    assertThat(booked.waitedMs()).isBetween(1L, 2_500L);
    // The booked slot is gone for a plain check made right after it was due.
    assertThat(await(l.check("mixed", limit, 1, null)).allowed()).isFalse();
  }

  @Test
  void badWaitsAreRefusedNamingTheField() {
    RateLimiter l = limiter(new RateLimitOptions());
    assertThatThrownBy(() -> await(l.check("k", Limit.parse("1/1s"), 1, Duration.ofMillis(-1))))
      .isInstanceOf(InvalidRequestException.class).hasMessage("maxWait: must be between 0 and 3600000 (1 hour), was -1");
    assertThatThrownBy(() -> await(l.check("k", Limit.parse("1/1s"), 1, Duration.ofHours(2))))
      .isInstanceOf(InvalidRequestException.class).hasMessageStartingWith("maxWait: must be between 0 and 3600000");
    // Past a long of milliseconds either way: a failed future naming the field, never a throw at the caller.
    assertThat(dev.rediskit.test.Futures.failure(l.check("k", Limit.parse("1/1s"), 1, Duration.ofSeconds(Long.MAX_VALUE))))
      .isInstanceOf(InvalidRequestException.class).hasMessageStartingWith("maxWait: must be between 0 and 3600000");
    assertThat(dev.rediskit.test.Futures.failure(l.check("k", Limit.parse("1/1s"), 1, Duration.ofSeconds(Long.MIN_VALUE))))
      .isInstanceOf(InvalidRequestException.class).hasMessageStartingWith("maxWait: must be between 0 and 3600000");
    assertThat(dev.rediskit.test.Futures.failure(l.check("k", 5, Duration.ofSeconds(Long.MIN_VALUE))))
      .isInstanceOf(InvalidRequestException.class).hasMessage("window: must be > 0, was -9223372036854775808 ms");
    assertThat(dev.rediskit.test.Futures.failure(l.verifyAndLimit("t", "10.0.0.1", "/x", Duration.ofSeconds(Long.MIN_VALUE))))
      .isInstanceOf(InvalidRequestException.class).hasMessage("window: must be > 0, was -9223372036854775808 ms");
    RateLimiter fixed = limiter(new RateLimitOptions().setAlgorithm(Algorithm.FIXED_WINDOW));
    assertThatThrownBy(() -> await(fixed.check("k", Limit.parse("1/1s"), 1, Duration.ofSeconds(1))))
      .isInstanceOf(InvalidRequestException.class)
      .hasMessage("maxWait: reservations need the GCRA algorithm, this limiter uses FIXED_WINDOW");
    assertThat(await(fixed.check("k", Limit.parse("1/1s"), 1, Duration.ZERO)).allowed()).isTrue();
  }
}
