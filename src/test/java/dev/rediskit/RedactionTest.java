package dev.rediskit;

import dev.rediskit.config.ConfigKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The password must never show up where options or their problems are printed. */
class RedactionTest {

  private static final String MARKER = "Zq7-SECRET-MARKER-41x";

  @Test
  void passwordFieldIsInToJsonOnly() {
    RedisKitOptions o = new RedisKitOptions().setPassword(MARKER);
    assertThat(o.toJson().getString("password")).isEqualTo(MARKER);
    assertThat(o.toDisplayJson().getString("password")).isEqualTo("***");
    assertThat(o.toString()).doesNotContain(MARKER).contains("\"password\":\"***\"");
    assertThat(o.toDisplayJson().encode()).doesNotContain(MARKER);
  }

  @Test
  void noPasswordShowsNoPasswordKey() {
    assertThat(new RedisKitOptions().toDisplayJson().containsKey("password")).isFalse();
  }

  @Test
  void passwordInsideEndpointIsHiddenInDisplayForms() {
    RedisKitOptions o = new RedisKitOptions().setEndpoints(List.of("redis://user:" + MARKER + "@host:6379/1", "redis://other:7000"));
    assertThat(o.toDisplayJson().getJsonArray("endpoints"))
      .isEqualTo(new JsonArray().add("redis://user:***@host:6379/1").add("redis://other:7000"));
    assertThat(o.toString()).doesNotContain(MARKER);
    assertThat(o.getEndpoints().get(0)).contains(MARKER);
    assertThat(o.toJson().getJsonArray("endpoints").getString(0)).contains(MARKER);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "redis://user:secret@host:6379/0 | redis://user:***@host:6379/0",
    "rediss://:secret@host:6380 | rediss://:***@host:6380",
    "redis://secret@host | redis://***@host",
    "redis://host:6379 | redis://host:6379",
    "redis://host | redis://host",
    "redis://[::1]:6379 | redis://[::1]:6379",
    "unix:///run/redis.sock | unix:///run/redis.sock",
    "redis://user:pa:ss@host | redis://user:***@host",
    "redis://user:p@ss/w#rd@host:1 | redis://user:***@host:1",
    "redis://host:6379?password=secret&db=1 | redis://host:6379?password=***&db=1",
    "redis://user:secret | redis://user:***",
    "redis://:secret | redis://:***",
    "user:secret@host:6379 | user:***@host:6379",
    "redis:/user:secret@host | redis:***@host",
    "'redis://u:s1@a:1,redis://u:s2@b:2' | 'redis://u:***@a:1,redis://u:***@b:2'",
    "'redis://u:s1@a:1, rediss://b:2' | 'redis://u:***@a:1, rediss://b:2'",
  })
  void redactHidesThePasswordOfAnyUrl(String url, String expected) {
    assertThat(RedisKitOptions.redact(url)).isEqualTo(expected);
  }

  @Test
  void redactOfNullIsNull() {
    assertThat(RedisKitOptions.redact(null)).isNull();
  }

  /** Invalid URLs are the ones that end up in messages, so they matter most. */
  @ParameterizedTest
  @ValueSource(strings = {
    "redis://user:" + MARKER + "@host:6379",
    "redis://user:" + MARKER + "@host:notaport",
    "redis://user:" + MARKER + "@ho st:6379",
    "redis://user:" + MARKER + "@ho_st:6379",
    "redis://user:" + MARKER + "@host:0",
    "redis://user:" + MARKER + "@host:6379/notadb",
    "redis://user:" + MARKER + "@",
    "redis://user:" + MARKER,
    "redis://:" + MARKER,
    "redis://" + MARKER + "@host",
    "http://user:" + MARKER + "@host:6379",
    "user:" + MARKER + "@host:6379",
    "redis:/user:" + MARKER + "@host",
    "redis://user:" + MARKER + "/x@host:1",
    "redis://user:pre@" + MARKER + "@host:1",
    "redis://host:6379?password=" + MARKER,
    "  redis://user:" + MARKER + "@host:1",
  })
  void passwordInAnyEndpointNeverReachesMessages(String endpoint) {
    RedisKitOptions o = new RedisKitOptions(new JsonObject()
      .put("endpoints", new JsonArray().add(endpoint))
      .put("type", "CLUSTER").put("database", 3)
      .put("password", MARKER));
    assertThat(o.toString()).doesNotContain(MARKER);
    assertThat(o.toDisplayJson().encode()).doesNotContain(MARKER);
    assertThat(o.problems()).allSatisfy(p -> assertThat(p).doesNotContain(MARKER));
    Throwable validation = catchThrowable(o::validate);
    if (validation != null) {
      assertThat(validation.getMessage()).doesNotContain(MARKER);
    }
    Throwable setter = catchThrowable(() -> new RedisKitOptions().setEndpoint(endpoint));
    if (setter != null) {
      assertThat(setter.getMessage()).doesNotContain(MARKER);
    }
    // The same URL given through REDIS_URL, and a password of the wrong type.
    RedisKitOptions fromEnv = RedisKitConfig.fromSources(new JsonObject().put("password", 1234567),
      Map.of("REDIS_URL", endpoint, "REDISKIT_PASSWORD", MARKER), new Properties());
    assertThat(fromEnv.toString()).doesNotContain(MARKER);
    assertThat(fromEnv.problems()).allSatisfy(p -> assertThat(p).doesNotContain(MARKER));
  }

  @Test
  void passwordOfWrongTypeIsNotEchoed() {
    RedisKitOptions o = new RedisKitOptions(new JsonObject().put("password", 987654321987L));
    assertThatThrownBy(o::validate)
      .hasMessageContaining("password: expected a string, was a number")
      .hasMessageNotContaining("987654321987");
    RedisKitOptions obj = new RedisKitOptions(new JsonObject().put("password", new JsonObject().put("value", MARKER)));
    assertThat(obj.problems()).containsExactly("password: expected a string, was an object");
  }

  @Test
  void endpointItemOfWrongTypeIsNotEchoed() {
    RedisKitOptions o = new RedisKitOptions(new JsonObject().put("endpoints",
      new JsonArray().add(new JsonObject().put("url", "redis://u:" + MARKER + "@h:1"))));
    assertThat(o.problems()).containsExactly("endpoints[0]: expected a string, was an object");
  }

  @Test
  void misspelledPasswordKeyIsNotEchoed() {
    RedisKitOptions o = new RedisKitOptions(new JsonObject().put("pasword", MARKER));
    assertThat(o.problems()).containsExactly("pasword: unknown key, did you mean \"password\"?");
  }

  @Test
  void keyTableDoesNotPrintSecrets() {
    ConfigKey password = RedisKitOptions.KEYS.stream().filter(k -> k.name().equals("password")).findFirst().orElseThrow();
    assertThat(password.secret()).isTrue();
    assertThat(password.toString()).doesNotContain("default");
  }
}
