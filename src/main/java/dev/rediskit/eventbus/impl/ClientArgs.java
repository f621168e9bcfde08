package dev.rediskit.eventbus.impl;

import dev.rediskit.cache.LoadOptions;
import dev.rediskit.cache.WriteOptions;
import dev.rediskit.error.InvalidRequestException;
import io.vertx.core.Future;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Shareable;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The checks a typed client makes of its arguments before it builds a request body: those whose
 * failure would otherwise be thrown at the caller (a {@code null} collection, a duration that does
 * not fit in milliseconds, a value the event bus cannot carry) rather than come back as a failed
 * future. Each throws an {@link InvalidRequestException} naming the field, for the caller to turn
 * into a failed future. What the service checks (a {@code null} key, ranges, names) is left to it.
 */
final class ClientArgs {

  private ClientArgs() {
  }

  /**
   * @param field the request field
   * @param value the argument
   * @param <T> its type
   * @return it, when not {@code null}
   * @throws InvalidRequestException naming {@code field} when it is {@code null}
   */
  static <T> T required(String field, T value) {
    if (value == null) {
      throw new InvalidRequestException(field, "is required");
    }
    return value;
  }

  /**
   * @param build a request body from the caller's arguments; throws an {@link InvalidRequestException}
   *     for an argument it cannot send
   * @param send what to do with the body
   * @param <T> what the call answers
   * @return what {@code send} returns, or the failed future of the refused argument (never a throw)
   */
  static <T> Future<T> built(Supplier<JsonObject> build, Function<JsonObject, Future<T>> send) {
    JsonObject body;
    try {
      body = build.get();
    } catch (InvalidRequestException e) {
      return Future.failedFuture(e);
    }
    return send.apply(body);
  }

  /**
   * @param body a request body
   * @param field the field, in ms
   * @param d a duration, or {@code null} to leave the field out
   * @return {@code body}
   * @throws InvalidRequestException naming {@code field} when {@code d} does not fit in a long of ms
   */
  static JsonObject putMillis(JsonObject body, String field, Duration d) {
    return d == null ? body : body.put(field, millis(field, d));
  }

  /**
   * @param field the request field, in ms
   * @param d a duration, or {@code null} (for the callers that look at several at once)
   * @return it in ms ({@code 0} for {@code null})
   * @throws InvalidRequestException naming {@code field} when it does not fit in a long of ms
   */
  static long millis(String field, Duration d) {
    if (d == null) {
      return 0;
    }
    try {
      return d.toMillis();
    } catch (ArithmeticException e) {
      throw new InvalidRequestException(field, "does not fit in a long of milliseconds, was " + d);
    }
  }

  /**
   * The one check of a value on the way out that stays cheap: its own class, not what it holds
   * (the event bus copies or encodes the body anyway, and {@link #sendFailure} names what it
   * refused). Made before sending all the same, because a clustered event bus may copy or encode
   * the body after {@code request} has returned, and then only logs the error: the caller would
   * wait out the delivery timeout. The classes accepted are those the event bus's copy of a
   * {@link JsonObject} body accepts (Vert.x's {@code JsonUtil.deepCopy}), so that nothing one Vert.x
   * instance carries is refused.
   *
   * @param field the request field
   * @param value a value to send, or {@code null} (the service says whether it may be absent)
   * @throws InvalidRequestException naming {@code field} and the value's class when it is not a JSON value
   */
  static void checkJson(String field, Object value) {
    if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean
      || value instanceof Character || value instanceof CharSequence || value instanceof Shareable || value instanceof Map
      || value instanceof List || value instanceof byte[] || value instanceof Instant || value instanceof Enum) {
      return;
    }
    throw notJson(field, "a " + value.getClass().getName() + " (values are JSON: an object, array, string, number or boolean)");
  }

  /**
   * @param entries the entries of a {@code cache.mset}
   * @throws InvalidRequestException naming {@code entries} when {@code null}, or {@code entries.<key>}
   *     of the first value that is not a JSON value ({@link #checkJson})
   */
  static void checkEntries(Map<String, Object> entries) {
    required("entries", entries);
    for (Map.Entry<String, Object> e : entries.entrySet()) {
      checkJson("entries." + e.getKey(), e.getValue());
    }
  }

  private static InvalidRequestException notJson(String field, String what) {
    return new InvalidRequestException(field, "cannot be sent as JSON: " + what);
  }

  /**
   * @param field the request field
   * @param e why its value could not be mapped to JSON
   * @return the failure naming the field and saying why
   */
  static InvalidRequestException notJson(String field, RuntimeException e) {
    return notJson(field, e.getMessage());
  }

  /**
   * What to answer for an exception the event bus threw while it took a request body: copying a
   * body for a consumer of this node, or encoding it for another node, is where a value nested in
   * the body that is not JSON shows. Only then is the value looked at again, to name it.
   *
   * @param thrown what {@code request} threw
   * @param field the field of the values of the body that came from the caller, or {@code null} for none
   * @param value that field's value ({@code entries}: its values are each looked at, by key)
   * @return an {@link InvalidRequestException} naming the field (or the entry) whose value cannot be
   *     copied or encoded, else {@code thrown} itself
   */
  static RuntimeException sendFailure(RuntimeException thrown, String field, Object value) {
    if (field == null) {
      return thrown;
    }
    if (value instanceof Map<?, ?> entries && "entries".equals(field)) {
      for (Map.Entry<?, ?> e : entries.entrySet()) {
        String problem = jsonProblem(e.getValue());
        if (problem != null) {
          return notJson("entries." + e.getKey(), problem);
        }
      }
      return thrown;
    }
    String problem = jsonProblem(value);
    return problem == null ? thrown : notJson(field, problem);
  }

  /** @return why the value cannot be copied as the event bus copies a body, or encoded as it encodes one; {@code null} if it can */
  private static String jsonProblem(Object value) {
    try {
      new JsonObject().put("v", value).copy();
      Json.encode(value);
      return null;
    } catch (RuntimeException e) {
      return e.getMessage();
    }
  }

  /**
   * @param options load options to send
   * @return their JSON form
   * @throws InvalidRequestException naming the first duration of them that does not fit in a long of ms
   */
  static JsonObject json(LoadOptions options) {
    try {
      return options.toJson();
    } catch (ArithmeticException e) {
      // Only now, to name it: the options' durations one by one, in the order toJson writes them.
      millis(LoadOptions.TTL_MS, options.getTtl());
      millis(LoadOptions.STALE_TTL_MS, options.getStaleTtl());
      millis(LoadOptions.NULL_TTL_MS, options.getNullTtl());
      millis(LoadOptions.IDLE_TTL_MS, options.getIdleTtl());
      throw e;
    }
  }

  /**
   * @param options write options to send
   * @return their JSON form
   * @throws InvalidRequestException naming the first duration of them that does not fit in a long of ms
   */
  static JsonObject json(WriteOptions options) {
    try {
      return options.toJson();
    } catch (ArithmeticException e) {
      millis(WriteOptions.TTL_MS, options.getTtl());
      millis(WriteOptions.IDLE_TTL_MS, options.getIdleTtl());
      throw e;
    }
  }
}
