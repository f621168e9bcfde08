package dev.rediskit.eventbus.impl;

import dev.rediskit.cache.CacheResult;
import dev.rediskit.cache.CacheStats;
import dev.rediskit.cache.LoadOptions;
import dev.rediskit.cache.NearCacheOptions;
import dev.rediskit.cache.NearCacheStats;
import dev.rediskit.config.OptionChecks;
import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.eventbus.Addresses;
import dev.rediskit.eventbus.CacheClient;
import dev.rediskit.eventbus.FailureCodes;
import dev.rediskit.eventbus.WarmSummary;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;

/**
 * Builds the request bodies, and turns replies and failure codes back into Java. The near cache, when
 * there is one, is {@link ClientNearCacheWiring}'s: reads go through it, and writes tell it what to drop.
 */
public final class CacheClientImpl implements CacheClient {

  private final EventBus eventBus;
  private final String prefix;
  private final String loaderPrefix;
  private final DeliveryOptions delivery;
  private final DeliveryOptions loadDelivery;
  private final DeliveryOptions warmDelivery;
  private final String getOrLoadAddress;
  private final String setAddress;
  private final String msetAddress;
  /** Gathers the reads of one event-loop turn into one message. */
  private final CallBatcher gets;
  /** The near cache and what keeps it correct, or {@code null} without a near cache. */
  private final ClientNearCacheWiring near;

  /**
   * @param vertx the Vert.x instance
   * @param prefix the address prefix
   * @param loaderPrefix the cache service's loader prefix (after the address prefix)
   * @param delivery the delivery options (owned), or {@code null} for the defaults of {@link CacheClient}
   */
  public CacheClientImpl(Vertx vertx, String prefix, String loaderPrefix, DeliveryOptions delivery) {
    this(vertx, prefix, loaderPrefix, delivery, null);
  }

  /**
   * @param vertx the Vert.x instance
   * @param prefix the address prefix
   * @param loaderPrefix the cache service's loader prefix (after the address prefix)
   * @param delivery the delivery options (owned), or {@code null} for the defaults of {@link CacheClient}
   * @param nearCache the near cache's settings, or {@code null} (or disabled) for none
   * @throws dev.rediskit.config.ConfigurationException when the near cache's settings are invalid, naming each
   */
  public CacheClientImpl(Vertx vertx, String prefix, String loaderPrefix, DeliveryOptions delivery, NearCacheOptions nearCache) {
    if (nearCache != null && nearCache.isEnabled()) {
      OptionChecks.requireNone(nearCache.problems().stream().map(p -> "nearCache." + p).toList());
    }
    this.eventBus = vertx.eventBus();
    this.prefix = prefix;
    this.loaderPrefix = Objects.requireNonNull(loaderPrefix, "loaderPrefix");
    this.delivery = delivery == null ? new DeliveryOptions() : delivery;
    this.loadDelivery = delivery == null ? new DeliveryOptions().setSendTimeout(DEFAULT_LOAD_TIMEOUT_MS) : delivery;
    this.warmDelivery = delivery == null ? new DeliveryOptions().setSendTimeout(DEFAULT_WARM_TIMEOUT_MS) : delivery;
    this.getOrLoadAddress = Addresses.of(prefix, Addresses.CACHE_GET_OR_LOAD);
    this.setAddress = Addresses.of(prefix, Addresses.CACHE_SET);
    this.msetAddress = Addresses.of(prefix, Addresses.CACHE_MSET);
    this.gets = new CallBatcher(vertx, Addresses.of(prefix, Addresses.CACHE_GET), this.delivery);
    this.near = nearCache != null && nearCache.isEnabled() ? new ClientNearCacheWiring(vertx, prefix, gets, nearCache) : null;
  }

  @Override
  public NearCacheStats nearCacheStats() {
    return near == null ? null : near.stats();
  }

  @Override
  public Future<Void> close() {
    return near == null ? Future.succeededFuture() : near.close();
  }

