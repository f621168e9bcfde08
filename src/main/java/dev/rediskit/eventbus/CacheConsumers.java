package dev.rediskit.eventbus;

import dev.rediskit.cache.RedisCache;
import dev.rediskit.eventbus.impl.CacheConsumersImpl;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;

import java.util.List;

/**
 * The consumers of the {@code cache.*} addresses: thin adapters that validate a JSON request, call
 * a {@link RedisCache} and reply with JSON. Bad input is refused with code 400 (413 for a value too
 * large) naming the field, before anything reaches Redis; Redis unavailable is 503, a timeout 504.
 *
 * <pre>{@code
 * CacheConsumers.register(vertx.eventBus(), options.getAddressPrefix(), cache)
 *   .onSuccess(consumers -> log.info("serving " + consumers.addresses()));   // later: consumers.unregister()
 * }</pre>
 *
 * <p>{@code cache.getOrLoad} and {@code cache.warm} call loaders over the event bus: the addresses of
 * {@code cache.namespaces}, or for {@code cache.getOrLoad} an address under
 * {@code <addressPrefix><cache.loaderPrefix>} named by the request, never any other (see
 * docs/CACHING.md, "Loader addresses"); registration fails with a
 * {@link dev.rediskit.config.ConfigurationException} when the loader prefix or a namespace's loader would
 * reach one of the module's own addresses.
 *
 * <p>Register them on the context that owns the cache's gateway (e.g. in the verticle that created
 * it), so requests take the gateway's fast path.
 *
 * <p>When the cache has namespaces with a near cache ({@link RedisCache#nearCacheTracking()}), the
 * registration also publishes their changes on {@link Addresses#CACHE_INVALIDATIONS}, with a
 * heartbeat, for the near caches of {@link CacheClient}s, until {@link #unregister()} (which
 * publishes a last {@code closed} flush); that relay runs on the registering context, and the
 * staleness bound it vouches for assumes that context is the gateway's (docs/CACHING.md, "Near
 * cache for event-bus clients").
 */
public interface CacheConsumers {

  /** The addresses served, without prefix. */
  List<String> ADDRESSES = List.of(Addresses.CACHE_GET, Addresses.CACHE_GET_BATCH, Addresses.CACHE_SET, Addresses.CACHE_DELETE,
    Addresses.CACHE_FLUSH, Addresses.CACHE_STATS, Addresses.CACHE_MGET, Addresses.CACHE_MSET,
    Addresses.CACHE_INVALIDATE, Addresses.CACHE_GET_OR_LOAD, Addresses.CACHE_WARM, Addresses.CACHE_BUMP_VERSION,
    Addresses.CACHE_INVALIDATE_TAG);

  /** Most keys (or entries) one {@code cache.delete}, {@code cache.mget}, {@code cache.mset}, {@code cache.invalidate} or {@code cache.warm} request may name. */
  int MAX_KEYS_PER_REQUEST = 10_000;

  /**
   * Registers a consumer for every {@code cache.*} address.
   *
   * @param eventBus the event bus
   * @param addressPrefix prepended to every address ({@code null} or empty for none)
   * @param cache the cache served
   * @return the registration, once every consumer is registered (cluster-wide on a clustered event bus)
   */
  static Future<CacheConsumers> register(EventBus eventBus, String addressPrefix, RedisCache cache) {
    return CacheConsumersImpl.register(eventBus, addressPrefix, cache);
  }

  /** @return the full addresses served */
  List<String> addresses();

  /**
   * Unregisters every consumer.
   *
   * @return completion
   */
  Future<Void> unregister();
}
