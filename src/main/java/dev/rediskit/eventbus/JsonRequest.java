package dev.rediskit.eventbus;

import dev.rediskit.error.InvalidRequestException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Reads fields of an event-bus request body, refusing wrong types and missing values with an
 * {@link InvalidRequestException} that names the field and the reason. Used by every consumer so
 * that bad input is refused before anything reaches Redis.
 */
public final class JsonRequest {

  private JsonRequest() {
  }

  /**
   * @param body the message body
   * @return it as a JSON object
   * @throws InvalidRequestException when it is not a JSON object
   */
  public static JsonObject body(Object body) {
    if (body instanceof JsonObject json) {
      return json;
    }
    throw new InvalidRequestException("body", "must be a JSON object, was " + (body == null ? "null" : body.getClass().getSimpleName()));
  }

  /**
   * @param body the request
   * @param field the field
   * @return its non-empty string value
   */
  public static String requiredString(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v == null) {
      throw new InvalidRequestException(field, "is required");
    }
    if (!(v instanceof String s)) {
      throw new InvalidRequestException(field, "must be a string, was " + typeName(v));
    }
    if (s.isEmpty()) {
      throw new InvalidRequestException(field, "must not be empty");
    }
    return s;
  }

  /**
   * @param body the request
   * @param field the field
   * @param def the value when absent
   * @return its string value, or {@code def}
   */
  public static String optionalString(JsonObject body, String field, String def) {
    Object v = body.getValue(field);
    if (v == null) {
      return def;
    }
    if (!(v instanceof String s)) {
      throw new InvalidRequestException(field, "must be a string, was " + typeName(v));
    }
    return s;
  }

  /**
   * @param body the request
   * @param field the field
   * @return its integral value (a JSON number without fraction)
   */
  public static long requiredLong(JsonObject body, String field) {
    Long v = optionalLong(body, field);
    if (v == null) {
      throw new InvalidRequestException(field, "is required");
    }
    return v;
  }

  /**
   * @param body the request
   * @param field the field
   * @return its integral value, or {@code null} when absent
   */
  public static Long optionalLong(JsonObject body, String field) {
    return dev.rediskit.config.RequestFields.optionalLong(body, field);
  }

  /**
   * @param body the request
   * @param field the field
   * @return its value as a finite double, or {@code null} when absent
   */
  public static Double optionalDouble(JsonObject body, String field) {
    return dev.rediskit.config.RequestFields.optionalDouble(body, field);
  }

  /**
   * @param body the request
   * @param field the field
   * @return its boolean value, or {@code null} when absent
   */
  public static Boolean optionalBoolean(JsonObject body, String field) {
    return dev.rediskit.config.RequestFields.optionalBoolean(body, field);
  }

  /**
   * Refuses any field of the request that the address does not read, so that a mistyped option
   * fails instead of being ignored.
   *
   * @param body the request
   * @param address one of {@link Addresses}' constants, with its fields in {@link Addresses#REQUEST_FIELDS}
   * @param accepted the names of the fields the address reads
   * @throws InvalidRequestException naming the first unknown field
   */
  public static void onlyFields(JsonObject body, String address, java.util.Set<String> accepted) {
    for (String f : body.fieldNames()) {
      if (!accepted.contains(f)) {
        java.util.List<String> declared = Addresses.REQUEST_FIELDS.getOrDefault(address, java.util.List.of());
        throw new InvalidRequestException(f, "unknown field of " + address
          + (declared.isEmpty() ? " (it takes no fields)" : " (expected " + String.join(", ", declared) + ")"));
      }
    }
  }

  /**
   * @param body the request
   * @param field the field
   * @return its non-empty array of non-empty strings
   */
  public static JsonArray requiredStringArray(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v == null) {
      throw new InvalidRequestException(field, "is required");
    }
    if (!(v instanceof JsonArray arr)) {
      throw new InvalidRequestException(field, "must be an array of strings, was " + typeName(v));
    }
    if (arr.isEmpty()) {
      throw new InvalidRequestException(field, "must not be empty");
    }
    for (int i = 0; i < arr.size(); i++) {
      Object e = arr.getValue(i);
      if (!(e instanceof String s) || s.isEmpty()) {
        throw new InvalidRequestException(field + "[" + i + "]", "must be a non-empty string, was " + typeName(e));
      }
    }
    return arr;
  }

  /**
   * @param body the request
   * @param field the field
   * @return its strings, empty when the field is absent; each element checked by the caller
   */
  public static java.util.List<String> optionalStringList(JsonObject body, String field) {
    java.util.List<String> list = dev.rediskit.config.RequestFields.optionalStrings(body, field);
    return list == null ? java.util.List.of() : list;
  }

  /**
   * @param v a JSON value
   * @return its JSON type name, for messages (the same wording as configuration problems)
   */
  public static String typeName(Object v) {
    return dev.rediskit.config.OptionChecks.typeName(v);
  }
}
