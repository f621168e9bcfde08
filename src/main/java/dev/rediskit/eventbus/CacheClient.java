package dev.rediskit.eventbus;

import dev.rediskit.cache.CacheResult;
import dev.rediskit.cache.CacheStats;
import dev.rediskit.eventbus.impl.CacheClientImpl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;

/**
 * Calls the {@code cache.*} addresses without hand-written JSON, from any verticle of this node or
 * of another node of a clustered event bus. Failures come back as the typed exceptions of
 * {@code dev.rediskit} (see {@link FailureCodes#fromReply(Throwable)}):
 * {@link dev.rediskit.InvalidRequestException} (400), {@link dev.rediskit.ValueTooLargeException}
 * (413), {@link dev.rediskit.RedisUnavailableException} (503), {@link dev.rediskit.RedisTimeoutException} (504).
 *
 * <p>A {@code null} namespace means the default one. Values are JSON values (object, array,
 * string, number, boolean).
 *
 * <pre>{@code
 * CacheClient client = CacheClient.create(vertx, "");
 * client.set("users", "42", new JsonObject().put("name", "Ada"), Duration.ofMinutes(5))
 *   .compose(v -> client.get("users", "42"))
 *   .onSuccess(r -> System.out.println(r.found() + " " + r.value()));
 * }</pre>
 */
public interface CacheClient {

  /**
   * @param vertx the Vert.x instance
   * @param addressPrefix the prefix the consumers were registered with ({@code null} or empty for none)
   * @return the client
   */
  static CacheClient create(Vertx vertx, String addressPrefix) {
    return new CacheClientImpl(vertx, addressPrefix, new DeliveryOptions());
  }

  /**
   * @param vertx the Vert.x instance
   * @param addressPrefix the prefix the consumers were registered with
   * @param options delivery options of every request (send timeout, headers...)
   * @return the client
   */
  static CacheClient create(Vertx vertx, String addressPrefix, DeliveryOptions options) {
    return new CacheClientImpl(vertx, addressPrefix, new DeliveryOptions(options));
  }

  /**
   * {@code cache.get}.
   *
   * @param namespace the namespace, or {@code null}
   * @param key the key
   * @return what was found (a stale entry comes back marked stale)
   */
  Future<CacheResult<Object>> get(String namespace, String key);

  /**
   * {@code cache.set}.
   *
   * @param namespace the namespace, or {@code null}
   * @param key the key
   * @param value a JSON value
   * @param ttl the TTL, or {@code null} for the default
   * @return completion
   */
  Future<Void> set(String namespace, String key, Object value, Duration ttl);

  /**
   * {@code cache.delete}.
   *
   * @param namespace the namespace, or {@code null}
   * @param keys the keys
   * @return how many existed
   */
  Future<Long> delete(String namespace, Collection<String> keys);

  /**
   * {@code cache.invalidate}: delete, and tell the cache's invalidation listeners.
   *
   * @param namespace the namespace, or {@code null}
   * @param keys the keys
   * @return how many existed
   */
  Future<Long> invalidate(String namespace, Collection<String> keys);

  /**
   * {@code cache.flush}.
   *
   * @param namespace the namespace
   * @return how many entries were removed
   */
  Future<Long> flush(String namespace);

  /**
   * {@code cache.stats}.
   *
   * @param namespace the namespace, or {@code null}
   * @return a snapshot of the serving instance's counters
   */
  Future<CacheStats> stats(String namespace);

  /**
   * {@code cache.mget}.
   *
   * @param namespace the namespace, or {@code null}
   * @param keys the keys
   * @return a result per key
   */
  Future<Map<String, CacheResult<Object>>> getMany(String namespace, Collection<String> keys);

  /**
   * {@code cache.mset}.
   *
   * @param namespace the namespace, or {@code null}
   * @param entries JSON values by key
   * @param ttl the TTL, or {@code null} for the default
   * @return how many entries were written
   */
  Future<Integer> setMany(String namespace, Map<String, Object> entries, Duration ttl);
}
