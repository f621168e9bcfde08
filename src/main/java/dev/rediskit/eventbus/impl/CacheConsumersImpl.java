package dev.rediskit.eventbus.impl;

import dev.rediskit.InvalidRequestException;
import dev.rediskit.cache.CacheNamespace;
import dev.rediskit.cache.CacheResult;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.cache.impl.CacheKeys;
import dev.rediskit.eventbus.Addresses;
import dev.rediskit.eventbus.CacheConsumers;
import dev.rediskit.eventbus.JsonRequest;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The {@code cache.*} consumers: decode and check, call the cache, encode. */
public final class CacheConsumersImpl implements CacheConsumers {

  private final List<MessageConsumer<Object>> consumers;
  private final List<String> addresses;

  private CacheConsumersImpl(List<MessageConsumer<Object>> consumers) {
    this.consumers = consumers;
    this.addresses = consumers.stream().map(MessageConsumer::address).toList();
  }

  /**
   * @param eventBus the event bus
   * @param prefix the address prefix
   * @param cache the cache
   * @return the registration
   */
  public static Future<CacheConsumers> register(EventBus eventBus, String prefix, RedisCache cache) {
    Map<String, Function<JsonObject, Future<JsonObject>>> handlers = new LinkedHashMap<>();
    handlers.put(Addresses.CACHE_GET, body -> namespace(cache, body).lookup(key(body)).map(CacheResult::toJson));
    handlers.put(Addresses.CACHE_SET, body -> {
      CacheNamespace<Object> ns = namespace(cache, body);
      String key = key(body);
      Object value = body.getValue("value");
      if (value == null) {
        throw new InvalidRequestException("value", "is required");
      }
      return ns.set(key, value, ttl(cache, body)).map(v -> new JsonObject().put("ok", true));
    });
    handlers.put(Addresses.CACHE_DELETE, body -> namespace(cache, body).delete(keys(body))
      .map(n -> new JsonObject().put("deleted", n)));
    handlers.put(Addresses.CACHE_INVALIDATE, body -> namespace(cache, body).invalidate(keys(body).toArray(String[]::new))
      .map(n -> new JsonObject().put("deleted", n)));
    handlers.put(Addresses.CACHE_FLUSH, body -> {
      String ns = CacheKeys.checkNamespace(JsonRequest.requiredString(body, "namespace"));
      return cache.flushNamespace(ns).map(n -> new JsonObject().put("deleted", n));
    });
    handlers.put(Addresses.CACHE_STATS, body -> Future.succeededFuture(cache.stats(namespaceName(body)).toJson()));
    handlers.put(Addresses.CACHE_MGET, body -> namespace(cache, body).lookupMany(keys(body)).map(found -> {
      JsonObject results = new JsonObject();
      found.forEach((k, r) -> results.put(k, r.toJson()));
      return new JsonObject().put("results", results);
    }));
    handlers.put(Addresses.CACHE_MSET, body -> {
      CacheNamespace<Object> ns = namespace(cache, body);
      Map<String, Object> entries = entries(body);
      return ns.setMany(entries, ttl(cache, body)).map(v -> new JsonObject().put("ok", true).put("written", entries.size()));
    });

    List<MessageConsumer<Object>> registered = new ArrayList<>();
    List<Future<Void>> completions = new ArrayList<>();
    for (String address : ADDRESSES) {
      MessageConsumer<Object> c = Consumers.register(eventBus, Addresses.of(prefix, address), handlers.get(address));
      registered.add(c);
      completions.add(c.completion());
    }
    CacheConsumersImpl handle = new CacheConsumersImpl(registered);
    return Future.all(completions).transform(ar -> {
      if (ar.succeeded()) {
        return Future.succeededFuture(handle);
      }
      // Leave nothing half-registered behind.
      return handle.unregister().transform(ignored -> Future.failedFuture(ar.cause()));
    });
  }

  private static String namespaceName(JsonObject body) {
    return CacheKeys.checkNamespace(JsonRequest.optionalString(body, "namespace", RedisCache.DEFAULT_NAMESPACE));
  }

  private static CacheNamespace<Object> namespace(RedisCache cache, JsonObject body) {
    return cache.namespace(namespaceName(body));
  }

  private static String key(JsonObject body) {
    return CacheKeys.checkKey("key", JsonRequest.requiredString(body, "key"));
  }

  private static List<String> keys(JsonObject body) {
    JsonArray arr = JsonRequest.requiredStringArray(body, "keys");
    if (arr.size() > MAX_KEYS_PER_REQUEST) {
      throw new InvalidRequestException("keys", "must hold at most " + MAX_KEYS_PER_REQUEST + " keys, was " + arr.size());
    }
    List<String> out = new ArrayList<>(arr.size());
    for (int i = 0; i < arr.size(); i++) {
      out.add(CacheKeys.checkKey("keys[" + i + "]", arr.getString(i)));
    }
    return out;
  }

  private static Map<String, Object> entries(JsonObject body) {
    Object v = body.getValue("entries");
    if (v == null) {
      throw new InvalidRequestException("entries", "is required");
    }
    if (!(v instanceof JsonObject obj)) {
      throw new InvalidRequestException("entries", "must be an object of key to value, was " + JsonRequest.typeName(v));
    }
    if (obj.isEmpty()) {
      throw new InvalidRequestException("entries", "must not be empty");
    }
    if (obj.size() > MAX_KEYS_PER_REQUEST) {
      throw new InvalidRequestException("entries", "must hold at most " + MAX_KEYS_PER_REQUEST + " entries, was " + obj.size());
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : obj) {
      CacheKeys.checkKey("entries key", e.getKey());
      if (e.getValue() == null) {
        throw new InvalidRequestException("entries." + e.getKey(), "is required (null is not a value)");
      }
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  private static Duration ttl(RedisCache cache, JsonObject body) {
    Long ttlMs = JsonRequest.optionalLong(body, "ttlMs");
    // The cache checks the range and reports it as ttlMs too.
    return Duration.ofMillis(ttlMs == null ? cache.options().getTtlMs() : ttlMs);
  }

  @Override
  public List<String> addresses() {
    return addresses;
  }

  @Override
  public Future<Void> unregister() {
    List<Future<Void>> all = new ArrayList<>(consumers.size());
    for (MessageConsumer<Object> c : consumers) {
      all.add(c.unregister());
    }
    return Future.all(all).mapEmpty();
  }
}
