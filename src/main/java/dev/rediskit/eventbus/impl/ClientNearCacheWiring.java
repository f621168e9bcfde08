package dev.rediskit.eventbus.impl;

import dev.rediskit.cache.CacheResult;
import dev.rediskit.cache.NearCacheOptions;
import dev.rediskit.cache.NearCacheStats;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.eventbus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.util.Collection;

/**
 * The near cache of one {@link CacheClientImpl}, wired to the client: its copies
 * ({@link ClientNearCache}), the consumer of the invalidation stream and the heartbeat timer that
 * keep them correct, the reads served from them or sent over the event bus with a fill token, and
 * the drops of the client's own writes.
 *
 * <p>Created on the client's creating context, which is the context of the consumer and the timer.
 */
final class ClientNearCacheWiring {

  private final Vertx vertx;
  private final CallBatcher gets;
  private final ClientNearCache copies;
  private final MessageConsumer<JsonObject> invalidations;
  private final long tickTimer;

  /**
   * @param vertx the Vert.x instance
   * @param prefix the address prefix
   * @param gets the client's batcher of {@code cache.get} calls
   * @param options the near cache's settings (validated and enabled; copied)
   */
  ClientNearCacheWiring(Vertx vertx, String prefix, CallBatcher gets, NearCacheOptions options) {
    this.vertx = vertx;
    this.gets = gets;
    String address = Addresses.of(prefix, Addresses.CACHE_INVALIDATIONS);
    ClientNearCache n = new ClientNearCache(new NearCacheOptions(options), address);
    this.copies = n;
    // On the creating context, like the timer: the stream is handled in order, on one thread.
    this.invalidations = vertx.eventBus().consumer(address, m -> n.handle(m.body()));
    this.tickTimer = vertx.setPeriodic(Addresses.NEAR_HEARTBEAT_MS, id -> n.tick());
  }

  /** @return the counters of the copies */
  NearCacheStats stats() {
    return copies;
  }

  /**
   * Stops the heartbeat timer and unregisters the stream's consumer.
   *
   * @return completed once the consumer is unregistered (the copies are released then)
   */
  Future<Void> close() {
    vertx.cancelTimer(tickTimer);
    return invalidations.unregister().onComplete(ar -> copies.close());
  }

  private static String nameOf(String namespace) {
    return namespace == null ? RedisCache.DEFAULT_NAMESPACE : namespace;
  }

  /** {@link dev.rediskit.eventbus.CacheClient#get}: a servable copy, or a read over the event bus. */
  Future<Object> get(String namespace, String key) {
    // A local hit skips the mapping stage of the default: it is the whole cost of the call.
    String name = nameOf(namespace);
    Object local = copies.hitValue(name, key);
    if (local != null) {
      return Future.succeededFuture(local);
    }
    return remote(name, namespace, key).map(CacheClientImpl::freshValue);
  }

  /** {@link dev.rediskit.eventbus.CacheClient#lookup(String, String)}: a servable copy, or a read over the event bus. */
  Future<CacheResult<Object>> lookup(String namespace, String key) {
    String name = nameOf(namespace);
    CacheResult<Object> local = copies.hit(name, key);
    if (local != null) {
      return Future.succeededFuture(local);
    }
    return remote(name, namespace, key);
  }

  /** A read over the event bus whose reply the near cache may keep. */
  private Future<CacheResult<Object>> remote(String name, String namespace, String key) {
    ClientNearCache.Fill token = copies.begin(name, key);
    return gets.call(CacheClientImpl.withNamespace(namespace).put("key", key)).transform(ar -> {
      if (ar.failed()) {
        copies.abandon(name, key, token);
        return Future.failedFuture(ar.cause());
      }
      copies.fill(name, key, token, ar.result());
      return Future.succeededFuture(CacheClientImpl.result(ar.result()));
    });
  }

  /** Before a write of keys through the client is sent: their copies, and the reads of them in flight, go. */
  void dropLocal(String namespace, Collection<String> keys) {
    copies.dropLocal(nameOf(namespace), keys);
  }

  /** @return {@code call}, dropping the keys' copies again once it completes */
  <T> Future<T> droppingAfter(String namespace, Collection<String> keys, Future<T> call) {
    // After the reply too: a read that raced the write may have stored the old value meanwhile.
    return call.andThen(ar -> copies.dropLocal(nameOf(namespace), keys));
  }

  /** Before a flush or version bump through the client is sent: the namespace's copies go. */
  void dropNamespace(String namespace) {
    copies.dropNamespace(nameOf(namespace));
  }

  /** @return {@code call}, dropping the namespace's copies again once it completes */
  <T> Future<T> droppingNamespaceAfter(String namespace, Future<T> call) {
    return call.andThen(ar -> copies.dropNamespace(nameOf(namespace)));
  }
}