  /** Before a write of keys is sent: with a near cache, their copies go; {@link #dropping} drops them after it too. */
  private void dropFirst(String namespace, Collection<String> keys) {
    if (near != null) {
      near.dropLocal(namespace, keys);
    }
  }

  private <T> Future<T> dropping(String namespace, Collection<String> keys, Future<T> call) {
    return near == null ? call : near.droppingAfter(namespace, keys, call);
  }

  /** Before a flush or version bump is sent: with a near cache, the namespace's copies go (and after it). */
  private void dropNamespaceFirst(String namespace) {
    if (near != null) {
      near.dropNamespace(namespace);
    }
  }

  private <T> Future<T> droppingNamespace(String namespace, Future<T> call) {
    return near == null ? call : near.droppingNamespaceAfter(namespace, call);
  }

  private Future<JsonObject> request(String address, JsonObject body) {
    return request(Addresses.of(prefix, address), body, delivery, null, null);
  }

  /**
   * @param field the body's field of the caller's values ({@code value}, {@code entries}, {@code args}), or {@code null}
   * @param value that field's value, named in the failure when the event bus cannot carry it
   */
  private Future<JsonObject> request(String fullAddress, JsonObject body, DeliveryOptions options, String field, Object value) {
    Future<Message<JsonObject>> sent;
    try {
      sent = eventBus.request(fullAddress, body, options);
    } catch (RuntimeException e) {
      // The event bus copies the body for a consumer of this node (or encodes it for another)
      // within request, and throws there at a value nested in it that is not JSON: caught here,
      // that check costs a valid body nothing, where a walk of every value before sending would not.
      return Future.failedFuture(ClientArgs.sendFailure(e, field, value));
    }
    return sent.transform(ar ->
      ar.succeeded() ? Future.succeededFuture(ar.result().body()) : Future.failedFuture(FailureCodes.fromReply(ar.cause())));
  }

  static JsonObject withNamespace(String namespace) {
    JsonObject body = new JsonObject();
    if (namespace != null) {
      body.put("namespace", namespace);
    }
    return body;
  }

  static CacheResult<Object> result(JsonObject r) {
    CacheResult.Source source = CacheResult.Source.fromJson(r == null ? null : r.getString("source"));
    if (r == null || !r.getBoolean("found", false)) {
      return source == CacheResult.Source.CACHE ? CacheResult.miss() : new CacheResult<>(false, null, false, 0, source);
    }
    return new CacheResult<>(true, r.getValue("value"), r.getBoolean("stale", false), r.getLong("ttlMs", 0L), source,
      tagsOf(r.getValue("tags")));
  }

