package dev.rediskit.web.impl;

import ch.qos.logback.classic.Level;
import dev.rediskit.test.LogCapture;
import dev.rediskit.web.HttpRateLimitPolicy;
import dev.rediskit.web.RateLimitHandler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Handlers that give one policy name two limits on one limiter are told that they share one quota. */
class PolicyNamesTest {

  static final HttpRateLimitPolicy LOGIN = HttpRateLimitPolicy.perIp("per-ip", 5, Duration.ofHours(1));
  static final HttpRateLimitPolicy SEARCH = HttpRateLimitPolicy.perIp("per-ip", 100, Duration.ofHours(1));

  @Test
  void aNameCountedWithAnotherLimitOnTheSameLimiterIsWarnedAboutOncePerChange() {
    Object limiter = new Object();
    try (LogCapture log = LogCapture.of(RateLimitHandler.class.getName())) {
      assertThat(PolicyNames.register(limiter, "default", List.of(LOGIN))).isEmpty();
      // The same limit again (routes sharing a quota, or a handler rebuilt as it was): nothing to say.
      assertThat(PolicyNames.register(limiter, "default", List.of(LOGIN))).isEmpty();
      assertThat(PolicyNames.register(limiter, "default", List.of(SEARCH))).singleElement().asString()
        .isEqualTo("rate limiter default: HTTP policy \"per-ip\" counts 100/1h here and 5/1h in another handler; the "
          + "name is the counter, so both decide on one quota (after one limit is spent the other rejects too): give "
          + "routes that need quotas of their own policies of their own names, or one limit to a shared name");
      assertThat(PolicyNames.register(limiter, "default", List.of(SEARCH))).as("said once per change").isEmpty();
      assertThat(PolicyNames.register(limiter, "default",
        List.of(HttpRateLimitPolicy.concurrent("per-ip", HttpRateLimitPolicy.KeyKind.IP, 3, Duration.ofSeconds(10)))))
        .singleElement().asString().contains("counts at most 3 in flight here and 100/1h in another handler");
      assertThat(log.messages(Level.WARN, "HTTP policy")).hasSize(2);
    }
  }

  @Test
  void namesAreTheirLimitersOwn() {
    assertThat(PolicyNames.register(new Object(), "a", List.of(LOGIN))).isEmpty();
    assertThat(PolicyNames.register(new Object(), "b", List.of(SEARCH))).isEmpty();
  }
}
