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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The near cache of one namespace: local copies of entries by Redis key, on Caffeine, shared by
 * every view of the namespace on this cache.
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
   * the decoded value's object): calibrated so that the estimate matches the heap measured by the
   * near-cache benchmark (about 470 bytes for a 100-byte value under a 21-character key).
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
  private final Cache<String, Local> copies;
  /** Reads a copy without recording the read for the eviction policy. */
  private final Policy<String, Local> unrecorded;
  private final ConcurrentHashMap<String, Fill> pending = new ConcurrentHashMap<>();
  private final boolean byBytes;
  private final AtomicLong bytes = new AtomicLong();
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder bypasses = new LongAdder();
  private final LongAdder invalidations = new LongAdder();
  private final LongAdder rejectedFills = new LongAdder();
  private final Map<String, LongAdder> flushes = new ConcurrentHashMap<>();

  /**
   * A copy: the entry (payload copied off the reply), its value decoded once per codec, and the end
   * of its life here: its entry's fresh TTL, or the near cache's {@code ttlMs} from the fill if
   * sooner.
   */
  static final class Local {
    final Entry entry;
    final int weight;
    final long servableUntilMs;
    volatile Decoded decoded;

    Local(Entry entry, int weight, long servableUntilMs) {
      this.entry = entry;
      this.weight = weight;
      this.servableUntilMs = servableUntilMs;
    }
  }

  private record Decoded(CacheCodec<?> codec, Object value) {
  }

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
    Caffeine<String, Local> b = Caffeine.newBuilder()
      // Maintenance on the calling thread: the byte count stays exact, no pool thread is needed.
      .executor(Runnable::run)
      // No expiry of Caffeine's: a copy's own end (its entry's fresh TTL, or ttlMs) is checked on
      // every read, which drops a copy found past it. Caffeine's would read a clock once more per
      // read only to clear copies nobody reads, and those are held within the size bound anyway
      // (and, unread, are the first its eviction picks).
      .removalListener((String k, Local v, com.github.benmanes.caffeine.cache.RemovalCause c) -> {
        if (v != null) {
          bytes.addAndGet(-v.weight);
        }
      });
    if (byBytes) {
      b.maximumWeight(options.getMaxBytes()).weigher((String k, Local v) -> v.weight);
    } else {
      b.maximumSize(options.getMaxEntries());
    }
    this.copies = b.build();
    this.unrecorded = copies.policy();
  }

  /**
   * @param rk a Redis key
   * @param entries the view asking (its codec decodes the value)
   * @param <V> the value type
   * @return the local copy as a fresh hit, or {@code null}: none, expired, or the link not confirmed
   */
  <V> CacheResult<V> hit(String rk, NamespaceEntries<V> entries) {
    if (!link.confirmedWithin(maxStaleNanos)) {
      bypasses.increment();
      return null;
    }
    // Caffeine's bookkeeping of a read (its read buffer, then its frequency sketch and the
    // reordering of its queues, each a read of memory the CPU's cache rarely holds among thousands
    // of copies) was the largest share of a hit; the eviction policy needs only a sample of the
    // reads to tell hot copies from cold ones, and the bound holds on every write whatever it picks.
    Local l = (ThreadLocalRandom.current().nextInt() & RECORD_ONE_READ_IN_MASK) == 0
      ? copies.getIfPresent(rk) : unrecorded.getIfPresentQuietly(rk);
    if (l == null) {
      misses.increment();
      return null;
    }
    long now = System.currentTimeMillis();
    if (l.servableUntilMs <= now) {
      // Never servable again: free it now rather than when the size bound picks it.
      drop(rk, l);
      return null;
    }
    if (!entries.tagsCurrent(l.entry)) {
      // A tag moved on (or its version is not held now): Redis answers, and the tag check there decides.
      drop(rk, l);
      return null;
    }
    V value;
    try {
      value = decode(l, entries);
    } catch (RuntimeException e) {
      drop(rk, l);
      return null;
    }
    hits.increment();
    return new CacheResult<>(true, value, false, l.entry.freshUntil - now, CacheResult.Source.NEAR, l.entry.tagList());
  }

  /** Drops a copy found unservable, unless a newer one took its place meanwhile, and counts the miss. */
  private void drop(String rk, Local l) {
    copies.asMap().remove(rk, l);
    misses.increment();
  }

  /**
   * @param rk a Redis key
   * @return the local entry when servable now (for get-or-load's refresh-ahead), else {@code null}; not counted
   */
  Entry entry(String rk) {
    Local l = unrecorded.getIfPresentQuietly(rk);
    return l == null || l.servableUntilMs <= System.currentTimeMillis() ? null : l.entry;
  }

  @SuppressWarnings("unchecked")
  private static <V> V decode(Local l, NamespaceEntries<V> entries) {
    CacheCodec<V> codec = entries.codec();
    Decoded d = l.decoded;
    if (d != null && d.codec == codec) {
      return (V) d.value;
    }
    V v = entries.valueOf(l.entry);
    l.decoded = new Decoded(codec, v);
    return v;
  }

  /**
   * Registers a read about to be sent, before it is sent.
   *
   * @param rk a Redis key
   * @return the read's token, or {@code null} when its reply must not be stored (link not confirmed)
   */
  Fill begin(String rk) {
    if (!link.confirmedWithin(maxStaleNanos)) {
      return null;
    }
    Fill f = new Fill(link.epoch());
    pending.put(rk, f);
    return f;
  }

  /**
   * Stores a reply, unless the key was invalidated, the cache flushed or the link's epoch moved
   * since {@link #begin}, or the link is not confirmed now.
   *
   * @param rk the Redis key
   * @param token what {@link #begin} returned, or {@code null} (then nothing happens)
   * @param e the entry read, {@code null} for none
   * @param nowMs the current epoch ms
   */
  void fill(String rk, Fill token, Entry e, long nowMs) {
    if (token == null) {
      return;
    }
    if (e == null || !e.isFresh(nowMs)) {
      pending.remove(rk, token);
      return;
    }
    // Off the reply's buffer: a copy must not pin the bytes of a whole network read.
    Buffer payload = e.payload.length() == 0 ? Buffer.buffer() : Buffer.buffer(e.payload.getBytes());
    // Compression and tags kept: the copy is read like the entry it copies.
    Entry copy = e.withPayload(payload);
    // The payload counts twice: its bytes, and the value decoded from them that the copy keeps too.
    int weight = OVERHEAD_BYTES + rk.length() + 2 * payload.length();
    boolean[] stored = {false};
    // Atomic against invalidate(): that removes the token first, so either it ran before (no
    // token, nothing stored) or it waits for this and then drops the copy stored here.
    pending.computeIfPresent(rk, (k, f) -> {
      if (f != token) {
        return f;
      }
      if (f.epoch == link.epoch() && link.confirmedWithin(maxStaleNanos)) {
        bytes.addAndGet(weight);
        copies.put(k, new Local(copy, weight, Math.min(copy.freshUntil, nowMs + ttlMs)));
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
   * @param rk the Redis key
   * @param token what {@link #begin} returned, or {@code null}
   */
  void abandon(String rk, Fill token) {
    if (token != null) {
      pending.remove(rk, token);
    }
  }

  /**
   * Drops the copy of a key and outdates any read of it in flight.
   *
   * @param rk the Redis key
   */
  void invalidate(String rk) {
    Fill f = pending.remove(rk);
    Local l = copies.asMap().remove(rk);
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
