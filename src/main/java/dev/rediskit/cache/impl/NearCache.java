package dev.rediskit.cache.impl;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import dev.rediskit.cache.CacheCodec;
import dev.rediskit.cache.CacheResult;
import dev.rediskit.cache.NearCacheOptions;
import dev.rediskit.cache.NearCacheStats;
import dev.rediskit.cache.impl.EntryFormat.Entry;
import dev.rediskit.client.TrackingLink;
import io.vertx.core.buffer.Buffer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The near cache of one namespace: local copies of entries by their key inside the namespace, on
 * Caffeine, shared by every view of the namespace on this cache. Each copy remembers the start of
 * the Redis keys it was read under ({@code <keyPrefix>:c:<namespace>:<version>:}), and serves only
 * a read at that same version. Keyed by the namespace's own key rather than the Redis key, a hit
 * builds no Redis key: hashing and comparing a key freshly concatenated on every read was a fifth
 * of a hit's time. An invalidation names a Redis key; {@link NearCaches} routes it here by its key
 * inside the namespace, which drops that key's copy at whatever version it is.
 *
 * <p>A copy is served only while the tracking link was confirmed within the staleness bound. A
 * read that goes to Redis first registers a token for its key ({@link #begin}); an invalidation of
 * the key, a flush or a new link epoch removes or outdates it, and the reply is stored
 * ({@link #fill}) only if its token is still there, checked and stored atomically against the
 * invalidation. So an invalidation that arrives while a GET is in flight wins, whichever of the
 * reply and the invalidation comes first.
 *
 * <p>Thread-safe: reads come from any caller's thread, invalidations from the gateway's loop.
 */
final class NearCache implements NearCacheStats {

  /**
   * Bookkeeping of one copy beside its key and payload (the entry, its buffer, the Caffeine node,
   * the decoded value's object): calibrated so that the estimate stays at or a little above the
   * heap measured by the near-cache benchmark (439 to 444 bytes for a 100-byte value under a key of
   * up to 5 characters, estimated at 456).
   */
  static final int OVERHEAD_BYTES = 250;

  /**
   * One local read in {@code RECORD_ONE_READ_IN_MASK + 1} (4), picked at random, is recorded for
   * Caffeine's eviction policy; see {@link #hit}. As in the event-bus client's near cache, where one
   * in eight lost a hot copy of a small cache under a scan now and then and one in four did not
   * (the test {@code hotCopiesOutliveAScan...}).
   */
  private static final int RECORD_ONE_READ_IN_MASK = 3;

  private final String namespace;
  private final TrackingLink link;
  private final long maxStaleNanos;
  private final long ttlMs;
  private final Cache<String, NearCopy> copies;
  /** Reads a copy without recording the read for the eviction policy. */
  private final Policy<String, NearCopy> unrecorded;
  private final ConcurrentHashMap<String, Fill> pending = new ConcurrentHashMap<>();
  private final boolean byBytes;
  private final AtomicLong bytes = new AtomicLong();
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder bypasses = new LongAdder();
  private final LongAdder invalidations = new LongAdder();
  private final LongAdder rejectedFills = new LongAdder();
  private final Map<String, LongAdder> flushes = new ConcurrentHashMap<>();

  /** The token of a read in flight. */
  static final class Fill {
    final long epoch;

    Fill(long epoch) {
      this.epoch = epoch;
    }
  }

  /**
   * @param namespace the namespace
   * @param options its settings (validated)
   * @param link the tracking link that keeps it correct
   */
  NearCache(String namespace, NearCacheOptions options, TrackingLink link) {
    this.namespace = namespace;
    this.link = link;
    this.maxStaleNanos = TimeUnit.MILLISECONDS.toNanos(options.getMaxStalenessMs());
    this.ttlMs = options.getTtlMs();
    this.byBytes = options.getMaxBytes() > 0;
    Caffeine<String, NearCopy> b = Caffeine.newBuilder()
      // Maintenance on the calling thread: the byte count stays exact, no pool thread is needed.
      .executor(Runnable::run)
      // No expiry of Caffeine's: a copy's own end (its entry's fresh TTL, or ttlMs) is checked on
      // every read, which drops a copy found past it. Caffeine's would read a clock once more per
      // read only to clear copies nobody reads, and those are held within the size bound anyway
      // (and, unread, are the first its eviction picks).
      .removalListener((String k, NearCopy v, com.github.benmanes.caffeine.cache.RemovalCause c) -> {
        if (v != null) {
          bytes.addAndGet(-v.weight);
        }
      });
    if (byBytes) {
      b.maximumWeight(options.getMaxBytes()).weigher((String k, NearCopy v) -> v.weight);
    } else {
      b.maximumSize(options.getMaxEntries());
    }
    this.copies = b.build();
    this.unrecorded = copies.policy();
  }

  /**
   * A read through the near cache, counted: a hit, a miss (none, or a copy found unservable and
   * dropped) or a bypass (the link not confirmed).
   *
   * @param start the start of the namespace's Redis keys at its current version
   * @param key the key inside the namespace (not null)
   * @param entries the view asking (its codec decodes the value)
   * @param <V> the value type
   * @return the local copy as a fresh hit, or {@code null}: none, at another version, expired, or
   *     the link not confirmed
   */
  <V> CacheResult<V> hit(String start, String key, NamespaceEntries<V> entries) {
    return hit(start, key, entries, true);
  }

  /**
   * As {@link #hit(String, String, NamespaceEntries)}, but only a hit is counted and nothing is
   * dropped: for a read whose key is not checked yet, so that a key refused afterwards counts
   * nothing. Its caller reads through {@link #hit(String, String, NamespaceEntries)} after the
   * check when this finds nothing, which counts the outcome once.
   */
  <V> CacheResult<V> hitUnchecked(String start, String key, NamespaceEntries<V> entries) {
    return hit(start, key, entries, false);
  }

  private <V> CacheResult<V> hit(String start, String key, NamespaceEntries<V> entries, boolean counted) {
    if (!link.confirmedWithin(maxStaleNanos)) {
      if (counted) {
        bypasses.increment();
      }
      return null;
    }
    // Caffeine's bookkeeping of a read (its read buffer, then its frequency sketch and the
    // reordering of its queues, each a read of memory the CPU's cache rarely holds among thousands
    // of copies) was the largest share of a hit; the eviction policy needs only a sample of the
    // reads to tell hot copies from cold ones, and the bound holds on every write whatever it picks.
    NearCopy l = (ThreadLocalRandom.current().nextInt() & RECORD_ONE_READ_IN_MASK) == 0
      ? copies.getIfPresent(key) : unrecorded.getIfPresentQuietly(key);
    if (l == null) {
      if (counted) {
        misses.increment();
      }
      return null;
    }
    long now = System.currentTimeMillis();
    V value = null;
    boolean servable = l.servableUntilMs > now && l.isAt(start)
      // A tag moved on (or its version is not held now): Redis answers, and the tag check there decides.
      && (!l.tagged || entries.tagsCurrent(l.entry));
    if (servable) {
      try {
        value = l.value(entries);
      } catch (RuntimeException e) {
        servable = false;
      }
    }
    if (!servable) {
      if (counted) {
        // Never servable again (past its end, read at a version the namespace has left, of an old
        // tag, or undecodable): free it now rather than when the size bound picks it.
        drop(key, l);
      }
      return null;
    }
    hits.increment();
    return new CacheResult<>(true, value, false, l.freshUntil - now, CacheResult.Source.NEAR,
      l.tagged ? l.entry.tagList() : List.of());
  }

  /** Drops a copy found unservable, unless a newer one took its place meanwhile, and counts the miss. */
  private void drop(String key, NearCopy l) {
    copies.asMap().remove(key, l);
    misses.increment();
  }

  /**
   * @param start the start of the namespace's Redis keys at its current version
   * @param key the key inside the namespace
   * @return the local entry when servable now (for get-or-load's refresh-ahead), else {@code null}; not counted
   */
  Entry entry(String start, String key) {
    NearCopy l = unrecorded.getIfPresentQuietly(key);
    return l == null || l.servableUntilMs <= System.currentTimeMillis() || !l.isAt(start) ? null : l.entry;
  }

  /**
   * Registers a read about to be sent, before it is sent.
   *
   * @param key the key inside the namespace, already checked: a copy is stored only under a valid
   *     key, so that a hit, found only under an equal key, needs no check of its own
   * @return the read's token, or {@code null} when its reply must not be stored (link not confirmed)
   */
  Fill begin(String key) {
    if (!link.confirmedWithin(maxStaleNanos)) {
      return null;
    }
    Fill f = new Fill(link.epoch());
    pending.put(key, f);
    return f;
  }

  /**
   * Stores a reply, unless the key was invalidated, the cache flushed or the link's epoch moved
   * since {@link #begin}, or the link is not confirmed now.
   *
   * @param start the start of the Redis key it was read at
   * @param key the key inside the namespace
   * @param token what {@link #begin} returned, or {@code null} (then nothing happens)
   * @param e the entry read, {@code null} for none
   * @param nowMs the current epoch ms
   * @param codec the codec of the view that read it (its first hit decodes the value with it)
   */
  void fill(String start, String key, Fill token, Entry e, long nowMs, CacheCodec<?> codec) {
    if (token == null) {
      return;
    }
    if (e == null || !e.isFresh(nowMs)) {
      pending.remove(key, token);
      return;
    }
    // Off the reply's buffer: a copy must not pin the bytes of a whole network read.
    Buffer payload = e.payload.length() == 0 ? Buffer.buffer() : Buffer.buffer(e.payload.getBytes());
    // Compression and tags kept: the copy is read like the entry it copies.
    Entry copy = e.withPayload(payload);
    // The payload counts twice: its bytes, and the value decoded from them that the copy keeps too.
    int weight = OVERHEAD_BYTES + key.length() + 2 * payload.length();
    boolean[] stored = {false};
    // Atomic against invalidate(): that removes the token first, so either it ran before (no
    // token, nothing stored) or it waits for this and then drops the copy stored here.
    pending.computeIfPresent(key, (k, f) -> {
      if (f != token) {
        return f;
      }
      if (f.epoch == link.epoch() && link.confirmedWithin(maxStaleNanos)) {
        bytes.addAndGet(weight);
        copies.put(k, new NearCopy(copy, start, weight, Math.min(copy.freshUntil, nowMs + ttlMs), codec));
        stored[0] = true;
      }
      return null;
    });
    if (!stored[0]) {
      rejectedFills.increment();
    }
  }

  /**
   * A read failed: forget its token.
   *
   * @param key the key inside the namespace
   * @param token what {@link #begin} returned, or {@code null}
   */
  void abandon(String key, Fill token) {
    if (token != null) {
      pending.remove(key, token);
    }
  }

  /**
   * Drops the copy of a key, whatever its version, and outdates any read of it in flight.
   *
   * @param key the key inside the namespace
   */
  void invalidate(String key) {
    Fill f = pending.remove(key);
    NearCopy l = copies.asMap().remove(key);
    if (f != null || l != null) {
      invalidations.increment();
    }
  }

  /**
   * Drops every copy and outdates every read in flight.
   *
   * @param cause the flush cause, as counted
   */
  void invalidateAll(String cause) {
    flushes.computeIfAbsent(cause, c -> new LongAdder()).increment();
    pending.clear();
    copies.invalidateAll();
  }

  // ---------------------------------------------------------------- stats

  @Override
  public String namespace() {
    return namespace;
  }

  @Override
  public long hits() {
    return hits.sum();
  }

  @Override
  public long misses() {
    return misses.sum();
  }

  @Override
  public long bypasses() {
    return bypasses.sum();
  }

  @Override
  public long invalidations() {
    return invalidations.sum();
  }

  @Override
  public long rejectedFills() {
    return rejectedFills.sum();
  }

  @Override
  public Map<String, Long> flushes() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (TrackingLink.FlushCause c : TrackingLink.FlushCause.values()) {
      out.put(c.tagName(), 0L);
    }
    out.put(NearCaches.NAMESPACE_FLUSH, 0L);
    flushes.forEach((c, n) -> out.put(c, n.sum()));
    return out;
  }

  @Override
  public long entries() {
    return copies.estimatedSize();
  }

  @Override
  public long bytes() {
    return bytes.get();
  }

  /** Runs Caffeine's pending maintenance (evictions), so that the gauges are exact; for tests and the benchmark. */
  void cleanUp() {
    copies.cleanUp();
  }

  @Override
  public String toString() {
    return "NearCache[" + namespace + ", " + entries() + " entries, " + (byBytes ? "bytes" : "entries") + " bound]";
  }
}
