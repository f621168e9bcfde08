package dev.rediskit.eventbus.impl;

import dev.rediskit.cache.CacheNamespace;
import dev.rediskit.cache.CacheNames;
import dev.rediskit.cache.CacheOptions;
import dev.rediskit.cache.CacheResult;
import dev.rediskit.cache.LoadOptions;
import dev.rediskit.cache.LoaderUnavailableException;
import dev.rediskit.cache.NamespaceOptions;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.config.OptionChecks;
import dev.rediskit.config.RequestText;
import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.eventbus.Addresses;
import dev.rediskit.eventbus.JsonRequest;

import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code cache.getOrLoad} and {@code cache.warm}: the loader addresses each namespace may use,
 * resolved once at registration, and the requests turned into calls of the Java API's
 * getOrLoad and warm with a loader that asks the loader address.
 */
final class CacheLoadRequests {

  private static final NamespaceOptions NONE = new NamespaceOptions();

  private final RedisCache cache;
  private final CacheOptions options;
  private final LoaderCalls calls;
  /** {@code <addressPrefix><cache.loaderPrefix>}; empty when requests may not name a loader. */
  private final String loaderPrefix;
  private final Map<String, NamespaceOptions> namespaces;

  CacheLoadRequests(EventBus eventBus, String prefix, RedisCache cache) {
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
    String name = CacheConsumersImpl.namespaceName(body);
    CacheNamespace<Object> ns = cache.namespace(name);
    String key = CacheConsumersImpl.key(body);
    NamespaceOptions conf = of(name);
    // Most requests are {namespace?, key}: then there is no loader, args or option to look for.
    // A hit must cost what a cache.get costs.
    boolean more = body.size() > (body.containsKey("namespace") ? 2 : 1);
    // Only the request's own fields: the namespace lays them over its configured load options
    // (LoadOptions.overriding), as it does for a Java caller's, so both follow one rule.
    LoadOptions load = more ? new LoadOptions(body) : null;
    String requested = more ? requestedLoader(body) : null;
    String address = requested != null ? requested : conf.getLoader();
    Object args = more ? body.getValue("args") : null;
    // Without a loader a hit is still a hit: only a load needs one, so only a load fails for the lack of it.
    return ns.getOrLoadResult(key, () -> address != null ? calls.load(address, name, key, args)
      : Future.failedFuture(noLoader(name)), load).map(CacheLoadRequests::reply);
  }

  private static LoaderUnavailableException noLoader(String namespace) {
    return new LoaderUnavailableException("namespace " + OptionChecks.describe(namespace) + " has no loader: configure "
      + "cache.namespaces." + namespace + ".loader, or name one under the loader prefix in the request's loader field");
  }

  /** @return the loader the request names, checked, or {@code null} when it names none */
  private String requestedLoader(JsonObject body) {
    String requested = JsonRequest.optionalString(body, "loader", null);
    if (requested == null) {
      return null;
    }
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

  /** {@code {found, value?, stale, ttlMs?, source, tags?}}. */
  private static JsonObject reply(CacheResult<Object> r) {
    JsonObject json = new JsonObject().put("found", r.found());
    if (r.found()) {
      json.put("value", r.value());
    }
    json.put("stale", r.stale());
    if (r.found()) {
      json.put("ttlMs", r.ttlMs());
    }
    json.put("source", r.source().jsonName());
    if (!r.tags().isEmpty()) {
      json.put("tags", new io.vertx.core.json.JsonArray(r.tags()));
    }
    return json;
  }

  Future<JsonObject> warm(JsonObject body) {
    String name = CacheConsumersImpl.namespaceName(body);
    CacheNamespace<Object> ns = cache.namespace(name);
    List<String> keys = CacheConsumersImpl.keys(body);
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
    // A request's tags replace the namespace's (null: the namespace's, which the cache applies itself).
    List<String> tags = body.containsKey(LoadOptions.TAGS)
      ? CacheNames.checkTags(JsonRequest.optionalStringList(body, LoadOptions.TAGS)) : null;
    String address = conf.getBatchLoader();
    if (address == null) {
      throw new LoaderUnavailableException("namespace " + OptionChecks.describe(name) + " has no batch loader: "
        + "configure cache.namespaces." + name + ".batchLoader");
    }
    LoaderCalls.WarmTally tally = new LoaderCalls.WarmTally();
    return ns.warm(keys, calls.batch(address, name, tally), ttl, batchSize, tags).compose(r -> {
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
