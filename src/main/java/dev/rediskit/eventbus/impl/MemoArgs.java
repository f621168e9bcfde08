package dev.rediskit.eventbus.impl;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * The argument of a memoized function on its way through the event bus: a JSON value as it is,
 * anything else through Vert.x's JSON mapping, and back to the class of the caller's argument.
 */
final class MemoArgs {

  private MemoArgs() {
  }

  private static boolean isJson(Object v) {
    return v instanceof String || v instanceof Number || v instanceof Boolean || v instanceof JsonObject
      || v instanceof JsonArray || v instanceof Buffer;
  }

  /**
   * @param arg the caller's argument
   * @return it as a JSON value
   */
  static Object toArgs(Object arg) {
    return isJson(arg) ? arg : Json.decodeValue(Json.encode(arg));
  }

  /**
   * @param args the JSON value that came with the loader request
   * @param type the class of the caller's last argument, or {@code null}
   * @return the argument for the function
   */
  static Object fromArgs(Object args, Class<?> type) {
    if (args == null || type == null || type.isInstance(args)) {
      return args;
    }
    if (args instanceof Number n) {
      // A number may come back as another Number class once it has crossed a clustered event bus.
      if (type == Long.class) {
        return n.longValue();
      }
      if (type == Integer.class) {
        return n.intValue();
      }
      if (type == Double.class) {
        return n.doubleValue();
      }
      if (type == Float.class) {
        return n.floatValue();
      }
      if (type == Short.class) {
        return n.shortValue();
      }
      if (type == Byte.class) {
        return n.byteValue();
      }
      if (type == BigDecimal.class) {
        return new BigDecimal(n.toString());
      }
      if (type == BigInteger.class) {
        return new BigDecimal(n.toString()).toBigInteger();
      }
    }
    return Json.decodeValue(Json.encode(args), type);
  }
}
