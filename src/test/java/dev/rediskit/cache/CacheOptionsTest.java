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
      .setTtlJitterPercent(5).setNullTtlMs(700).setLeaseTtlMs(800).setLoadTimeoutMs(900).setWarmBatchSize(50)
      .setWarmConcurrency(2);
    CacheOptions back = new CacheOptions(o.toJson());
    assertThat(back).usingRecursiveComparison().isEqualTo(o);
    assertThat(back.toJson()).isEqualTo(new JsonObject()
      .put("ttlMs", 1000L).put("staleTtlMs", 500L).put("maxTtlMs", 2000L).put("maxValueBytes", 10).put("ttlJitterPercent", 5)
      .put("nullTtlMs", 700L).put("leaseTtlMs", 800L).put("loadTimeoutMs", 900L).put("warmBatchSize", 50)
      .put("warmConcurrency", 2));
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
  void loadingAndWarmUpSettingsAreBounded() {
    CacheOptions o = new CacheOptions(new JsonObject().put("nullTtlMs", 0).put("leaseTtlMs", 600_001)
      .put("loadTimeoutMs", 0).put("warmBatchSize", 10_001).put("warmConcurrency", 0));
    assertThat(o.problems()).containsExactly(
      "cache.nullTtlMs: must be >= 1 ms, was 0",
      "cache.leaseTtlMs: must be between 1 and 600000 ms, was 600001",
      "cache.loadTimeoutMs: must be between 1 and 600000 ms, was 0",
      "cache.warmBatchSize: must be between 1 and 10000 keys, was 10001",
      "cache.warmConcurrency: must be between 1 and 64 batches, was 0");
    assertThatThrownBy(() -> new CacheOptions().setWarmConcurrency(65))
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessage("cache.warmConcurrency: must be between 1 and 64 batches, was 65");
  }

  @Test
  void toStringShowsTheJson() {
    assertThat(new CacheOptions().toString()).startsWith("CacheOptions{\"ttlMs\":300000");
  }
}
