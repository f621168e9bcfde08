package dev.rediskit.cache.impl;

import dev.rediskit.cache.CacheNames;
import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.error.ValueTooLargeException;
import dev.rediskit.cache.BatchLoader;
import dev.rediskit.cache.CacheCodec;
import dev.rediskit.cache.CacheNamespace;
import dev.rediskit.cache.CacheResult;
import dev.rediskit.cache.CacheStats;
import dev.rediskit.cache.LoadOptions;
import dev.rediskit.cache.LoadTimeoutException;
import dev.rediskit.cache.WarmResult;
import dev.rediskit.cache.impl.EntryFormat.Entry;
import dev.rediskit.cache.impl.RedisCacheImpl.Resolved;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One namespace with one codec.
 *
 * <p>getOrLoad, in order: join a load of the same key already running here (single flight); else
 * GET; a fresh entry is served (and may start a background refresh); otherwise this instance
 * becomes the key's flight, takes the Redis lease ({@code SET NX PX} with a random token), re-reads
 * the entry (another instance may have just written it) and only then calls the loader, writes the
 * entry and releases the lease with a compare-and-delete script. An instance that finds the lease
 * taken re-reads with growing back-off until the entry appears or the lease is free again. Every
 * step is bounded (command timeout, load timeout, lease lifetime), so no call hangs.
 *
 * @param <V> the value type
 */
final class NamespaceImpl<V> implements CacheNamespace<V> {

  private static final long FIRST_WAIT_MS = 5;
  private static final long MAX_WAIT_MS = 100;

  private final RedisCacheImpl cache;
  private final String ns;
  private final CacheCodec<V> codec;
  private final StatsImpl stats;
  /** {@code <keyPrefix>:<namespace>:}, built once: a read then costs one concatenation. */
  private final String keyStart;
  private volatile Function<String, Future<V>> registeredLoader;

  NamespaceImpl(RedisCacheImpl cache, String ns, CacheCodec<V> codec) {
    this.cache = cache;
    this.ns = ns;
    this.codec = codec;
    this.stats = cache.statsOf(ns);
    this.keyStart = cache.keys.entryKey(ns, "");
  }

  @Override
  public String name() {
    return ns;
  }

  private String redisKey(String field, String key) {
    return keyStart.concat(CacheNames.checkKey(field, key));
  }

  // ---------------------------------------------------------------- reads

  @Override
  public Future<V> get(String key) {
    return fetch(key, reply -> toResult(reply, System.currentTimeMillis(), false).value());
  }

  @Override
  public Future<CacheResult<V>> lookup(String key) {
    return read(key, true);
  }

  private Future<CacheResult<V>> read(String key, boolean serveStale) {
    return fetch(key, reply -> toResult(reply, System.currentTimeMillis(), serveStale));
  }

