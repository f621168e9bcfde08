package dev.rediskit.eventbus.impl;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Which cache service instance a {@link ClientNearCache} trusts, and how far: the stream of
 * {@link dev.rediskit.eventbus.Addresses#CACHE_INVALIDATIONS} messages of one instance, checked
 * message by message (its epoch, its sequence numbers, its heartbeat's confirmation), with the
 * flushes each doubt calls for. Messages and {@link #tick()} come on the client's consumer
 * context; {@link #followed()} is read from any thread.
 */
final class InvalidationStream {

  private static final Logger LOG = LoggerFactory.getLogger(dev.rediskit.eventbus.CacheClient.class);

  /** Flush causes of the client's own (beside those the service names in its flush messages). */
  static final String GAP = "gap";
  static final String EPOCH = "epoch";
  static final String SERVICE_LOST = "service_lost";
  static final String SERVICE_CHANGED = "service_changed";

  /**
   * How long the followed instance may be silent before it counts as lost, in ms, at least: a
   * silence shorter than this only stops local reads (they resume, copies intact, when its stream
   * goes on without a gap); a stall of a busy machine must not cost every copy.
   */
  static final long MIN_LOST_AFTER_MS = 5_000;

  /**
   * The stream followed: one service instance, at one epoch of its link.
   *
   * @param service the instance's id
   * @param epoch its tracking link's epoch
   * @param seq the last sequence number seen
   * @param confirmedAtMs the wall-clock time before which every change had been published, 0 for not confirmed
   * @param namespaces the namespaces it tracks
   * @param heardAtNanos when its last message arrived
   */
  record Followed(String service, long epoch, long seq, long confirmedAtMs, Set<String> namespaces, long heardAtNanos) {
  }

  private final ClientNearCache copies;
  private final long maxStaleMs;
  private final long lostAfterMs;
  private final String address;
  private final long createdAtNanos = System.nanoTime();
  // Both on the consumer context only.
  private boolean heard;
  private boolean warnedUnheard;
  private volatile Followed followed;

  /**
   * @param copies the near cache the stream's changes apply to
   * @param maxStaleMs the staleness bound
   * @param address the stream's address, named in the warnings
   */
  InvalidationStream(ClientNearCache copies, long maxStaleMs, String address) {
    this.copies = copies;
    this.maxStaleMs = maxStaleMs;
    this.lostAfterMs = Math.max(MIN_LOST_AFTER_MS, maxStaleMs);
    this.address = address;
  }

  /** Untracked namespaces warned about, at most: past it a client reading ever new ones warns no more. */
  static final int MAX_WARNED_NAMESPACES = 100;

  /** Namespaces read that the followed instance does not track, warned about once each; from any thread. */
  private final Set<String> warnedUntracked = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * A read of a namespace the followed instance does not track (a bypass): a warning, once per
   * namespace, naming the service's setting that would track it.
   *
   * @param s the stream followed
   * @param namespace the namespace read
   */
  void untracked(Followed s, String namespace) {
    if (!warnedUntracked.contains(namespace) && warnedUntracked.size() < MAX_WARNED_NAMESPACES && warnedUntracked.add(namespace)) {
      LOG.warn("near cache of a CacheClient (stream {}): cache service instance {} does not track namespace \"{}\", so its "
        + "reads always go over the event bus (counted as bypasses); set cache.namespaces.{}.nearCache.enabled=true "
        + "in the cache service's configuration to give clients a near cache of it", address, s.service(), namespace, namespace);
    }
  }

  /** @return the stream followed now, or {@code null} */
  Followed followed() {
    return followed;
  }

  /**
   * @param s a stream, or {@code null}
   * @param nowMs the current wall-clock time
   * @return whether its last heartbeat vouched for every change up to less than the bound ago
   */
  boolean confirmed(Followed s, long nowMs) {
    return s != null && s.confirmedAtMs > 0 && nowMs - s.confirmedAtMs <= maxStaleMs;
  }

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
    heard = true;
    Followed s = followed;
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
      copies.flushAll(SERVICE_CHANGED);
      followed = adopt(type, m, service, epoch, seq, null, nowNanos);
      return;
    }
    if (epoch != s.epoch) {
      // The service's tracking restarted: its flush message says why; without one, the epoch alone does.
      copies.flushAll("flush".equals(type) && m.getString("namespace") == null ? m.getString("cause", EPOCH) : EPOCH);
      followed = adopt(type, m, service, epoch, seq, s, nowNanos);
      return;
    }
    if ("heartbeat".equals(type)) {
      if (seq != s.seq) {
        copies.flushAll(GAP);
      }
      followed = adopt(type, m, service, epoch, seq, s, nowNanos);
      return;
    }
    if (seq != s.seq + 1) {
      copies.flushAll(GAP);
    } else if ("flush".equals(type) && m.getString("namespace") == null) {
      copies.flushAll(m.getString("cause", "flush"));
      if ("closed".equals(m.getString("cause"))) {
        followed = null;
        return;
      }
    } else {
      apply(type, m);
    }
    followed = new Followed(s.service, s.epoch, seq, s.confirmedAtMs, s.namespaces, nowNanos);
  }

  private Followed adopt(String type, JsonObject m, String service, long epoch, long seq, Followed old, long nowNanos) {
    if ("heartbeat".equals(type)) {
      Set<String> namespaces = new HashSet<>();
      JsonArray ns = m.getJsonArray("namespaces");
      if (ns != null) {
        for (Object n : ns) {
          namespaces.add(String.valueOf(n));
        }
      }
      return new Followed(service, epoch, seq, m.getLong("confirmedAtMs", 0L), Set.copyOf(namespaces), nowNanos);
    }
    if ("flush".equals(type) && "closed".equals(m.getString("cause"))) {
      return null;
    }
    // Not confirmed until its next heartbeat (which also names the namespaces).
    return new Followed(service, epoch, seq, 0, old == null ? Set.of() : old.namespaces, nowNanos);
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
          copies.invalidate(namespace, String.valueOf(k));
        }
      }
    } else if ("flush".equals(type)) {
      copies.flushNamespace(namespace, m.getString("cause", "namespace"));
    }
  }

  /**
   * Every {@value dev.rediskit.eventbus.Addresses#NEAR_HEARTBEAT_MS} ms: a service silent for
   * {@code max(5 s, maxStalenessMs)} is a lost one (reads bypassed the copies since its last
   * confirmation was {@code maxStalenessMs} old); and a client that has heard no stream at all that
   * long after its creation warns once.
   */
  void tick() {
    if (!heard && !warnedUnheard && System.nanoTime() - createdAtNanos > TimeUnit.MILLISECONDS.toNanos(lostAfterMs)) {
      warnedUnheard = true;
      LOG.warn("near cache of a CacheClient (stream {}): no invalidation stream heard in the {} ms since it was "
        + "created, so every read goes over the event bus (counted as bypasses). Likely cause: the cache service at "
        + "this address prefix tracks no namespace (a service publishes the stream only when its configuration sets "
        + "cache.namespaces.<ns>.nearCache.enabled for some namespace), or no cache service is deployed there",
        address, lostAfterMs);
    }
    Followed s = followed;
    if (s != null && System.nanoTime() - s.heardAtNanos > TimeUnit.MILLISECONDS.toNanos(lostAfterMs)) {
      LOG.info("near cache: no message from cache service instance {} for {} ms; flushed, reads bypass it until "
        + "a service is heard again", s.service, lostAfterMs);
      copies.flushAll(SERVICE_LOST);
      followed = null;
    }
  }

  /** Follows nobody any more (the client is closed). */
  void close() {
    followed = null;
  }

}
