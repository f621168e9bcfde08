package dev.rediskit.cache.impl;

import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.cache.BatchLoader;
import dev.rediskit.cache.CacheNames;
import dev.rediskit.cache.CacheOptions;
import dev.rediskit.cache.WarmResult;
import dev.rediskit.client.RedisGateway;
import io.vertx.core.Future;
import io.vertx.redis.client.Request;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Warm-up of one namespace view: keys loaded in batches, at most {@code cache.warmConcurrency}
 * batches at a time, each batch written in one pipelined round trip. A failing batch or key is
 * counted and the others go on: warm-up reports what it did rather than failing as a whole.
 *
 * <p>The entries carry the namespace's tags ({@code tags} of its {@code cache.namespaces} entry)
 * unless the call gives its own, stamped as get-or-load stamps them: with the tags' versions taken
 * before the batch's loader runs, so a batch that overlaps an invalidation of one of its tags
 * writes entries that are already stale. Without tags nothing is read for them.
 *
 * @param <V> the value type
 */
final class Warmer<V> {

  /** Upper bound of a warm-up batch size given as a parameter. */
  static final int MAX_WARM_BATCH = CacheOptions.MAX_WARM_BATCH_SIZE;

  private final String ns;
  private final RedisGateway gateway;
  private final NamespaceVersions versions;
  private final TtlRules ttls;
  private final InvalidationListeners listeners;
  private final int concurrency;
  private final NamespaceEntries<V> entries;
  private final StatsImpl stats;
  /** The namespace's idle TTL of sliding expiry, 0 when off: warmed entries slide like written ones. */
  private final long idleMs;
  /** The namespace's default tags, checked; empty for none. */
  private final List<String> defaultTags;

  /**
   * @param ctx the cache's shared parts
   * @param ns the namespace
   * @param entries the view's stored form
   * @param stats the namespace's counters
   */
  Warmer(CacheContext ctx, String ns, NamespaceEntries<V> entries, StatsImpl stats) {
    this.idleMs = ctx.idleMsOf(ns);
    this.defaultTags = ctx.tagsOf(ns);
    this.ns = ns;
    this.gateway = ctx.gateway;
    this.versions = ctx.versions;
    this.ttls = ctx.ttls;
    this.listeners = ctx.listeners;
    this.concurrency = ctx.options.getWarmConcurrency();
    this.entries = entries;
    this.stats = stats;
  }

