package dev.rediskit.cache;

import dev.rediskit.ConfigurationException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CacheOptionsTest {

  @Test
  void defaultsAreValid() {
    assertThat(new CacheOptions().problems()).isEmpty();
  }

  @Test
  void jsonRoundTrip() {
    CacheOptions o = new CacheOptions().setTtlMs(1000).setStaleTtlMs(500).setMaxTtlMs(2000).setMaxValueBytes(10)
      .setTtlJitterPercent(5);
    CacheOptions back = new CacheOptions(o.toJson());
    assertThat(back).usingRecursiveComparison().isEqualTo(o);
    assertThat(back.toJson()).isEqualTo(new JsonObject()
      .put("ttlMs", 1000L).put("staleTtlMs", 500L).put("maxTtlMs", 2000L).put("maxValueBytes", 10).put("ttlJitterPercent", 5));
  }

  @Test
  void copyIsIndependent() {
    CacheOptions o = new CacheOptions();
    CacheOptions copy = new CacheOptions(o).setTtlMs(1);
    assertThat(o.getTtlMs()).isEqualTo(CacheOptions.DEFAULT_TTL_MS);
    assertThat(copy.getTtlMs()).isEqualTo(1);
  }

  @Test
  void validateOnItsOwnReportsEveryProblemWithDottedKeys() {
    CacheOptions o = new CacheOptions(new JsonObject().put("ttlMs", "x").put("staleTtlMs", -1).put("ttlJitter", 3));
    assertThatThrownBy(o::validate)
      .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems()).containsExactly(
        "cache.ttlMs: expected a number, was \"x\"",
        "cache.ttlJitter: unknown key, did you mean \"cache.ttlJitterPercent\"?",
        "cache.staleTtlMs: must be >= 0 ms, was -1"));
  }

  @Test
  void toStringShowsTheJson() {
    assertThat(new CacheOptions().toString()).startsWith("CacheOptions{\"ttlMs\":300000");
  }
}
