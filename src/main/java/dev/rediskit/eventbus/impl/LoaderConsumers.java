package dev.rediskit.eventbus.impl;

import dev.rediskit.eventbus.FailureCodes;
import dev.rediskit.eventbus.JsonRequest;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The loader's side of the loader contract, so that no user hand-writes it: checks the request
 * ({@code {namespace, key, args?}} or {@code {namespace, keys}}), calls the user's function, and
 * replies {@code {value}}, {@code {}} for absent ({@code {values}} for a batch), or a coded failure:
 * 400 for a request outside the contract, the failure's own code (500 when it has none) when the
 * function fails, 500 for a value that is not a JSON value.
 */
public final class LoaderConsumers {

  private LoaderConsumers() {
  }

  /** One load, as the cache service asks for it. */
  @FunctionalInterface
  public interface Load {
    /**
     * @param namespace the namespace
     * @param key the key
     * @param args the caller's arguments, or {@code null}
     * @return the value, {@code null} when there is none
     */
    Future<?> load(String namespace, String key, Object args);
  }

  /**
   * @param eventBus the event bus (consumers are registered on the caller's context)
   * @param address the loader address
   * @param load the load
   * @return the consumer, registered cluster-wide once its completion succeeds
   */
  public static MessageConsumer<Object> register(EventBus eventBus, String address, Load load) {
    return eventBus.consumer(address, msg -> {
      Future<?> value;
      try {
        JsonObject body = JsonRequest.body(msg.body());
        String namespace = JsonRequest.requiredString(body, "namespace");
        String key = JsonRequest.requiredString(body, "key");
        value = load.load(namespace, key, body.getValue("args"));
        if (value == null) {
          value = Future.failedFuture(new NullPointerException("the loader at " + address + " returned no future"));
        }
      } catch (RuntimeException e) {
        value = Future.failedFuture(e);
      }
      value.onComplete(ar -> {
        if (ar.failed()) {
          fail(msg, ar.cause());
          return;
        }
        Object v = ar.result();
        if (v == null) {
          msg.reply(new JsonObject());
        } else if (isJsonValue(v)) {
          msg.reply(new JsonObject().put("value", v));
        } else {
          msg.fail(FailureCodes.INTERNAL, "the loader at " + address + " produced a " + v.getClass().getName()
            + ", not a JSON value (object, array, string, number, boolean): map it first, e.g. JsonObject.mapFrom(value)");
        }
      });
    });
  }

  /**
   * @param eventBus the event bus
   * @param address the batch loader address
   * @param load loads a batch: the values found, by key
   * @return the consumer
   */
  public static MessageConsumer<Object> registerBatch(EventBus eventBus, String address,
                                                      Function<List<String>, ? extends Future<? extends Map<String, ?>>> load) {
    return eventBus.consumer(address, msg -> {
      Future<? extends Map<String, ?>> values;
      try {
        JsonObject body = JsonRequest.body(msg.body());
        JsonRequest.requiredString(body, "namespace");
        JsonArray keys = JsonRequest.requiredStringArray(body, "keys");
        List<String> list = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
          list.add(keys.getString(i));
        }
        values = load.apply(list);
        if (values == null) {
          values = Future.failedFuture(new NullPointerException("the batch loader at " + address + " returned no future"));
        }
      } catch (RuntimeException e) {
        values = Future.failedFuture(e);
      }
      values.onComplete(ar -> {
        if (ar.failed()) {
          fail(msg, ar.cause());
          return;
        }
        JsonObject out = new JsonObject();
        if (ar.result() != null) {
          for (Map.Entry<String, ?> e : ar.result().entrySet()) {
            Object v = e.getValue();
            if (v == null) {
              continue;
            }
            if (!isJsonValue(v)) {
              msg.fail(FailureCodes.INTERNAL, "the batch loader at " + address + " produced a " + v.getClass().getName()
                + " for " + e.getKey() + ", not a JSON value: map it first, e.g. JsonObject.mapFrom(value)");
              return;
            }
            out.put(e.getKey(), v);
          }
        }
        msg.reply(new JsonObject().put("values", out));
      });
    });
  }

  private static void fail(Message<Object> msg, Throwable cause) {
    // A failure reply the function passed on (from a request of its own) keeps its code.
    ReplyException re = cause instanceof ReplyException r ? r : FailureCodes.toReply(cause);
    msg.fail(re.failureCode(), re.getMessage());
  }

  /**
   * @param v a value
   * @return whether the JSON codec stores it as it is
   */
  static boolean isJsonValue(Object v) {
    return v instanceof String || v instanceof Number || v instanceof Boolean || v instanceof JsonObject
      || v instanceof JsonArray || v instanceof Buffer || v instanceof Map || v instanceof List;
  }
}
