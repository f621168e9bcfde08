package dev.rediskit.config;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.cache.CacheOptions;
import dev.rediskit.health.HealthOptions;
import dev.rediskit.metrics.MetricsOptions;
import dev.rediskit.ratelimit.RateLimitOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The table mechanism on its own (a small table of each kind of setting), then the property it
 * exists for: every key of every options class is read, written and checked through its table.
 */
class SettingValuesTest {

  enum Mode { FAST, SAFE }

  static final Setting<Long> TIMEOUT = Setting.ofLong("t.timeoutMs", 100, "ms", "A timeout.").between(1, 1000);
  static final Setting<Integer> SIZE = Setting.ofInt("t.size", 4, "items", "A size.").atLeast(1);
  static final Setting<Mode> MODE = Setting.ofEnum("t.mode", Mode.class, Mode.FAST, "A mode.");
  static final Setting<String> NAME = Setting.ofOptionalString("t.name", "A name.");
  static final Setting<String> SECRET = Setting.ofSecret("t.secret", "A secret.");
  static final Setting<List<String>> HOSTS = Setting.ofStringList("t.hosts", List.of("a"), "hosts", "Hosts.");
  static final Setting<Locale> LOCALE = Setting.ofText("t.locale", Locale.ROOT, "A locale.",
    text -> {
      if (text.equals("none")) {
        return null;
      }
      if (!text.matches("[a-z]{2}")) {
        throw new IllegalArgumentException("must be two lower-case letters");
      }
      return Locale.forLanguageTag(text);
    },
    locale -> locale == null ? "none" : locale == Locale.ROOT ? "root" : locale.getLanguage());
  static final Setting<String> FILE = Setting.ofOptionalString("t.file", "A file.")
    .checkWhenValidated((key, v) -> v == null || v.startsWith("/") ? null : key + ": must be absolute");
  static final SettingTable TABLE = SettingTable.of("t.", TIMEOUT, SIZE, MODE, NAME, SECRET, HOSTS, LOCALE, FILE);

  @Test
  void startsAtTheDefaultsAndWritesThemInTableOrder() {
    SettingValues values = new SettingValues(TABLE);
    assertThat(values.get(TIMEOUT)).isEqualTo(100L);
    assertThat(values.toJson().fieldNames()).containsExactly("timeoutMs", "size", "mode", "hosts", "locale");
    assertThat(values.toJson().getString("mode")).isEqualTo("FAST");
    assertThat(values.problems()).isEmpty();
  }

  @Test
  void readsEveryKindAndKeepsWrongTypesAsProblems() {
    SettingValues values = new SettingValues(TABLE);
    JsonOptionsReader in = values.read(new JsonObject().put("timeoutMs", "250").put("size", "many").put("mode", "safe")
      .put("name", "").put("secret", "hunter2").put("hosts", "x, y").put("locale", "EN").put("extra", 1));
    in.reportUnknownKeys(List.of());
    assertThat(values.get(TIMEOUT)).isEqualTo(250L);
    assertThat(values.get(SIZE)).isEqualTo(4);
    assertThat(values.get(MODE)).isEqualTo(Mode.SAFE);
    assertThat(values.get(NAME)).isNull();
    assertThat(values.get(HOSTS)).containsExactly("x", "y");
    assertThat(values.get(LOCALE)).isEqualTo(Locale.ROOT);
    assertThat(values.problems()).containsExactly(
      "t.size: expected a number, was \"many\"",
      "t.locale: must be two lower-case letters",
      "t.extra: unknown key (the keys are listed in docs/CONFIGURATION.md)");
    assertThat(String.join("\n", values.problems())).doesNotContain("hunter2");
  }

  @Test
  void aTextMeaningNoneUnsetsTheValueAndIsWrittenBack() {
    SettingValues values = new SettingValues(TABLE);
    values.read(new JsonObject().put("locale", "none"));
    assertThat(values.get(LOCALE)).isNull();
    assertThat(values.toJson().getString("locale")).isEqualTo("none");
  }

  @Test
  void setterAppliesTheRulesAndClearsTheKeysInputProblem() {
    SettingValues values = new SettingValues(TABLE);
    values.read(new JsonObject().put("timeoutMs", true));
    assertThat(values.problems()).containsExactly("t.timeoutMs: expected a number, was true");
    assertThatThrownBy(() -> values.set(TIMEOUT, 0L))
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessage("t.timeoutMs: must be between 1 and 1000 ms, was 0");
    assertThatThrownBy(() -> values.set(MODE, null)).hasMessage("t.mode: must be one of FAST, SAFE, was null");
    values.set(TIMEOUT, 5L);
    assertThat(values.problems()).isEmpty();
  }

  @Test
  void validationOnlyRulesWaitForProblems() {
    SettingValues values = new SettingValues(TABLE);
    values.set(FILE, "relative.pem");
    assertThat(values.problems()).containsExactly("t.file: must be absolute");
  }

  @Test
  void aCopySharesNoList() {
    SettingValues values = new SettingValues(TABLE);
    values.set(HOSTS, new ArrayList<>(List.of("a", "b")));
    SettingValues copy = new SettingValues(values);
    values.get(HOSTS).add("c");
    assertThat(copy.get(HOSTS)).containsExactly("a", "b");
  }

  @Test
  void aSettingOfAnotherSectionIsRefused() {
    assertThatThrownBy(() -> SettingTable.of("u.", TIMEOUT)).hasMessageContaining("t.timeoutMs");
    assertThatThrownBy(() -> new SettingValues(TABLE).set(Setting.ofInt("t.other", 1, "", "x"), 2))
      .hasMessageContaining("t.other");
  }

  /** Every documented key appears in toJson() (written by the tables), and nothing else does. */
  @Test
  void everyOptionsClassWritesExactlyItsKeys() {
    JsonObject json = new RedisKitOptions().setPassword("p").setUser("u").setDatabase(1).setTlsCaPath("/ca.pem")
      .setTlsCertPath("/client.pem").setTlsKeyPath("/client.key").toJson();
    List<String> keys = RedisKitOptions.KEYS.stream().map(ConfigKey::name).collect(Collectors.toList());
    List<String> written = new ArrayList<>();
    flatten("", json, keys, written);
    assertThat(written).containsExactlyInAnyOrderElementsOf(keys);
    assertThat(CacheOptions.KEYS).allMatch(k -> k.name().startsWith("cache."));
    assertThat(RateLimitOptions.KEYS).allMatch(k -> k.name().startsWith("rateLimit."));
    assertThat(HealthOptions.KEYS).allMatch(k -> k.name().startsWith("health."));
    assertThat(MetricsOptions.KEYS).allMatch(k -> k.name().startsWith("metrics."));
  }

  /** Walks into an object only where keys are documented inside it (a section), else takes it as one value. */
  private static void flatten(String prefix, JsonObject json, List<String> keys, List<String> out) {
    for (String name : json.fieldNames()) {
      String full = prefix + name;
      if (json.getValue(name) instanceof JsonObject nested && keys.stream().anyMatch(k -> k.startsWith(full + "."))) {
        flatten(full + ".", nested, keys, out);
      } else {
        out.add(full);
      }
    }
  }
}
