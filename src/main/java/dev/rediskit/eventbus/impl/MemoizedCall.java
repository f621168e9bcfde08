package dev.rediskit.eventbus.impl;

import dev.rediskit.eventbus.CacheClient;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A function memoized through the cache service ({@link CacheClient#memoize}): its own loader
 * address, consumed here, and {@code cache.getOrLoad} requests that name it.
 *
 * @param <A> the function's argument
 */
final class MemoizedCall<A> implements CacheClient.Memoized<A> {

  private final String address;
  private final Function<A, String> keyFunction;
  /** The request's fields every call shares: namespace, loader, load options. */
  private final JsonObject fixed;
  /** Sends a {@code cache.getOrLoad} body, its {@code args} named when the event bus cannot carry them. */
  private final Function<JsonObject, Future<JsonObject>> getOrLoad;
  /**
   * The class of the last argument, to map args back to it: taken from this side's own calls,
   * never from the message (a class named by a message would let any sender pick what to build).
   */
  private final AtomicReference<Class<?>> argType = new AtomicReference<>();
  private final MessageConsumer<Object> consumer;
  private final Future<Void> ready;

  /**
   * @param eventBus the event bus the loader address is consumed on
   * @param address the loader address, under the loader prefix
   * @param function the function
   * @param keyFunction the cache key of an argument
   * @param fixed the fields every request shares (namespace, loader, load options)
   * @param getOrLoad sends a {@code cache.getOrLoad} body
   */
  MemoizedCall(EventBus eventBus, String address, Function<A, ? extends Future<?>> function, Function<A, String> keyFunction,
               JsonObject fixed, Function<JsonObject, Future<JsonObject>> getOrLoad) {
    this.address = address;
    this.keyFunction = keyFunction;
    this.fixed = fixed;
    this.getOrLoad = getOrLoad;
    this.consumer = LoaderConsumers.register(eventBus, address, (ns, key, args) -> {
      @SuppressWarnings("unchecked")
      A arg = (A) MemoArgs.fromArgs(args, argType.get());
      return function.apply(arg);
    });
    this.ready = consumer.completion();
  }

  @Override
  public Future<Object> apply(A arg) {
    JsonObject body = fixed.copy();
    try {
      body.put("key", keyFunction.apply(arg));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    if (arg != null) {
      argType.set(arg.getClass());
      try {
        body.put("args", MemoArgs.toArgs(arg));
      } catch (RuntimeException e) {
        return Future.failedFuture(ClientArgs.notJson("args", e));
      }
    }
    return ready.compose(v -> getOrLoad.apply(body)).map(r -> r != null && r.getBoolean("found", false) ? r.getValue("value") : null);
  }

  @Override
  public String address() {
    return address;
  }

  @Override
  public Future<Void> ready() {
    return ready;
  }

  @Override
  public Future<Void> unregister() {
    return consumer.unregister();
  }
}
