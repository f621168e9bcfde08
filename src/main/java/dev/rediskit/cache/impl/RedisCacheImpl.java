package dev.rediskit.cache.impl;

import dev.rediskit.cache.CacheNames;
import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.cache.BatchLoader;
import dev.rediskit.cache.CacheCodec;
import dev.rediskit.cache.CacheNamespace;
import dev.rediskit.cache.CacheOptions;
import dev.rediskit.cache.CacheResult;
import dev.rediskit.cache.CacheStats;
import dev.rediskit.cache.InvalidationListener;
import dev.rediskit.cache.LoadOptions;
import dev.rediskit.cache.NearCacheStats;
import dev.rediskit.cache.NearCacheTracking;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.cache.WarmResult;
import dev.rediskit.cache.WriteOptions;
import dev.rediskit.client.RedisGateway;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The cache: the namespace views it hands out and the operations that span namespaces. What the
 * namespaces share is in {@link CacheContext}; per-namespace work is in {@link NamespaceImpl} and
 * the pieces it delegates to.
 */
public final class RedisCacheImpl implements RedisCache {

  private final CacheContext ctx;
  private final ConcurrentHashMap<String, NamespaceImpl<Object>> jsonViews = new ConcurrentHashMap<>();
  private final NamespaceImpl<Object> defaultNamespace;

  /**
   * @param vertx the Vert.x instance
   * @param gateway the gateway
   * @param options validated settings
   */
  public RedisCacheImpl(Vertx vertx, RedisGateway gateway, CacheOptions options) {
    this.ctx = new CacheContext(vertx, gateway, options);
    this.defaultNamespace = (NamespaceImpl<Object>) namespace(DEFAULT_NAMESPACE);
  }

  // ---------------------------------------------------------------- namespaces

  @Override
  public CacheNamespace<Object> namespace(String namespace) {
    // A namespace seen before was valid then: skip checking its characters again (every
    // event-bus request names one).
    CacheNamespace<Object> known = namespace == null ? null : jsonViews.get(namespace);
    if (known != null) {
      return known;
    }
    CacheNames.checkNamespace(namespace);
    return jsonViews.computeIfAbsent(namespace, ns -> new NamespaceImpl<>(ctx, ns, CacheCodec.json()));
  }

  @Override
  public <V> CacheNamespace<V> namespace(String namespace, CacheCodec<V> codec) {
    CacheNames.checkNamespace(namespace);
    if (codec == null) {
      throw new InvalidRequestException("codec", "is required");
    }
    return new NamespaceImpl<>(ctx, namespace, codec);
  }

  @Override
  public <V> CacheNamespace<V> namespace(String namespace, Class<V> type) {
    if (type == null) {
      throw new InvalidRequestException("type", "is required");
    }
    return namespace(namespace, CacheCodec.pojo(type));
  }

  @Override
  public CacheStats stats(String namespace) {
    CacheNames.checkNamespace(namespace);
    return ctx.statsOf(namespace);
  }

  @Override
  public Map<String, CacheStats> allStats() {
    return ctx.allStats();
  }

  @Override
  public Map<String, NearCacheStats> nearCacheStats() {
    return ctx.nearCaches.stats();
  }

  @Override
  public NearCacheTracking nearCacheTracking() {
    return ctx.nearCaches.link() == null ? null : ctx.nearCaches;
  }

  @Override
  public RedisCache addInvalidationListener(InvalidationListener listener) {
    ctx.listeners.add(listener);
    return this;
  }

  @Override
  public RedisCache removeInvalidationListener(InvalidationListener listener) {
    ctx.listeners.remove(listener);
    return this;
  }

  @Override
  public Future<Void> verifyAccess() {
    return AccessProbe.run(ctx.unwatched);
  }

  @Override
  public CacheOptions options() {
    return new CacheOptions(ctx.options);
  }

