package dev.rediskit.cache;

import io.vertx.core.Future;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The entries of one namespace, with one codec. Obtained from {@link RedisCache#namespace(String)}
 * (JSON values and Buffers), {@link RedisCache#namespace(String, CacheCodec)} or
 * {@link RedisCache#namespace(String, Class)}; {@link RedisCache} itself is the default namespace.
 *
 * <p>Every method returns at once and never blocks: the result is a {@link Future} that completes
 * within the configured timeouts. Keys are 1 to 1024 characters without control characters;
 * invalid input fails with {@link dev.rediskit.error.InvalidRequestException} (code 400) naming the field,
 * and nothing is written. TTLs must be {@code > 0} and at most {@code cache.maxTtlMs}.
 *
 * @param <V> the value type
 */
public interface CacheNamespace<V> {

  /** @return the namespace's name */
  String name();

  /**
   * Reads a fresh value.
   *
   * <pre>{@code users.get("42").onSuccess(user -> log.info("found " + user));}</pre>
   *
   * @param key the key
   * @return the value; {@code null} when absent, stale or a cached absence
   */
  Future<V> get(String key);

  /**
   * Reads an entry with its state: found, stale, remaining TTL. A stale entry (past its TTL,
   * within its stale window) is returned marked stale.
   *
   * @param key the key
   * @return what was found
   */
  Future<CacheResult<V>> lookup(String key);

  /**
   * A {@link #lookup(String)} that, on a hit, also moves the entry's Redis expiry to {@code idleTtl}
   * from now, never past its maximum age (the TTL it was written with), in the same round trip
   * (sliding expiry, see {@link LoadOptions#setIdleTtl(Duration)}). A hit of the near cache does not
   * reach Redis and extends nothing.
   *
   * <pre>{@code sessions.lookup("s1", Duration.ofMinutes(30))}</pre>
   *
   * @param key the key
   * @param idleTtl the idle TTL, {@code > 0} and at most {@code cache.maxTtlMs}; {@link Duration#ZERO}
   * for a plain lookup (even in a namespace with sliding expiry)
   * @return what was found
   */
  Future<CacheResult<V>> lookup(String key, Duration idleTtl);

  /**
   * Writes a value with the default TTL ({@code cache.ttlMs}).
   *
   * @param key the key
   * @param value the value, not {@code null}
   * @return completion
   */
  Future<Void> set(String key, V value);

  /**
   * Writes a value that Redis expires after {@code ttl} (shortened by up to
   * {@code cache.ttlJitterPercent}, never lengthened: {@code PTTL <= ttl}).
   *
   * <pre>{@code users.set("42", user, Duration.ofMinutes(10));}</pre>
   *
   * @param key the key
   * @param value the value, not {@code null}; its encoded size at most {@code cache.maxValueBytes}
   * (else {@link dev.rediskit.error.ValueTooLargeException}, code 413, and nothing is written)
   * @param ttl the time to live
   * @return completion
   */
  Future<Void> set(String key, V value, Duration ttl);

  /**
   * Writes a value with its TTL and sliding expiry given by {@code options}, each unset one taken
   * from the cache's and the namespace's settings.
   *
   * <pre>{@code sessions.set("s1", session, new WriteOptions().setTtl(Duration.ofHours(8)).setIdleTtl(Duration.ofMinutes(30)));}</pre>
   *
   * @param key the key
   * @param value the value, not {@code null}
   * @param options how to store it, not {@code null}
   * @return completion
   */
  Future<Void> set(String key, V value, WriteOptions options);

  /**
   * Deletes entries (UNLINK, grouped by hash slot on a cluster).
   *
   * @param keys the keys
   * @return how many existed
   */
  Future<Long> delete(Collection<String> keys);

  /**
   * @param keys the keys
   * @return how many existed
   * @see #delete(Collection)
   */
  Future<Long> delete(String... keys);

  /**
   * Deletes entries and tells the {@link InvalidationListener}s: what {@link #delete(String...)} does.
   *
   * @param keys the keys
   * @return how many existed
   * @deprecated one name per operation: use {@link #delete(String...)}, which tells the listeners too
   */
  @Deprecated
  default Future<Long> invalidate(String... keys) {
    return delete(keys);
  }

  /**
   * Reads several fresh values in one round trip (MGET per hash slot on a cluster).
   *
   * <pre>{@code users.getMany(List.of("1", "2")).onSuccess(found -> log.info("found " + found.keySet()));}</pre>
   *
   * @param keys the keys
   * @return the fresh values found, by key (absent, stale and null entries left out)
   */
  Future<Map<String, V>> getMany(Collection<String> keys);

  /**
   * Reads several entries with their state.
   *
   * @param keys the keys
   * @return a result for every key
   */
  Future<Map<String, CacheResult<V>>> lookupMany(Collection<String> keys);

  /**
   * Writes several values in one pipelined round trip (one SET with PX per key). Every value is
   * checked first: if any is invalid or too large, nothing is written.
   *
   * @param entries the values by key
   * @param ttl the time to live of each
   * @return completion
   */
  Future<Void> setMany(Map<String, V> entries, Duration ttl);

  /**
   * As {@link #setMany(Map, Duration)}, every entry stored as {@code options} says (TTL, sliding
   * expiry, tags): the batched way to write many tagged entries.
   *
   * @param entries key to value
   * @param options how to store them, not {@code null}
   * @return completion
   */
  Future<Void> setMany(Map<String, V> entries, WriteOptions options);

  /**
   * Returns the cached value, or loads it once and caches it. Concurrent misses of one key on this
   * instance share one loader call; across instances a short Redis lease lets one load while the
   * others wait for its result (and load themselves if the lease expires). With a stale window, a
   * failing loader is answered with the stale value; with refresh-ahead, hot keys are reloaded in
   * the background before they expire. If Redis fails, the loader is called directly.
   *
   * <p>The options are resolved as {@code cache.getOrLoad} resolves a request's: each field
   * {@code options} sets wins, the namespace's configured load options ({@code cache.namespaces.<ns>},
   * {@link NamespaceOptions#getLoadOptions()}) fill in the others, and the cache's
   * {@link CacheOptions} what neither sets ({@link LoadOptions#overriding(LoadOptions)}). So an entry
   * carries the namespace's {@code tags} unless {@code options} sets its own.
   *
   * <pre>{@code
   * users.getOrLoad("42", () -> db.findUser("42"), LoadOptions.ttl(Duration.ofMinutes(5)));
   * }</pre>
   *
   * @param key the key
   * @param loader produces the value (asynchronously; {@code null} means absent)
   * @param options TTLs, stale window, refresh-ahead, negative caching, tags: the fields it sets
   *     override the namespace's; {@code null} for the namespace's configured options
   * @return the value, {@code null} when absent
   */
  Future<V> getOrLoad(String key, Supplier<Future<V>> loader, LoadOptions options);

  /**
   * As {@link #getOrLoad}, telling whether the value served is stale.
   *
   * @param key the key
   * @param loader produces the value
   * @param options the options, laid over the namespace's as for {@link #getOrLoad}; {@code null} for the namespace's
   * @return what was served
   */
  Future<CacheResult<V>> getOrLoadResult(String key, Supplier<Future<V>> loader, LoadOptions options);

  /**
   * As {@link #getOrLoad}, for a blocking loader (JDBC, a blocking HTTP client...), run on a worker
   * thread with {@code executeBlocking} so the event loop never waits.
   *
   * <pre>{@code users.getOrLoadBlocking("42", () -> jdbc.findUser("42"), options);}</pre>
   *
   * @param key the key
   * @param loader produces the value, may block
   * @param options the options, laid over the namespace's as for {@link #getOrLoad}; {@code null} for the namespace's
   * @return the value, {@code null} when absent
   */
  Future<V> getOrLoadBlocking(String key, Callable<V> loader, LoadOptions options);

  /**
   * Wraps a function into a cached one, the equivalent of a {@code @cache_result} decorator.
   *
   * <pre>{@code
   * Function<Long, Future<User>> find = users.memoize(db::findUser, id -> "id:" + id, LoadOptions.ttl(ttl));
   * }</pre>
   *
   * @param function the function to cache
   * @param keyFunction the cache key of an argument
   * @param options the options of every call (copied), laid over the namespace's as for
   *     {@link #getOrLoad}; {@code null} for the namespace's
   * @param <A> the argument type
   * @return the cached function
   */
  <A> Function<A, Future<V>> memoize(Function<A, Future<V>> function, Function<A, String> keyFunction,
                                     LoadOptions options);

  /**
   * Registers the loader used by {@link #warm(Collection)}.
   *
   * @param loader loads one key
   * @return this
   */
  CacheNamespace<V> loader(Function<String, Future<V>> loader);

  /**
   * Loads keys in batches with a batch loader and writes each batch in one pipelined round trip, at
   * most {@code cache.warmConcurrency} batches at a time. The entries carry the namespace's tags
   * ({@code tags} of its entry in {@code cache.namespaces}), so {@link RedisCache#invalidateTag}
   * reaches them as it reaches what get-or-load wrote; the tags' versions are taken before each
   * batch's loader runs, so a batch that overlaps an invalidation writes entries already stale.
   *
   * <pre>{@code users.warm(ids, db::findUsers, Duration.ofHours(1), 100);}</pre>
   *
   * @param keys the keys (repeated keys are skipped)
   * @param loader loads one batch
   * @param ttl the TTL of the entries
   * @param batchSize keys per batch, 1 to 10,000
   * @return how many keys were loaded, failed or skipped
   */
  Future<WarmResult> warm(Collection<String> keys, BatchLoader<V> loader, Duration ttl, int batchSize);

  /**
   * As {@link #warm(Collection, BatchLoader, Duration, int)}, the entries carrying {@code tags}
   * instead of the namespace's.
   *
   * @param keys the keys (repeated keys are skipped)
   * @param loader loads one batch
   * @param ttl the TTL of the entries
   * @param batchSize keys per batch, 1 to 10,000
   * @param tags the entries' tags (at most 32, each 1 to 256 characters without control characters;
   * empty for none), or {@code null} for the namespace's
   * @return how many keys were loaded, failed or skipped; fails naming {@code tags[i]} or
   * {@code tags}, with nothing loaded or written, when a tag is invalid
   */
  Future<WarmResult> warm(Collection<String> keys, BatchLoader<V> loader, Duration ttl, int batchSize, List<String> tags);

  /**
   * As {@link #warm(Collection, BatchLoader, Duration, int)} with a loader of one key, called for
   * every key of a batch at once.
   *
   * @param keys the keys
   * @param loader loads one key ({@code null}: skipped)
   * @param ttl the TTL of the entries
   * @param batchSize keys per batch, 1 to 10,000
   * @return how many keys were loaded, failed or skipped
   */
  Future<WarmResult> warmEach(Collection<String> keys, Function<String, Future<V>> loader, Duration ttl, int batchSize);

  /**
   * As {@link #warmEach(Collection, Function, Duration, int)}, the entries carrying {@code tags}
   * instead of the namespace's.
   *
   * @param keys the keys
   * @param loader loads one key ({@code null}: skipped)
   * @param ttl the TTL of the entries
   * @param batchSize keys per batch, 1 to 10,000
   * @param tags the entries' tags (empty for none), or {@code null} for the namespace's
   * @return how many keys were loaded, failed or skipped; fails naming {@code tags[i]} or
   * {@code tags} when a tag is invalid
   */
  Future<WarmResult> warmEach(Collection<String> keys, Function<String, Future<V>> loader, Duration ttl, int batchSize,
                              List<String> tags);

  /**
   * Re-loads keys through the {@link #loader(Function) registered loader}, with the namespace's
   * configured {@code ttlMs} ({@code cache.ttlMs} when it has none, as {@code cache.warm} without a
   * {@code ttlMs}), {@code cache.warmBatchSize} and the namespace's tags.
   *
   * @param keys the keys
   * @return how many keys were loaded, failed or skipped; fails with a {@link LoaderUnavailableException}
   *     (nothing written) when no loader is registered
   */
  Future<WarmResult> warm(Collection<String> keys);

  /**
   * Removes every entry of this namespace, see {@link RedisCache#flushNamespace(String)}.
   *
   * @return how many entries were removed
   */
  Future<Long> flush();

  /**
   * Makes every entry of this namespace unreachable at once, in one {@code INCR}: the namespace's
   * version, part of every key of its entries, moves on. No scan, however many entries: the old
   * ones expire by their TTL ({@link #flush()} reclaims their memory at once, by scanning). This
   * instance reads and writes the new version at once, every other instance within
   * {@code cache.versionRefreshMs}. The {@link InvalidationListener}s hear it as a flush.
   *
   * @return the new version
   */
  Future<Long> bumpVersion();

  /** @return the version this instance reads and writes now (0 until the first bump) */
  Future<Long> version();

  /** @return this namespace's live counters on this instance */
  CacheStats stats();
}
