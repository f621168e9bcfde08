package dev.rediskit.cache;

import dev.rediskit.cache.impl.RedisCacheImpl;
import dev.rediskit.client.RedisGateway;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.Map;

/**
 * A cache on Redis: entries under {@code <keyPrefix>:<namespace>:<key>}, with TTLs, serve-stale,
 * refresh-ahead, negative caching, stampede protection, warm-up, namespace flush and statistics.
 * All Redis traffic goes through the {@link RedisGateway}; nothing blocks.
 *
 * <p>This object is also the {@value #DEFAULT_NAMESPACE} namespace with the
 * {@link CacheCodec#json() JSON codec}; {@link #namespace(String)} and its variants give the
 * others.
 *
 * <pre>{@code
 * RedisCache cache = RedisCache.create(vertx, gateway);
 * CacheNamespace<User> users = cache.namespace("users", User.class);
 * users.getOrLoad("42", () -> db.findUser("42"), LoadOptions.ttl(Duration.ofMinutes(5)));
 * }</pre>
 */
public interface RedisCache extends CacheNamespace<Object> {

  /** The namespace used when none is given (also by the event-bus addresses). */
  String DEFAULT_NAMESPACE = "default";

  /**
   * Creates a cache with the gateway's {@code keyPrefix} and the {@code cache} section its options
   * carry (the defaults when they carry none).
   *
   * @param vertx the Vert.x instance
   * @param gateway the gateway
   * @return the cache
   */
  static RedisCache create(Vertx vertx, RedisGateway gateway) {
    CacheOptions section = gateway.options().section(CacheOptions.class);
    return create(vertx, gateway, section != null ? section : new CacheOptions());
  }

  /**
   * Creates a cache with the gateway's {@code keyPrefix} and the given cache settings.
   *
   * @param vertx the Vert.x instance
   * @param gateway the gateway
   * @param options the cache settings, validated here
   * @return the cache
   * @throws dev.rediskit.config.ConfigurationException when the settings are invalid
   */
  static RedisCache create(Vertx vertx, RedisGateway gateway, CacheOptions options) {
    return new RedisCacheImpl(vertx, gateway, new CacheOptions(options).validate());
  }

  /**
   * @param namespace 1 to 128 characters, no {@code ':'}, whitespace or control characters; glob
   * characters such as {@code *} or {@code [} are allowed (flush escapes them)
   * @return the namespace with the JSON codec
   * @throws dev.rediskit.error.InvalidRequestException when the name is invalid, or new past {@code cache.maxNamespaces}
   */
  CacheNamespace<Object> namespace(String namespace);

  /**
   * @param namespace the namespace
   * @param codec the codec of its values
   * @param <V> the value type
   * @return the namespace with that codec
   * @throws dev.rediskit.error.InvalidRequestException when the name is invalid, or new past {@code cache.maxNamespaces}
   */
  <V> CacheNamespace<V> namespace(String namespace, CacheCodec<V> codec);

  /**
   * @param namespace the namespace
   * @param type the class of its values, mapped to JSON with Vert.x's JSON mapping
   * @param <V> the value type
   * @return the namespace with {@link CacheCodec#pojo(Class)}
   * @throws dev.rediskit.error.InvalidRequestException when the name is invalid, or new past {@code cache.maxNamespaces}
   */
  <V> CacheNamespace<V> namespace(String namespace, Class<V> type);

  /**
   * Removes every entry of a namespace, without blocking Redis: {@code SCAN} with the namespace's
   * glob characters escaped on every master, {@code UNLINK} in batches of at most 1,000 keys of one
   * hash slot. Never {@code KEYS}. Other namespaces are untouched; entries written while the flush
   * runs may or may not be removed.
   *
   * <pre>{@code cache.flush("users").onSuccess(n -> log.info("removed " + n));}</pre>
   *
   * @param namespace the namespace
   * @return how many entries were removed; failed with an {@link dev.rediskit.error.InvalidRequestException} when the
   *     name is invalid, or new past {@code cache.maxNamespaces}
   */
  Future<Long> flush(String namespace);

  /**
   * @param namespace the namespace
   * @return how many entries were removed
   * @deprecated one name per operation (the {@code cache.flush} address, {@code CacheClient.flush}):
   * use {@link #flush(String)}
   */
  @Deprecated
  default Future<Long> flushNamespace(String namespace) {
    return flush(namespace);
  }

  /**
   * Makes every entry of a namespace unreachable at once, see {@link CacheNamespace#bumpVersion()}.
   *
   * @param namespace the namespace
   * @return its new version
   */
  Future<Long> bumpVersion(String namespace);

  /**
   * Makes every entry carrying {@code tag} (in any namespace of this cache, written with
   * {@link WriteOptions#setTags} or {@link LoadOptions#setTags}) stale at once: one command, no
   * index of the tag's keys, no scan. This instance sees it at once; every other instance within
   * {@code cache.versionRefreshMs} (docs/CACHING.md, "Tags"). A stale-by-tag entry is a miss for
   * {@code get}, stale for {@code lookup}, and served by get-or-load only when its loader fails,
   * like an expired one.
   *
   * @param tag the tag: 1 to {@value CacheNames#MAX_TAG_LENGTH} characters without control characters
   * @return the tag's new version
   */
  Future<Long> invalidateTag(String tag);

  /**
   * @param namespace the namespace
   * @return its live counters on this instance (all zero before first use; asking makes it used)
   * @throws dev.rediskit.error.InvalidRequestException when the name is invalid, or new past {@code cache.maxNamespaces}
   */
  CacheStats stats(String namespace);

  /** @return the live counters of every namespace used on this instance */
  Map<String, CacheStats> allStats();

  /**
   * @return the live counters of the near cache of every namespace configured with one
   * ({@link NearCacheOptions}), by namespace; empty when none is
   */
  Map<String, NearCacheStats> nearCacheStats();

  /**
   * @return the tracking of the namespaces configured with a near cache: their changes as this
   * cache learns of them, and the state of the link, for components that keep copies of their own;
   * {@code null} when no namespace has a near cache
   */
  NearCacheTracking nearCacheTracking();

  /**
   * Adds a listener told about every write, delete, invalidation and flush made through this
   * instance.
   *
   * @param listener the listener
   * @return this
   */
  RedisCache addInvalidationListener(InvalidationListener listener);

  /**
   * @param listener a listener added before
   * @return this
   */
  RedisCache removeInvalidationListener(InvalidationListener listener);

  /** @return the settings in use */
  CacheOptions options();

  /**
   * Checks once that Redis lets the cache run what it sends: a write, a read, a batch read and its lease script
   * ({@code EVALSHA}, {@code EVAL}, and the {@code GET} and {@code DEL} it calls), pipelined, on a probe key of the
   * entry family ({@code <keyPrefix>:c::probe}: no namespace is empty, so no request produces it), which lives at
   * most a second; a lease taken and released on {@code <keyPrefix>:cl::probe}, and a namespace version read on
   * {@code <keyPrefix>:cv::probe}. {@link dev.rediskit.RedisKit} and {@link dev.rediskit.RedisKitVerticle} call it
   * at start-up.
   *
   * @return a future failed with a {@link dev.rediskit.error.RedisPermissionException} when Redis refuses a command or
   * the key (its message names the cache, what Redis refused, and what to grant the ACL user); succeeded otherwise,
   * also when Redis cannot be asked (unavailable, too slow)
   */
  Future<Void> verifyAccess();
}
