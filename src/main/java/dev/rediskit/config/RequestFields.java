package dev.rediskit.config;

import dev.rediskit.error.InvalidRequestException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * Typed reads of the optional fields of a JSON request, refusing a wrong type with an
 * {@link InvalidRequestException} that names the field: shared by the event-bus consumers
 * ({@code dev.rediskit.eventbus.JsonRequest}) and the options read from JSON
 * ({@code dev.rediskit.cache.LoadOptions}), so that both word the same mistake the same way.
 *
 * <p>Internal: shared by the module's packages; not part of the API.
 */
public final class RequestFields {

  private RequestFields() {
  }

  /**
   * A caller's duration in milliseconds, for the range check that follows it: one too long for a
   * long of milliseconds ({@code Duration.ofSeconds(Long.MAX_VALUE)}) is saturated, so that the
   * check refuses it with the field's own message instead of {@link java.time.Duration#toMillis()} throwing an
   * {@code ArithmeticException} at the caller.
   *
   * @param d a duration
   * @return its whole milliseconds, or {@link Long#MAX_VALUE} / {@link Long#MIN_VALUE} past a long's range
   */
  public static long saturatedMillis(java.time.Duration d) {
    try {
      return d.toMillis();
    } catch (ArithmeticException e) {
      return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  /**
   * @param body the request
   * @param field the field
   * @return its integral value, or {@code null} when absent
   * @throws InvalidRequestException naming {@code field} when it is not a whole number
   */
  public static Long optionalLong(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Number n)) {
      throw new InvalidRequestException(field, "must be a number, was " + OptionChecks.typeName(v));
    }
    if (n instanceof Double || n instanceof Float) {
      double d = n.doubleValue();
      if (d != Math.rint(d) || Double.isInfinite(d)) {
        throw new InvalidRequestException(field, "must be a whole number, was " + n);
      }
    }
    return n.longValue();
  }

  /**
   * @param body the request
   * @param field the field
   * @return its value as a finite double, or {@code null} when absent
   * @throws InvalidRequestException naming {@code field} when it is not a finite number
   */
  public static Double optionalDouble(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Number n)) {
      throw new InvalidRequestException(field, "must be a number, was " + OptionChecks.typeName(v));
    }
    double d = n.doubleValue();
    if (!Double.isFinite(d)) {
      throw new InvalidRequestException(field, "must be a finite number, was " + n);
    }
    return d;
  }

  /**
   * @param body the request
   * @param field the field
   * @return its boolean value, or {@code null} when absent
   * @throws InvalidRequestException naming {@code field} when it is not a boolean
   */
  public static Boolean optionalBoolean(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Boolean b)) {
      throw new InvalidRequestException(field, "must be true or false, was " + OptionChecks.typeName(v));
    }
    return b;
  }

  /**
   * @param body the request
   * @param field the field
   * @return its strings (each element checked by the caller), or {@code null} when absent
   * @throws InvalidRequestException naming {@code field} (or the element) when it is not an array of strings
   */
  public static List<String> optionalStrings(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof JsonArray arr)) {
      throw new InvalidRequestException(field, "must be an array of strings, was " + OptionChecks.typeName(v));
    }
    List<String> out = new ArrayList<>(arr.size());
    for (int i = 0; i < arr.size(); i++) {
      Object e = arr.getValue(i);
      if (!(e instanceof String s)) {
        throw new InvalidRequestException(field + "[" + i + "]", "must be a string, was " + OptionChecks.typeName(e));
      }
      out.add(s);
    }
    return out;
  }
}
