package dev.rediskit.eventbus;

import dev.rediskit.error.InvalidRequestException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonRequestTest {

  @Test
  void bodyMustBeAnObject() {
    assertThatThrownBy(() -> JsonRequest.body("text")).isInstanceOf(InvalidRequestException.class)
      .hasMessage("body: must be a JSON object, was String");
    assertThatThrownBy(() -> JsonRequest.body(null)).hasMessage("body: must be a JSON object, was null");
  }

  @Test
  void stringsAreRequiredTypedAndNonEmpty() {
    JsonObject b = new JsonObject().put("n", 5).put("e", "").put("s", "ok");
    assertThat(JsonRequest.requiredString(b, "s")).isEqualTo("ok");
    assertThatThrownBy(() -> JsonRequest.requiredString(b, "missing")).hasMessage("missing: is required");
    assertThatThrownBy(() -> JsonRequest.requiredString(b, "n")).hasMessage("n: must be a string, was a number");
    assertThatThrownBy(() -> JsonRequest.requiredString(b, "e")).hasMessage("e: must not be empty");
    assertThat(JsonRequest.optionalString(b, "missing", "def")).isEqualTo("def");
  }

  @Test
  void numbersMustBeWhole() {
    JsonObject b = new JsonObject().put("i", 7).put("d", 1.5).put("w", 2.0).put("s", "7");
    assertThat(JsonRequest.requiredLong(b, "i")).isEqualTo(7L);
    assertThat(JsonRequest.requiredLong(b, "w")).isEqualTo(2L);
    assertThat(JsonRequest.optionalLong(b, "missing")).isNull();
    assertThatThrownBy(() -> JsonRequest.requiredLong(b, "d")).hasMessage("d: must be a whole number, was 1.5");
    assertThatThrownBy(() -> JsonRequest.requiredLong(b, "s")).hasMessage("s: must be a number, was a string");
  }

  @Test
  void stringArraysNameTheBadElement() {
    JsonObject b = new JsonObject().put("keys", new JsonArray().add("a").add(3)).put("empty", new JsonArray());
    assertThatThrownBy(() -> JsonRequest.requiredStringArray(b, "keys")).hasMessage("keys[1]: must be a non-empty string, was a number");
    assertThatThrownBy(() -> JsonRequest.requiredStringArray(b, "empty")).hasMessage("empty: must not be empty");
    assertThat(JsonRequest.requiredStringArray(new JsonObject().put("k", new JsonArray().add("x")), "k")).hasSize(1);
  }
}
