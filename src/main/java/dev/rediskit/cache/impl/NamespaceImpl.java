package dev.rediskit.cache.impl;

import dev.rediskit.cache.CacheNames;
import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.cache.BatchLoader;
import dev.rediskit.cache.CacheCodec;
import dev.rediskit.cache.CacheNamespace;
import dev.rediskit.cache.CacheResult;
import dev.rediskit.cache.CacheStats;
import dev.rediskit.cache.LoadOptions;
import dev.rediskit.cache.WarmResult;
import dev.rediskit.cache.WriteOptions;
import dev.rediskit.client.RedisGateway;
import io.vertx.core.Future;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One namespace with one codec: the reads and writes themselves, and the entry points of the
 * other operations, which it hands to their own pieces: get-or-load to {@link LoadFlight} (with
 * {@link Refresher} for refresh-ahead), warm-up to {@link Warmer}, flush to
 * {@link NamespaceFlusher}. What it shares with the other namespaces of the cache comes from the
 * {@link CacheContext} it is built with.
 *
 * @param <V> the value type
 */
final class NamespaceImpl<V> implements CacheNamespace<V> {

  private final String ns;
  private final CacheContext ctx;
  /** Read on every call: kept here rather than behind {@link #ctx}. */
  private final RedisGateway gateway;
  private final StatsImpl stats;
  private final NamespaceEntries<V> entries;
  private final LoadFlight<V> flight;
  private final Warmer<V> warmer;
  /** The namespace's version, part of every key: {@code <keyPrefix>:c:<namespace>:<version>:}. */
  private final NamespaceVersions versions;
  private volatile Function<String, Future<V>> registeredLoader;
  /** The namespace's near cache, or {@code null} when it has none. */
  private final NearCache near;
  /** Reads of entries at their Redis keys, through the near cache when there is one. */
  private final EntryReads<V> reads;
  private final EntryWrites<V> writes;
  /** The namespace's idle TTL of sliding expiry, 0 when off: its reads slide by it, its writes are sliding. */
  private final long idleMs;
  /**
   * The namespace's configured load options ({@code cache.namespaces.<ns>}), which a get-or-load's
   * own options are laid over; {@code null} when it configures none, so nothing is merged.
   */
  private final LoadOptions defaults;

  /**
   * @param ctx the cache's shared parts
   * @param ns a valid namespace
   * @param codec the codec of its values
   */
  NamespaceImpl(CacheContext ctx, String ns, CacheCodec<V> codec) {
    this.ns = ns;
    this.ctx = ctx;
    this.gateway = ctx.gateway;
    this.stats = ctx.statsOf(ns);
    this.entries = new NamespaceEntries<>(codec, stats, ctx.ttls, ctx.options.getMaxValueBytes(),
      new Compression(ctx.options.getCompression(), ctx.options.getMaxValueBytes()), ctx.tags);
    this.near = ctx.nearCaches.of(ns);
    this.reads = new EntryReads<>(gateway, stats, entries, near, ctx.batches);
    EntryLoader<V> loads = new EntryLoader<>(ctx, ns, entries, stats);
    this.flight = new LoadFlight<>(ctx, entries, loads, new Refresher<>(ctx.refreshing, ctx.leases, ctx.keys, loads, stats), stats,
      near);
    this.warmer = new Warmer<>(ctx, ns, entries, stats);
    this.versions = ctx.versions;
    this.writes = new EntryWrites<>(ctx, ns, entries, stats);
    this.idleMs = ctx.idleMsOf(ns);
    this.defaults = ctx.loadOptionsOf(ns);
  }

  @Override
  public String name() {
    return ns;
  }

  private <T> Future<T> withStart(Function<String, Future<T>> op) {
    return versions.withStart(ns, stats, op);
  }

  @Override
  public Future<Long> bumpVersion() {
    return versions.bump(ns).transform(ar -> {
      if (ar.failed()) {
        stats.errors.increment();
        return Future.failedFuture(ar.cause());
      }
      ctx.listeners.notifyFlush(ns);
      return Future.succeededFuture(ar.result());
    });
  }

  @Override
  public Future<Long> version() {
    return versions.version(ns);
  }

  // ---------------------------------------------------------------- reads

  @Override
  public Future<V> get(String key) {
    return fetch(key, false, CacheResult::value);
  }

  @Override
  public Future<CacheResult<V>> lookup(String key) {
    return fetch(key, true, r -> r);
  }

