package dev.rediskit.eventbus.impl;

import dev.rediskit.cache.CacheResult;
import dev.rediskit.cache.CacheStats;
import dev.rediskit.eventbus.Addresses;
import dev.rediskit.eventbus.CacheClient;
import dev.rediskit.eventbus.FailureCodes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the request bodies, and turns replies and failure codes back into Java. */
public final class CacheClientImpl implements CacheClient {

  private final EventBus eventBus;
  private final String prefix;
  private final DeliveryOptions delivery;

  /**
   * @param vertx the Vert.x instance
   * @param prefix the address prefix
   * @param delivery the delivery options (owned)
   */
  public CacheClientImpl(Vertx vertx, String prefix, DeliveryOptions delivery) {
    this.eventBus = vertx.eventBus();
    this.prefix = prefix;
    this.delivery = delivery;
  }

  private Future<JsonObject> request(String address, JsonObject body) {
    return eventBus.<JsonObject>request(Addresses.of(prefix, address), body, delivery).transform(ar ->
      ar.succeeded() ? Future.succeededFuture(ar.result().body()) : Future.failedFuture(FailureCodes.fromReply(ar.cause())));
  }

  private static JsonObject withNamespace(String namespace) {
    JsonObject body = new JsonObject();
    if (namespace != null) {
      body.put("namespace", namespace);
    }
    return body;
  }

  private static CacheResult<Object> result(JsonObject r) {
    if (r == null || !r.getBoolean("found", false)) {
      return CacheResult.miss();
    }
    return new CacheResult<>(true, r.getValue("value"), r.getBoolean("stale", false), r.getLong("ttlMs", 0L));
  }

  @Override
  public Future<CacheResult<Object>> get(String namespace, String key) {
    return request(Addresses.CACHE_GET, withNamespace(namespace).put("key", key)).map(CacheClientImpl::result);
  }

  @Override
  public Future<Void> set(String namespace, String key, Object value, Duration ttl) {
    JsonObject body = withNamespace(namespace).put("key", key).put("value", value);
    if (ttl != null) {
      body.put("ttlMs", ttl.toMillis());
    }
    return request(Addresses.CACHE_SET, body).mapEmpty();
  }

  @Override
  public Future<Long> delete(String namespace, Collection<String> keys) {
    return request(Addresses.CACHE_DELETE, withNamespace(namespace).put("keys", new JsonArray(new ArrayList<>(keys))))
      .map(r -> r.getLong("deleted"));
  }

  @Override
  public Future<Long> invalidate(String namespace, Collection<String> keys) {
    return request(Addresses.CACHE_INVALIDATE, withNamespace(namespace).put("keys", new JsonArray(new ArrayList<>(keys))))
      .map(r -> r.getLong("deleted"));
  }

  @Override
  public Future<Long> flush(String namespace) {
    return request(Addresses.CACHE_FLUSH, withNamespace(namespace)).map(r -> r.getLong("deleted"));
  }

  @Override
  public Future<CacheStats> stats(String namespace) {
    return request(Addresses.CACHE_STATS, withNamespace(namespace)).map(CacheStats::fromJson);
  }

  @Override
  public Future<Map<String, CacheResult<Object>>> getMany(String namespace, Collection<String> keys) {
    return request(Addresses.CACHE_MGET, withNamespace(namespace).put("keys", new JsonArray(new ArrayList<>(keys))))
      .map(r -> {
        JsonObject results = r.getJsonObject("results", new JsonObject());
        Map<String, CacheResult<Object>> out = new LinkedHashMap<>();
        for (String k : results.fieldNames()) {
          out.put(k, result(results.getJsonObject(k)));
        }
        return out;
      });
  }

  @Override
  public Future<Integer> setMany(String namespace, Map<String, Object> entries, Duration ttl) {
    JsonObject body = withNamespace(namespace).put("entries", new JsonObject(new LinkedHashMap<>(entries)));
    if (ttl != null) {
      body.put("ttlMs", ttl.toMillis());
    }
    return request(Addresses.CACHE_MSET, body).map(r -> r.getInteger("written"));
  }
}
