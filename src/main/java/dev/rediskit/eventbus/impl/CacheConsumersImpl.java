package dev.rediskit.eventbus.impl;

import dev.rediskit.cache.CacheNames;
import dev.rediskit.cache.CacheNamespace;
import dev.rediskit.cache.CacheResult;
import dev.rediskit.cache.CacheStats;
import dev.rediskit.cache.LoadOptions;
import dev.rediskit.cache.NearCacheTracking;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.cache.WriteOptions;
import dev.rediskit.config.ConfigurationException;
import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.eventbus.Addresses;
import dev.rediskit.eventbus.CacheConsumers;
import dev.rediskit.eventbus.JsonRequest;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The {@code cache.*} consumers: decode and check, call the cache, encode. */
public final class CacheConsumersImpl implements CacheConsumers {

  private static final Logger LOG = LoggerFactory.getLogger(CacheConsumers.class);

  private final List<MessageConsumer<Object>> consumers;
  private final List<String> addresses;
  private final InvalidationPublisher publisher;

  private CacheConsumersImpl(List<MessageConsumer<Object>> consumers, InvalidationPublisher publisher) {
    this.consumers = consumers;
    this.addresses = consumers.stream().map(MessageConsumer::address).toList();
    this.publisher = publisher;
  }

  /**
   * The relay of the tracked namespaces' changes to the clients' near caches, on the current context;
   * none when no namespace is tracked, or off a context (no timer to run the heartbeat on).
   */
  private static InvalidationPublisher publisher(String prefix, RedisCache cache) {
    NearCacheTracking tracking = cache.nearCacheTracking();
    if (tracking == null) {
      return null;
    }
    Context ctx = Vertx.currentContext();
    if (ctx == null) {
      LOG.info("cache consumers registered off a Vert.x context: no invalidations are published, event-bus clients "
        + "read the near-cached namespaces {} without a near cache", tracking.namespaces());
      return null;
    }
    return new InvalidationPublisher(ctx, prefix, ns -> cache.namespace(ns).version(), tracking);
  }

  /**
   * @param eventBus the event bus
   * @param prefix the address prefix
   * @param cache the cache
   * @return the registration
   */
  public static Future<CacheConsumers> register(EventBus eventBus, String prefix, RedisCache cache) {
    CacheLoadRequests loading;
    try {
      loading = new CacheLoadRequests(eventBus, prefix, cache);
    } catch (ConfigurationException e) {
      return Future.failedFuture(e);
    }
    InvalidationPublisher publisher = publisher(prefix, cache);
    Map<String, Function<JsonObject, Future<JsonObject>>> handlers = new LinkedHashMap<>();
    // The namespace checks the key (field "key"), a name it has not seen (field "namespace") and
    // the range of idleTtlMs.
    Function<JsonObject, Future<JsonObject>> get = Consumers.onlyDeclaredFields(Addresses.CACHE_GET, body -> {
      String name = JsonRequest.optionalString(body, "namespace", RedisCache.DEFAULT_NAMESPACE);
      Long idle = JsonRequest.optionalLong(body, LoadOptions.IDLE_TTL_MS);
      String key = JsonRequest.requiredString(body, "key");
      CacheNamespace<Object> ns = cache.namespace(name);
      Future<JsonObject> reply = (idle == null ? ns.lookup(key) : ns.lookup(key, Duration.ofMillis(idle))).map(CacheResult::toJson);
      // The client's near cache stores only replies of the instance whose invalidations it follows.
      return publisher != null && publisher.tracks(name) ? reply.map(r -> r.put("service", publisher.service())) : reply;
    });
    handlers.put(Addresses.CACHE_GET, get);
    handlers.put(Addresses.CACHE_GET_BATCH, BatchConsumers.handler(get));
    handlers.put(Addresses.CACHE_SET, body -> {
      CacheNamespace<Object> ns = namespace(cache, body);
      String key = key(body);
      Object value = body.getValue("value");
      if (value == null) {
        throw new InvalidRequestException("value", "is required");
      }
      return ns.set(key, value, writeOptions(body)).map(v -> new JsonObject().put("ok", true));
    });
    handlers.put(Addresses.CACHE_DELETE, body -> namespace(cache, body).delete(keys(body))
      .map(n -> new JsonObject().put("deleted", n)));
    handlers.put(Addresses.CACHE_INVALIDATE, body -> namespace(cache, body).invalidate(keys(body).toArray(String[]::new))
      .map(n -> new JsonObject().put("deleted", n)));
    handlers.put(Addresses.CACHE_FLUSH, body -> {
      String ns = CacheNames.checkNamespace(JsonRequest.requiredString(body, "namespace"));
      return cache.flush(ns).map(n -> new JsonObject().put("deleted", n));
    });
    handlers.put(Addresses.CACHE_BUMP_VERSION, body -> {
      String ns = CacheNames.checkNamespace(JsonRequest.requiredString(body, "namespace"));
      return cache.bumpVersion(ns).map(v -> new JsonObject().put("version", v));
    });
    handlers.put(Addresses.CACHE_INVALIDATE_TAG, body -> {
      String tag = CacheNames.checkTag("tag", JsonRequest.requiredString(body, "tag"));
      return cache.invalidateTag(tag).map(v -> new JsonObject().put("version", v));
    });
    handlers.put(Addresses.CACHE_STATS, body -> {
      // A read of a namespace nobody used answers zeros without making it used: cache.stats(ns) would register
      // it for good, in allStats() and so in the meters bindCache derives from it (a mistyped name, for ever).
      String ns = namespaceName(body);
      CacheStats live = cache.allStats().get(ns);
      return Future.succeededFuture((live != null ? live : CacheStats.fromJson(new JsonObject().put("namespace", ns))).toJson());
    });
    handlers.put(Addresses.CACHE_MGET, body -> namespace(cache, body).lookupMany(keys(body)).map(found -> {
      JsonObject results = new JsonObject();
      found.forEach((k, r) -> results.put(k, r.toJson()));
      return new JsonObject().put("results", results);
    }));
    handlers.put(Addresses.CACHE_MSET, body -> {
      CacheNamespace<Object> ns = namespace(cache, body);
      Map<String, Object> entries = entries(body);
      return ns.setMany(entries, writeOptions(body)).map(v -> new JsonObject().put("ok", true).put("written", entries.size()));
    });
    handlers.put(Addresses.CACHE_GET_OR_LOAD, loading::getOrLoad);
    handlers.put(Addresses.CACHE_WARM, loading::warm);

    List<MessageConsumer<Object>> registered = new ArrayList<>();
    List<Future<Void>> completions = new ArrayList<>();
    for (String address : ADDRESSES) {
      // cache.get is checked already (the batch runs its calls through it); the batch checks its own body.
      Function<JsonObject, Future<JsonObject>> h = handlers.get(address);
      if (!address.equals(Addresses.CACHE_GET) && !address.equals(Addresses.CACHE_GET_BATCH)) {
        h = Consumers.onlyDeclaredFields(address, h);
      }
      MessageConsumer<Object> c = Consumers.register(eventBus, Addresses.of(prefix, address), h);
      registered.add(c);
      completions.add(c.completion());
    }
    CacheConsumersImpl handle = new CacheConsumersImpl(registered, publisher);
    return Future.all(completions).transform(ar -> {
      if (ar.succeeded()) {
        return Future.succeededFuture(handle);
      }
      // Leave nothing half-registered behind.
      return handle.unregister().transform(ignored -> Future.failedFuture(ar.cause()));
    });
  }

