package dev.rediskit.ratelimit;

import dev.rediskit.ConfigurationException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateLimitOptionsTest {

  @Test
  void defaultsAreValid() {
    assertThat(new RateLimitOptions().problems()).isEmpty();
  }

  @Test
  void jsonRoundTrip() {
    RateLimitOptions o = new RateLimitOptions().setTimeoutMs(40).setFailurePolicy(RateLimitOptions.FailurePolicy.FAIL_CLOSED)
      .setLocalSharePercent(10).setDenyCacheSize(3);
    RateLimitOptions back = new RateLimitOptions(o.toJson());
    assertThat(back).usingRecursiveComparison().isEqualTo(o);
    assertThat(back.toJson()).isEqualTo(new JsonObject()
      .put("timeoutMs", 40L).put("failurePolicy", "FAIL_CLOSED").put("localSharePercent", 10).put("denyCacheSize", 3)
      .put("algorithm", "GCRA").put("shadowMode", false).put("endpointLimits", new JsonObject())
      .put("serviceLimits", new JsonObject()).put("ipv6PrefixLength", 64));
  }

  @Test
  void copyIsIndependent() {
    RateLimitOptions o = new RateLimitOptions();
    new RateLimitOptions(o).setFailurePolicy(RateLimitOptions.FailurePolicy.LOCAL);
    assertThat(o.getFailurePolicy()).isEqualTo(RateLimitOptions.DEFAULT_FAILURE_POLICY);
  }

  @Test
  void validateOnItsOwnReportsEveryProblemWithDottedKeys() {
    RateLimitOptions o = new RateLimitOptions(new JsonObject().put("failurePolicy", "open").put("timeoutMs", 0)
      .put("localSharePercent", 200));
    assertThatThrownBy(o::validate)
      .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems()).containsExactly(
        "rateLimit.failurePolicy: expected one of FAIL_OPEN, FAIL_CLOSED, LOCAL, was \"open\"",
        "rateLimit.timeoutMs: must be between 1 and 60000 ms, was 0",
        "rateLimit.localSharePercent: must be between 1 and 100 percent, was 200"));
  }
}
