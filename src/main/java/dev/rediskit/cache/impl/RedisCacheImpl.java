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
import dev.rediskit.cache.RedisCache;
import dev.rediskit.cache.WarmResult;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.client.Script;
import dev.rediskit.client.KeySlots;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The cache: shared state (gateway, settings, counters, in-flight loads, listeners) and the
 * operations that span namespaces. Per-namespace work is in {@link NamespaceImpl}.
 *
 * <p>State shared between callers lives in concurrent maps and adders rather than being confined
 * to one event loop, because a cache is commonly shared by several verticles (and the event-bus
 * consumers); the gateway already hops to its own loop for the Redis traffic.
 */
public final class RedisCacheImpl implements RedisCache {

  static final System.Logger LOG = System.getLogger(RedisCache.class.getName());

  /** Keys per MGET or UNLINK: bounded so one command never holds Redis for long. */
  static final int MAX_KEYS_PER_COMMAND = 1000;
  /** SCAN COUNT: about this many hash buckets examined per call, well under a millisecond of Redis time. */
  static final int SCAN_COUNT = 1000;
  /** Upper bound of a warm-up batch size given as a parameter. */
  static final int MAX_WARM_BATCH = CacheOptions.MAX_WARM_BATCH_SIZE;

  /** Deletes the lease only if it still holds our token, so a late finisher never frees someone else's lease. */
  static final Script RELEASE_LEASE = Script.of(
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end");

  final Vertx vertx;
  final RedisGateway gateway;
  final CacheOptions options;
  final CacheKeys keys;
  final boolean cluster;
  final long flushChunkNanos;

  private final ConcurrentHashMap<String, StatsImpl> stats = new ConcurrentHashMap<>();
  /** Loads in progress on this instance, by Redis key: the single flight. */
  final ConcurrentHashMap<String, Future<?>> flights = new ConcurrentHashMap<>();
  /** Background refreshes in progress on this instance, by Redis key: kept apart from {@link #flights} so readers never wait for one. */
  final Set<String> refreshing = ConcurrentHashMap.newKeySet();
  private final List<InvalidationListener> listeners = new CopyOnWriteArrayList<>();
  private final ConcurrentHashMap<String, NamespaceImpl<Object>> jsonViews = new ConcurrentHashMap<>();
  private final NamespaceImpl<Object> defaultNamespace;

  /**
   * @param vertx the Vert.x instance
   * @param gateway the gateway
   * @param options validated settings
   */
  public RedisCacheImpl(Vertx vertx, RedisGateway gateway, CacheOptions options) {
    this.vertx = vertx;
    this.gateway = gateway;
    this.options = new CacheOptions(options);
    this.keys = new CacheKeys(gateway.options().getKeyPrefix());
    this.cluster = gateway.type() == RedisClientType.CLUSTER;
    // A flush works node by node on dedicated connections, which the gateway bounds by the command
    // timeout; half of it per connection leaves room for the last page.
    this.flushChunkNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(1, gateway.options().getCommandTimeoutMs() / 2));
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
    return jsonViews.computeIfAbsent(namespace, ns -> new NamespaceImpl<>(this, ns, CacheCodec.json()));
  }

  @Override
  public <V> CacheNamespace<V> namespace(String namespace, CacheCodec<V> codec) {
    CacheNames.checkNamespace(namespace);
    if (codec == null) {
      throw new InvalidRequestException("codec", "is required");
    }
    return new NamespaceImpl<>(this, namespace, codec);
  }

  @Override
  public <V> CacheNamespace<V> namespace(String namespace, Class<V> type) {
    if (type == null) {
      throw new InvalidRequestException("type", "is required");
    }
    return namespace(namespace, CacheCodec.pojo(type));
  }

  StatsImpl statsOf(String namespace) {
    return stats.computeIfAbsent(namespace, StatsImpl::new);
  }

  @Override
  public CacheStats stats(String namespace) {
    CacheNames.checkNamespace(namespace);
    return statsOf(namespace);
  }