  /**
   * Warm-up with a loader of one key: the keys of a batch are loaded together and each fails alone.
   *
   * @param keys the keys
   * @param loader loads one key
   * @param ttl their TTL
   * @param batchSize keys per batch
   * @param tags the entries' tags in place of the namespace's (empty for none), {@code null} for the namespace's
   * @return what was loaded, failed and skipped; a failed future only for invalid arguments
   */
  Future<WarmResult> warmEach(Collection<String> keys, Function<String, Future<V>> loader, Duration ttl, int batchSize,
                              List<String> tags) {
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
    }, ttl, batchSize, tags);
  }

  /** Marks a key whose per-key loader failed, inside the map a batch loader returns. */
  private record Failed(Throwable cause) {
  }

  /**
   * @param keys the keys; repeats are loaded once and counted as skipped
   * @param loader loads a batch
   * @param ttl their TTL
   * @param batchSize keys per batch
   * @param tags the entries' tags in place of the namespace's (empty for none), {@code null} for the namespace's
   * @return what was loaded, failed and skipped; a failed future only for invalid arguments
   */
  Future<WarmResult> warm(Collection<String> keys, BatchLoader<V> loader, Duration ttl, int batchSize, List<String> tags) {
    List<String> unique;
    long ttlMs;
    int repeated;
    List<String> tagNames;
    try {
      if (loader == null) {
        throw new InvalidRequestException("loader", "is required");
      }
      unique = CacheKeys.checkKeys(keys);
      repeated = keys.size() - unique.size();
      ttlMs = ttls.checkTtl("ttlMs", ttl);
      if (batchSize < 1 || batchSize > MAX_WARM_BATCH) {
        throw new InvalidRequestException("batchSize", "must be between 1 and " + MAX_WARM_BATCH + ", was " + batchSize);
      }
      tagNames = tags == null ? defaultTags : CacheNames.checkTags(tags);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    List<List<String>> batches = new ArrayList<>();
    for (int i = 0; i < unique.size(); i += batchSize) {
      batches.add(unique.subList(i, Math.min(unique.size(), i + batchSize)));
    }
    Run run = new Run(batches, loader, ttlMs, repeated, tagNames);
    int workers = Math.min(concurrency, Math.max(1, batches.size()));
    List<Future<Void>> running = new ArrayList<>(workers);
    for (int w = 0; w < workers; w++) {
      running.add(worker(run));
    }
    return Future.join(running).transform(ignored ->
      Future.succeededFuture(new WarmResult(run.loaded.get(), run.failed.get(), run.skipped.get())));
  }

  /** One warm-up in progress: its batches, the next one to take, and its tallies (updated from any thread). */
  private final class Run {
    final List<List<String>> batches;
    final BatchLoader<V> loader;
    final long ttlMs;
    /** The entries' tags, checked; empty for none. */
    final List<String> tags;
    final AtomicInteger next = new AtomicInteger();
    final AtomicLong loaded = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong skipped;

    Run(List<List<String>> batches, BatchLoader<V> loader, long ttlMs, int repeated, List<String> tags) {
      this.batches = batches;
      this.tags = tags;
      this.loader = loader;
      this.ttlMs = ttlMs;
      this.skipped = new AtomicLong(repeated);
    }
  }

  /** Takes the next batch until none is left: bounded concurrency without a semaphore. */
  private Future<Void> worker(Run run) {
    int index = run.next.getAndIncrement();
    if (index >= run.batches.size()) {
      return Future.succeededFuture();
    }
    return batch(run, run.batches.get(index)).compose(v -> worker(run));
  }

  private Future<Void> batch(Run run, List<String> batch) {
    long start = System.nanoTime();
    stats.loads.increment();
    // The tags' versions before the loader reads its source: an invalidation while it runs leaves the entries stale.
    Future<TagStamp> stamp = entries.stamp(run.tags);
    Future<Map<String, V>> values;
    try {
      values = run.loader.load(List.copyOf(batch));
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
        run.failed.addAndGet(batch.size());
        return Future.succeededFuture();
      }
      Map<String, V> found = ar.result() == null ? Map.of() : ar.result();
      // Without the tags' versions the entries cannot be written safely: the batch fails as a whole.
      return stamp.transform(tagged -> tagged.failed() ? unwritten(run, batch)
        : versions.entryStart(ns).transform(st -> st.failed() ? unwritten(run, batch)
          : writeBatch(run, batch, found, st.result(), tagged.result(), nanos)));
    });
  }

  /** A batch that Redis failed before its write: all its keys count as failed. */
  private Future<Void> unwritten(Run run, List<String> batch) {
    stats.errors.increment();
    run.failed.addAndGet(batch.size());
    return Future.succeededFuture();
  }

  /**
   * Writes what the batch loader found, under the namespace's current version and with the batch's
   * tag stamp ({@code null} for none), in one pipelined round trip.
   */
  private Future<Void> writeBatch(Run run, List<String> batch, Map<String, V> found, String start, TagStamp stamp,
                                  long nanos) {
    List<Request> writes = new ArrayList<>();
    List<String> written = new ArrayList<>();
    for (String k : batch) {
      Object v = found.get(k);
      if (v instanceof Failed) {
        run.failed.incrementAndGet();
        continue;
      }
      if (v == null) {
        run.skipped.incrementAndGet();
        continue;
      }
      try {
        @SuppressWarnings("unchecked")
        V value = (V) v;
        writes.add(entries.write(start.concat(k), entries.encode("value", value), run.ttlMs, 0, nanos / 1_000_000, idleMs, stamp));
        written.add(k);
      } catch (RuntimeException e) {
        run.failed.incrementAndGet();
      }
    }
    if (writes.isEmpty()) {
      return Future.succeededFuture();
    }
    // The whole batch in one pipelined round trip.
    return gateway.batch(writes).transform(w -> {
      if (w.failed()) {
        stats.errors.increment();
        run.failed.addAndGet(writes.size());
      } else {
        stats.sets.add(writes.size());
        run.loaded.addAndGet(writes.size());
        listeners.notifyInvalidate(ns, written);
      }
      return Future.succeededFuture();
    });
  }
}
