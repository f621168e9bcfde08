package dev.rediskit.eventbus;

import dev.rediskit.eventbus.impl.LoaderConsumers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Registers loaders: event-bus consumers that the cache service calls on a miss
 * ({@code cache.getOrLoad}) or for a warm-up ({@code cache.warm}), so that loaders stay in the
 * verticles that own the data and run for callers on any node. They check the request and reply
 * by the loader contract (request {@code {namespace, key, args?}}, reply {@code {value}}, or
 * {@code {}} for absent; batch: {@code {namespace, keys}} → {@code {values: {key: value}}}); a
 * failure of the function becomes a failure reply, which the cache service counts as a failed
 * load (serving a stale value when there is one). Values must be JSON values (object, array,
 * string, number, boolean).
 *
 * <pre>{@code
 * // in the verticle that owns the database, with "users" configured as
 * // {"cache": {"namespaces": {"users": {"loader": "db.users.load", "batchLoader": "db.users.loadMany"}}}}
 * CacheLoaders.register(vertx, "db.users.load", id -> db.findUser(id).map(JsonObject::mapFrom));
 * CacheLoaders.registerBatch(vertx, "db.users.loadMany", ids -> db.findUsers(ids));
 * CacheLoaders.registerBlocking(vertx, "jdbc.orders.load", id -> jdbc.findOrder(id));   // runs on a worker
 * }</pre>
 *
 * <p>Register from the verticle's start: the consumer belongs to that verticle and is unregistered
 * when it is undeployed (or call {@code unregister()} on the returned consumer). The consumers are
 * cluster-wide, so a cache service on any node of a clustered event bus reaches them.
 */
public final class CacheLoaders {

  private CacheLoaders() {
  }

  /** A loader that may block (JDBC, a blocking HTTP client): it runs on a worker thread, never on an event loop. */
  @FunctionalInterface
  public interface BlockingLoader {
    /**
     * @param key the key
     * @return the value, {@code null} when there is none
     * @throws Exception a failure, replied as a failed load
     */
    Object load(String key) throws Exception;
  }

  /**
   * Registers a loader of one key.
   *
   * @param vertx the Vert.x instance
   * @param address the loader address (as configured in {@code cache.namespaces.<ns>.loader})
   * @param loader the value of a key, asynchronously ({@code null}: absent)
   * @return the consumer, once registered (cluster-wide on a clustered event bus)
   */
  public static Future<MessageConsumer<Object>> register(Vertx vertx, String address, Function<String, ? extends Future<?>> loader) {
    java.util.Objects.requireNonNull(loader, "loader");
    MessageConsumer<Object> c = LoaderConsumers.register(vertx.eventBus(), address, (ns, key, args) -> loader.apply(key));
    return c.completion().map(v -> c);
  }

  /**
   * Registers a loader of one key that may block: each call runs with {@code executeBlocking}
   * (unordered, so several keys load at once on the worker pool).
   *
   * @param vertx the Vert.x instance
   * @param address the loader address
   * @param loader the value of a key ({@code null}: absent); may block
   * @return the consumer, once registered
   */
  public static Future<MessageConsumer<Object>> registerBlocking(Vertx vertx, String address, BlockingLoader loader) {
    java.util.Objects.requireNonNull(loader, "loader");
    MessageConsumer<Object> c = LoaderConsumers.register(vertx.eventBus(), address,
      (ns, key, args) -> vertx.executeBlocking(() -> loader.load(key), false));
    return c.completion().map(v -> c);
  }

  /**
   * Registers a batch loader, for {@code cache.warm}.
   *
   * @param vertx the Vert.x instance
   * @param address the batch loader address (as configured in {@code cache.namespaces.<ns>.batchLoader})
   * @param loader the values found for a batch of keys, by key (keys without a value left out or mapped to {@code null})
   * @return the consumer, once registered
   */
  public static Future<MessageConsumer<Object>> registerBatch(Vertx vertx, String address,
                                                              Function<List<String>, ? extends Future<? extends Map<String, ?>>> loader) {
    java.util.Objects.requireNonNull(loader, "loader");
    MessageConsumer<Object> c = LoaderConsumers.registerBatch(vertx.eventBus(), address, loader);
    return c.completion().map(v -> c);
  }
}
