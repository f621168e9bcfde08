package dev.rediskit.eventbus.impl;

import dev.rediskit.cache.CacheNames;
import dev.rediskit.config.ConfigurationException;
import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.cache.CacheNamespace;
import dev.rediskit.cache.CacheOptions;
import dev.rediskit.cache.CacheResult;
import dev.rediskit.cache.LoadOptions;
import dev.rediskit.cache.WriteOptions;
import dev.rediskit.cache.LoaderUnavailableException;
import dev.rediskit.cache.NamespaceOptions;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.eventbus.Addresses;
import dev.rediskit.eventbus.CacheConsumers;
import dev.rediskit.eventbus.JsonRequest;
import dev.rediskit.cache.NearCacheTracking;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import dev.rediskit.config.OptionChecks;
import dev.rediskit.config.RequestText;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    Loading loading;
    try {
      loading = new Loading(eventBus, prefix, cache);
    } catch (ConfigurationException e) {
      return Future.failedFuture(e);
    }
    InvalidationPublisher publisher = publisher(prefix, cache);
    Map<String, Function<JsonObject, Future<JsonObject>>> handlers = new LinkedHashMap<>();
    // The namespace checks the key (field "key"), a name it has not seen (field "namespace") and
    // the range of idleTtlMs.
    Function<JsonObject, Future<JsonObject>> get = body -> {
      String name = JsonRequest.optionalString(body, "namespace", RedisCache.DEFAULT_NAMESPACE);
      Long idle = JsonRequest.optionalLong(body, LoadOptions.IDLE_TTL_MS);
      String key = JsonRequest.requiredString(body, "key");
      CacheNamespace<Object> ns = cache.namespace(name);
      Future<JsonObject> reply = (idle == null ? ns.lookup(key) : ns.lookup(key, Duration.ofMillis(idle))).map(CacheResult::toJson);
      // The client's near cache stores only replies of the instance whose invalidations it follows.
      return publisher != null && publisher.tracks(name) ? reply.map(r -> r.put("service", publisher.service())) : reply;
    };
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
    handlers.put(Addresses.CACHE_STATS, body -> Future.succeededFuture(cache.stats(namespaceName(body)).toJson()));
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
      MessageConsumer<Object> c = Consumers.register(eventBus, Addresses.of(prefix, address), handlers.get(address));
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

  private static String namespaceName(JsonObject body) {
    return CacheNames.checkNamespace(JsonRequest.optionalString(body, "namespace", RedisCache.DEFAULT_NAMESPACE));
  }

  private static CacheNamespace<Object> namespace(RedisCache cache, JsonObject body) {
    // The cache checks a name it has not seen (field "namespace"), and only then: every request names one.
    return cache.namespace(JsonRequest.optionalString(body, "namespace", RedisCache.DEFAULT_NAMESPACE));
  }

  private static String key(JsonObject body) {
    return CacheNames.checkKey("key", JsonRequest.requiredString(body, "key"));
  }

  /**
   * {@code cache.getOrLoad} and {@code cache.warm}: the loader addresses each namespace may use,
   * resolved once at registration, and the requests turned into calls of the Java API's
   * getOrLoad and warm with a loader that asks the loader address.
   */
  private static final class Loading {

    private static final Set<String> GET_OR_LOAD_FIELDS = Set.copyOf(Addresses.fieldNames(Addresses.CACHE_GET_OR_LOAD));
    private static final Set<String> WARM_FIELDS = Set.copyOf(Addresses.fieldNames(Addresses.CACHE_WARM));
    private static final NamespaceOptions NONE = new NamespaceOptions();

    private final RedisCache cache;
    private final CacheOptions options;
    private final LoaderCalls calls;
    /** {@code <addressPrefix><cache.loaderPrefix>}; empty when requests may not name a loader. */
    private final String loaderPrefix;
    private final Map<String, NamespaceOptions> namespaces;

    Loading(EventBus eventBus, String prefix, RedisCache cache) {
      this.cache = cache;
      this.options = cache.options();
      this.calls = new LoaderCalls(eventBus, options.getLoadTimeoutMs(), options.getMaxValueBytes());
      this.loaderPrefix = options.getLoaderPrefix().isEmpty() ? "" : Addresses.of(prefix, options.getLoaderPrefix());
      this.namespaces = new HashMap<>(options.getNamespaces());
      // An address the cache service sends loader requests to must never be one of the module's own:
      // {namespace, key} sent to cache.flush would flush a namespace.
      List<String> problems = new ArrayList<>();
      List<String> covered = new ArrayList<>();
      for (String a : Addresses.REQUEST_FIELDS.keySet()) {
        String own = Addresses.of(prefix, a);
        if (!loaderPrefix.isEmpty() && own.startsWith(loaderPrefix)) {
          covered.add(own);
        }
        namespaces.forEach((name, ns) -> {
          if (own.equals(ns.getLoader()) || own.equals(ns.getBatchLoader())) {
            problems.add("cache.namespaces." + name + ": a loader address must not be the module's own address " + own);
          }
        });
      }
      if (!covered.isEmpty()) {
        problems.add(0, OptionChecks.violation("cache.loaderPrefix", "must not cover the module's own addresses (with addressPrefix "
          + OptionChecks.describe(prefix == null ? "" : prefix) + " it covers " + String.join(", ", covered) + ")",
          options.getLoaderPrefix()));
      }
      OptionChecks.requireNone(problems);
    }

    private NamespaceOptions of(String namespace) {
      NamespaceOptions ns = namespaces.get(namespace);
      return ns == null ? NONE : ns;
    }

    Future<JsonObject> getOrLoad(JsonObject body) {
      JsonRequest.onlyFields(body, Addresses.CACHE_GET_OR_LOAD, GET_OR_LOAD_FIELDS);
      String name = namespaceName(body);
      CacheNamespace<Object> ns = cache.namespace(name);
      String key = key(body);
      NamespaceOptions conf = of(name);
      // Most requests are {namespace?, key}: then there is no loader, args or option to look for.
      // A hit must cost what a cache.get costs.
      boolean more = body.size() > (body.containsKey("namespace") ? 2 : 1);
      String address = more ? loaderAddress(body, name, conf) : configuredLoader(name, conf);
      LoadOptions load = more ? loadOptions(body, conf.getLoadOptions()) : conf.getLoadOptions();
      Object args = more ? body.getValue("args") : null;
      return ns.getOrLoadResult(key, () -> calls.load(address, name, key, args), load).map(Loading::reply);
    }

    private static String configuredLoader(String namespace, NamespaceOptions conf) {
      if (conf.getLoader() != null) {
        return conf.getLoader();
      }
      throw new LoaderUnavailableException("namespace " + OptionChecks.describe(namespace) + " has no loader: configure "
        + "cache.namespaces." + namespace + ".loader, or name one under the loader prefix in the request's loader field");
    }

    private String loaderAddress(JsonObject body, String namespace, NamespaceOptions conf) {
      String requested = JsonRequest.optionalString(body, "loader", null);
      if (requested != null) {
        RequestText.checkAddress("loader", requested);
        if (loaderPrefix.isEmpty()) {
          throw new InvalidRequestException("loader", "is not accepted: cache.loaderPrefix is empty, so only the loaders "
            + "configured in cache.namespaces are called");
        }
        if (!requested.startsWith(loaderPrefix) || requested.length() == loaderPrefix.length()) {
          throw new InvalidRequestException("loader", "must be an address under the loader prefix "
            + OptionChecks.describe(loaderPrefix) + " (cache.loaderPrefix), was " + OptionChecks.describe(requested));
        }
        return requested;
      }
      return configuredLoader(namespace, conf);
    }

    /** The namespace's defaults, overridden field by field by those the request gives. */
    private static LoadOptions loadOptions(JsonObject body, LoadOptions defaults) {
      LoadOptions o = null;
      Long ttl = JsonRequest.optionalLong(body, LoadOptions.TTL_MS);
      if (ttl != null) {
        o = new LoadOptions(defaults).setTtl(Duration.ofMillis(ttl));
      }
      Long stale = JsonRequest.optionalLong(body, LoadOptions.STALE_TTL_MS);
      if (stale != null) {
        o = (o == null ? new LoadOptions(defaults) : o).setStaleTtl(Duration.ofMillis(stale));
      }
      Double fraction = JsonRequest.optionalDouble(body, LoadOptions.REFRESH_AHEAD_FRACTION);
      if (fraction != null) {
        o = (o == null ? new LoadOptions(defaults) : o).setRefreshAheadFraction(fraction);
      }
      Double beta = JsonRequest.optionalDouble(body, LoadOptions.REFRESH_AHEAD_BETA);
      if (beta != null) {
        o = (o == null ? new LoadOptions(defaults) : o).setRefreshAheadBeta(beta);
      }
      Boolean nulls = JsonRequest.optionalBoolean(body, LoadOptions.CACHE_NULLS);
      if (nulls != null) {
        o = (o == null ? new LoadOptions(defaults) : o).setCacheNulls(nulls);
      }
      Long nullTtl = JsonRequest.optionalLong(body, LoadOptions.NULL_TTL_MS);
      if (nullTtl != null) {
        o = (o == null ? new LoadOptions(defaults) : o).setNullTtl(Duration.ofMillis(nullTtl));
      }
      Long idle = JsonRequest.optionalLong(body, LoadOptions.IDLE_TTL_MS);
      if (idle != null) {
        o = (o == null ? new LoadOptions(defaults) : o).setIdleTtl(Duration.ofMillis(idle));
      }
      if (body.containsKey(LoadOptions.TAGS)) {
        o = (o == null ? new LoadOptions(defaults) : o).setTags(JsonRequest.optionalStringList(body, LoadOptions.TAGS));
      }
      // The cache checks the ranges (and names the same fields) when it resolves them.
      return o == null ? defaults : o;
    }

    /** {@code {found, value?, stale, ttlMs?, source}}. */
    private static JsonObject reply(CacheResult<Object> r) {
      JsonObject json = new JsonObject().put("found", r.found());
      if (r.found()) {
        json.put("value", r.value());
      }
      json.put("stale", r.stale());
      if (r.found()) {
        json.put("ttlMs", r.ttlMs());
      }
      return json.put("source", r.source().jsonName());
    }

    Future<JsonObject> warm(JsonObject body) {
      JsonRequest.onlyFields(body, Addresses.CACHE_WARM, WARM_FIELDS);
      String name = namespaceName(body);
      CacheNamespace<Object> ns = cache.namespace(name);
      List<String> keys = keys(body);
      Long batch = JsonRequest.optionalLong(body, "batchSize");
      if (batch != null && (batch < 1 || batch > CacheOptions.MAX_WARM_BATCH_SIZE)) {
        throw new InvalidRequestException("batchSize", "must be between 1 and " + CacheOptions.MAX_WARM_BATCH_SIZE
          + ", was " + batch);
      }
      int batchSize = batch == null ? options.getWarmBatchSize() : batch.intValue();
      NamespaceOptions conf = of(name);
      Long ttlMs = JsonRequest.optionalLong(body, "ttlMs");
      Duration ttl = ttlMs != null ? Duration.ofMillis(ttlMs)
        : conf.getLoadOptions().getTtl() != null ? conf.getLoadOptions().getTtl() : Duration.ofMillis(options.getTtlMs());
      String address = conf.getBatchLoader();
      if (address == null) {
        throw new LoaderUnavailableException("namespace " + OptionChecks.describe(name) + " has no batch loader: "
          + "configure cache.namespaces." + name + ".batchLoader");
      }
      LoaderCalls.WarmTally tally = new LoaderCalls.WarmTally();
      return ns.warm(keys, calls.batch(address, name, tally), ttl, batchSize).compose(r -> {
        long loaded = tally.loaded.get();
        if (r.loaded() == 0 && loaded == 0 && tally.noConsumer.get()) {
          return Future.failedFuture(new LoaderUnavailableException(tally.firstError.get()));
        }
        JsonObject reply = new JsonObject()
          .put("requested", keys.size())
          .put("loaded", loaded)
          .put("failed", r.failed())
          .put("written", r.loaded())
          .put("skipped", r.skipped());
        String error = tally.firstError.get();
        if (error != null) {
          reply.put("error", error);
        }
        return Future.succeededFuture(reply);
      });
    }
  }

  private static List<String> keys(JsonObject body) {
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
