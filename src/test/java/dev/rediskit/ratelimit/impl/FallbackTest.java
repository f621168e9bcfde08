package dev.rediskit.ratelimit.impl;

import dev.rediskit.error.RedisTimeoutException;
import dev.rediskit.ratelimit.Decision;
import dev.rediskit.ratelimit.Decision.Source;
import dev.rediskit.ratelimit.Limit;
import dev.rediskit.ratelimit.RateLimitOptions.FailurePolicy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The three failure policies, deciding calls Redis could not, without Redis. */
class FallbackTest {

  /** One unit per 6 minutes: the in-memory GCRA runs on the real clock, and no test run lasts that long. */
  private static final Limit LIMIT = Limit.of(10, 3_600_000);
  private static final Throwable CAUSE = new RedisTimeoutException("too slow");

  private final Counters counters = new Counters("test", () -> 0);

  private Fallback fallback(FailurePolicy policy) {
    return new Fallback("test", policy, 100, 100, counters,
      AccessProbe.refusal("rate limiter test", policy, "+evalsha", new dev.rediskit.client.PermissionRefusals()));
  }

  private static Call call(String key, long cost) {
    Limit[] limits = {LIMIT};
    return new Call(new String[] {key}, limits, new String[] {"check"}, cost, false, new FixedWindowScript());
  }

  @Test
  void failOpenLetsThroughAsIfTheQuotaWereFull() {
    Decision d = fallback(FailurePolicy.FAIL_OPEN).decide(call("k", 3), CAUSE);
    assertThat(d.allowed()).isTrue();
    assertThat(d.remaining()).isEqualTo(7);
    assertThat(d.source()).isEqualTo(Source.FALLBACK);
    assertThat(d.failure()).isSameAs(CAUSE);
  }

  @Test
  void failClosedRejectsForASecond() {
    Decision d = fallback(FailurePolicy.FAIL_CLOSED).decide(call("k", 1), CAUSE);
    assertThat(d.allowed()).isFalse();
    assertThat(d.retryAfterMs()).isEqualTo(Fallback.FAIL_CLOSED_RETRY_MS);
    assertThat(d.source()).isEqualTo(Source.FALLBACK);
    assertThat(d.failure()).isSameAs(CAUSE);
  }

  @Test
  void localDecidesEachKeyInMemory() {
    Fallback f = fallback(FailurePolicy.LOCAL);
    for (int i = 0; i < 10; i++) {
      assertThat(f.decide(call("k", 1), CAUSE).allowed()).as("request %d", i).isTrue();
    }
    Decision eleventh = f.decide(call("k", 1), CAUSE);
    assertThat(eleventh.allowed()).isFalse();
    // At most one emission interval, less whatever the real clock moved since the burst.
    assertThat(eleventh.retryAfterMs()).isPositive().isLessThanOrEqualTo(360_000);
    assertThat(eleventh.source()).isEqualTo(Source.FALLBACK);
    assertThat(f.decide(call("other", 1), CAUSE).allowed()).isTrue();
  }

  @Test
  void theSwitchToThePolicyIsCountedOnce() {
    Fallback f = fallback(FailurePolicy.FAIL_OPEN);
    f.decide(call("k", 1), CAUSE);
    f.decide(call("k", 1), CAUSE);
    assertThat(counters.switchesToFallback()).isEqualTo(1);
    assertThat(counters.fallbackActive()).isTrue();
  }
}
