package dev.rediskit.cache.impl;

import dev.rediskit.cache.CacheNames;
import dev.rediskit.cache.CacheOptions;
import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.cache.CacheStats;
import dev.rediskit.cache.LoadOptions;
import dev.rediskit.cache.NamespaceOptions;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.client.RedisGateway;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisClientType;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the namespaces of one cache share: the gateway, the settings and the rules drawn from
 * them, the key layout, the counters of each namespace, the loads and refreshes in progress and
 * the invalidation listeners. Built once per cache and handed to each piece, so that no piece
 * reaches into another's fields.
 *
 * <p>The shared state lives in concurrent maps and adders rather than being confined to one event
 * loop, because a cache is commonly shared by several verticles (and the event-bus consumers); the
 * gateway already hops to its own loop for the Redis traffic.
 */
final class CacheContext {

  static final Logger LOG = LoggerFactory.getLogger(RedisCache.class);

  /** The Vert.x instance: timers of the loaders and back-off, executeBlocking of blocking loaders. */
  final Vertx vertx;
  /** The only way to Redis, watched for permission refusals ({@link RefusalWatch}). */
  final RedisGateway gateway;
  /** The gateway as given, for the start-up probe, whose refusals fail the start rather than stand. */
  final RedisGateway unwatched;
  /** The validated cache settings, a private copy nobody changes. */
  final CacheOptions options;
  /** The key layout of entries and leases. */
  final CacheKeys keys;
  /** TTL checks, jitter and resolved load settings. */
  final TtlRules ttls;
  /** How keys are grouped into multi-key commands. */
  final KeyBatches batches;
  /** The Redis lease of a load. */
  final Leases leases;
  /** Loads in progress on this instance, by Redis key. */
  final SingleFlight flights = new SingleFlight();
  /** Background refreshes in progress on this instance, by Redis key: kept apart from {@link #flights} so readers never wait for one. */
  final Set<String> refreshing = ConcurrentHashMap.newKeySet();
  /** Told of every write, delete and flush. */
  final InvalidationListeners listeners = new InvalidationListeners();
  /** Flushes a namespace. */
  final NamespaceFlusher flusher;
  /** The near caches of the namespaces configured with one, and their tracking link. */
  final NearCaches nearCaches;
  /** The namespaces' versions, held locally for at most {@code cache.versionRefreshMs}. */
  final NamespaceVersions versions;
  /** The tags' versions, held locally for at most {@code cache.versionRefreshMs} too. */
  final TagVersions tags;

  private final ConcurrentHashMap<String, StatsImpl> stats = new ConcurrentHashMap<>();

  /**
   * @param vertx the Vert.x instance
   * @param gateway the gateway
   * @param options validated settings
   */
  CacheContext(Vertx vertx, RedisGateway gateway, CacheOptions options) {
    this.vertx = vertx;
    this.unwatched = gateway;
    gateway = new RefusalWatch(gateway, AccessProbe.grant(gateway.options().getKeyPrefix()));
    this.gateway = gateway;
    this.options = new CacheOptions(options);
    this.keys = new CacheKeys(gateway.options().getKeyPrefix());
    this.ttls = new TtlRules(this.options);
    this.batches = new KeyBatches(gateway.type() == RedisClientType.CLUSTER);
    this.leases = new Leases(gateway, this.options.getLeaseTtlMs());
    // A flush works node by node on dedicated connections, which the gateway bounds by the command
    // timeout; half of it per connection leaves room for the last page.
    long flushChunkNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(1, gateway.options().getCommandTimeoutMs() / 2));
    this.versions = new NamespaceVersions(gateway, keys, this.options.getVersionRefreshMs());
    this.tags = new TagVersions(gateway, gateway.options().getKeyPrefix(), this.options.getVersionRefreshMs(),
      this.options.getMaxTtlMs());
    this.flusher = new NamespaceFlusher(gateway, keys, batches, flushChunkNanos, this::statsOf, listeners);
    this.nearCaches = new NearCaches(gateway, this.options, keys, versions);
    // Writes, deletes and flushes through this cache drop their local copies at once.
    listeners.add(nearCaches);
  }

  /**
   * @param namespace a valid namespace
   * @return its counters, created on first use
   */
  StatsImpl statsOf(String namespace) {
    StatsImpl known = stats.get(namespace);
    if (known != null) {
      return known;
    }
    return stats.computeIfAbsent(namespace, ns -> {
      // Each namespace keeps its counters (and meter series) for good: a name built from data must not grow them
      // without end. A configured namespace is always served.
      int max = options.getMaxNamespaces();
      if (stats.size() >= max && !options.getNamespaces().containsKey(ns)) {
        throw new InvalidRequestException("namespace", "would be one namespace more than the " + max
          + " this cache serves (cache.maxNamespaces); namespaces are a fixed set: build keys, not namespace names, from data");
      }
      return new StatsImpl(ns);
    });
  }

  /**
   * @param namespace a valid namespace
   * @return its idle TTL of sliding expiry ({@code idleTtlMs} of its entry in {@code cache.namespaces}), 0 when off
   */
  long idleMsOf(String namespace) {
    NamespaceOptions conf = options.getNamespaces().get(namespace);
    java.time.Duration idle = conf == null ? null : conf.getLoadOptions().getIdleTtl();
    return idle == null ? 0 : idle.toMillis();
  }

  /**
   * @param namespace a valid namespace
   * @return a copy of its configured load options ({@link NamespaceOptions#getLoadOptions()}), or
   *     {@code null} when it has no entry in {@code cache.namespaces} or the entry sets none of them
   */
  LoadOptions loadOptionsOf(String namespace) {
    NamespaceOptions conf = options.getNamespaces().get(namespace);
    if (conf == null || conf.getLoadOptions().toJson().isEmpty()) {
      return null;
    }
    return new LoadOptions(conf.getLoadOptions());
  }

  /**
   * @param namespace a valid namespace
   * @return its default tags ({@code tags} of its entry in {@code cache.namespaces}), checked and
   * without repeats; empty for none
   */
  List<String> tagsOf(String namespace) {
    NamespaceOptions conf = options.getNamespaces().get(namespace);
    // Checked with the rest of the configuration already: this only drops repeats.
    return conf == null ? List.of() : CacheNames.checkTags(conf.getLoadOptions().getTags());
  }

  /** @return a snapshot of the counters of every namespace used so far */
  Map<String, CacheStats> allStats() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(stats));
  }
}
