package dev.rediskit.ratelimit;

import dev.rediskit.config.ConfigurationException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateLimitOptionsTest {

  /** Which settings were given is provenance, not a value: left out of field-by-field comparisons. */
  private static final String GIVEN = ".*([gG]iven|givenMaps).*";

  @Test
  void defaultsAreValid() {
    assertThat(new RateLimitOptions().problems()).isEmpty();
  }

  @Test
  void jsonRoundTrip() {
    RateLimitOptions o = new RateLimitOptions().setTimeoutMs(40).setFailurePolicy(RateLimitOptions.FailurePolicy.FAIL_CLOSED)
      .setLocalSharePercent(10).setDenyCacheSize(3);
    RateLimitOptions back = new RateLimitOptions(o.toJson());
    assertThat(back).usingRecursiveComparison().ignoringFieldsMatchingRegexes(GIVEN).isEqualTo(o);
    assertThat(back.toJson()).isEqualTo(new JsonObject()
      .put("timeoutMs", 40L).put("failurePolicy", "FAIL_CLOSED").put("localSharePercent", 10)
      .put("maxInFlight", 256).put("maxQueued", 10_000).put("denyCacheSize", 3)
      .put("algorithm", "GCRA").put("shadowMode", false)
      .put("defaultTokenLimit", "1000/1m").put("defaultIpLimit", "300/1m").put("defaultEndpointLimit", "none")
      .put("endpointLimits", new JsonObject())
      .put("serviceLimits", new JsonObject()).put("ipv6PrefixLength", 64)
      .put("runtimeLimits", false).put("limitsRefreshMs", 5_000L).put("adminAddresses", false).put("planAddress", "")
      .put("planCacheMs", 60_000L).put("planCacheSize", 10_000).put("planLimits", new JsonObject()));
  }

  @Test
  void runtimeLimitsAndPlansReadFromJson() {
    RateLimitOptions o = new RateLimitOptions(new JsonObject().put("runtimeLimits", true).put("limitsRefreshMs", "250").put("planLimits", new JsonObject().put("free", "100/1m").put("pro", "5000/1m")));
    assertThat(o.problems()).isEmpty();
    assertThat(o.isRuntimeLimits()).isTrue();
    assertThat(o.getLimitsRefreshMs()).isEqualTo(250);
    assertThat(o.getPlanLimits()).containsEntry("free", Limit.parse("100/1m")).containsEntry("pro", Limit.parse("5000/1m"));
    assertThat(new RateLimitOptions(o.toJson()).getPlanLimits()).isEqualTo(o.getPlanLimits());
    assertThat(RateLimits.from(o).plan("pro")).isEqualTo(Limit.parse("5000/1m"));
  }

  @Test
  void planAddressRoundTripsThroughJson() {
    RateLimitOptions o = new RateLimitOptions().setPlanAddress("accounts.plan").putPlanLimit("pro", Limit.parse("5/1m"));
    assertThat(o.getPlanAddress()).isEqualTo("accounts.plan");
    assertThat(o.toJson().getString("planAddress")).isEqualTo("accounts.plan");
    RateLimitOptions back = new RateLimitOptions(o.toJson());
    assertThat(back.problems()).isEmpty();
    assertThat(back.getPlanAddress()).isEqualTo("accounts.plan");
    assertThat(back).usingRecursiveComparison().ignoringFieldsMatchingRegexes(GIVEN).isEqualTo(o);
    assertThat(new RateLimitOptions().getPlanAddress()).isEqualTo(RateLimitOptions.DEFAULT_PLAN_ADDRESS).isEmpty();
    // Empty is the documented "none", written as such.
    assertThat(new RateLimitOptions(new JsonObject().put("planAddress", "")).problems()).isEmpty();
  }

  @Test
  void planAddressProblemsNameTheKeyAndTheReason() {
    assertThat(new RateLimitOptions(new JsonObject().put("planAddress", "accounts plan")).problems()).containsExactly(
      "rateLimit.planAddress: must not contain whitespace or control characters (at index 8), was \"accounts plan\"");
    assertThat(new RateLimitOptions(new JsonObject().put("planAddress", "a\u0001b")).problems()).singleElement()
      .asString().startsWith("rateLimit.planAddress: must not contain whitespace or control characters (at index 1)");
    assertThat(new RateLimitOptions(new JsonObject().put("planAddress", "x".repeat(257))).problems()).containsExactly(
      "rateLimit.planAddress: must be at most 256 characters, was 257");
    assertThat(new RateLimitOptions(new JsonObject().put("planAddress", 42)).problems()).singleElement()
      .asString().startsWith("rateLimit.planAddress: ");
    assertThatThrownBy(() -> new RateLimitOptions().setPlanAddress("a b"))
      .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("rateLimit.planAddress: must not contain whitespace");
    assertThatThrownBy(() -> new RateLimitOptions().setPlanAddress(null))
      .isInstanceOf(IllegalArgumentException.class).hasMessage("rateLimit.planAddress: must not be null (empty for no plan address)");
  }

  @Test
  void runtimeLimitProblemsAreReportedTogether() {
    RateLimitOptions o = new RateLimitOptions(new JsonObject().put("limitsRefreshMs", 10).put("adminAddresses", true)
      .put("planLimits", new JsonObject().put("pro", "lots")));
    assertThat(o.problems()).hasSize(2)
      .anySatisfy(p -> assertThat(p).startsWith("rateLimit.limitsRefreshMs: must be between 100 and 3600000"))
      .anySatisfy(p -> assertThat(p).startsWith("rateLimit.planLimits: entry \"pro\": limit: expected LIMIT/WINDOW"));
    // The admin addresses change stored limits, so they turn following them on.
    assertThat(o.isRuntimeLimits()).isTrue();
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

  @Test
  void limitsReadFromJsonInEveryForm() {
    RateLimitOptions o = new RateLimitOptions(new JsonObject()
      .put("defaultTokenLimit", "100/1m").put("defaultIpLimit", "10/1s;burst=20")
      .put("endpointLimits", new JsonObject()
        .put("/login", new JsonObject().put("token", "5/1m").put("ip", new JsonObject().put("limit", 20).put("windowMs", 60_000))))
      .put("serviceLimits", "{\"mailer\": \"50/1s\"}")
      .put("algorithm", "fixed-window").put("shadowMode", "true").put("ipv6PrefixLength", 56));
    assertThat(o.problems()).isEmpty();
    assertThat(o.getDefaultLimits()).isEqualTo(new EndpointLimits(Limit.parse("100/1m"), Limit.parse("10/1s;burst=20"), null));
    assertThat(o.getEndpointLimits().get("/login")).isEqualTo(new EndpointLimits(Limit.parse("5/1m"), Limit.parse("20/1m"), null));
    assertThat(o.getServiceLimits()).containsEntry("mailer", Limit.parse("50/1s"));
    assertThat(o.getAlgorithm()).isEqualTo(RateLimitOptions.Algorithm.FIXED_WINDOW);
    assertThat(o.isShadowMode()).isTrue();
    assertThat(o.getIpv6PrefixLength()).isEqualTo(56);
    assertThat(new RateLimitOptions(o.toJson())).usingRecursiveComparison().ignoringFieldsMatchingRegexes(GIVEN).isEqualTo(o);
    assertThat(o.toJson().getJsonObject("endpointLimits"))
      .isEqualTo(new JsonObject().put("/login", new JsonObject().put("token", "5/1m").put("ip", "20/1m")));
  }

  @Test
  void badLimitsAreReportedWithTheirEntry() {
    RateLimitOptions o = new RateLimitOptions(new JsonObject()
      .put("defaultIpLimit", "lots")
      .put("endpointLimits", new JsonObject()
        .put("/login", new JsonObject().put("ip", "0/1m"))
        .put("/search", new JsonObject().put("tokens", "5/1m"))
        .put("/x", "5/1m"))
      .put("serviceLimits", new JsonObject().put("mailer", "5/1w"))
      .put("ipv6PrefixLength", 0));
    assertThat(o.problems()).containsExactlyInAnyOrder(
      "rateLimit.defaultIpLimit: limit: expected LIMIT/WINDOW such as \"100/1m\", was \"lots\"",
      "rateLimit.endpointLimits: entry \"/login\": ip: limit: must be between 1 and 1000000000, was 0",
      "rateLimit.endpointLimits: entry \"/search\": tokens: unknown limit (expected token, ip, endpoint)",
      "rateLimit.endpointLimits: entry \"/x\": limits: expected an object {token?, ip?, endpoint?}, was \"5/1m\"",
      "rateLimit.serviceLimits: entry \"mailer\": limit: expected LIMIT/WINDOW[;burst=N] with whole numbers, such as \"100/1m\", was \"5/1w\"",
      "rateLimit.ipv6PrefixLength: must be between 1 and 128 bits, was 0");
  }

  @Test
  void theSlidingWindowRefusesLimitsItCannotCountExactly() {
    RateLimitOptions o = new RateLimitOptions().setAlgorithm(RateLimitOptions.Algorithm.SLIDING_WINDOW)
      .putServiceLimit("huge", Limit.parse("1000000000/1d"));
    assertThat(o.problems()).containsExactly("rateLimit.serviceLimits: entry \"huge\": 1000000000/1d: limit: limit * windowMs must be at most"
      + " 2^51 for SLIDING_WINDOW, was 1000000000 * 86400000");
    // Each entry named, as the other problems of a map of limits are: three alike are told apart.
    assertThat(new RateLimitOptions().setAlgorithm(RateLimitOptions.Algorithm.SLIDING_WINDOW)
      .putEndpointLimits("/big", new EndpointLimits(null, null, Limit.parse("1000000000/1d"))).problems())
      .containsExactly("rateLimit.endpointLimits: entry \"/big\": endpoint: 1000000000/1d: limit: limit * windowMs must be at most"
        + " 2^51 for SLIDING_WINDOW, was 1000000000 * 86400000");
    assertThat(o.setAlgorithm(RateLimitOptions.Algorithm.GCRA).problems()).isEmpty();
  }

  @Test
  void settersRefuseBadNames() {
    assertThatThrownBy(() -> new RateLimitOptions().putEndpointLimits("", EndpointLimits.NONE))
      .isInstanceOf(IllegalArgumentException.class).hasMessage("rateLimit.endpointLimits: name: must not be empty");
  }

  @Test
  void toGivenJsonHoldsWhatWasGivenWhateverItsValue() {
    assertThat(new RateLimitOptions().toGivenJson()).isEmpty();
    RateLimitOptions o = new RateLimitOptions().setShadowMode(false).setDefaultEndpointLimit(null)
      .putServiceLimit("mailer", Limit.parse("5/1m")).setPlanLimits(java.util.Map.of());
    JsonObject given = new JsonObject().put("shadowMode", false).put("defaultEndpointLimit", "none")
      .put("serviceLimits", new JsonObject().put("mailer", "5/1m")).put("planLimits", new JsonObject());
    assertThat(o.toGivenJson()).isEqualTo(given);
    assertThat(new RateLimitOptions(o).toGivenJson()).isEqualTo(given);
    // The JSON constructor: every key it held, defaults and empty objects included.
    JsonObject json = new JsonObject().put("shadowMode", false).put("timeoutMs", RateLimitOptions.DEFAULT_TIMEOUT_MS)
      .put("endpointLimits", new JsonObject());
    assertThat(new RateLimitOptions(json).toGivenJson()).isEqualTo(json);
    RateLimitOptions all = new RateLimitOptions(new RateLimitOptions().toJson());
    assertThat(all.toGivenJson()).isEqualTo(new RateLimitOptions().toJson());
  }
}