  @Override
  public Map<String, CacheStats> allStats() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(stats));
  }

  @Override
  public RedisCache addInvalidationListener(InvalidationListener listener) {
    listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    return this;
  }

  @Override
  public RedisCache removeInvalidationListener(InvalidationListener listener) {
    listeners.remove(listener);
    return this;
  }

  @Override
  public CacheOptions options() {
    return new CacheOptions(options);
  }

  void notifyInvalidate(String namespace, List<String> keys) {
    for (InvalidationListener l : listeners) {
      try {
        l.onInvalidate(namespace, keys);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "invalidation listener failed", e);
      }
    }
  }

  // ---------------------------------------------------------------- flush

  @Override
  public Future<Long> flushNamespace(String namespace) {
    try {
      CacheNames.checkNamespace(namespace);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    String pattern = keys.matchPattern(namespace);
    StatsImpl s = statsOf(namespace);
    return gateway.masters().compose(masters -> {
      List<Future<Long>> each = new ArrayList<>(masters.size());
      for (String node : masters) {
        each.add(flushNode(node, pattern, "0", 0L));
      }
      return Future.all(each).map(cf -> {
        long total = 0;
        for (Future<Long> f : each) {
          total += f.result();
        }
        return total;
      });
    }).andThen(ar -> {
      if (ar.succeeded()) {
        s.flushes.increment();
        s.flushedKeys.add(ar.result());
        for (InvalidationListener l : listeners) {
          try {
            l.onFlush(namespace);
          } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "invalidation listener failed", e);
          }
        }
      } else {
        s.errors.increment();
      }
    });
  }

  /** Walks one node, a connection at a time: each connection runs pages for at most {@link #flushChunkNanos}. */
  private Future<Long> flushNode(String node, String pattern, String cursor, long removed) {
    return gateway.onNode(node, conn -> scanPages(conn, pattern, cursor, System.nanoTime() + flushChunkNanos, 0L))
      .compose(step -> {
        long total = removed + step.removed;
        return "0".equals(step.cursor) ? Future.succeededFuture(total) : flushNode(node, pattern, step.cursor, total);
      });
  }

  private record ScanStep(String cursor, long removed) {
  }

  private Future<ScanStep> scanPages(RedisConnection conn, String pattern, String cursor, long deadline, long removed) {
    Request scan = Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(pattern).arg("COUNT").arg(SCAN_COUNT);
    return conn.send(scan).compose(reply -> {
      String next = reply.get(0).toString();
      Response page = reply.get(1);
      List<String> found = new ArrayList<>(page.size());
      for (Response k : page) {
        found.add(k.toString());
      }
      Future<Long> deleted = found.isEmpty() ? Future.succeededFuture(0L) : sumOf(conn.batch(unlinkRequests(found)));
      if ("0".equals(next) || System.nanoTime() - deadline >= 0) {
        return deleted.map(n -> new ScanStep(next, removed + n));
      }
      // The next SCAN goes out right behind the UNLINKs on the same connection: one round trip per page, not two.
      Future<ScanStep> rest = scanPages(conn, pattern, next, deadline, 0L);
      return Future.all(deleted, rest).map(cf -> new ScanStep(rest.result().cursor, removed + deleted.result() + rest.result().removed));
    });
  }

  /**
   * @param redisKeys full Redis keys
   * @return UNLINK commands of at most {@link #MAX_KEYS_PER_COMMAND} keys, each of one hash slot on a cluster
   */
  List<Request> unlinkRequests(List<String> redisKeys) {
    List<Request> out = new ArrayList<>();
    for (List<String> group : groups(redisKeys)) {
      Request r = Request.cmd(Command.UNLINK);
      for (String k : group) {
        r.arg(k);
      }
      out.add(r);
    }
    return out;
  }

  /**
   * Splits keys into groups a multi-key command accepts: by hash slot on a cluster (else CROSSSLOT),
   * and at most {@link #MAX_KEYS_PER_COMMAND} per group everywhere.
   *
   * @param redisKeys the keys
   * @return the groups, each in input order
   */
  List<List<String>> groups(List<String> redisKeys) {
    List<List<String>> out = new ArrayList<>();
    Collection<List<String>> bySlot = cluster ? KeySlots.groupBySlot(redisKeys).values() : List.of(redisKeys);
    for (List<String> group : bySlot) {
      for (int i = 0; i < group.size(); i += MAX_KEYS_PER_COMMAND) {
        out.add(group.subList(i, Math.min(group.size(), i + MAX_KEYS_PER_COMMAND)));
      }
    }
    return out;
  }

  static Future<Long> sumOf(Future<List<Response>> replies) {
    return replies.map(list -> {
      long n = 0;
      for (Response r : list) {
        n += r.toLong();
      }
      return n;
    });
  }

  // ---------------------------------------------------------------- shared helpers

  /**
   * @param field the field to report
   * @param ttl a TTL
   * @return it in ms, when {@code > 0} and at most {@code cache.maxTtlMs}
   */
  long checkTtl(String field, Duration ttl) {
    if (ttl == null) {
      throw new InvalidRequestException(field, "is required");
    }
    return checkTtlMs(field, ttl.toMillis());
  }

  long checkTtlMs(String field, long ms) {
    if (ms <= 0) {
      throw new InvalidRequestException(field, "must be > 0, was " + ms);
    }
    if (ms > options.getMaxTtlMs()) {
      throw new InvalidRequestException(field, "must be <= cache.maxTtlMs (" + options.getMaxTtlMs() + "), was " + ms);
    }
    return ms;
  }

  /** @return the TTL shortened by a random part of up to {@code cache.ttlJitterPercent} (never lengthened, so PTTL <= ttl) */
  long jitter(long ttlMs) {
    int pct = options.getTtlJitterPercent();
    if (pct == 0 || ttlMs < 2) {
      return ttlMs;
    }
    long spread = ttlMs * pct / 100;
    return spread <= 0 ? ttlMs : Math.max(1, ttlMs - ThreadLocalRandom.current().nextLong(spread + 1));
  }

  /** The settings of one getOrLoad, resolved against the defaults and checked. */
  record Resolved(long ttlMs, long staleMs, double fraction, double beta, boolean cacheNulls, long nullTtlMs) {
    boolean refreshAhead() {
      return fraction > 0 || beta > 0;
    }
  }

  Resolved resolve(LoadOptions o) {
    if (o == null) {
      o = new LoadOptions();
    }
    long ttl = o.getTtl() == null ? options.getTtlMs() : checkTtl("ttlMs", o.getTtl());
    long stale = o.getStaleTtl() == null ? options.getStaleTtlMs() : o.getStaleTtl().toMillis();
    if (stale < 0) {
      throw new InvalidRequestException("staleTtlMs", "must be >= 0, was " + stale);
    }
    if (stale > options.getMaxTtlMs()) {
      throw new InvalidRequestException("staleTtlMs", "must be <= cache.maxTtlMs (" + options.getMaxTtlMs() + "), was " + stale);
    }
    double f = o.getRefreshAheadFraction();
    if (!(f >= 0 && f < 1)) {
      throw new InvalidRequestException("refreshAheadFraction", "must be >= 0 and < 1, was " + f);
    }
    double b = o.getRefreshAheadBeta();
    if (!(b >= 0 && b <= 10)) {
      throw new InvalidRequestException("refreshAheadBeta", "must be between 0 and 10, was " + b);
    }
    if (f > 0 && b > 0) {
      throw new InvalidRequestException("refreshAheadBeta", "must be 0 when refreshAheadFraction is set (pick one way)");
    }
    long nullTtl = o.getNullTtl() == null ? Math.min(options.getNullTtlMs(), options.getMaxTtlMs())
      : checkTtl("nullTtlMs", o.getNullTtl());
    return new Resolved(ttl, stale, f, b, o.isCacheNulls(), nullTtl);
  }

  String newToken() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return Long.toHexString(r.nextLong()) + Long.toHexString(r.nextLong());
  }

  void releaseLease(String leaseKey, String token) {
    gateway.eval(RELEASE_LEASE, List.of(leaseKey), List.of(token))
      .onFailure(err -> LOG.log(System.Logger.Level.DEBUG, "lease release failed (it expires by itself): " + err));
  }

  // ---------------------------------------------------------------- the default namespace

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
  public Future<Long> invalidate(String... keys) {
    return defaultNamespace.invalidate(keys);
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
    return "RedisCache[" + keys.entryKey("<namespace>", "<key>") + "]";
  }
}