  static String namespaceName(JsonObject body) {
    return CacheNames.checkNamespace(JsonRequest.optionalString(body, "namespace", RedisCache.DEFAULT_NAMESPACE));
  }

  private static CacheNamespace<Object> namespace(RedisCache cache, JsonObject body) {
    // The cache checks a name it has not seen (field "namespace"), and only then: every request names one.
    return cache.namespace(JsonRequest.optionalString(body, "namespace", RedisCache.DEFAULT_NAMESPACE));
  }

  static String key(JsonObject body) {
    return CacheNames.checkKey("key", JsonRequest.requiredString(body, "key"));
  }

  static List<String> keys(JsonObject body) {
    JsonArray arr = JsonRequest.requiredStringArray(body, "keys");
    if (arr.size() > MAX_KEYS_PER_REQUEST) {
      throw new InvalidRequestException("keys", "must hold at most " + MAX_KEYS_PER_REQUEST + " keys, was " + arr.size());
    }
    List<String> out = new ArrayList<>(arr.size());
    for (int i = 0; i < arr.size(); i++) {
      out.add(CacheNames.checkKey("keys[" + i + "]", arr.getString(i)));
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
      CacheNames.checkKey("entries key", e.getKey());
      if (e.getValue() == null) {
        throw new InvalidRequestException("entries." + e.getKey(), "is required (null is not a value)");
      }
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  /** {@code ttlMs}, {@code idleTtlMs} and {@code tags} of cache.set and cache.mset; the cache checks the ranges and names the same fields. */
  private static WriteOptions writeOptions(JsonObject body) {
    Long ttlMs = JsonRequest.optionalLong(body, WriteOptions.TTL_MS);
    Long idle = JsonRequest.optionalLong(body, WriteOptions.IDLE_TTL_MS);
    return new WriteOptions().setTtl(ttlMs == null ? null : Duration.ofMillis(ttlMs))
      .setIdleTtl(idle == null ? null : Duration.ofMillis(idle))
      .setTags(JsonRequest.optionalStringList(body, WriteOptions.TAGS));
  }

  @Override
  public List<String> addresses() {
    return addresses;
  }

  @Override
  public Future<Void> unregister() {
    if (publisher != null) {
      publisher.close();
    }
    List<Future<Void>> all = new ArrayList<>(consumers.size());
    for (MessageConsumer<Object> c : consumers) {
      all.add(c.unregister());
    }
    return Future.all(all).mapEmpty();
  }
}
