package dev.rediskit.config;

import dev.rediskit.config.JsonOptionsReader;
import dev.rediskit.config.OptionChecks;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OptionChecksTest {

  private static final List<String> KEYS = List.of("poolSize", "maxPoolWaiting", "commandTimeoutMs", "cache.ttlMs", "cache.maxTtlMs");

  @Test
  void suggestsTyposSwapsAndCase() {
    assertThat(OptionChecks.suggest("poolSzie", KEYS)).isEqualTo("poolSize");
    assertThat(OptionChecks.suggest("POOLSIZE", KEYS)).isEqualTo("poolSize");
    assertThat(OptionChecks.suggest("comandTimeoutMs", KEYS)).isEqualTo("commandTimeoutMs");
    assertThat(OptionChecks.suggest("maxTtl", KEYS)).isEqualTo("cache.maxTtlMs");
    assertThat(OptionChecks.suggest("maxPool", KEYS)).isEqualTo("maxPoolWaiting");
  }

  @Test
  void suggestsNothingForUnrelatedNames() {
    assertThat(OptionChecks.suggest("frobnicate", KEYS)).isNull();
    assertThat(OptionChecks.suggest("x", KEYS)).isNull();
  }

  @Test
  void distanceCountsATranspositionAsOneEdit() {
    assertThat(OptionChecks.distance("ab", "ba")).isEqualTo(1);
    assertThat(OptionChecks.distance("kitten", "sitting")).isEqualTo(3);
    assertThat(OptionChecks.distance("", "abc")).isEqualTo(3);
  }

  @Test
  void describeQuotesStringsAndShortensLongValues() {
    assertThat(OptionChecks.describe("a\"b")).isEqualTo("\"a\\\"b\"");
    assertThat(OptionChecks.describe(5)).isEqualTo("5");
    assertThat(OptionChecks.describe(null)).isEqualTo("null");
    assertThat(OptionChecks.describe(new JsonArray().add(1))).isEqualTo("[1]");
    assertThat(OptionChecks.describe(new JsonObject().put("a", true))).isEqualTo("{\"a\":true}");
    assertThat(OptionChecks.describe("x".repeat(200))).hasSize(80 + 3 + 2).endsWith("...\"");
  }

  @Test
  void rangeMessagesReadTheSameEverywhere() {
    assertThat(OptionChecks.between("k", 5, 1, 10, "ms")).isNull();
    assertThat(OptionChecks.between("k", 11, 1, 10, "ms")).isEqualTo("k: must be between 1 and 10 ms, was 11");
    assertThat(OptionChecks.atLeast("k", 0, 1, "")).isEqualTo("k: must be >= 1, was 0");
    assertThatThrownBy(() -> OptionChecks.require("k: bad")).isInstanceOf(IllegalArgumentException.class).hasMessage("k: bad");
  }

  @Test
  void readerNeverThrowsOnWrongTypes() {
    java.util.Map<String, String> problems = new java.util.LinkedHashMap<>();
    JsonOptionsReader in = new JsonOptionsReader(new JsonObject().put("a", new JsonObject()).put("b", "nan").put("c", "1e400")
      .put("d", List.of(1)).put("e", "x"), "s.", problems);
    assertThat(in.readLong("a")).isNull();
    assertThat(in.readInt("b")).isNull();
    assertThat(in.readLong("c")).isNull();
    assertThat(in.readBoolean("d")).isNull();
    assertThat(in.readObject("e")).isNull();
    assertThat(problems).containsOnlyKeys("s.a", "s.b", "s.c", "s.d", "s.e");
    assertThat(problems.get("s.c")).isEqualTo("s.c: expected a number between -9223372036854775808 and 9223372036854775807, was \"1e400\"");
  }
}
