package dev.rediskit.eventbus.impl;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.rediskit.cache.CacheResult;
import dev.rediskit.cache.NearCacheOptions;
import dev.rediskit.cache.NearCacheStats;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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
 * <p>Messages and {@link #tick()} come on the client's consumer context; reads from any thread.
 */
final class ClientNearCache implements NearCacheStats {

  private static final Logger LOG = LoggerFactory.getLogger(dev.rediskit.eventbus.CacheClient.class);

  /** Bookkeeping of one copy beside its key and value (estimated like the Java API's near cache). */
  static final int OVERHEAD_BYTES = 250;

  /** Flush causes of the client's own (beside those the service names in its flush messages). */
  static final String GAP = "gap";
  static final String EPOCH = "epoch";
  static final String SERVICE_LOST = "service_lost";
  static final String SERVICE_CHANGED = "service_changed";

  /** The stream followed: one service instance, at one epoch of its link. */
  private record Stream(String service, long epoch, long seq, long confirmedAtMs, Set<String> namespaces,
                        long heardAtNanos) {
  }

  /** The token of a read in flight. */
  static final class Fill {
    final long generation;
    final Stream stream;

    Fill(long generation, Stream stream) {
      this.generation = generation;
      this.stream = stream;
    }
  }

  private record Local(Object value, long freshUntilMs, long lifetimeNanos, int weight) {
  }

  /**
   * How long the followed instance may be silent before it counts as lost, in ms, at least: a
   * silence shorter than this only stops local reads (they resume, copies intact, when its stream
   * goes on without a gap); a stall of a busy machine must not cost every copy.
   */
  static final long MIN_LOST_AFTER_MS = 5_000;

  private final long maxStaleMs;
  private final long lostAfterMs;
  private final long ttlNanos;
  private final boolean byBytes;
  private final Cache<String, Local> copies;
  private final ConcurrentHashMap<String, Fill> pending = new ConcurrentHashMap<>();
  private volatile Stream followed;
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
    this.maxStaleMs = options.getMaxStalenessMs();
    this.lostAfterMs = Math.max(MIN_LOST_AFTER_MS, maxStaleMs);
    this.ttlNanos = TimeUnit.MILLISECONDS.toNanos(options.getTtlMs());
    this.byBytes = options.getMaxBytes() > 0;
    Caffeine<String, Local> b = Caffeine.newBuilder()
      .executor(Runnable::run)
      .expireAfter(new Expiry<String, Local>() {
        @Override
        public long expireAfterCreate(String key, Local value, long currentTime) {
          return value.lifetimeNanos;
        }

        @Override
        public long expireAfterUpdate(String key, Local value, long currentTime, long currentDuration) {
          return value.lifetimeNanos;
        }

        @Override
        public long expireAfterRead(String key, Local value, long currentTime, long currentDuration) {
          return currentDuration;
        }
      })
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
  }

  private static String localKey(String namespace, String key) {
    // A namespace has no control characters, so no two (namespace, key) pairs meet.
    return namespace + '\u0000' + key;
  }

  private boolean confirmed(Stream s, long nowMs) {
    return s != null && s.confirmedAtMs > 0 && nowMs - s.confirmedAtMs <= maxStaleMs;
  }

  // ---------------------------------------------------------------- reads, from any thread

  /**
   * @param namespace the namespace
   * @param key the key
   * @return the local copy as a fresh hit, or {@code null}: none, expired, not tracked, or the stream not confirmed
   */
  CacheResult<Object> hit(String namespace, String key) {
    Stream s = followed;
    if (s == null || !s.namespaces.contains(namespace)) {
      if (s == null) {
        bypasses.increment();
      }
      return null;
    }
    long now = System.currentTimeMillis();
    if (!confirmed(s, now)) {
      bypasses.increment();
      return null;
    }
    Local l = copies.getIfPresent(localKey(namespace, key));
    if (l == null || l.freshUntilMs <= now) {
      misses.increment();
      return null;
    }
    hits.increment();
    return new CacheResult<>(true, copyOf(l.value), false, l.freshUntilMs - now, CacheResult.Source.NEAR);
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
    Stream s = followed;
    if (s == null || !s.namespaces.contains(namespace) || !confirmed(s, System.currentTimeMillis())) {
      return null;
    }
    Fill f = new Fill(generation, s);
    pending.put(localKey(namespace, key), f);
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
    String lk = localKey(namespace, key);
    long ttlMs = reply == null ? 0 : reply.getLong("ttlMs", 0L);
    if (reply == null || !reply.getBoolean("found", false) || reply.getBoolean("stale", false) || ttlMs <= 0
      || reply.getValue("value") == null) {
      pending.remove(lk, token);
      return;
    }
    Object value = reply.getValue("value");
    long now = System.currentTimeMillis();
    long lifetime = Math.min(ttlNanos, TimeUnit.MILLISECONDS.toNanos(ttlMs));
    int weight = weigh(lk, value);
    boolean[] stored = {false};
    pending.computeIfPresent(lk, (k, f) -> {
      if (f != token) {
        return f;
      }
      Stream s = followed;
      if (f.generation == generation && s != null && s.service.equals(f.stream.service) && s.epoch == f.stream.epoch
        && s.service.equals(reply.getString("service")) && confirmed(s, now)) {
        bytes.addAndGet(weight);
        copies.put(k, new Local(value, now + ttlMs, lifetime, weight));
        stored[0] = true;
      }
      return null;
    });
    if (!stored[0]) {
      rejectedFills.increment();
    }
  }

  private static int weigh(String lk, Object value) {
    int chars = value instanceof String str ? str.length() + 2 : Json.encode(value).length();
    return OVERHEAD_BYTES + 2 * lk.length() + 2 * chars;
  }

  /** A read failed: forget its token. */
  void abandon(String namespace, String key, Fill token) {
    if (token != null) {
      pending.remove(localKey(namespace, key), token);
    }
  }

  /**
   * A write or delete through this client: drop the copies and outdate reads in flight at once
   * (the service's invalidation follows).
   */
  void dropLocal(String namespace, Iterable<String> keys) {
    for (String k : keys) {
      drop(localKey(namespace, k));
    }
  }

  /** A flush or version bump through this client. */
  void dropNamespace(String namespace) {
    String start = localKey(namespace, "");
    pending.keySet().removeIf(k -> k.startsWith(start));
    copies.asMap().keySet().removeIf(k -> k.startsWith(start));
  }

  private void drop(String lk) {
    Fill f = pending.remove(lk);
    Local l = copies.asMap().remove(lk);
    if (f != null || l != null) {
      invalidations.increment();
    }
  }

  private void flushAll(String cause) {
    // Generation first: a fill that checks after this stores nothing; one that stored before is cleared below.
    generation++;
    pending.clear();
    copies.invalidateAll();
    flushes.computeIfAbsent(cause, c -> new LongAdder()).increment();
  }

  // ---------------------------------------------------------------- the stream, on the consumer context

  /**
   * @param m a message of {@link dev.rediskit.eventbus.Addresses#CACHE_INVALIDATIONS}
   */
  void handle(JsonObject m) {
    String type = m.getString("type");
    String service = m.getString("service");
    Long epoch = m.getLong("epoch");
    Long seq = m.getLong("seq");
    if (type == null || service == null || epoch == null || seq == null) {
      LOG.warn("invalidation message without type, service, epoch or seq ignored: {}", m.encode());
      return;
    }
    Stream s = followed;
    long nowNanos = System.nanoTime();
    long nowMs = System.currentTimeMillis();
    if (s == null || !s.service.equals(service)) {
      if (s != null && nowMs - s.confirmedAtMs <= lostAfterMs) {
        applyForeign(type, m);
        return;
      }
      // Nobody followed, or the one followed has not been confirmed for long: follow this one, from scratch.
      if (s != null) {
        LOG.info("near cache follows another cache service instance ({} after {})", service, s.service);
      }
      flushAll(s == null ? SERVICE_CHANGED : SERVICE_LOST);
      followed = adopt(type, m, service, epoch, seq, null, nowNanos);
      return;
    }
    if (epoch != s.epoch) {
      // The service's tracking restarted: its flush message says why; without one, the epoch alone does.
      flushAll("flush".equals(type) && m.getString("namespace") == null ? m.getString("cause", EPOCH) : EPOCH);
      followed = adopt(type, m, service, epoch, seq, s, nowNanos);
      return;
    }
    if ("heartbeat".equals(type)) {
      if (seq != s.seq) {
        flushAll(GAP);
      }
      followed = adopt(type, m, service, epoch, seq, s, nowNanos);
      return;
    }
    if (seq != s.seq + 1) {
      flushAll(GAP);
    } else if ("flush".equals(type) && m.getString("namespace") == null) {
      flushAll(m.getString("cause", "flush"));
      if ("closed".equals(m.getString("cause"))) {
        followed = null;
        return;
      }
    } else {
      apply(type, m);
    }
    followed = new Stream(s.service, s.epoch, seq, s.confirmedAtMs, s.namespaces, nowNanos);
  }

  private Stream adopt(String type, JsonObject m, String service, long epoch, long seq, Stream old, long nowNanos) {
    if ("heartbeat".equals(type)) {
      Set<String> namespaces = new HashSet<>();
      JsonArray ns = m.getJsonArray("namespaces");
      if (ns != null) {
        for (Object n : ns) {
          namespaces.add(String.valueOf(n));
        }
      }
      return new Stream(service, epoch, seq, m.getLong("confirmedAtMs", 0L), Set.copyOf(namespaces), nowNanos);
    }
    if ("flush".equals(type) && "closed".equals(m.getString("cause"))) {
      return null;
    }
    // Not confirmed until its next heartbeat (which also names the namespaces).
    return new Stream(service, epoch, seq, 0, old == null ? Set.of() : old.namespaces, nowNanos);
  }

  private void applyForeign(String type, JsonObject m) {
    // A flush of everything by another instance is its link's business; its keys and namespace
    // flushes (a write or bump made through it) may arrive before the followed instance's.
    if (!"heartbeat".equals(type) && !("flush".equals(type) && m.getString("namespace") == null)) {
      apply(type, m);
    }
  }

  private void apply(String type, JsonObject m) {
    String namespace = m.getString("namespace");
    if (namespace == null) {
      return;
    }
    if ("invalidate".equals(type)) {
      JsonArray keys = m.getJsonArray("keys");
      if (keys != null) {
        for (Object k : keys) {
          drop(localKey(namespace, String.valueOf(k)));
        }
      }
    } else if ("flush".equals(type)) {
      dropNamespace(namespace);
      flushes.computeIfAbsent(m.getString("cause", "namespace"), c -> new LongAdder()).increment();
    }
  }

  /**
   * Every {@value dev.rediskit.eventbus.Addresses#NEAR_HEARTBEAT_MS} ms: a service silent for
   * {@code max(5 s, maxStalenessMs)} is a lost one (reads bypassed the copies since its last
   * confirmation was {@code maxStalenessMs} old).
   */
  void tick() {
    Stream s = followed;
    if (s != null && System.nanoTime() - s.heardAtNanos > TimeUnit.MILLISECONDS.toNanos(lostAfterMs)) {
      LOG.info("near cache: no message from cache service instance {} for {} ms; flushed, reads bypass it until "
        + "a service is heard again", s.service, lostAfterMs);
      flushAll(SERVICE_LOST);
      followed = null;
    }
  }

  /** Drops everything (the client is closed). */
  void close() {
    followed = null;
    flushAll("closed");
  }

  /** @return whether reads may be served locally now (the followed stream is confirmed) */
  boolean isConfirmed() {
    return confirmed(followed, System.currentTimeMillis());
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
    "server_flush", "closed", "namespace", "version", GAP, EPOCH, SERVICE_LOST, SERVICE_CHANGED);

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
