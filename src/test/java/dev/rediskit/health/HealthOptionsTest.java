package dev.rediskit.health;

import dev.rediskit.config.ConfigurationException;
import dev.rediskit.RedisKitOptions;
import dev.rediskit.metrics.MetricsOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HealthOptionsTest {

  /** Which settings were given is provenance, not a value: left out of field-by-field comparisons. */
  private static final String GIVEN = ".*([gG]iven|givenMaps).*";

  @Test
  void defaultsAreValid() {
    assertThat(new HealthOptions().problems()).isEmpty();
    assertThat(new MetricsOptions().problems()).isEmpty();
  }

  @Test
  void jsonRoundTrip() {
    HealthOptions o = new HealthOptions().setTimeoutMs(300).setSlowPingMs(5).setDetail(HealthOptions.Detail.MINIMAL)
      .setPath("/ops/health").setRedisPath("/ops/redis").setMaxRequestsPerSecond(7);
    HealthOptions back = new HealthOptions(o.toJson());
    assertThat(back).usingRecursiveComparison().ignoringFieldsMatchingRegexes(GIVEN).isEqualTo(o);
    assertThat(back.toJson()).isEqualTo(new JsonObject().put("timeoutMs", 300L).put("slowPingMs", 5L)
      .put("detail", "MINIMAL").put("path", "/ops/health").put("redisPath", "/ops/redis").put("maxRequestsPerSecond", 7L));

    MetricsOptions m = new MetricsOptions().setPath("/prom").setHealthProbeIntervalMs(0);
    assertThat(new MetricsOptions(m.toJson())).usingRecursiveComparison().ignoringFieldsMatchingRegexes(GIVEN).isEqualTo(m);
  }

  @Test
  void detailIsReadInAnyCase() {
    assertThat(new HealthOptions(new JsonObject().put("detail", "minimal")).getDetail()).isEqualTo(HealthOptions.Detail.MINIMAL);
  }

  @Test
  void everyProblemIsReportedWithDottedKeys() {
    HealthOptions o = new HealthOptions(new JsonObject().put("timeoutMs", 0).put("slowPingMs", "x").put("detail", "some")
      .put("path", "health").put("redisPath", "/a b").put("timeout", 1));
    assertThatThrownBy(o::validate).isInstanceOfSatisfying(ConfigurationException.class, e ->
      assertThat(e.problems()).containsExactly(
        "health.slowPingMs: expected a number, was \"x\"",
        "health.detail: expected one of MINIMAL, FULL, was \"some\"",
        "health.timeout: unknown key, did you mean \"health.timeoutMs\"?",
        "health.timeoutMs: must be between 1 and 60000 ms, was 0",
        "health.path: must start with '/', was \"health\"",
        "health.redisPath: must not contain whitespace, was \"/a b\""));
  }

  @Test
  void settersRejectImpossibleValuesAtOnce() {
    assertThatThrownBy(() -> new HealthOptions().setTimeoutMs(60_001)).hasMessage("health.timeoutMs: must be between 1 and 60000 ms, was 60001");
    assertThatThrownBy(() -> new HealthOptions().setSlowPingMs(0)).hasMessage("health.slowPingMs: must be between 1 and 60000 ms, was 0");
    assertThatThrownBy(() -> new HealthOptions().setDetail(null)).hasMessage("health.detail: must be one of MINIMAL, FULL, was null");
    assertThatThrownBy(() -> new HealthOptions().setPath("/health/*")).hasMessage("health.path: must be a literal path, without * : ? or #, was \"/health/*\"");
    assertThatThrownBy(() -> new HealthOptions().setRedisPath("/r/:id")).hasMessageStartingWith("health.redisPath: must be a literal path");
    assertThatThrownBy(() -> new MetricsOptions().setPath(null)).hasMessage("metrics.path: must start with '/', was null");
    assertThatThrownBy(() -> new MetricsOptions().setHealthProbeIntervalMs(-1))
      .hasMessage("metrics.healthProbeIntervalMs: must be between 0 and 3600000 ms, was -1");
    assertThatThrownBy(() -> new RedisKitOptions().setHealth(null)).hasMessage("health: must not be null");
    assertThatThrownBy(() -> new RedisKitOptions().setMetrics(null)).hasMessage("metrics: must not be null");
  }

  @Test
  void routesMustNotShadowEachOther() {
    assertThat(new HealthOptions().setRedisPath("/health").problems())
      .containsExactly("health.redisPath: must differ from health.path, was \"/health\"");
    RedisKitOptions o = new RedisKitOptions().setMetrics(new MetricsOptions().setPath("/health/redis"));
    assertThat(o.problems()).containsExactly("metrics.path: must differ from health.path and health.redisPath, was \"/health/redis\"");
  }

  @Test
  void sectionsAreReadFromTheTopLevelJsonAndCopied() {
    RedisKitOptions o = new RedisKitOptions(new JsonObject()
      .put("health", new JsonObject().put("timeoutMs", 200).put("detail", "MINIMAL"))
      .put("metrics", new JsonObject().put("path", "/prom")));
    assertThat(o.problems()).isEmpty();
    assertThat(o.getHealth().getTimeoutMs()).isEqualTo(200);
    assertThat(o.getHealth().getDetail()).isEqualTo(HealthOptions.Detail.MINIMAL);
    assertThat(o.getMetrics().getPath()).isEqualTo("/prom");
    RedisKitOptions copy = new RedisKitOptions(o);
    copy.getHealth().setTimeoutMs(900);
    assertThat(o.getHealth().getTimeoutMs()).isEqualTo(200);
    assertThat(new RedisKitOptions(new JsonObject().put("health", 3)).problems())
      .containsExactly("health: expected an object, was 3");
  }

  @Test
  void toGivenJsonHoldsWhatWasGivenWhateverItsValue() {
    assertThat(new HealthOptions().toGivenJson()).isEmpty();
    assertThat(new MetricsOptions().toGivenJson()).isEmpty();
    HealthOptions h = new HealthOptions().setDetail(HealthOptions.DEFAULT_DETAIL);
    assertThat(h.toGivenJson()).isEqualTo(new JsonObject().put("detail", HealthOptions.DEFAULT_DETAIL.name()));
    assertThat(new HealthOptions(h).toGivenJson()).isEqualTo(h.toGivenJson());
    JsonObject json = new JsonObject().put("path", "/health");
    assertThat(new HealthOptions(json).toGivenJson()).isEqualTo(json);
    MetricsOptions m = new MetricsOptions().setHealthProbeIntervalMs(MetricsOptions.DEFAULT_HEALTH_PROBE_INTERVAL_MS);
    JsonObject mGiven = new JsonObject().put("healthProbeIntervalMs", MetricsOptions.DEFAULT_HEALTH_PROBE_INTERVAL_MS);
    assertThat(m.toGivenJson()).isEqualTo(mGiven);
    assertThat(new MetricsOptions(m).toGivenJson()).isEqualTo(mGiven);
    assertThat(new MetricsOptions(mGiven).toGivenJson()).isEqualTo(mGiven);
  }
}
