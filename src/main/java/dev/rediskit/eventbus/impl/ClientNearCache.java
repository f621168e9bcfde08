package dev.rediskit.eventbus.impl;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import dev.rediskit.cache.CacheResult;
import dev.rediskit.cache.NearCacheOptions;
import dev.rediskit.cache.NearCacheStats;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The near cache of a {@link dev.rediskit.eventbus.CacheClient}: fresh {@code cache.get} replies
 * by namespace and key, on Caffeine, kept correct by the invalidation stream one cache service
 * instance publishes ({@link dev.rediskit.eventbus.Addresses#CACHE_INVALIDATIONS}).
 *
 * <p>The client follows one service instance at a time, and stores only that instance's replies:
 * its stream vouches for them. A copy is served only while the last heartbeat of that instance
 * says every change made up to less than {@code maxStalenessMs} ago was published, and every
 * message of its stream arrived: a sequence gap, a new epoch of its tracking link, a flush it
 * publishes, its silence past {@code max(5 s, maxStalenessMs)}, or another instance taking over
 * flush everything (a shorter silence only stops local reads until its stream goes on without a
 * gap). Changes published by other instances are applied too (dropping more is always safe).
 *
 * <p>A read that goes over the event bus registers a token for its key first ({@link #begin}); an
 * invalidation of the key or any flush removes it, and the reply is stored ({@link #fill}) only
 * if its token is still there, checked and stored atomically against the invalidation: an
 * invalidation that arrives while a {@code cache.get} is in flight wins.
 *
 * <p>A read of a namespace the followed instance does not track (its heartbeat does not name it)
 * goes over the event bus and is counted as a bypass, with a warning once per namespace naming the
 * service's setting that would track it.
 *
 * <p>Messages and {@link #tick()} come on the client's consumer context; reads from any thread.
 */
final class ClientNearCache implements NearCacheStats {

  /** Bookkeeping of one copy beside its key and value (estimated like the Java API's near cache). */
  static final int OVERHEAD_BYTES = 250;

  /**
   * One local read in {@code RECORD_ONE_READ_IN_MASK + 1} (4), picked at random, is recorded for
   * Caffeine's eviction policy; see {@link #local}. One in eight lost a hot copy now and then (about
   * one run in a hundred) when a small cache turned over between a few of its recorded reads; one in
   * four never did in a thousand runs (the test {@code hotCopiesOutliveAScan...}).
   */
  private static final int RECORD_ONE_READ_IN_MASK = 3;

  /** The token of a read in flight. */
  static final class Fill {
    final long generation;
    final InvalidationStream.Followed stream;

    Fill(long generation, InvalidationStream.Followed stream) {
      this.generation = generation;
      this.stream = stream;
    }
  }

  /** A copy: the value, until when the entry is fresh in Redis, and until when it may be served here. */
  private record Local(Object value, long freshUntilMs, long servableUntilMs, int weight) {
  }

  private final InvalidationStream stream;
  private final long ttlMs;
  private final boolean byBytes;
  private final Cache<NearKey, Local> copies;
  /** Reads a copy without recording the read for the eviction policy. */
  private final Policy<NearKey, Local> unrecorded;
  private final ConcurrentHashMap<NearKey, Fill> pending = new ConcurrentHashMap<>();
  private volatile long generation;
  private final AtomicLong bytes = new AtomicLong();
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder bypasses = new LongAdder();
  private final LongAdder invalidations = new LongAdder();
  private final LongAdder rejectedFills = new LongAdder();
  private final Map<String, LongAdder> flushes = new ConcurrentHashMap<>();

  /** @param options the near cache's settings (validated) */
  ClientNearCache(NearCacheOptions options) {
    this(options, dev.rediskit.eventbus.Addresses.CACHE_INVALIDATIONS);
  }

  /**
   * @param options the near cache's settings (validated)
   * @param address the address of the invalidation stream, named in the warnings
   */
  ClientNearCache(NearCacheOptions options, String address) {
    this.stream = new InvalidationStream(this, options.getMaxStalenessMs(), address);
    this.ttlMs = options.getTtlMs();
    this.byBytes = options.getMaxBytes() > 0;
    // No expiry of Caffeine's: a copy's own end (its entry's fresh TTL, or ttlMs) is checked on
    // every read, which drops a copy found past it; Caffeine's would read a clock once more per
    // read only to clear copies nobody reads, and those are held within the size bound anyway
    // (and are the first its eviction picks).
    Caffeine<NearKey, Local> b = Caffeine.newBuilder()
      .executor(Runnable::run)
      .removalListener((NearKey k, Local v, com.github.benmanes.caffeine.cache.RemovalCause c) -> {
        if (v != null) {
          bytes.addAndGet(-v.weight);
        }
      });
    if (byBytes) {
      b.maximumWeight(options.getMaxBytes()).weigher((NearKey k, Local v) -> v.weight);
    } else {
      b.maximumSize(options.getMaxEntries());
    }
    this.copies = b.build();
    this.unrecorded = copies.policy();
  }

  // ---------------------------------------------------------------- reads, from any thread

  /**
   * @param namespace the namespace
   * @param key the key
   * @return the local copy as a fresh hit, or {@code null}: none, expired, the stream not confirmed, or the namespace not tracked
   */
  CacheResult<Object> hit(String namespace, String key) {
    long now = System.currentTimeMillis();
    Local l = local(namespace, key, now);
    return l == null ? null : new CacheResult<>(true, copyOf(l.value), false, l.freshUntilMs - now, CacheResult.Source.NEAR);
  }

  /**
   * {@link #hit} for a caller that takes only the value ({@code CacheClient.get}): no result built.
   *
   * @param namespace the namespace
   * @param key the key
   * @return the local copy's value, or {@code null} when there is no fresh copy to serve (a copy is never of null)
   */
  Object hitValue(String namespace, String key) {
    Local l = local(namespace, key, System.currentTimeMillis());
    return l == null ? null : copyOf(l.value);
  }

  /** The copy to serve now, counted as a hit, or {@code null}, counted as a miss or a bypass. */
  private Local local(String namespace, String key, long now) {
    if (key == null) {
      return null; // the service refuses it, never held
    }
    InvalidationStream.Followed s = stream.followed();
    if (!stream.confirmed(s, now)) {
      bypasses.increment();
      return null;
    }
    // After the confirmation: only a heartbeat confirms, and it names the namespaces tracked.
    if (!s.namespaces().contains(namespace)) {
      bypasses.increment();
      stream.untracked(s, namespace);
      return null;
    }
    NearKey k = new NearKey(namespace, key);
    // Caffeine's bookkeeping of a read (its read buffer, then its frequency sketch and the
    // reordering of its queues, each a read of memory the CPU's cache rarely holds) was about a
    // third of a hit over 10,000 copies; the eviction policy needs only a sample of the reads to
    // tell hot copies from cold ones, and the bound holds on every write whatever it picks.
    Local l = (ThreadLocalRandom.current().nextInt() & RECORD_ONE_READ_IN_MASK) == 0
      ? copies.getIfPresent(k) : unrecorded.getIfPresentQuietly(k);
    if (l == null || l.servableUntilMs <= now) {
      if (l != null) {
        // Never servable again: free it now rather than when the size bound picks it.
        copies.asMap().remove(k, l);
      }
      misses.increment();
      return null;
    }
    hits.increment();
    return l;
  }

  /** A caller may change what it got: a JSON object or array is handed out as a copy. */
  private static Object copyOf(Object v) {
    if (v instanceof JsonObject o) {
      return o.copy();
    }
    if (v instanceof JsonArray a) {
      return a.copy();
    }
    return v;
  }

  /**
   * Registers a read about to be sent, before it is sent.
   *
   * @return the read's token, or {@code null} when its reply must not be stored
   */
  Fill begin(String namespace, String key) {
    InvalidationStream.Followed s = stream.followed();
    if (key == null || s == null || !s.namespaces().contains(namespace) || !stream.confirmed(s, System.currentTimeMillis())) {
      return null;
    }
    Fill f = new Fill(generation, s);
    pending.put(new NearKey(namespace, key), f);
    return f;
  }

  /**
   * Stores a {@code cache.get} reply, unless the key was invalidated or anything flushed since
   * {@link #begin}, the reply comes from another instance than the one followed, or the stream is
   * not confirmed now.
   */
  void fill(String namespace, String key, Fill token, JsonObject reply) {
    if (token == null) {
      return;
    }
    NearKey lk = new NearKey(namespace, key);
    long ttlMs = reply == null ? 0 : reply.getLong("ttlMs", 0L);
    if (reply == null || !reply.getBoolean("found", false) || reply.getBoolean("stale", false) || ttlMs <= 0
      || reply.getValue("value") == null) {
      pending.remove(lk, token);
      return;
    }
    if (reply.getValue("tags") != null) {
      // A tag's invalidation changes no entry key, so neither Redis's tracking nor the service's
      // stream would ever drop this copy: a tagged entry is always read from the service, which
      // checks its tags on every read.
      pending.remove(lk, token);
      return;
    }
    Object value = reply.getValue("value");
    long now = System.currentTimeMillis();
    long servableUntil = now + Math.min(this.ttlMs, ttlMs);
    int weight = weigh(lk, value);
    boolean[] stored = {false};
    pending.computeIfPresent(lk, (k, f) -> {
      if (f != token) {
        return f;
      }
      InvalidationStream.Followed s = stream.followed();
      if (f.generation == generation && s != null && s.service().equals(f.stream.service()) && s.epoch() == f.stream.epoch()
        && s.service().equals(reply.getString("service")) && stream.confirmed(s, now)) {
        bytes.addAndGet(weight);
        copies.put(k, new Local(value, now + ttlMs, servableUntil, weight));
        stored[0] = true;
      }
      return null;
    });
    if (!stored[0]) {
      rejectedFills.increment();
    }
  }

  private static int weigh(NearKey lk, Object value) {
    int chars = value instanceof String str ? str.length() + 2 : Json.encode(value).length();
    return OVERHEAD_BYTES + 2 * (lk.namespace.length() + 1 + lk.key.length()) + 2 * chars;
  }

  /** A read failed: forget its token. */
  void abandon(String namespace, String key, Fill token) {
    if (token != null) {
      pending.remove(new NearKey(namespace, key), token);
    }
  }

  /**
   * A write or delete through this client: drop the copies and outdate reads in flight at once
   * (the service's invalidation follows).
   */
  void dropLocal(String namespace, Iterable<String> keys) {
    for (String k : keys) {
      drop(new NearKey(namespace, k));
    }
  }

  /** A flush or version bump through this client. */
  void dropNamespace(String namespace) {
    pending.keySet().removeIf(k -> k.namespace.equals(namespace));
    copies.asMap().keySet().removeIf(k -> k.namespace.equals(namespace));
  }

  private void drop(NearKey lk) {
    Fill f = pending.remove(lk);
    Local l = copies.asMap().remove(lk);
    if (f != null || l != null) {
      invalidations.increment();
    }
  }

  /** @param cause the flush cause counted */
  void flushAll(String cause) {
    // Generation first: a fill that checks after this stores nothing; one that stored before is cleared below.
    generation++;
    pending.clear();
    copies.invalidateAll();
    flushes.computeIfAbsent(cause, c -> new LongAdder()).increment();
  }

  // ---------------------------------------------------------------- for the stream

  /** @param m a message of {@link dev.rediskit.eventbus.Addresses#CACHE_INVALIDATIONS} */
  void handle(JsonObject m) {
    stream.handle(m);
  }

  /** Every {@value dev.rediskit.eventbus.Addresses#NEAR_HEARTBEAT_MS} ms: see {@link InvalidationStream#tick()}. */
  void tick() {
    stream.tick();
  }

  /** @return whether reads may be served locally now (the followed stream is confirmed) */
  boolean isConfirmed() {
    return stream.confirmed(stream.followed(), System.currentTimeMillis());
  }

  /** Drops everything (the client is closed). */
  void close() {
    stream.close();
    flushAll("closed");
  }

  /**
   * @param namespace a namespace
   * @param key a key of it
   */
  void invalidate(String namespace, String key) {
    drop(new NearKey(namespace, key));
  }

  /**
   * A namespace was flushed or its version moved.
   *
   * @param namespace the namespace
   * @param cause the flush cause counted
   */
  void flushNamespace(String namespace, String cause) {
    dropNamespace(namespace);
    flushes.computeIfAbsent(cause, c -> new LongAdder()).increment();
  }

  // ---------------------------------------------------------------- stats

  @Override
  public String namespace() {
    return "*";
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

  /** Every cause a flush can be counted under: the service's, then the client's own. */
  static final java.util.List<String> CAUSES = java.util.List.of("link_lost", "heartbeat_timeout", "topology_changed",
    "server_flush", "closed", "namespace", "version", InvalidationStream.GAP, InvalidationStream.EPOCH,
    InvalidationStream.SERVICE_LOST, InvalidationStream.SERVICE_CHANGED);

  @Override
  public Map<String, Long> flushes() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String c : CAUSES) {
      out.put(c, 0L);
    }
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
}
