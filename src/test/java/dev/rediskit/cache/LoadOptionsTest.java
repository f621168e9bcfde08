package dev.rediskit.cache;

import dev.rediskit.error.InvalidRequestException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which fields {@link LoadOptions} holds as set, and how {@link LoadOptions#overriding} lays them over defaults. */
class LoadOptionsTest {

  /** A namespace's configured load options, every field set. */
  static LoadOptions namespace() {
    return new LoadOptions().setTtl(Duration.ofMinutes(5)).setStaleTtl(Duration.ofHours(1)).setRefreshAheadFraction(0.2)
      .setCacheNulls(true).setNullTtl(Duration.ofSeconds(30)).setIdleTtl(Duration.ofMinutes(2))
      .setTags(List.of("tenant:7", "region:eu"));
  }

  @Test
  void nothingIsSetByDefaultAndTheGettersKeepTheirValues() {
    LoadOptions o = new LoadOptions();
    assertThat(o.toJson()).isEqualTo(new JsonObject());
    assertThat(o.getTtl()).isNull();
    assertThat(o.getStaleTtl()).isNull();
    assertThat(o.getRefreshAheadFraction()).isZero();
    assertThat(o.getRefreshAheadBeta()).isZero();
    assertThat(o.isCacheNulls()).isFalse();
    assertThat(o.getNullTtl()).isNull();
    assertThat(o.getIdleTtl()).isNull();
    assertThat(o.getTags()).isEmpty();
  }

  @Test
  void theTtlFactorySetsOnlyTheTtl() {
    assertThat(LoadOptions.ttl(Duration.ofSeconds(9)).toJson()).isEqualTo(new JsonObject().put("ttlMs", 9_000L));
  }

  @Test
  void aCallersTtlOnlyKeepsTheNamespacesTagsStaleTtlAndRefreshAhead() {
    LoadOptions merged = LoadOptions.ttl(Duration.ofMinutes(1)).overriding(namespace());
    assertThat(merged.getTtl()).isEqualTo(Duration.ofMinutes(1));
    assertThat(merged.getTags()).as("the old rule (only the caller's options) left the entry untagged")
      .containsExactly("tenant:7", "region:eu");
    assertThat(merged.getStaleTtl()).isEqualTo(Duration.ofHours(1));
    assertThat(merged.getRefreshAheadFraction()).isEqualTo(0.2);
    assertThat(merged.isCacheNulls()).isTrue();
    assertThat(merged.getNullTtl()).isEqualTo(Duration.ofSeconds(30));
    assertThat(merged.getIdleTtl()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void everyFieldTheCallerSetsWinsEvenAtItsZeroValue() {
    LoadOptions caller = new LoadOptions().setTtl(Duration.ofSeconds(1)).setStaleTtl(Duration.ZERO).setRefreshAheadFraction(0)
      .setCacheNulls(false).setNullTtl(Duration.ofSeconds(2)).setIdleTtl(Duration.ZERO).setTags(List.of());
    LoadOptions merged = caller.overriding(namespace());
    assertThat(merged.toJson()).isEqualTo(new JsonObject().put("ttlMs", 1_000L).put("staleTtlMs", 0L)
      .put("refreshAheadFraction", 0.0).put("refreshAheadBeta", 0.0).put("cacheNulls", false).put("nullTtlMs", 2_000L)
      .put("idleTtlMs", 0L).put("tags", new JsonArray()));
    assertThat(merged.getTags()).as("an empty list: no tags, not the namespace's").isEmpty();
    assertThat(merged.isCacheNulls()).isFalse();
  }

  @Test
  void unsettingAFieldGivesItBackToTheDefaults() {
    LoadOptions caller = new LoadOptions().setTtl(Duration.ofSeconds(1)).setTags(List.of("x"));
    caller.setTtl(null).setTags(null);
    assertThat(caller.toJson()).isEqualTo(new JsonObject());
    assertThat(caller.overriding(namespace()).toJson()).isEqualTo(namespace().toJson());
  }

  @Test
  void refreshAheadIsOneChoice() {
    LoadOptions beta = new LoadOptions().setRefreshAheadBeta(1.0);
    LoadOptions merged = new LoadOptions().setRefreshAheadFraction(0.3).overriding(beta);
    assertThat(merged.getRefreshAheadFraction()).isEqualTo(0.3);
    assertThat(merged.getRefreshAheadBeta()).as("the namespace's beta does not combine with the caller's fraction").isZero();
    assertThat(new LoadOptions().setTtl(Duration.ofSeconds(1)).overriding(beta).getRefreshAheadBeta()).isEqualTo(1.0);
    // Laid over the same defaults again, nothing changes.
    assertThat(merged.overriding(beta).toJson()).isEqualTo(merged.toJson());
  }

  @Test
  void overridingChangesNeitherSideAndTakesNoDefaults() {
    LoadOptions caller = LoadOptions.ttl(Duration.ofSeconds(1));
    LoadOptions defaults = namespace();
    JsonObject before = defaults.toJson();
    LoadOptions merged = caller.overriding(defaults);
    assertThat(merged).isNotSameAs(caller).isNotSameAs(defaults);
    assertThat(caller.toJson()).isEqualTo(new JsonObject().put("ttlMs", 1_000L));
    assertThat(defaults.toJson()).isEqualTo(before);
    assertThat(caller.overriding(null).toJson()).isEqualTo(caller.toJson());
    assertThat(new LoadOptions().overriding(defaults).toJson()).as("nothing set: the defaults").isEqualTo(before);
  }

  @Test
  void theCopyAndJsonConstructorsKeepWhatIsSet() {
    LoadOptions explicit = new LoadOptions().setCacheNulls(false).setRefreshAheadBeta(0).setTags(List.of());
    JsonObject json = explicit.toJson();
    assertThat(json).isEqualTo(new JsonObject().put("refreshAheadBeta", 0.0).put("cacheNulls", false).put("tags", new JsonArray()));
    assertThat(new LoadOptions(explicit).toJson()).isEqualTo(json);
    LoadOptions read = new LoadOptions(json);
    assertThat(read.toJson()).isEqualTo(json);
    // Set at their zero values, so they still replace the namespace's.
    LoadOptions merged = read.overriding(namespace());
    assertThat(merged.isCacheNulls()).isFalse();
    assertThat(merged.getTags()).isEmpty();
    assertThat(merged.getRefreshAheadFraction()).isZero();
    assertThat(merged.getTtl()).isEqualTo(Duration.ofMinutes(5));

    JsonObject full = namespace().toJson();
    assertThat(new LoadOptions(full).toJson()).isEqualTo(full);
    assertThat(new LoadOptions(new JsonObject()).toJson()).isEqualTo(new JsonObject());
  }

  @Test
  void theJsonConstructorIgnoresOtherFieldsAndNullsAndNamesAWrongType() {
    JsonObject request = new JsonObject().put("namespace", "users").put("key", "k").put("args", 7).put("ttlMs", 200)
      .putNull("staleTtlMs");
    assertThat(new LoadOptions(request).toJson()).isEqualTo(new JsonObject().put("ttlMs", 200L));
    refused(new JsonObject().put("ttlMs", "5"), "ttlMs: must be a number, was a string");
    refused(new JsonObject().put("nullTtlMs", 1.5), "nullTtlMs: must be a whole number, was 1.5");
    refused(new JsonObject().put("refreshAheadFraction", "x"), "refreshAheadFraction: must be a number, was a string");
    refused(new JsonObject().put("cacheNulls", "yes"), "cacheNulls: must be true or false, was a string");
    refused(new JsonObject().put("tags", "t"), "tags: must be an array of strings, was a string");
    refused(new JsonObject().put("tags", new JsonArray().add("a").add(1)), "tags[1]: must be a string, was a number");
  }

  @Test
  void theNamespaceEntryKeepsWhatItSets() {
    JsonObject entry = new JsonObject().put("loader", "db.load").put("ttlMs", 300_000L).put("cacheNulls", false)
      .put("tags", new JsonArray());
    NamespaceOptions ns = new NamespaceOptions(entry);
    assertThat(ns.toJson()).isEqualTo(entry);
    assertThat(new NamespaceOptions(ns).toJson()).isEqualTo(entry);
    assertThat(new NamespaceOptions(ns.toJson()).getLoadOptions().toJson())
      .isEqualTo(new JsonObject().put("ttlMs", 300_000L).put("cacheNulls", false).put("tags", new JsonArray()));
  }

  private static void refused(JsonObject json, String message) {
    assertThatThrownBy(() -> new LoadOptions(json)).isInstanceOf(InvalidRequestException.class).hasMessage(message);
  }
}