  /**
   * One GET of an entry, its reply turned into a result; a failure is counted here and passed on.
   * One stage after the gateway's future (not a map plus a failure listener): this is the path of
   * every cache read.
   */
  private <T> Future<T> fetch(String key, Function<Response, T> result) {
    String rk;
    try {
      rk = redisKey("key", key);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return cache.gateway.send(Request.cmd(Command.GET).arg(rk)).transform(ar -> {
      if (ar.failed()) {
        stats.errors.increment();
        return Future.failedFuture(ar.cause());
      }
      return Future.succeededFuture(result.apply(ar.result()));
    });
  }

  /** Turns a GET reply into a result and counts it. */
  private CacheResult<V> toResult(Response reply, long now, boolean serveStale) {
    Entry e = entryOf(reply);
    if (e == null) {
      stats.misses.increment();
      return CacheResult.miss();
    }
    boolean fresh = e.isFresh(now);
    if (!fresh && !serveStale) {
      stats.misses.increment();
      return CacheResult.miss();
    }
    V value;
    try {
      value = valueOf(e);
    } catch (RuntimeException ex) {
      stats.misses.increment();
      stats.errors.increment();
      return CacheResult.miss();
    }
    if (fresh) {
      stats.hits.increment();
      return new CacheResult<>(true, value, false, e.freshUntil - now);
    }
    stats.staleHits.increment();
    return new CacheResult<>(true, value, true, 0);
  }

  private static Entry entryOf(Response reply) {
    return reply == null ? null : EntryFormat.decode(reply.toBuffer());
  }

  private V valueOf(Entry e) {
    return e.isNull() ? null : codec.decode(e.payload);
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
    Map<String, String> byRedisKey = new HashMap<>();
    try {
      unique = checkedKeys(keys);
      for (String k : unique) {
        byRedisKey.put(cache.keys.entryKey(ns, k), k);
      }
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    if (unique.isEmpty()) {
      return Future.succeededFuture(new LinkedHashMap<>());
    }
    List<String> redisKeys = new ArrayList<>(byRedisKey.size());
    for (String k : unique) {
      redisKeys.add(cache.keys.entryKey(ns, k));
    }
    List<List<String>> groups = cache.groups(redisKeys);
    List<Request> mgets = new ArrayList<>(groups.size());
    for (List<String> g : groups) {
      Request r = Request.cmd(Command.MGET);
      for (String k : g) {
        r.arg(k);
      }
      mgets.add(r);
    }
    return cache.gateway.batch(mgets).transform(ar -> {
      if (ar.failed()) {
        stats.errors.increment();
        return Future.failedFuture(ar.cause());
      }
      long now = System.currentTimeMillis();
      Map<String, CacheResult<V>> found = new HashMap<>();
      List<Response> replies = ar.result();
      for (int i = 0; i < groups.size(); i++) {
        List<String> g = groups.get(i);
        Response values = replies.get(i);
        for (int j = 0; j < g.size(); j++) {
          found.put(byRedisKey.get(g.get(j)), toResult(values.get(j), now, serveStale));
        }
      }
      Map<String, CacheResult<V>> ordered = new LinkedHashMap<>();
      for (String k : unique) {
        ordered.put(k, found.get(k));
      }
      return Future.succeededFuture(ordered);
    });
  }

  /** Checks every key (reporting {@code keys[i]}) and drops repeats, keeping the first occurrence's order. */
  private static List<String> checkedKeys(Collection<String> keys) {
    if (keys == null) {
      throw new InvalidRequestException("keys", "is required");
    }
    LinkedHashSet<String> unique = new LinkedHashSet<>();
    int i = 0;
    for (String k : keys) {
      CacheNames.checkKey("keys[" + i + "]", k);
      unique.add(k);
      i++;
    }
    return new ArrayList<>(unique);
  }

  // ---------------------------------------------------------------- writes

  @Override
  public Future<Void> set(String key, V value) {
    return set(key, value, Duration.ofMillis(cache.options.getTtlMs()));
  }

  @Override
  public Future<Void> set(String key, V value, Duration ttl) {
    Request req;
    try {
      String rk = redisKey("key", key);
      long ttlMs = cache.checkTtl("ttlMs", ttl);
      req = writeRequest(rk, "value", encode("value", value), ttlMs, 0, 0);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return cache.gateway.send(req).transform(ar -> {
      if (ar.failed()) {
        stats.errors.increment();
        return Future.failedFuture(ar.cause());
      }
      stats.sets.increment();
      cache.notifyInvalidate(ns, List.of(key));
      return Future.succeededFuture();
    });
  }

  @Override
  public Future<Void> setMany(Map<String, V> entries, Duration ttl) {
    List<Request> writes = new ArrayList<>();
    List<String> written;
    try {
      if (entries == null) {
        throw new InvalidRequestException("entries", "is required");
      }
      long ttlMs = cache.checkTtl("ttlMs", ttl);
      written = new ArrayList<>(entries.size());
      for (Map.Entry<String, V> e : entries.entrySet()) {
        String field = "entries." + e.getKey();
        String rk = redisKey("entries key", e.getKey());
        writes.add(writeRequest(rk, field, encode(field, e.getValue()), ttlMs, 0, 0));
        written.add(e.getKey());
      }
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    if (writes.isEmpty()) {
      return Future.succeededFuture();
    }
    return batchInChunks(writes, 0).transform(ar -> {
      if (ar.failed()) {
        stats.errors.increment();
        return Future.failedFuture(ar.cause());
      }
      stats.sets.add(writes.size());
      cache.notifyInvalidate(ns, written);
      return Future.succeededFuture();
    });
  }

  /** Sends commands in pipelined chunks, one after the other, so a huge call stays under the gateway's pending limit. */
  private Future<Void> batchInChunks(List<Request> requests, int from) {
    int to = Math.min(requests.size(), from + RedisCacheImpl.MAX_KEYS_PER_COMMAND);
    return cache.gateway.batch(requests.subList(from, to)).compose(r ->
      to >= requests.size() ? Future.succeededFuture() : batchInChunks(requests, to));
  }

  private Buffer encode(String field, V value) {
    if (value == null) {
      throw new InvalidRequestException(field, "is required (null is not a value; getOrLoad can cache absence)");
    }
    Buffer bytes;
    try {
      bytes = codec.encode(value);
    } catch (RuntimeException e) {
      throw new InvalidRequestException(field, e.getMessage() == null ? "cannot be encoded: " + e : e.getMessage());
    }
    if (bytes.length() > cache.options.getMaxValueBytes()) {
      throw new ValueTooLargeException(field, bytes.length(), cache.options.getMaxValueBytes());
    }
    return bytes;
  }

  /** A SET of the stored form; {@code payload == null} writes a cached absence. */
  private Request writeRequest(String rk, String field, Buffer payload, long ttlMs, long staleMs, long loadMs) {
    long ttl = cache.jitter(ttlMs);
    int flags = payload == null ? EntryFormat.FLAG_NULL : 0;
    Buffer stored = EntryFormat.encode(flags, System.currentTimeMillis() + ttl, ttl, loadMs, payload);
    return Request.cmd(Command.SET).arg(rk).arg(stored).arg("PX").arg(ttl + staleMs);
  }

  @Override
  public Future<Long> delete(String... keys) {
    return delete(keys == null ? null : Arrays.asList(keys));
  }

  @Override
  public Future<Long> delete(Collection<String> keys) {
    List<String> unique;
    List<String> redisKeys = new ArrayList<>();
    try {
      unique = checkedKeys(keys);
      for (String k : unique) {
        redisKeys.add(cache.keys.entryKey(ns, k));
      }
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    if (unique.isEmpty()) {
      return Future.succeededFuture(0L);
    }
    return RedisCacheImpl.sumOf(cache.gateway.batch(cache.unlinkRequests(redisKeys))).transform(ar -> {
      if (ar.failed()) {
        stats.errors.increment();
        return Future.failedFuture(ar.cause());
      }
      stats.deletes.add(ar.result());
      cache.notifyInvalidate(ns, unique);
      return Future.succeededFuture(ar.result());
    });
  }

  @Override
  public Future<Long> invalidate(String... keys) {
    return delete(keys);
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
    return getOrLoad(key, () -> cache.vertx.executeBlocking(loader, false), options);
  }

  @Override
  public <A> Function<A, Future<V>> memoize(Function<A, Future<V>> function, Function<A, String> keyFunction,
                                            LoadOptions options) {
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(keyFunction, "keyFunction");
    LoadOptions copy = options == null ? new LoadOptions() : new LoadOptions(options);
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
  @SuppressWarnings("unchecked")
  public Future<CacheResult<V>> getOrLoadResult(String key, Supplier<Future<V>> loader, LoadOptions options) {
    String rk;
    Resolved o;
    try {
      rk = redisKey("key", key);
      o = cache.resolve(options);
      if (loader == null) {
        throw new InvalidRequestException("loader", "is required");
      }
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    Future<CacheResult<V>> running = (Future<CacheResult<V>>) cache.flights.get(rk);
    if (running != null) {
      stats.singleFlightJoins.increment();
      return running;
    }
    return cache.gateway.send(Request.cmd(Command.GET).arg(rk)).transform(ar -> {
      if (ar.failed()) {
        stats.errors.increment();
        if (!RedisUnavailableException.isRedisUnavailable(ar.cause())) {
          // Our own back-pressure or an error reply: loading anyway would turn a burst into a
          // stampede on the loader's database. The caller gets the failure.
          return Future.failedFuture(ar.cause());
        }
        return flight(rk, key, loader, o, null, true);
      }
      long now = System.currentTimeMillis();
      Entry e = entryOf(ar.result());
      if (e != null && e.isFresh(now)) {
        try {
          V value = valueOf(e);
          stats.hits.increment();
          maybeRefresh(rk, key, loader, o, e, now);
          return Future.succeededFuture(new CacheResult<>(true, value, false, e.freshUntil - now));
        } catch (RuntimeException ex) {
          // Unreadable (changed class or codec): load it again as if it were missing.
          stats.errors.increment();
          e = null;
        }
      }
      stats.misses.increment();
      return flight(rk, key, loader, o, e, false);
    });
  }

  /** Becomes the key's single flight on this instance, or joins the one that got there first. */
  @SuppressWarnings("unchecked")
  private Future<CacheResult<V>> flight(String rk, String key, Supplier<Future<V>> loader, Resolved o, Entry stale,
                                        boolean redisFailed) {
    Promise<CacheResult<V>> promise = Promise.promise();
    Future<CacheResult<V>> mine = promise.future();
    Future<?> existing = cache.flights.putIfAbsent(rk, mine);
    if (existing != null) {
      stats.singleFlightJoins.increment();
      return (Future<CacheResult<V>>) existing;
    }
    Future<CacheResult<V>> work;
    if (redisFailed) {
      work = loadDirect(key, loader, stale);
    } else {
      long deadline = System.currentTimeMillis() + 2 * cache.options.getLeaseTtlMs();
      work = leaseAndLoad(rk, key, loader, o, stale, cache.newToken(), 0, FIRST_WAIT_MS, deadline);
    }
    work.onComplete(ar -> {
      cache.flights.remove(rk, mine);
      promise.handle(ar);
    });
    return mine;
  }

  private Future<CacheResult<V>> leaseAndLoad(String rk, String key, Supplier<Future<V>> loader, Resolved o, Entry stale,
                                              String token, int attempt, long waitMs, long deadline) {
    String leaseKey = cache.keys.leaseKey(rk);
    Request acquire = Request.cmd(Command.SET).arg(leaseKey).arg(token).arg("NX").arg("PX").arg(cache.options.getLeaseTtlMs());
    return cache.gateway.send(acquire).transform(ar -> {
      if (ar.failed()) {
        stats.errors.increment();
        if (!RedisUnavailableException.isRedisUnavailable(ar.cause())) {
          return Future.failedFuture(ar.cause());
        }
        return loadDirect(key, loader, stale);
      }
      if (ar.result() != null) {
        // Ours. Another instance may have written the entry and released its lease just before: look again first.
        return cache.gateway.send(Request.cmd(Command.GET).arg(rk)).transform(again -> {
          CacheResult<V> fresh = again.succeeded() ? freshOrNull(again.result()) : null;
          if (fresh != null) {
            cache.releaseLease(leaseKey, token);
            return Future.succeededFuture(fresh);
          }
          return loadAndStore(rk, key, loader, o, stale).andThen(done -> cache.releaseLease(leaseKey, token));
        });
      }
      // Another instance is loading: wait for its entry without blocking, with growing back-off.
      if (attempt == 0) {
        stats.leaseWaits.increment();
      }
      if (System.currentTimeMillis() >= deadline) {
        return loadAndStore(rk, key, loader, o, stale);
      }
      return cache.vertx.timer(waitMs)
        .compose(t -> cache.gateway.send(Request.cmd(Command.GET).arg(rk)))
        .transform(reread -> {
          CacheResult<V> fresh = reread.succeeded() ? freshOrNull(reread.result()) : null;
          if (fresh != null) {
            return Future.succeededFuture(fresh);
          }
          return leaseAndLoad(rk, key, loader, o, stale, token, attempt + 1, Math.min(MAX_WAIT_MS, waitMs * 2), deadline);
        });
    });
  }

  private CacheResult<V> freshOrNull(Response reply) {
    Entry e = entryOf(reply);
    long now = System.currentTimeMillis();
    if (e == null || !e.isFresh(now)) {
      return null;
    }
    try {
      return new CacheResult<>(true, valueOf(e), false, e.freshUntil - now);
    } catch (RuntimeException ex) {
      return null;
    }
  }

  /** Calls the loader, writes what it returns, and falls back to the stale entry when it fails. */
  private Future<CacheResult<V>> loadAndStore(String rk, String key, Supplier<Future<V>> loader, Resolved o, Entry stale) {
    long start = System.nanoTime();
    return callLoader(key, loader).transform(ar -> {
      long nanos = System.nanoTime() - start;
      stats.loadTimeNanos.add(nanos);
      if (ar.failed()) {
        stats.loadFailures.increment();
        return staleOr(stale, ar.cause());
      }
      V value = ar.result();
      if (value == null && !o.cacheNulls()) {
        return Future.succeededFuture(CacheResult.loadedAbsent());
      }
      long ttl = value == null ? o.nullTtlMs() : o.ttlMs();
      Request write;
      try {
        write = writeRequest(rk, "value", value == null ? null : encode("value", value), ttl,
          value == null ? 0 : o.staleMs(), nanos / 1_000_000);
      } catch (RuntimeException e) {
        // Too large or not encodable: the caller still gets the value, it is just not cached.
        stats.errors.increment();
        RedisCacheImpl.LOG.log(System.Logger.Level.WARNING, "not caching " + ns + ":" + key + ": " + e.getMessage());
        return Future.succeededFuture(CacheResult.loaded(value, 0));
      }
      CacheResult<V> result = CacheResult.loaded(value, ttl);
      return cache.gateway.send(write).transform(w -> {
        if (w.failed()) {
          stats.errors.increment();
        } else {
          stats.sets.increment();
          cache.notifyInvalidate(ns, List.of(key));
        }
        return Future.succeededFuture(result);
      });
    });
  }

  /** Redis failed: the loader answers, nothing is written (Redis is in trouble; the next call caches again). */
  private Future<CacheResult<V>> loadDirect(String key, Supplier<Future<V>> loader, Entry stale) {
    stats.redisFallbacks.increment();
    long start = System.nanoTime();
    return callLoader(key, loader).transform(ar -> {
      stats.loadTimeNanos.add(System.nanoTime() - start);
      if (ar.failed()) {
        stats.loadFailures.increment();
        return staleOr(stale, ar.cause());
      }
      return Future.succeededFuture(ar.result() == null ? CacheResult.loadedAbsent() : CacheResult.loaded(ar.result(), 0));
    });
  }

  private Future<CacheResult<V>> staleOr(Entry stale, Throwable failure) {
    if (stale != null) {
      try {
        V value = valueOf(stale);
        stats.staleHits.increment();
        return Future.succeededFuture(new CacheResult<>(true, value, true, 0));
      } catch (RuntimeException ignored) {
        // An unreadable stale value is no better than none.
      }
    }
    return Future.failedFuture(failure);
  }

  /** Runs the loader once, bounded by {@code cache.loadTimeoutMs}. */
  private Future<V> callLoader(String key, Supplier<Future<V>> loader) {
    stats.loads.increment();
    Future<V> f;
    try {
      f = loader.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    if (f == null) {
      return Future.failedFuture(new NullPointerException("the loader of " + ns + ":" + key + " returned no future"));
    }
    if (f.isComplete()) {
      return f;
    }
    long timeoutMs = cache.options.getLoadTimeoutMs();
    Promise<V> bounded = Promise.promise();
    long timer = cache.vertx.setTimer(timeoutMs, id -> bounded.tryFail(
      new LoadTimeoutException("the loader of " + ns + ":" + key + " did not complete within " + timeoutMs + " ms (cache.loadTimeoutMs)")));
    f.onComplete(ar -> {
      cache.vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        bounded.tryComplete(ar.result());
      } else {
        bounded.tryFail(ar.cause());
      }
    });
    return bounded.future();
  }

  /** Refresh-ahead: a read late in the entry's life reloads it once, in the background, under the lease. */
  private void maybeRefresh(String rk, String key, Supplier<Future<V>> loader, Resolved o, Entry e, long now) {
    if (!o.refreshAhead()) {
      return;
    }
    boolean due;
    if (o.fraction() > 0) {
      due = e.freshUntil - now <= (long) (o.fraction() * e.ttlMs);
    } else {
      // XFetch: -ln(u) is exponentially distributed, so early refreshes are rare far from expiry
      // and likely close to it, and likelier for slow loaders.
      double u = 1.0 - ThreadLocalRandom.current().nextDouble();
      due = now - Math.max(1, e.loadMs) * o.beta() * Math.log(u) >= e.freshUntil;
    }
    if (!due || !cache.refreshing.add(rk)) {
      return;
    }
    String leaseKey = cache.keys.leaseKey(rk);
    String token = cache.newToken();
    Request acquire = Request.cmd(Command.SET).arg(leaseKey).arg(token).arg("NX").arg("PX").arg(cache.options.getLeaseTtlMs());
    cache.gateway.send(acquire).onComplete(ar -> {
      if (ar.failed() || ar.result() == null) {
        // Redis trouble, or another instance is already refreshing or loading it.
        cache.refreshing.remove(rk);
        return;
      }
      stats.refreshes.increment();
      loadAndStore(rk, key, loader, o, null).onComplete(done -> {
        cache.refreshing.remove(rk);
        cache.releaseLease(leaseKey, token);
      });
    });
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
      return Future.failedFuture(new IllegalStateException("no loader registered for namespace " + ns
        + "; call loader(...) first or pass one to warm"));
    }
    return warmEach(keys, l, Duration.ofMillis(cache.options.getTtlMs()), cache.options.getWarmBatchSize());
  }

  @Override
  public Future<WarmResult> warmEach(Collection<String> keys, Function<String, Future<V>> loader, Duration ttl,
                                     int batchSize) {
    if (loader == null) {
      return Future.failedFuture(new InvalidRequestException("loader", "is required"));
    }
    return warm(keys, batch -> {
      List<Future<V>> each = new ArrayList<>(batch.size());
      for (String k : batch) {
        Future<V> f;
        try {
          f = loader.apply(k);
        } catch (RuntimeException e) {
          f = Future.failedFuture(e);
        }
        each.add(f == null ? Future.succeededFuture() : f);
      }
      // join, not all: one failing key must not hide the values of the others.
      return Future.join(each).transform(ignored -> {
        Map<String, Object> values = new HashMap<>();
        for (int i = 0; i < batch.size(); i++) {
          Future<V> f = each.get(i);
          values.put(batch.get(i), f.succeeded() ? f.result() : new Failed(f.cause()));
        }
        @SuppressWarnings("unchecked")
        Map<String, V> typed = (Map<String, V>) (Map<String, ?>) values;
        return Future.succeededFuture(typed);
      });
    }, ttl, batchSize);
  }

  /** Marks a key whose per-key loader failed, inside the map a batch loader returns. */
  private record Failed(Throwable cause) {
  }

  @Override
  public Future<WarmResult> warm(Collection<String> keys, BatchLoader<V> loader, Duration ttl, int batchSize) {
    List<String> unique;
    long ttlMs;
    int repeated;
    try {
      if (loader == null) {
        throw new InvalidRequestException("loader", "is required");
      }
      unique = checkedKeys(keys);
      repeated = keys.size() - unique.size();
      ttlMs = cache.checkTtl("ttlMs", ttl);
      if (batchSize < 1 || batchSize > RedisCacheImpl.MAX_WARM_BATCH) {
        throw new InvalidRequestException("batchSize", "must be between 1 and " + RedisCacheImpl.MAX_WARM_BATCH + ", was " + batchSize);
      }
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    List<List<String>> batches = new ArrayList<>();
    for (int i = 0; i < unique.size(); i += batchSize) {
      batches.add(unique.subList(i, Math.min(unique.size(), i + batchSize)));
    }
    AtomicLong loaded = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicLong skipped = new AtomicLong(repeated);
    AtomicInteger next = new AtomicInteger();
    int workers = Math.min(cache.options.getWarmConcurrency(), Math.max(1, batches.size()));
    List<Future<Void>> running = new ArrayList<>(workers);
    for (int w = 0; w < workers; w++) {
      running.add(warmWorker(batches, next, loader, ttlMs, loaded, failed, skipped));
    }
    return Future.join(running).transform(ignored ->
      Future.succeededFuture(new WarmResult(loaded.get(), failed.get(), skipped.get())));
  }

  /** Takes the next batch until none is left: bounded concurrency without a semaphore. */
  private Future<Void> warmWorker(List<List<String>> batches, AtomicInteger next, BatchLoader<V> loader, long ttlMs,
                                  AtomicLong loaded, AtomicLong failed, AtomicLong skipped) {
    int index = next.getAndIncrement();
    if (index >= batches.size()) {
      return Future.succeededFuture();
    }
    List<String> batch = batches.get(index);
    return warmBatch(batch, loader, ttlMs, loaded, failed, skipped)
      .compose(v -> warmWorker(batches, next, loader, ttlMs, loaded, failed, skipped));
  }

  private Future<Void> warmBatch(List<String> batch, BatchLoader<V> loader, long ttlMs, AtomicLong loaded,
                                 AtomicLong failed, AtomicLong skipped) {
    long start = System.nanoTime();
    stats.loads.increment();
    Future<Map<String, V>> values;
    try {
      values = loader.load(List.copyOf(batch));
    } catch (RuntimeException e) {
      values = Future.failedFuture(e);
    }
    if (values == null) {
      values = Future.failedFuture(new NullPointerException("the batch loader returned no future"));
    }
    return values.transform(ar -> {
      long nanos = System.nanoTime() - start;
      stats.loadTimeNanos.add(nanos);
      if (ar.failed()) {
        stats.loadFailures.increment();
        failed.addAndGet(batch.size());
        return Future.succeededFuture();
      }
      Map<String, V> found = ar.result() == null ? Map.of() : ar.result();
      List<Request> writes = new ArrayList<>();
      List<String> written = new ArrayList<>();
      for (String k : batch) {
        Object v = found.get(k);
        if (v instanceof Failed) {
          failed.incrementAndGet();
          continue;
        }
        if (v == null) {
          skipped.incrementAndGet();
          continue;
        }
        try {
          @SuppressWarnings("unchecked")
          V value = (V) v;
          writes.add(writeRequest(cache.keys.entryKey(ns, k), "value", encode("value", value), ttlMs, 0,
            nanos / 1_000_000));
          written.add(k);
        } catch (RuntimeException e) {
          failed.incrementAndGet();
        }
      }
      if (writes.isEmpty()) {
        return Future.succeededFuture();
      }
      // The whole batch in one pipelined round trip.
      return cache.gateway.batch(writes).transform(w -> {
        if (w.failed()) {
          stats.errors.increment();
          failed.addAndGet(writes.size());
        } else {
          stats.sets.add(writes.size());
          loaded.addAndGet(writes.size());
          cache.notifyInvalidate(ns, written);
        }
        return Future.succeededFuture();
      });
    });
  }

  // ---------------------------------------------------------------- namespace-wide

  @Override
  public Future<Long> flush() {
    return cache.flushNamespace(ns);
  }

  @Override
  public CacheStats stats() {
    return stats;
  }

  @Override
  public String toString() {
    return "CacheNamespace[" + ns + ", " + codec + "]";
  }
}