  /**
   * One entry at the namespace's current version, read by {@link EntryReads#one}.
   */
  private <T> Future<T> fetch(String key, boolean serveStale, Function<CacheResult<V>, T> out) {
    if (near != null && key != null) {
      // The hit path: no key check (a copy exists only under a key that passed it), no Redis key
      // built, no stage; each was a tenth or more of a hit's time. Anything but a hit is read
      // again below, after the check, where it is counted.
      String start = versions.recentStart(ns);
      CacheResult<V> local = start == null ? null : reads.nearHit(start, key, false);
      if (local != null) {
        return Future.succeededFuture(out.apply(local));
      }
    }
    try {
      CacheNames.checkKey("key", key);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return withStart(start -> reads.one(start, key, serveStale, idleMs, out));
  }

  @Override
  public Future<CacheResult<V>> lookup(String key, Duration idleTtl) {
    long idle;
    try {
      CacheNames.checkKey("key", key);
      idle = ctx.ttls.checkIdleTtl("idleTtlMs", idleTtl);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return withStart(start -> reads.one(start, key, true, idle, r -> r));
  }

  @Override
  public Future<Map<String, V>> getMany(Collection<String> keys) {
    return readMany(keys, false).map(results -> {
      Map<String, V> out = new LinkedHashMap<>();
      results.forEach((k, r) -> {
        if (r.found() && !r.stale() && r.value() != null) {
          out.put(k, r.value());
        }
      });
      return out;
    });
  }

  @Override
  public Future<Map<String, CacheResult<V>>> lookupMany(Collection<String> keys) {
    return readMany(keys, true);
  }

  private Future<Map<String, CacheResult<V>>> readMany(Collection<String> keys, boolean serveStale) {
    List<String> unique;
    try {
      unique = CacheKeys.checkKeys(keys);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    if (unique.isEmpty()) {
      return Future.succeededFuture(new LinkedHashMap<>());
    }
    return withStart(start -> reads.many(unique, start, serveStale, idleMs));
  }

  // ---------------------------------------------------------------- writes

  @Override
  public Future<Void> set(String key, V value) {
    return writes.set(key, value, null, false, null, List.of());
  }

  @Override
  public Future<Void> set(String key, V value, Duration ttl) {
    return writes.set(key, value, ttl, true, null, List.of());
  }

  @Override
  public Future<Void> set(String key, V value, WriteOptions options) {
    if (options == null) {
      return Future.failedFuture(new InvalidRequestException("options", "is required"));
    }
    return writes.set(key, value, options.getTtl(), false, options.getIdleTtl(), options.getTags());
  }

  @Override
  public Future<Void> setMany(Map<String, V> entries, Duration ttl) {
    return writes.setMany(entries, ttl, true, null, List.of());
  }

  @Override
  public Future<Void> setMany(Map<String, V> entries, WriteOptions options) {
    if (options == null) {
      return Future.failedFuture(new InvalidRequestException("options", "is required"));
    }
    return writes.setMany(entries, options.getTtl(), false, options.getIdleTtl(), options.getTags());
  }

  @Override
  public Future<Long> delete(String... keys) {
    return delete(keys == null ? null : Arrays.asList(keys));
  }

  @Override
  public Future<Long> delete(Collection<String> keys) {
    return writes.delete(keys);
  }

  // ---------------------------------------------------------------- loading

  @Override
  public Future<V> getOrLoad(String key, Supplier<Future<V>> loader, LoadOptions options) {
    return getOrLoadResult(key, loader, options).map(CacheResult::value);
  }

  @Override
  public Future<V> getOrLoadBlocking(String key, Callable<V> loader, LoadOptions options) {
    if (loader == null) {
      return Future.failedFuture(new InvalidRequestException("loader", "is required"));
    }
    return getOrLoad(key, () -> ctx.vertx.executeBlocking(loader, false), options);
  }

  @Override
  public <A> Function<A, Future<V>> memoize(Function<A, Future<V>> function, Function<A, String> keyFunction,
                                            LoadOptions options) {
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(keyFunction, "keyFunction");
    // Copied so that a caller changing its options later does not change the memoized function;
    // null stays null: the namespace's options, as for getOrLoad.
    LoadOptions copy = options == null ? null : new LoadOptions(options);
    return arg -> {
      String key;
      try {
        key = keyFunction.apply(arg);
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
      return getOrLoad(key, () -> function.apply(arg), copy);
    };
  }

  @Override
  public Future<CacheResult<V>> getOrLoadResult(String key, Supplier<Future<V>> loader, LoadOptions options) {
    LoadSettings o;
    try {
      CacheNames.checkKey("key", key);
      o = ctx.ttls.resolve(options, defaults);
      if (loader == null) {
        throw new InvalidRequestException("loader", "is required");
      }
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return flight.getOrLoad(versions.entryStart(ns), ns, key, loader, o);
  }

  // ---------------------------------------------------------------- warm-up

  @Override
  public CacheNamespace<V> loader(Function<String, Future<V>> loader) {
    this.registeredLoader = loader;
    return this;
  }

  @Override
  public Future<WarmResult> warm(Collection<String> keys) {
    Function<String, Future<V>> l = registeredLoader;
    if (l == null) {
      return Future.failedFuture(new dev.rediskit.cache.LoaderUnavailableException("no loader registered for namespace " + ns
        + "; call loader(...) first or pass one to warm"));
    }
    // The namespace's ttlMs when it configures one, as cache.warm takes it; else cache.ttlMs.
    Duration ttl = defaults != null && defaults.getTtl() != null ? defaults.getTtl() : Duration.ofMillis(ctx.options.getTtlMs());
    return warmer.warmEach(keys, l, ttl, ctx.options.getWarmBatchSize(), null);
  }

  @Override
  public Future<WarmResult> warmEach(Collection<String> keys, Function<String, Future<V>> loader, Duration ttl,
                                     int batchSize) {
    return warmer.warmEach(keys, loader, ttl, batchSize, null);
  }

  @Override
  public Future<WarmResult> warmEach(Collection<String> keys, Function<String, Future<V>> loader, Duration ttl,
                                     int batchSize, List<String> tags) {
    return warmer.warmEach(keys, loader, ttl, batchSize, tags);
  }

  @Override
  public Future<WarmResult> warm(Collection<String> keys, BatchLoader<V> loader, Duration ttl, int batchSize) {
    return warmer.warm(keys, loader, ttl, batchSize, null);
  }

  @Override
  public Future<WarmResult> warm(Collection<String> keys, BatchLoader<V> loader, Duration ttl, int batchSize,
                                 List<String> tags) {
    return warmer.warm(keys, loader, ttl, batchSize, tags);
  }

  // ---------------------------------------------------------------- namespace-wide

  @Override
  public Future<Long> flush() {
    return ctx.flusher.flush(ns);
  }

  @Override
  public CacheStats stats() {
    return stats;
  }

  @Override
  public String toString() {
    return "CacheNamespace[" + ns + ", " + entries.codec() + "]";
  }
}
