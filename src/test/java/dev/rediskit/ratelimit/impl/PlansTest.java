package dev.rediskit.ratelimit.impl;

import ch.qos.logback.classic.Level;
import dev.rediskit.ratelimit.Limit;
import dev.rediskit.ratelimit.RateLimitOptions;
import dev.rediskit.ratelimit.RateLimiter;
import dev.rediskit.ratelimit.RateLimits;
import dev.rediskit.test.LogCapture;
import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Plan limits that no resolver can ever apply are said once, not left silently unused. */
class PlansTest {

  static Plans plans(RateLimitOptions options) {
    return new Plans("api", 60_000, 100, new Counters("api", () -> 0), RateLimits.from(options));
  }

  @Test
  void planLimitsWithoutAResolverAreWarnedAboutAtTheFirstTokenOnceUntilAResolverIsSet() {
    Plans plans = plans(new RateLimitOptions().putPlanLimit("pro", Limit.parse("5/1m")));
    try (LogCapture log = LogCapture.of(RateLimiter.class.getName())) {
      assertThat(plans.plan(null).result()).isNull();
      assertThat(log.messages(Level.WARN, "")).as("no token, nothing to resolve").isEmpty();
      assertThat(plans.plan("t1").result()).isNull();
      assertThat(plans.plan("t2").result()).isNull();
      assertThat(plans.unresolved()).isFalse();
      assertThat(log.messages(Level.WARN, "")).singleElement().asString()
        .startsWith("rate limiter api: plan limits are set for [pro] but no plan resolver is")
        .contains("rateLimit.planAddress").contains("planResolver(...)");

      plans.resolver(token -> Future.succeededFuture("pro"));
      assertThat(plans.plan("t1").result()).isEqualTo("pro");
      assertThat(plans.unresolved()).as("a resolver is set").isFalse();
      // Taken away again: said again.
      plans.resolver(null);
      assertThat(plans.plan("t1").result()).isNull();
      assertThat(log.messages(Level.WARN, "no plan resolver")).hasSize(2);
    }
  }

  @Test
  void withoutPlanLimitsAMissingResolverIsNoProblem() {
    Plans plans = plans(new RateLimitOptions());
    try (LogCapture log = LogCapture.of(RateLimiter.class.getName())) {
      assertThat(plans.plan("t1").result()).isNull();
      assertThat(plans.unresolved()).isFalse();
      assertThat(log.messages(Level.WARN, "")).isEmpty();
    }
  }
}
