package dev.rediskit.cache.impl;

import dev.rediskit.cache.CacheOptions;
import dev.rediskit.cache.InvalidationListener;
import dev.rediskit.cache.NamespaceOptions;
import dev.rediskit.cache.NearCacheStats;
import dev.rediskit.cache.NearCacheTracking;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.client.TrackingLink;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The near caches of one cache, one per namespace configured with one, and the tracking link
 * that keeps them all correct: {@code BCAST} on the entry prefix of each such namespace, opened
 * once when the cache is built. Routes each key Redis reports to its namespace's near cache, and
 * drops local copies at once for writes, deletes and flushes made through this cache; then tells
 * the {@link NearCacheTracking} listeners (the cache service relays them to event-bus clients).
 */
final class NearCaches implements TrackingLink.Listener, InvalidationListener, NearCacheTracking {

  /** The flush cause counted for a namespace flush made through this instance. */
  static final String NAMESPACE_FLUSH = "namespace";

  private final CacheKeys keys;
  /** {@code <keyPrefix>:c:}: what every tracked key starts with. */
  private final String entryStart;
  private final Map<String, NearCache> byNamespace;
  private final TrackingLink link;
  private final List<NearCacheTracking.Listener> trackers = new CopyOnWriteArrayList<>();

  /**
   * @param gateway opens the tracking link
   * @param options the cache settings: the namespaces with a near cache
   * @param keys the key layout
   */
  NearCaches(RedisGateway gateway, CacheOptions options, CacheKeys keys, NamespaceVersions versions) {
    this.keys = keys;
    // namespaceStart("x") is <keyPrefix>:c:x: ; the part before the namespace is what every entry key starts with.
    String probe = keys.namespaceStart("x");
    this.entryStart = probe.substring(0, probe.length() - 2);
    Map<String, NamespaceOptions> configured = options.getNamespaces();
    List<String> prefixes = new ArrayList<>();
    List<String> names = new ArrayList<>();
    configured.forEach((ns, o) -> {
      if (o.getNearCache().isEnabled()) {
        names.add(ns);
        // A namespace has no ':', so no namespace's prefix is a prefix of another's.
        // Every version of the namespace: <keyPrefix>:c:<ns>:<version>:<key>.
        prefixes.add(keys.namespaceStart(ns));
      }
    });
    if (names.isEmpty()) {
      this.link = null;
      this.byNamespace = Map.of();
      return;
    }
    this.link = gateway.track(prefixes, this);
    Map<String, NearCache> m = new LinkedHashMap<>();
    for (String ns : names) {
      m.put(ns, new NearCache(ns, configured.get(ns).getNearCache(), link));
    }
    this.byNamespace = Collections.unmodifiableMap(m);
    versions.onChange(this::versionChanged);
  }

  /**
   * @param namespace a namespace
   * @return its near cache, or {@code null} when it has none
   */
  NearCache of(String namespace) {
    return byNamespace.get(namespace);
  }

  /** @return the stats of every near cache, by namespace */
  Map<String, NearCacheStats> stats() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(byNamespace));
  }

  /** @return the tracking link, or {@code null} when no namespace has a near cache */
  TrackingLink link() {
    return link;
  }

  // ---------------------------------------------------------------- seen from outside

  @Override
  public Set<String> namespaces() {
    return byNamespace.keySet();
  }

  @Override
  public long epoch() {
    return link == null ? 0 : link.epoch();
  }

  @Override
  public long confirmedAgoNanos() {
    return link == null ? Long.MAX_VALUE : link.confirmedAgoNanos();
  }

  @Override
  public void addListener(NearCacheTracking.Listener listener) {
    trackers.add(java.util.Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public void removeListener(NearCacheTracking.Listener listener) {
    trackers.remove(listener);
  }

  private void tellInvalidated(String namespace, String key) {
    tell(l -> l.invalidated(namespace, key));
  }

  private void tellFlushed(String namespace, String cause) {
    tell(l -> l.flushed(namespace, cause));
  }

  /** A listener that throws is logged and skipped: the others still hear of the change. */
  private void tell(java.util.function.Consumer<NearCacheTracking.Listener> event) {
    for (NearCacheTracking.Listener l : trackers) {
      try {
        event.accept(l);
      } catch (RuntimeException e) {
        CacheContext.LOG.warn("near-cache tracking listener failed", e);
      }
    }
  }

  /** The held version of a namespace moved up: every copy an outside listener holds is at an old version. */
  private void versionChanged(String namespace) {
    if (byNamespace.containsKey(namespace)) {
      tellFlushed(namespace, VERSION_CHANGED);
    }
  }

  // ---------------------------------------------------------------- from Redis

  @Override
  public void invalidated(String key) {
    if (!key.startsWith(entryStart)) {
      return;
    }
    int end = key.indexOf(':', entryStart.length());
    if (end < 0) {
      return;
    }
    String namespace = key.substring(entryStart.length(), end);
    NearCache near = byNamespace.get(namespace);
    // <namespace>:<version>:<key>: the version has no ':', the key may.
    int versionEnd = key.indexOf(':', end + 1);
    if (near != null && versionEnd > 0) {
      String inNamespace = key.substring(versionEnd + 1);
      near.invalidate(inNamespace);
      if (!trackers.isEmpty()) {
        tellInvalidated(namespace, inNamespace);
      }
    }
  }

  @Override
  public void flushed(TrackingLink.FlushCause cause) {
    for (NearCache near : byNamespace.values()) {
      near.invalidateAll(cause.tagName());
    }
    tellFlushed(null, cause.tagName());
  }

  // ---------------------------------------------------------------- through this cache

  @Override
  public void onInvalidate(String namespace, List<String> changed) {
    NearCache near = byNamespace.get(namespace);
    if (near != null) {
      // By the key inside the namespace: its copy goes whatever version it was read at.
      for (String k : changed) {
        near.invalidate(k);
      }
      for (String k : changed) {
        tellInvalidated(namespace, k);
      }
    }
  }

  @Override
  public void onFlush(String namespace) {
    NearCache near = byNamespace.get(namespace);
    if (near != null) {
      near.invalidateAll(NAMESPACE_FLUSH);
      tellFlushed(namespace, NAMESPACE_FLUSH);
    }
  }
}
