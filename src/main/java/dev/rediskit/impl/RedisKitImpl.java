package dev.rediskit.impl;

import dev.rediskit.config.ConfigurationException;
import dev.rediskit.RedisKit;
import dev.rediskit.RedisKitConfig;
import dev.rediskit.RedisKitOptions;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.health.RedisHealthCheck;
import dev.rediskit.metrics.RedisKitMetrics;
import dev.rediskit.ratelimit.RateLimiter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shared RedisKit of a Vert.x instance: the components plus a reference count, kept in the
 * instance's local shared data.
 */
public final class RedisKitImpl implements RedisKit {

  private static final String MAP = "dev.rediskit.instances";

  /** What the local map holds: the future of the instance, and how many users hold it (0: closed). */
  private static final class Entry implements Shareable {
    final String optionsJson;
    final Future<RedisKitImpl> instance;
    final AtomicInteger references = new AtomicInteger(1);

    Entry(String optionsJson, Future<RedisKitImpl> instance) {
      this.optionsJson = optionsJson;
      this.instance = instance;
    }

    /** Takes one more reference unless the last one was already released. */
    boolean retain() {
      int n;
      do {
        n = references.get();
        if (n == 0) {
          return false;
        }
      } while (!references.compareAndSet(n, n + 1));
      return true;
    }
  }

  private final Vertx vertx;
  private final String name;
  private final Components components;

  private RedisKitImpl(Vertx vertx, String name, Components components) {
    this.vertx = vertx;
    this.name = name;
    this.components = components;
  }

  /**
   * @param vertx the Vert.x instance
   * @param name the instance's name
   * @param options its settings
   * @return the shared instance, created on first use
   */
  public static Future<RedisKit> acquire(Vertx vertx, String name, RedisKitOptions options) {
    try {
      // Problems of the given options themselves (a mistyped JSON key, say) are reported as they are.
      new RedisKitOptions(options).validate();
    } catch (ConfigurationException e) {
      return Future.failedFuture(e);
    }
    Context caller = vertx.getOrCreateContext();
    return onContext(caller, RedisKitConfig.resolve(vertx, options).compose(validated -> acquireResolved(vertx, name, validated)));
  }

  /**
   * The instance is created on the first caller's event loop, and every caller that asked meanwhile
   * would otherwise be called back there too: a verticle deployed with several instances would then
   * bind its HTTP server (and whatever else it creates in the callback) to the first instance's event
   * loop, serving everything on one thread. So each caller is called back on its own context.
   */
  private static <T> Future<T> onContext(Context caller, Future<T> result) {
    Promise<T> promise = Promise.promise();
    result.onComplete(ar -> {
      if (Vertx.currentContext() == caller) {
        promise.handle(ar);
      } else {
        caller.runOnContext(v -> promise.handle(ar));
      }
    });
    return promise.future();
  }

  private static Future<RedisKit> acquireResolved(Vertx vertx, String name, RedisKitOptions validated) {
    String json = validated.toJson().encode();
    LocalMap<String, Entry> map = vertx.sharedData().getLocalMap(MAP);
    // Every event loop of this Vert.x may get here at once: the map's atomic operations decide who
    // creates the instance, and nobody waits on a lock.
    while (true) {
      Entry existing = map.get(name);
      if (existing != null) {
        if (!existing.optionsJson.equals(json)) {
          return Future.failedFuture(new ConfigurationException(List.of("RedisKit \"" + name
            + "\" already exists in this Vert.x instance with other options; use another name or the same options")));
        }
        if (existing.retain()) {
          return existing.instance.map(k -> k);
        }
        map.removeIfPresent(name, existing);
        continue;
      }
      Promise<RedisKitImpl> promise = Promise.promise();
      Entry created = new Entry(json, promise.future());
      if (map.putIfAbsent(name, created) == null) {
        Components.start(vertx, validated, name).map(c -> new RedisKitImpl(vertx, name, c)).onComplete(promise);
        return created.instance.<RedisKit>map(k -> k).onFailure(err -> map.removeIfPresent(name, created));
      }
    }
  }

  @Override
  public RedisGateway gateway() {
    return components.gateway();
  }

  @Override
  public RedisCache cache() {
    return components.cache();
  }

  @Override
  public RateLimiter rateLimiter() {
    return components.rateLimiter();
  }

  @Override
  public RedisHealthCheck health() {
    return components.health();
  }

  @Override
  public RedisKitMetrics metrics() {
    return components.metrics();
  }

  @Override
  public RedisKitOptions options() {
    return components.options();
  }

  @Override
  public Future<Void> close() {
    LocalMap<String, Entry> map = vertx.sharedData().getLocalMap(MAP);
    Entry e = map.get(name);
    if (e == null || e.instance.result() != this) {
      return Future.succeededFuture();
    }
    if (e.references.decrementAndGet() > 0) {
      return Future.succeededFuture();
    }
    map.removeIfPresent(name, e);
    return components.close();
  }
}
