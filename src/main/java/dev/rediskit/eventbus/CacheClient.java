package dev.rediskit.eventbus;

import dev.rediskit.cache.CacheOptions;
import dev.rediskit.cache.CacheResult;
import dev.rediskit.cache.CacheStats;
import dev.rediskit.cache.LoadOptions;
import dev.rediskit.cache.NearCacheOptions;
import dev.rediskit.cache.NearCacheStats;
import dev.rediskit.eventbus.impl.CacheClientImpl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Calls the {@code cache.*} addresses without hand-written JSON, from any verticle of this node or
 * of another node of a clustered event bus. Failures come back as the typed exceptions of
 * {@code dev.rediskit} (see {@link FailureCodes#fromReply(Throwable)}):
 * {@link dev.rediskit.error.InvalidRequestException} (400), {@link dev.rediskit.error.ValueTooLargeException}
 * (413), {@link dev.rediskit.error.RedisUnavailableException} (503), {@link dev.rediskit.error.RedisTimeoutException} (504),
 * and for loads {@link dev.rediskit.cache.LoaderUnavailableException} (501),
 * {@link dev.rediskit.cache.LoaderException} (502), {@link dev.rediskit.cache.LoadTimeoutException} (524).
 *
 * <p>Delivery timeouts: with {@link #create(Vertx, String)}, requests wait the event bus's default
 * (30 s), {@code getOrLoad} and {@code memoize} calls {@link #DEFAULT_LOAD_TIMEOUT_MS} (above the
 * cache service's bound with default settings, see docs/CACHING.md) and {@code warm}
 * {@link #DEFAULT_WARM_TIMEOUT_MS}; with explicit {@link DeliveryOptions}, every request uses those.
 *
 * <p>A {@code null} namespace means the default one. Values are JSON values (object, array,
 * string, number, boolean).
 *
 * <p>No method throws for its arguments: what the client cannot send fails the returned future with
 * an {@link dev.rediskit.error.InvalidRequestException} naming the field, and nothing is sent — a
 * {@code null} collection of keys or entries ({@code keys: is required}, {@code entries: is required}),
 * a value, entry value or {@code args} that is not a JSON value ({@code value}, {@code entries.<key>},
 * {@code args}: "cannot be sent as JSON", naming the class), a duration that does not fit in a long of
 * milliseconds ({@code ttlMs}, {@code idleTtlMs}...). The rest (a {@code null} key, ranges, names) the
 * service checks, as listed in docs/CACHING.md. A value that is not JSON nested inside an object or
 * array is found only when the event bus copies or encodes the body, which a clustered event bus may
 * do after the call has returned (logging the error): there such a call can fail with its delivery
 * timeout instead.
 *
 * <pre>{@code
 * CacheClient client = CacheClient.create(vertx, "");
 * client.set("users", "42", new JsonObject().put("name", "Ada"), Duration.ofMinutes(5))
 *   .compose(v -> client.lookup("users", "42"))
 *   .onSuccess(r -> System.out.println(r.found() + " " + r.value()));
 * }</pre>
 */
public interface CacheClient {

  /** Delivery timeout of getOrLoad and memoized calls when no delivery options are given, in ms. */
  long DEFAULT_LOAD_TIMEOUT_MS = 60_000;
  /** Delivery timeout of warm when no delivery options are given, in ms. */
  long DEFAULT_WARM_TIMEOUT_MS = 600_000;

  /**
   * @param vertx the Vert.x instance
   * @param addressPrefix the prefix the consumers were registered with ({@code null} or empty for none)
   * @return the client
   */
  static CacheClient create(Vertx vertx, String addressPrefix) {
    return new CacheClientImpl(vertx, addressPrefix, CacheOptions.DEFAULT_LOADER_PREFIX, null);
  }

  /**
   * @param vertx the Vert.x instance
   * @param addressPrefix the prefix the consumers were registered with
   * @param options delivery options of every request (send timeout, headers...)
   * @return the client
   */
  static CacheClient create(Vertx vertx, String addressPrefix, DeliveryOptions options) {
    return new CacheClientImpl(vertx, addressPrefix, CacheOptions.DEFAULT_LOADER_PREFIX, new DeliveryOptions(options));
  }

  /**
   * @param vertx the Vert.x instance
   * @param addressPrefix the prefix the consumers were registered with
   * @param loaderPrefix the cache service's {@code cache.loaderPrefix}, under which {@link #memoize}
   * registers its loaders
   * @param options delivery options of every request, or {@code null} for the defaults described above
   * @return the client
   */
  static CacheClient create(Vertx vertx, String addressPrefix, String loaderPrefix, DeliveryOptions options) {
    return new CacheClientImpl(vertx, addressPrefix, loaderPrefix, options == null ? null : new DeliveryOptions(options));
  }

  /**
   * A client with a near cache of its own: fresh {@code cache.get} replies kept locally and
   * served without an event-bus round trip, kept correct by the invalidations the cache service
   * publishes for the namespaces it tracks (those configured with a near cache in the service's
   * {@code cache.namespaces}); a local copy is never older than the options'
   * {@link NearCacheOptions#getMaxStalenessMs() maxStalenessMs} (see docs/CACHING.md, "Near cache
   * for event-bus clients"). Only {@link #get} and {@link #lookup} use it. Create it on the context
   * of the verticle that uses it, and {@link #close()} it when done (undeploying that verticle does too).
   *
   * <pre>{@code
   * CacheClient client = CacheClient.create(vertx, "", new NearCacheOptions().setEnabled(true).setMaxEntries(50_000));
   * }</pre>
   *
   * @param vertx the Vert.x instance
   * @param addressPrefix the prefix the consumers were registered with
   * @param nearCache the near cache's settings ({@code enabled} false: none)
   * @return the client
   * @throws dev.rediskit.config.ConfigurationException when the near cache's settings are invalid, naming each
   */
  static CacheClient create(Vertx vertx, String addressPrefix, NearCacheOptions nearCache) {
    return new CacheClientImpl(vertx, addressPrefix, CacheOptions.DEFAULT_LOADER_PREFIX, null, nearCache);
  }

  /**
   * As {@link #create(Vertx, String, String, DeliveryOptions)}, with a near cache as
   * {@link #create(Vertx, String, NearCacheOptions)} describes.
   *
   * @param vertx the Vert.x instance
   * @param addressPrefix the prefix the consumers were registered with
   * @param loaderPrefix the cache service's {@code cache.loaderPrefix}
   * @param options delivery options of every request, or {@code null} for the defaults
   * @param nearCache the near cache's settings, or {@code null} for none
   * @return the client
   * @throws dev.rediskit.config.ConfigurationException when the near cache's settings are invalid, naming each
   */
  static CacheClient create(Vertx vertx, String addressPrefix, String loaderPrefix, DeliveryOptions options,
                            NearCacheOptions nearCache) {
    return new CacheClientImpl(vertx, addressPrefix, loaderPrefix, options == null ? null : new DeliveryOptions(options), nearCache);
  }

  /**
   * @return the counters of the near cache ({@code namespace()} is {@code *}: every namespace it
   * holds; a read of a namespace the cache service does not track is a bypass), or {@code null}
   * when the client has none
   */
  NearCacheStats nearCacheStats();

  /**
   * Stops the near cache: its invalidation consumer and timer; a client without one has nothing to close.
   *
   * @return completion
   */
  Future<Void> close();

  /**
   * {@code cache.get}: a fresh value, as {@link dev.rediskit.cache.CacheNamespace#get(String)}.
   *
   * @param namespace the namespace, or {@code null}
   * @param key the key
   * @return the value; {@code null} when absent, stale or a cached absence
   */
  default Future<Object> get(String namespace, String key) {
    return lookup(namespace, key).map(r -> r.found() && !r.stale() ? r.value() : null);
  }

  /**
   * {@code cache.get} with the entry's state, as {@link dev.rediskit.cache.CacheNamespace#lookup(String)}.
   *
   * @param namespace the namespace, or {@code null}
   * @param key the key
   * @return what was found (a stale entry comes back marked stale)
   */
  Future<CacheResult<Object>> lookup(String namespace, String key);

  /**
   * {@code cache.get} with {@code idleTtlMs}: a lookup that extends the entry's idle deadline (sliding
   * expiry), as {@link dev.rediskit.cache.CacheNamespace#lookup(String, Duration)}.
   *
   * @param namespace the namespace, or {@code null}
   * @param key the key
   * @param idleTtl the idle TTL ({@link Duration#ZERO} for a plain read)
   * @return what was found
   */
  Future<CacheResult<Object>> lookup(String namespace, String key, Duration idleTtl);

  /**
   * {@code cache.set}.
   *
   * @param namespace the namespace, or {@code null}
   * @param key the key
   * @param value a JSON value
   * @param ttl the TTL, or {@code null} for the default
   * @return completion
   */
  Future<Void> set(String namespace, String key, Object value, Duration ttl);

  /**
   * {@code cache.set} with the fields of {@code options} ({@code ttlMs}, {@code idleTtlMs}), as
   * {@link dev.rediskit.cache.CacheNamespace#set(String, Object, dev.rediskit.cache.WriteOptions)} (a name
   * of its own, so that {@code set(ns, key, value, null)} keeps meaning the default TTL).
   *
   * @param namespace the namespace, or {@code null}
   * @param key the key
   * @param value a JSON value
   * @param options how to store it
   * @return completion
   */
  Future<Void> setWith(String namespace, String key, Object value, dev.rediskit.cache.WriteOptions options);

  /**
   * {@code cache.delete}.
   *
   * @param namespace the namespace, or {@code null}
   * @param keys the keys
   * @return how many existed
   */
  Future<Long> delete(String namespace, Collection<String> keys);

  /**
   * {@code cache.invalidate}: delete, and tell the cache's invalidation listeners.
   *
   * @param namespace the namespace, or {@code null}
   * @param keys the keys
   * @return how many existed
   * @deprecated {@link #delete(String, Collection)} does the same: deleting tells the listeners too
   */
  @Deprecated
  Future<Long> invalidate(String namespace, Collection<String> keys);

  /**
   * {@code cache.flush}.
   *
   * @param namespace the namespace
   * @return how many entries were removed
   */
  Future<Long> flush(String namespace);

  /**
   * {@code cache.bumpVersion}: every entry of the namespace unreachable at once, see
   * {@link dev.rediskit.cache.CacheNamespace#bumpVersion()}.
   *
   * @param namespace the namespace
   * @return its new version
   */
  Future<Long> bumpVersion(String namespace);

  /**
   * {@code cache.invalidateTag}: every entry carrying the tag stale at once, see
   * {@link dev.rediskit.cache.RedisCache#invalidateTag(String)}.
   *
   * @param tag the tag
   * @return the tag's new version
   */
  Future<Long> invalidateTag(String tag);

  /**
   * {@code cache.stats}.
   *
   * @param namespace the namespace, or {@code null}
   * @return a snapshot of the serving instance's counters
   */
  Future<CacheStats> stats(String namespace);

  /**
   * {@code cache.mget}: the fresh values, as {@link dev.rediskit.cache.CacheNamespace#getMany(Collection)}.
   *
   * @param namespace the namespace, or {@code null}
   * @param keys the keys
   * @return the fresh values found, by key (absent, stale and null entries left out)
   */
  default Future<Map<String, Object>> getMany(String namespace, Collection<String> keys) {
    return lookupMany(namespace, keys).map(results -> {
      Map<String, Object> values = new java.util.LinkedHashMap<>();
      results.forEach((k, r) -> {
        if (r.found() && !r.stale() && r.value() != null) {
          values.put(k, r.value());
        }
      });
      return values;
    });
  }

  /**
   * {@code cache.mget} with each entry's state, as {@link dev.rediskit.cache.CacheNamespace#lookupMany(Collection)}.
   *
   * @param namespace the namespace, or {@code null}
   * @param keys the keys
   * @return a result per key
   */
  Future<Map<String, CacheResult<Object>>> lookupMany(String namespace, Collection<String> keys);

  /**
   * {@code cache.mset}.
   *
   * @param namespace the namespace, or {@code null}
   * @param entries JSON values by key
   * @param ttl the TTL, or {@code null} for the default
   * @return how many entries were written
   */
  Future<Integer> setMany(String namespace, Map<String, Object> entries, Duration ttl);

  /**
   * {@code cache.mset} with the fields of {@code options} ({@code ttlMs}, {@code idleTtlMs}, {@code tags}),
   * as {@link dev.rediskit.cache.CacheNamespace#setMany(Map, dev.rediskit.cache.WriteOptions)}.
   *
   * @param namespace the namespace, or {@code null}
   * @param entries JSON values by key
   * @param options how to store them
   * @return how many entries were written
   */
  Future<Integer> setManyWith(String namespace, Map<String, Object> entries, dev.rediskit.cache.WriteOptions options);

  /**
   * {@code cache.getOrLoad}: the cached value, or the namespace's loader's (the address configured
   * in {@code cache.namespaces}), loaded once however many callers on however many nodes ask at the
   * same time, with the Java API's serve-stale, refresh-ahead and negative caching.
   *
   * <pre>{@code
   * client.getOrLoad("users", "42", LoadOptions.ttl(Duration.ofMinutes(5)))
   *   .onSuccess(user -> log.info("user 42: " + user));
   * }</pre>
   *
   * @param namespace the namespace, or {@code null}
   * @param key the key
   * @param options the load options sent with the request: the fields it sets override the namespace's
   *     one by one, as for a Java caller's ({@link LoadOptions#overriding(LoadOptions)}); {@code null} for the namespace's
   * @return the value, {@code null} when absent
   */
  Future<Object> getOrLoad(String namespace, String key, LoadOptions options);

  /**
   * As {@link #getOrLoad}, with the state of the answer: stale or not, and its {@link CacheResult#source()}.
   *
   * @param namespace the namespace, or {@code null}
   * @param key the key
   * @param options the load options, or {@code null}
   * @return what was served
   */
  Future<CacheResult<Object>> getOrLoadResult(String namespace, String key, LoadOptions options);

  /**
   * As {@link #getOrLoadResult(String, String, LoadOptions)}, handing {@code args} to the loader.
   *
   * @param namespace the namespace, or {@code null}
   * @param key the key
   * @param args a JSON value given to the loader unchanged (a background refresh reuses the last caller's), or {@code null}
   * @param options the load options, or {@code null}
   * @return what was served
   */
  Future<CacheResult<Object>> getOrLoadResult(String namespace, String key, Object args, LoadOptions options);

  /**
   * As {@link #getOrLoadResult(String, String, Object, LoadOptions)}, loaded by the loader at {@code loader} (the
   * request's {@code loader} field) instead of the namespace's configured one: a loader registered with
   * {@link CacheLoaders} under the cache service's loader prefix needs no {@code cache.namespaces} entry then.
   *
   * <pre>{@code
   * CacheLoaders.register(vertx, "cache.loader.profiles", id -> db.findUser(id).map(JsonObject::mapFrom));
   * client.getOrLoadResult("profiles", "42", "cache.loader.profiles", null, LoadOptions.ttl(Duration.ofMinutes(5)));
   * }</pre>
   *
   * @param namespace the namespace, or {@code null}
   * @param key the key
   * @param loader the loader's address, under {@code <addressPrefix><cache.loaderPrefix>} ({@code cache.loader.} by
   *     default; the service refuses any other with 400 naming {@code loader}), or {@code null} for the namespace's
   * @param args a JSON value given to the loader unchanged, or {@code null}
   * @param options the load options, or {@code null}
   * @return what was served
   */
  Future<CacheResult<Object>> getOrLoadResult(String namespace, String key, String loader, Object args, LoadOptions options);

  /**
   * {@code cache.warm}: loads the keys through the namespace's batch loader (configured in
   * {@code cache.namespaces}) in batches, and writes each batch in one pipelined round trip.
   *
   * @param namespace the namespace, or {@code null}
   * @param keys the keys, at most 10,000
   * @param batchSize keys per batch (1 to 10,000), or {@code null} for {@code cache.warmBatchSize}
   * @param ttl the TTL of the entries, or {@code null} for the namespace's (else {@code cache.ttlMs})
   * @return what was loaded, written, failed or skipped
   */
  Future<WarmSummary> warm(String namespace, Collection<String> keys, Integer batchSize, Duration ttl);

  /**
   * As {@link #warm(String, Collection, Integer, Duration)}, the entries carrying {@code tags}
   * instead of the namespace's.
   *
   * @param namespace the namespace, or {@code null}
   * @param keys the keys, at most 10,000
   * @param batchSize keys per batch (1 to 10,000), or {@code null} for {@code cache.warmBatchSize}
   * @param ttl the TTL of the entries, or {@code null} for the namespace's (else {@code cache.ttlMs})
   * @param tags the entries' tags (empty for none), or {@code null} for the namespace's
   * @return what was loaded, written, failed or skipped; fails naming {@code tags[i]} or {@code tags},
   * with nothing loaded or written, when a tag is invalid
   */
  Future<WarmSummary> warm(String namespace, Collection<String> keys, Integer batchSize, Duration ttl, List<String> tags);

  /**
   * The cached form of a function, for a verticle that does not own the cache: registers a loader
   * consumer for {@code function} at a unique address under the loader prefix (so the cache
   * service on any node can call it, and it needs no configuration of its own); each call asks
   * {@code cache.getOrLoad} with that loader, the key {@code keyFunction} gives and the argument
   * as {@code args}. The argument and the result travel as JSON: JSON values as they are, other
   * types through Vert.x's JSON mapping (the argument is mapped back to its class before the
   * function runs). Registered on the calling context: undeploying the verticle that called this
   * unregisters the loader, as does {@link Memoized#unregister()}.
   *
   * <pre>{@code
   * CacheClient.Memoized<String> findUser = client.memoize("users",
   *   (String id) -> db.findUser(id).map(JsonObject::mapFrom), id -> "id:" + id, LoadOptions.ttl(ttl));
   * findUser.apply("42").onSuccess(user -> log.info("user 42: " + user));
   * }</pre>
   *
   * @param namespace the namespace, or {@code null}
   * @param function the function to cache; its result must be a JSON value ({@code null}: absent)
   * @param keyFunction the cache key of an argument
   * @param options the load options of every call, or {@code null} for the namespace's
   * @param <A> the argument type
   * @return the cached function
   */
  <A> Memoized<A> memoize(String namespace, Function<A, ? extends Future<?>> function, Function<A, String> keyFunction,
                          LoadOptions options);

  /**
   * A memoized function: calling it goes through {@code cache.getOrLoad}.
   *
   * @param <A> the argument type
   */
  interface Memoized<A> extends Function<A, Future<Object>> {

    /** @return the loader address registered for the function */
    String address();

    /** @return completes once the loader consumer is registered (calls wait for it by themselves) */
    Future<Void> ready();

    /**
     * Unregisters the loader consumer; later calls fail with code 501 on a miss.
     *
     * @return completion
     */
    Future<Void> unregister();
  }
}
