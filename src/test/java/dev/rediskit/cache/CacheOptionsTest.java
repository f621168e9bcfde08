package dev.rediskit.cache;

import dev.rediskit.config.ConfigurationException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CacheOptionsTest {

  /** Which settings were given is provenance, not a value: left out of field-by-field comparisons. */
  private static final String GIVEN = ".*([gG]iven|givenMaps).*";

  @Test
  void defaultsAreValid() {
    assertThat(new CacheOptions().problems()).isEmpty();
  }

  @Test
  void jsonRoundTrip() {
    CacheOptions o = new CacheOptions().setTtlMs(1000).setStaleTtlMs(500).setMaxTtlMs(2000).setMaxValueBytes(10)
      .setTtlJitterPercent(5).setNullTtlMs(700).setLeaseTtlMs(800).setLoadTimeoutMs(900).setWarmBatchSize(50)
      .setWarmConcurrency(2).setMaxNamespaces(20).setCompression(new CompressionOptions().setCodec(CompressionOptions.Codec.ZSTD).setThresholdBytes(100));
    CacheOptions back = new CacheOptions(o.toJson());
    assertThat(back).usingRecursiveComparison().ignoringFieldsMatchingRegexes(GIVEN).isEqualTo(o);
    assertThat(back.toJson()).isEqualTo(new JsonObject()
      .put("ttlMs", 1000L).put("staleTtlMs", 500L).put("maxTtlMs", 2000L).put("maxValueBytes", 10).put("ttlJitterPercent", 5)
      .put("nullTtlMs", 700L).put("leaseTtlMs", 800L).put("loadTimeoutMs", 900L).put("warmBatchSize", 50)
      .put("warmConcurrency", 2).put("maxNamespaces", 20).put("loaderPrefix", "cache.loader.").put("versionRefreshMs", 1000L).put("namespaces", new JsonObject())
      .put("compression", new JsonObject().put("codec", "ZSTD").put("thresholdBytes", 100)));
  }

  @Test
  void compressionProblemsNameTheirKeys() {
    CacheOptions o = new CacheOptions(new JsonObject().put("compression",
      new JsonObject().put("codec", "brotli").put("thresholdBytes", 10).put("level", 3)));
    assertThat(o.problems()).containsExactly(
      "cache.compression.codec: expected one of NONE, LZ4, ZSTD, was \"brotli\"",
      "cache.compression.level: unknown key (the keys are listed in docs/CONFIGURATION.md)",
      "cache.compression.thresholdBytes: must be between 64 and 536870912 bytes, was 10");
    assertThat(o.getCompression().getCodec()).isEqualTo(CompressionOptions.Codec.LZ4);
    assertThat(new CacheOptions().getCompression().toJson())
      .isEqualTo(new JsonObject().put("codec", "LZ4").put("thresholdBytes", 1024));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new CompressionOptions().setThresholdBytes(63))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cache.compression.thresholdBytes: must be between 64");
    assertThat(new CacheOptions(new JsonObject().put("compression", "not json")).problems())
      .anyMatch(p -> p.startsWith("cache.compression: expected a JSON object"));
  }

  @Test
  void namespacesRoundTripWithOnlyWhatIsSet() {
    CacheOptions o = new CacheOptions().setLoaderPrefix("memo.")
      .putNamespace("users", new NamespaceOptions().setLoader("db.users.load").setBatchLoader("db.users.loadMany")
        .setLoadOptions(LoadOptions.ttl(Duration.ofMinutes(1)).setStaleTtl(Duration.ofHours(1)).setRefreshAheadFraction(0.2)
          .setCacheNulls(true).setNullTtl(Duration.ofSeconds(30))))
      .putNamespace("orders", new NamespaceOptions().setLoader("db.orders.load"));
    JsonObject json = o.toJson();
    assertThat(json.getString("loaderPrefix")).isEqualTo("memo.");
    assertThat(json.getJsonObject("namespaces")).isEqualTo(new JsonObject()
      .put("users", new JsonObject().put("loader", "db.users.load").put("batchLoader", "db.users.loadMany")
        .put("ttlMs", 60_000L).put("staleTtlMs", 3_600_000L).put("refreshAheadFraction", 0.2).put("cacheNulls", true)
        .put("nullTtlMs", 30_000L))
      .put("orders", new JsonObject().put("loader", "db.orders.load")));
    CacheOptions back = new CacheOptions(json);
    assertThat(back.problems()).isEmpty();
    assertThat(back.toJson()).isEqualTo(json);
    assertThat(back.getNamespace("users").getLoadOptions().getRefreshAheadFraction()).isEqualTo(0.2);
    assertThat(back.getNamespace("nope")).isNull();
    CacheOptions copy = new CacheOptions(o);
    copy.getNamespace("orders").setLoader("elsewhere");
    assertThat(o.getNamespace("orders").getLoader()).as("the copy is deep").isEqualTo("db.orders.load");
  }

  @Test
  void aNamespaceDurationPastALongOfMillisecondsIsAProblemNotAThrow() {
    CacheOptions o = new CacheOptions().putNamespace("users", new NamespaceOptions()
      .setLoadOptions(LoadOptions.ttl(Duration.ofSeconds(Long.MAX_VALUE))));
    assertThat(o.problems()).singleElement().asString().startsWith("cache.namespaces.users.").contains("ttlMs");
  }

  @Test
  void everyProblemOfTheNamespacesIsReportedAtOnce() {
    CacheOptions o = new CacheOptions(new JsonObject().put("maxTtlMs", 60_000).put("ttlMs", 30_000).put("loaderPrefix", "a b")
      .put("namespaces", new JsonObject()
        .put("a:b", new JsonObject())
        .put("bad", "db.load")
        .put("users", new JsonObject().put("loader", "").put("batchLoader", "x y").put("ttlMs", 0).put("staleTtlMs", -1)
          .put("refreshAheadFraction", 1.0).put("refreshAheadBeta", "high").put("cacheNulls", "maybe").put("nullTtlMs", 120_000)
          .put("ttlMS", 5))
        .put("both", new JsonObject().put("refreshAheadFraction", 0.1).put("refreshAheadBeta", 1.0))));
    assertThat(o.problems()).containsExactly(
      "cache.namespaces: entry \"a:b\": namespace: must not contain ':' (it separates namespace and key), was \"a:b\"",
      "cache.namespaces.bad: expected an object {loader?, batchLoader?, ttlMs?, ...}, was \"db.load\"",
      "cache.loaderPrefix: must not contain whitespace or control characters (at index 1), was \"a b\"",
      "cache.namespaces.users.refreshAheadBeta: expected a number, was \"high\"",
      "cache.namespaces.users.cacheNulls: expected true or false, was \"maybe\"",
      "cache.namespaces.users.ttlMS: unknown key, did you mean \"ttlMs\"?",
      "cache.namespaces.users.loader: must not be empty",
      "cache.namespaces.users.batchLoader: must not contain whitespace or control characters (at index 1), was \"x y\"",
      "cache.namespaces.users.ttlMs: must be between 1 and 60000 ms, was 0",
      "cache.namespaces.users.staleTtlMs: must be between 0 and 60000 ms, was -1",
      "cache.namespaces.users.nullTtlMs: must be between 1 and 60000 ms, was 120000",
      "cache.namespaces.users.refreshAheadFraction: must be >= 0 and < 1, was 1.0",
      "cache.namespaces.both.refreshAheadBeta: must be 0 when refreshAheadFraction is set (pick one way)");
    assertThatThrownBy(() -> new CacheOptions().putNamespace("a b", new NamespaceOptions()))
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessage("cache.namespaces: namespace: must not contain whitespace or control characters (at index 1), was \"a b\"");
    assertThatThrownBy(() -> new CacheOptions().setLoaderPrefix("a\tb")).isInstanceOf(IllegalArgumentException.class);
    assertThat(new CacheOptions().setLoaderPrefix("").problems()).as("empty turns request-named loaders off").isEmpty();
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

  @Test
  void maxNamespacesIsCheckedAndCoversTheConfiguredNamespaces() {
    assertThatThrownBy(() -> new CacheOptions().setMaxNamespaces(0)).isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining("cache.maxNamespaces");
    assertThat(new CacheOptions(new JsonObject().put("maxNamespaces", 2_000_000)).problems()).singleElement().asString()
      .startsWith("cache.maxNamespaces: ");
    CacheOptions tooFew = new CacheOptions().setMaxNamespaces(2).putNamespace("a", new NamespaceOptions())
      .putNamespace("b", new NamespaceOptions());
    assertThat(tooFew.problems()).containsExactly(
      "cache.maxNamespaces: must be at least the 3 namespaces of cache.namespaces and default, was 2");
    assertThat(new CacheOptions().setMaxNamespaces(3).putNamespace("a", new NamespaceOptions())
      .putNamespace("default", new NamespaceOptions()).problems()).isEmpty();
  }

  @Test
  void toGivenJsonHoldsWhatWasGivenWhateverItsValue() {
    assertThat(new CacheOptions().toGivenJson()).isEmpty();
    CacheOptions o = new CacheOptions().setTtlMs(CacheOptions.DEFAULT_TTL_MS)
      .putNamespace("users", new NamespaceOptions().setLoader("db.users"));
    o.getCompression().setThresholdBytes(CompressionOptions.DEFAULT_THRESHOLD_BYTES);
    JsonObject given = new JsonObject().put("ttlMs", CacheOptions.DEFAULT_TTL_MS)
      .put("namespaces", new JsonObject().put("users", new JsonObject().put("loader", "db.users")))
      .put("compression", new JsonObject().put("thresholdBytes", CompressionOptions.DEFAULT_THRESHOLD_BYTES));
    assertThat(o.toGivenJson()).isEqualTo(given);
    assertThat(new CacheOptions(o).toGivenJson()).isEqualTo(given);
    JsonObject json = new JsonObject().put("staleTtlMs", 0).put("namespaces", new JsonObject())
      .put("compression", new JsonObject().put("codec", "LZ4"));
    assertThat(new CacheOptions(json).toGivenJson()).isEqualTo(json);
    assertThat(new CacheOptions(new CacheOptions().toJson()).toGivenJson()).isEqualTo(new CacheOptions().toJson());
    assertThat(new CompressionOptions().toGivenJson()).isEmpty();
  }

  @Test
  void namespacesGiveWhatTheCodeGaveOfEachEntryWhateverItsValue() {
    NamespaceOptions users = new NamespaceOptions().setLoader(null);
    users.getNearCache().setEnabled(false);
    users.getLoadOptions().setCacheNulls(false).setTtl(null);
    CacheOptions o = new CacheOptions().putNamespace("users", users).putNamespace("orders", new NamespaceOptions());
    JsonObject given = new JsonObject().put("namespaces", new JsonObject()
      .put("users", new JsonObject().putNull("loader").put("nearCache", new JsonObject().put("enabled", false))
        .putNull("ttlMs").put("cacheNulls", false))
      .put("orders", new JsonObject()));
    assertThat(o.toGivenJson()).isEqualTo(given);
    assertThat(new CacheOptions(o).toGivenJson()).isEqualTo(given);
    // Read from that JSON, the same keys are given, and the entries read the same.
    CacheOptions back = new CacheOptions(given);
    assertThat(back.problems()).isEmpty();
    assertThat(back.toGivenJson()).isEqualTo(given);
    assertThat(back.toJson()).isEqualTo(o.toJson());
    // What toJson leaves out (off, unset) is what toGivenJson keeps.
    assertThat(o.toJson().getJsonObject("namespaces").getJsonObject("users"))
      .isEqualTo(new JsonObject().put("cacheNulls", false));
  }

  @Test
  void aNamespaceGivesTheObjectsHandedToItsSettersByWhatWasGivenInThem() {
    NamespaceOptions ns = new NamespaceOptions().setNearCache(new NearCacheOptions()).setLoadOptions(new LoadOptions());
    assertThat(ns.toGivenJson()).isEmpty();
    ns.setLoadOptions(LoadOptions.ttl(java.time.Duration.ofSeconds(5))).setNearCache(new NearCacheOptions().setMaxStalenessMs(500));
    assertThat(ns.toGivenJson()).isEqualTo(new JsonObject()
      .put("nearCache", new JsonObject().put("maxStalenessMs", 500L)).put("ttlMs", 5000L));
    assertThat(new NamespaceOptions(ns).toGivenJson()).isEqualTo(ns.toGivenJson());
    // JSON holding a key gives it; a value of the wrong type is a problem, not given.
    NamespaceOptions bad = new NamespaceOptions(new JsonObject().put("loader", 5).put("batchLoader", "db.many"));
    assertThat(bad.problems(CacheOptions.DEFAULT_MAX_TTL_MS)).hasSize(1);
    assertThat(bad.toGivenJson()).isEqualTo(new JsonObject().put("batchLoader", "db.many"));
  }
}