  private static List<String> tagsOf(Object tags) {
    if (!(tags instanceof JsonArray a) || a.isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>(a.size());
    for (Object t : a) {
      out.add(String.valueOf(t));
    }
    return out;
  }

  /** @return what {@link CacheClient#get} answers for a {@code cache.get} result: a fresh value, or {@code null} */
  static Object freshValue(CacheResult<Object> r) {
    return r.found() && !r.stale() ? r.value() : null;
  }

  @Override
  public Future<Object> get(String namespace, String key) {
    if (near != null) {
      return near.get(namespace, key);
    }
    return lookup(namespace, key).map(CacheClientImpl::freshValue);
  }

  @Override
  public Future<CacheResult<Object>> lookup(String namespace, String key) {
    if (near == null) {
      return gets.call(withNamespace(namespace).put("key", key)).map(CacheClientImpl::result);
    }
    return near.lookup(namespace, key);
  }

  @Override
  public Future<CacheResult<Object>> lookup(String namespace, String key, Duration idleTtl) {
    return ClientArgs.built(() -> ClientArgs.putMillis(withNamespace(namespace).put("key", key), "idleTtlMs", idleTtl),
      body -> gets.call(body).map(CacheClientImpl::result));
  }

  @Override
  public Future<Void> setWith(String namespace, String key, Object value, dev.rediskit.cache.WriteOptions options) {
    return ClientArgs.built(() -> {
      JsonObject body = valueBody(namespace, key, value);
      return options == null ? body : body.mergeIn(ClientArgs.json(options));
    }, body -> write(namespace, List.of(String.valueOf(key)), setAddress, body, "value", value).mapEmpty());
  }

  @Override
  public Future<Void> set(String namespace, String key, Object value, Duration ttl) {
    return ClientArgs.built(() -> ClientArgs.putMillis(valueBody(namespace, key, value), "ttlMs", ttl),
      body -> write(namespace, List.of(String.valueOf(key)), setAddress, body, "value", value).mapEmpty());
  }

  private static JsonObject valueBody(String namespace, String key, Object value) {
    ClientArgs.checkJson("value", value);
    return withNamespace(namespace).put("key", key).put("value", value);
  }

  private static JsonObject entriesBody(String namespace, Map<String, Object> entries) {
    ClientArgs.checkEntries(entries);
    return withNamespace(namespace).put("entries", new JsonObject(new LinkedHashMap<>(entries)));
  }

  /** A write of {@code keys}: with a near cache, their copies go before it is sent and again once it completes. */
  private Future<JsonObject> write(String namespace, Collection<String> keys, String fullAddress, JsonObject body,
                                   String field, Object value) {
    dropFirst(namespace, keys);
    return dropping(namespace, keys, request(fullAddress, body, delivery, field, value));
  }

  @Override
  public Future<Long> delete(String namespace, Collection<String> keys) {
    if (keys == null) {
      return Future.failedFuture(new InvalidRequestException("keys", "is required"));
    }
    dropFirst(namespace, keys);
    return dropping(namespace, keys, request(Addresses.CACHE_DELETE, withNamespace(namespace)
      .put("keys", new JsonArray(new ArrayList<>(keys))))).map(r -> r.getLong("deleted"));
  }

  @Override
  public Future<Long> invalidate(String namespace, Collection<String> keys) {
    if (keys == null) {
      return Future.failedFuture(new InvalidRequestException("keys", "is required"));
    }
    dropFirst(namespace, keys);
    return dropping(namespace, keys, request(Addresses.CACHE_INVALIDATE, withNamespace(namespace)
      .put("keys", new JsonArray(new ArrayList<>(keys))))).map(r -> r.getLong("deleted"));
  }

  @Override
  public Future<Long> flush(String namespace) {
    dropNamespaceFirst(namespace);
    return droppingNamespace(namespace, request(Addresses.CACHE_FLUSH, withNamespace(namespace))).map(r -> r.getLong("deleted"));
  }

  @Override
  public Future<Long> invalidateTag(String tag) {
    return request(Addresses.CACHE_INVALIDATE_TAG, new JsonObject().put("tag", tag)).map(r -> r.getLong("version"));
  }

  @Override
  public Future<Long> bumpVersion(String namespace) {
    dropNamespaceFirst(namespace);
    return droppingNamespace(namespace, request(Addresses.CACHE_BUMP_VERSION, withNamespace(namespace)))
      .map(r -> r.getLong("version"));
  }

  @Override
  public Future<CacheStats> stats(String namespace) {
    return request(Addresses.CACHE_STATS, withNamespace(namespace)).map(CacheStats::fromJson);
  }

  @Override
  public Future<Map<String, CacheResult<Object>>> lookupMany(String namespace, Collection<String> keys) {
    if (keys == null) {
      return Future.failedFuture(new InvalidRequestException("keys", "is required"));
    }
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
    return ClientArgs.built(() -> ClientArgs.putMillis(entriesBody(namespace, entries), "ttlMs", ttl), body -> writeMany(namespace, entries, body));
  }

  private Future<Integer> writeMany(String namespace, Map<String, Object> entries, JsonObject body) {
    // Not List.copyOf: a null key is the service's to refuse (as "entries key"), not a throw here.
    return write(namespace, new ArrayList<>(entries.keySet()), msetAddress, body, "entries", entries)
      .map(r -> r.getInteger("written"));
  }

  @Override
  public Future<Integer> setManyWith(String namespace, Map<String, Object> entries, dev.rediskit.cache.WriteOptions options) {
    return ClientArgs.built(() -> {
      JsonObject body = entriesBody(namespace, entries);
      return options == null ? body : body.mergeIn(ClientArgs.json(options));
    }, body -> writeMany(namespace, entries, body));
  }

  @Override
  public Future<Object> getOrLoad(String namespace, String key, LoadOptions options) {
    return ClientArgs.built(() -> {
      JsonObject body = withNamespace(namespace).put("key", key);
      return options == null ? body : body.mergeIn(ClientArgs.json(options));
    }, body -> request(getOrLoadAddress, body, loadDelivery, null, null).map(CacheClientImpl::valueOf));
  }

  private static Object valueOf(JsonObject reply) {
    return reply != null && reply.getBoolean("found", false) ? reply.getValue("value") : null;
  }

  @Override
  public Future<CacheResult<Object>> getOrLoadResult(String namespace, String key, LoadOptions options) {
    return getOrLoadResult(namespace, key, null, options);
  }

  @Override
  public Future<CacheResult<Object>> getOrLoadResult(String namespace, String key, Object args, LoadOptions options) {
    return getOrLoadResult(namespace, key, null, args, options);
  }

  @Override
  public Future<CacheResult<Object>> getOrLoadResult(String namespace, String key, String loader, Object args,
                                                     LoadOptions options) {
    return ClientArgs.built(() -> {
      JsonObject body = withNamespace(namespace).put("key", key);
      if (loader != null) {
        body.put("loader", loader);
      }
      if (args != null) {
        ClientArgs.checkJson("args", args);
        body.put("args", args);
      }
      return options == null ? body : body.mergeIn(ClientArgs.json(options));
    }, body -> request(getOrLoadAddress, body, loadDelivery, "args", args).map(CacheClientImpl::result));
  }

  @Override
  public Future<WarmSummary> warm(String namespace, Collection<String> keys, Integer batchSize, Duration ttl) {
    return warm(namespace, keys, batchSize, ttl, null);
  }

  @Override
  public Future<WarmSummary> warm(String namespace, Collection<String> keys, Integer batchSize, Duration ttl,
                                  List<String> tags) {
    return ClientArgs.built(() -> {
      JsonObject body = ClientArgs.putMillis(withNamespace(namespace)
        .put("keys", new JsonArray(new ArrayList<>(ClientArgs.required("keys", keys)))), "ttlMs", ttl);
      if (batchSize != null) {
        body.put("batchSize", batchSize);
      }
      return tags == null ? body : body.put("tags", new JsonArray(new ArrayList<>(tags)));
    }, body -> request(Addresses.of(prefix, Addresses.CACHE_WARM), body, warmDelivery, null, null).map(WarmSummary::fromJson));
  }

  @Override
  public <A> Memoized<A> memoize(String namespace, Function<A, ? extends Future<?>> function, Function<A, String> keyFunction,
                                 LoadOptions options) {
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(keyFunction, "keyFunction");
    if (loaderPrefix.isEmpty()) {
      throw new IllegalStateException("memoize needs a loader prefix (cache.loaderPrefix), and this client has none");
    }
    String address = Addresses.of(prefix, loaderPrefix) + "memo." + UUID.randomUUID();
    JsonObject fixed = withNamespace(namespace).put("loader", address);
    if (options != null) {
      fixed.mergeIn(options.toJson());
    }
    return new MemoizedCall<>(eventBus, address, function, keyFunction, fixed,
      body -> request(getOrLoadAddress, body, loadDelivery, "args", body.getValue("args")));
  }
}