  @Override
  public Future<Long> flush(String namespace) {
    try {
      CacheNames.checkNamespace(namespace);
      ctx.statsOf(namespace);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return ctx.flusher.flush(namespace);
  }

  @Override
  public Future<Long> bumpVersion(String namespace) {
    NamespaceImpl<?> ns;
    try {
      ns = (NamespaceImpl<?>) namespace(namespace);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return ns.bumpVersion();
  }

  // ---------------------------------------------------------------- the default namespace

  @Override
  public Future<Long> bumpVersion() {
    return defaultNamespace.bumpVersion();
  }

  @Override
  public Future<Long> version() {
    return defaultNamespace.version();
  }

  @Override
  public String name() {
    return defaultNamespace.name();
  }

  @Override
  public Future<Object> get(String key) {
    return defaultNamespace.get(key);
  }

  @Override
  public Future<CacheResult<Object>> lookup(String key) {
    return defaultNamespace.lookup(key);
  }

  @Override
  public Future<CacheResult<Object>> lookup(String key, Duration idleTtl) {
    return defaultNamespace.lookup(key, idleTtl);
  }

  @Override
  public Future<Void> set(String key, Object value, WriteOptions options) {
    return defaultNamespace.set(key, value, options);
  }

  @Override
  public Future<Void> setMany(Map<String, Object> entries, WriteOptions options) {
    return defaultNamespace.setMany(entries, options);
  }

  @Override
  public Future<Long> invalidateTag(String tag) {
    try {
      CacheNames.checkTag("tag", tag);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return ctx.tags.invalidate(tag);
  }

  @Override
  public Future<Void> set(String key, Object value) {
    return defaultNamespace.set(key, value);
  }

  @Override
  public Future<Void> set(String key, Object value, Duration ttl) {
    return defaultNamespace.set(key, value, ttl);
  }

  @Override
  public Future<Long> delete(Collection<String> keys) {
    return defaultNamespace.delete(keys);
  }

  @Override
  public Future<Long> delete(String... keys) {
    return defaultNamespace.delete(keys);
  }

  @Override
  public Future<Map<String, Object>> getMany(Collection<String> keys) {
    return defaultNamespace.getMany(keys);
  }

  @Override
  public Future<Map<String, CacheResult<Object>>> lookupMany(Collection<String> keys) {
    return defaultNamespace.lookupMany(keys);
  }

  @Override
  public Future<Void> setMany(Map<String, Object> entries, Duration ttl) {
    return defaultNamespace.setMany(entries, ttl);
  }

  @Override
  public Future<Object> getOrLoad(String key, Supplier<Future<Object>> loader, LoadOptions options) {
    return defaultNamespace.getOrLoad(key, loader, options);
  }

  @Override
  public Future<CacheResult<Object>> getOrLoadResult(String key, Supplier<Future<Object>> loader, LoadOptions options) {
    return defaultNamespace.getOrLoadResult(key, loader, options);
  }

  @Override
  public Future<Object> getOrLoadBlocking(String key, Callable<Object> loader, LoadOptions options) {
    return defaultNamespace.getOrLoadBlocking(key, loader, options);
  }

  @Override
  public <A> Function<A, Future<Object>> memoize(Function<A, Future<Object>> function, Function<A, String> keyFunction,
                                                 LoadOptions options) {
    return defaultNamespace.memoize(function, keyFunction, options);
  }

  @Override
  public CacheNamespace<Object> loader(Function<String, Future<Object>> loader) {
    defaultNamespace.loader(loader);
    return this;
  }

  @Override
  public Future<WarmResult> warm(Collection<String> keys, BatchLoader<Object> loader, Duration ttl, int batchSize) {
    return defaultNamespace.warm(keys, loader, ttl, batchSize);
  }

  @Override
  public Future<WarmResult> warmEach(Collection<String> keys, Function<String, Future<Object>> loader, Duration ttl,
                                     int batchSize) {
    return defaultNamespace.warmEach(keys, loader, ttl, batchSize);
  }

  @Override
  public Future<WarmResult> warm(Collection<String> keys, BatchLoader<Object> loader, Duration ttl, int batchSize,
                                 List<String> tags) {
    return defaultNamespace.warm(keys, loader, ttl, batchSize, tags);
  }

  @Override
  public Future<WarmResult> warmEach(Collection<String> keys, Function<String, Future<Object>> loader, Duration ttl,
                                     int batchSize, List<String> tags) {
    return defaultNamespace.warmEach(keys, loader, ttl, batchSize, tags);
  }

  @Override
  public Future<WarmResult> warm(Collection<String> keys) {
    return defaultNamespace.warm(keys);
  }

  @Override
  public Future<Long> flush() {
    return defaultNamespace.flush();
  }

  @Override
  public CacheStats stats() {
    return defaultNamespace.stats();
  }

  @Override
  public String toString() {
    return "RedisCache[" + ctx.keys.entryKey("<namespace>", 0, "<key>").replace(":0:", ":<version>:") + "]";
  }
}
