package dev.rediskit.cache;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NearCacheOptionsTest {

  @Test
  void offByDefaultAndRoundTripsThroughJson() {
    NearCacheOptions d = new NearCacheOptions();
    assertThat(d.isEnabled()).isFalse();
    assertThat(d.getMaxEntries()).isEqualTo(NearCacheOptions.DEFAULT_MAX_ENTRIES);
    assertThat(d.getMaxBytes()).isZero();
    NearCacheOptions o = new NearCacheOptions().setEnabled(true).setMaxBytes(1 << 20).setTtlMs(5000).setMaxStalenessMs(300);
    NearCacheOptions back = new NearCacheOptions(o.toJson());
    assertThat(back.toJson()).isEqualTo(o.toJson());
    assertThat(back.getMaxEntries()).isZero();
    assertThat(back.problems()).isEmpty();
    assertThat(new NearCacheOptions(new NearCacheOptions(o)).toJson()).isEqualTo(o.toJson());
  }

  @Test
  void oneBoundClearsTheOther() {
    NearCacheOptions o = new NearCacheOptions().setMaxBytes(4096);
    assertThat(o.getMaxEntries()).isZero();
    o.setMaxEntries(5);
    assertThat(o.getMaxBytes()).isZero();
    assertThat(o.getMaxEntries()).isEqualTo(5);
  }

  @Test
  void badValuesAreNamed() {
    assertThatThrownBy(() -> new NearCacheOptions().setMaxStalenessMs(10))
      .hasMessage("maxStalenessMs: must be between 250 and 60000 ms, was 10");
    assertThatThrownBy(() -> new NearCacheOptions().setMaxEntries(0)).hasMessageStartingWith("maxEntries: must be between 1 and");
    assertThatThrownBy(() -> new NearCacheOptions().setMaxBytes(10)).hasMessage("maxBytes: must be >= 1024 bytes, was 10");
    NearCacheOptions both = new NearCacheOptions(new JsonObject().put("maxEntries", 10).put("maxBytes", 4096).put("ttlMs", 0)
      .put("maxStaleness", 1));
    assertThat(both.problems()).anyMatch(p -> p.startsWith("maxBytes: set either maxEntries or maxBytes"))
      .anyMatch(p -> p.startsWith("ttlMs: must be >= 1"))
      .anyMatch(p -> p.startsWith("maxStaleness: unknown key"));
  }

  @Test
  void aNamespaceEntryCarriesItsNearCache() {
    NamespaceOptions ns = new NamespaceOptions(new JsonObject().put("loader", "db.load")
      .put("nearCache", new JsonObject().put("enabled", true).put("maxEntries", 100).put("maxStalenessMs", 1)));
    assertThat(ns.getNearCache().isEnabled()).isTrue();
    assertThat(ns.getNearCache().getMaxEntries()).isEqualTo(100);
    assertThat(ns.problems(CacheOptions.DEFAULT_MAX_TTL_MS)).containsExactly("nearCache.maxStalenessMs: must be between 250 and 60000 ms, was 1");
    assertThat(new NamespaceOptions(ns).getNearCache().getMaxEntries()).isEqualTo(100);
    assertThat(ns.toJson().getJsonObject("nearCache").getLong("maxEntries")).isEqualTo(100);
    CacheOptions cache = new CacheOptions(new JsonObject().put("namespaces", new JsonObject().put("users", new JsonObject()
      .put("nearCache", new JsonObject().put("enabled", "yes")))));
    assertThat(cache.problems()).anyMatch(p -> p.startsWith("cache.namespaces.users.nearCache.enabled") || p.contains("enabled"));
  }

  @Test
  void toGivenJsonHoldsWhatWasGivenWhateverItsValue() {
    assertThat(new NearCacheOptions().toGivenJson()).isEmpty();
    assertThat(new NearCacheOptions().setEnabled(false).toGivenJson()).isEqualTo(new JsonObject().put("enabled", false));
    // A setter of one bound clears the other, so it gives both: merged over a file's other bound, no conflict.
    assertThat(new NearCacheOptions().setMaxBytes(4096).toGivenJson())
      .isEqualTo(new JsonObject().put("maxEntries", 0L).put("maxBytes", 4096L));
    NearCacheOptions file = new NearCacheOptions(new JsonObject().put("enabled", true).put("maxBytes", 1 << 20)
      .mergeIn(new NearCacheOptions().setMaxEntries(50).toGivenJson()));
    assertThat(file.problems()).isEmpty();
    assertThat(file.getMaxEntries()).isEqualTo(50);
    assertThat(file.isEnabled()).isTrue();
    // From JSON: the keys it held, and the copy keeps them.
    JsonObject json = new JsonObject().put("enabled", false).put("ttlMs", NearCacheOptions.DEFAULT_TTL_MS);
    assertThat(new NearCacheOptions(json).toGivenJson()).isEqualTo(json);
    assertThat(new NearCacheOptions(new NearCacheOptions(json)).toGivenJson()).isEqualTo(json);
    assertThat(new NearCacheOptions(new NearCacheOptions().toJson()).toGivenJson()).isEqualTo(new NearCacheOptions().toJson());
  }
}
