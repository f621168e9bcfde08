package dev.rediskit.eventbus.impl;

import dev.rediskit.error.ValueTooLargeException;
import dev.rediskit.cache.BatchLoader;
import dev.rediskit.cache.CacheCodec;
import dev.rediskit.cache.LoadTimeoutException;
import dev.rediskit.cache.LoaderException;
import dev.rediskit.cache.LoaderUnavailableException;
import dev.rediskit.eventbus.JsonRequest;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The cache service's side of the loader contract: sends {@code {namespace, key, args?}} (or
 * {@code {namespace, keys}}) to a loader address and turns the reply into a value, or into a coded
 * failure: no consumer (501), a failure reply or a reply outside the contract (502), no reply
 * within {@code cache.loadTimeoutMs} (524), a value over {@code cache.maxValueBytes} (413). These
 * are the loaders handed to {@code CacheNamespace.getOrLoadResult} and {@code warm}, so single
 * flight, the lease, serve-stale and the rest stay the Java API's.
 */
final class LoaderCalls {

  private static final CacheCodec<Object> JSON = CacheCodec.json();

  private final EventBus eventBus;
  private final DeliveryOptions delivery;
  private final long loadTimeoutMs;
  private final int maxValueBytes;

  LoaderCalls(EventBus eventBus, long loadTimeoutMs, int maxValueBytes) {
    this.eventBus = eventBus;
    this.loadTimeoutMs = loadTimeoutMs;
    this.maxValueBytes = maxValueBytes;
    // The cache's own timer bounds the load by the same time; this one frees the reply handler.
    this.delivery = new DeliveryOptions().setSendTimeout(loadTimeoutMs);
  }

  /**
   * @param address the loader's address
   * @param namespace the namespace
   * @param key the key
   * @param args the caller's arguments, handed on unchanged, or {@code null}
   * @return the value, {@code null} when the loader has none
   */
  Future<Object> load(String address, String namespace, String key, Object args) {
    JsonObject request = new JsonObject().put("namespace", namespace).put("key", key);
    if (args != null) {
      request.put("args", args);
    }
    String what = namespace + ":" + key;
    return eventBus.request(address, request, delivery).transform(ar -> {
      if (ar.failed()) {
        return Future.failedFuture(failure(address, what, ar.cause()));
      }
      try {
        return Future.succeededFuture(value(address, what, ar.result()));
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    });
  }

  private Object value(String address, String what, Message<Object> reply) {
    if (!(reply.body() instanceof JsonObject body)) {
      throw new LoaderException(contract(address, what, "answered with " + JsonRequest.typeName(reply.body())
        + ", not a JSON object"));
    }
    for (String f : body.fieldNames()) {
      if (!f.equals("value")) {
        throw new LoaderException(contract(address, what, "answered with the field \"" + f + "\""));
      }
    }
    Object value = body.getValue("value");
    if (value != null) {
      checkSize(address, what, value);
    }
    return value;
  }

  private void checkSize(String address, String what, Object value) {
    int size;
    try {
      size = JSON.encode(value).length();
    } catch (RuntimeException e) {
      throw new LoaderException(contract(address, what, "answered with a value that cannot be encoded: " + e.getMessage()));
    }
    if (size > maxValueBytes) {
      throw new ValueTooLargeException("the loader at " + address + " answered " + what + " with a value of " + size
        + " bytes encoded, larger than the maximum of " + maxValueBytes + " bytes (cache.maxValueBytes); nothing was written");
    }
  }

  private static String contract(String address, String what, String problem) {
    return "the loader at " + address + " " + problem + " for " + what
      + " (the loader contract: reply {value} for a value, {} for absent, a failure for an error)";
  }

  private Throwable failure(String address, String what, Throwable cause) {
    if (cause instanceof ReplyException re) {
      switch (re.failureType()) {
        case NO_HANDLERS:
          return new LoaderUnavailableException("no consumer at the loader address " + address + " (for " + what
            + "): is the loader's verticle deployed?");
        case TIMEOUT:
          return new LoadTimeoutException("the loader at " + address + " did not answer " + what + " within "
            + loadTimeoutMs + " ms (cache.loadTimeoutMs)");
        default:
          return new LoaderException("the loader at " + address + " failed for " + what + ": code " + re.failureCode()
            + ": " + re.getMessage(), re);
      }
    }
    return new LoaderException("the loader at " + address + " failed for " + what + ": " + cause, cause);
  }

  /** Counts a warm-up's batches as they come back, for its reply. */
  static final class WarmTally {
    final AtomicLong loaded = new AtomicLong();
    final AtomicBoolean noConsumer = new AtomicBoolean();
    final AtomicReference<String> firstError = new AtomicReference<>();

    void loaded(long n) {
      loaded.addAndGet(n);
    }

    void failed(Throwable t) {
      if (t instanceof LoaderUnavailableException) {
        noConsumer.set(true);
      }
      firstError.compareAndSet(null, t.getMessage());
    }
  }

  /**
   * @param address the batch loader's address
   * @param namespace the namespace
   * @param tally where the batches are counted
   * @return a batch loader that asks {@code address} with {@code {namespace, keys}}
   */
  BatchLoader<Object> batch(String address, String namespace, WarmTally tally) {
    return keys -> {
      JsonObject request = new JsonObject().put("namespace", namespace).put("keys", new JsonArray(List.copyOf(keys)));
      String what = namespace + " (a batch of " + keys.size() + " keys)";
      return eventBus.request(address, request, delivery).transform(ar -> {
        if (ar.failed()) {
          Throwable t = failure(address, what, ar.cause());
          tally.failed(t);
          return Future.failedFuture(t);
        }
        try {
          Map<String, Object> values = values(address, what, ar.result().body());
          long n = 0;
          for (String k : keys) {
            if (values.get(k) != null) {
              n++;
            }
          }
          tally.loaded(n);
          return Future.succeededFuture(values);
        } catch (RuntimeException e) {
          tally.failed(e);
          return Future.failedFuture(e);
        }
      });
    };
  }

  private static Map<String, Object> values(String address, String what, Object body) {
    String shape = " (the batch loader contract: reply {values: {key: value}}, keys without a value left out)";
    if (!(body instanceof JsonObject json)) {
      throw new LoaderException("the batch loader at " + address + " answered with " + JsonRequest.typeName(body)
        + ", not a JSON object, for " + what + shape);
    }
    for (String f : json.fieldNames()) {
      if (!f.equals("values")) {
        throw new LoaderException("the batch loader at " + address + " answered with the field \"" + f + "\" for " + what + shape);
      }
    }
    Object v = json.getValue("values");
    if (!(v instanceof JsonObject values)) {
      throw new LoaderException("the batch loader at " + address + " answered without an object \"values\" for " + what + shape);
    }
    Map<String, Object> out = new HashMap<>(values.size() * 2);
    for (Map.Entry<String, Object> e : values) {
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }
}
