package dev.rediskit.client.impl;

import io.vertx.core.Closeable;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;

/**
 * The gateway's only uses of Vert.x core's internal API, each kept because Vert.x 5.0.7 has no
 * public equivalent that behaves the same; in one place to check when Vert.x is upgraded.
 *
 * <ul>
 *   <li>Promises and futures bound to a context (the commands' promises, the start-up promise, a
 *   hopping caller's promise). Their listeners run on that context, and a listener that throws is
 *   reported to the context while the other listeners still run. The public
 *   {@link Promise#promise()} binds to no context: a future's only listener that throws would
 *   unwind into whatever completed it, here the gateway's reply handling (the replies after it in
 *   a coalesced batch would not be delivered), and one of several would be dropped unreported; a
 *   hopping caller would get futures whose derived stages run on no context. Guarding each
 *   listener would cost an allocation per command.</li>
 *   <li>Close hooks. The gateway must close when Vert.x closes, before its client does (no
 *   reconnect attempt against a closed client). The public API has no close hook; undeploying a
 *   verticle is the only public signal, which would add a deployment of its own to every gateway.</li>
 * </ul>
 */
final class VertxInternals {

  private VertxInternals() {
  }

  /**
   * @param context a context
   * @param <T> the result type
   * @return a promise whose future's listeners run on {@code context}
   */
  static <T> Promise<T> promise(Context context) {
    return ((ContextInternal) context).promise();
  }

  /**
   * @param context a context
   * @param result the result
   * @param <T> the result type
   * @return a future succeeded with {@code result}, bound to {@code context}
   */
  static <T> Future<T> succeeded(Context context, T result) {
    return ((ContextInternal) context).succeededFuture(result);
  }

  /**
   * @param context a context
   * @param failure the failure
   * @param <T> the result type
   * @return a future failed with {@code failure}, bound to {@code context}
   */
  static <T> Future<T> failed(Context context, Throwable failure) {
    return ((ContextInternal) context).failedFuture(failure);
  }

  /**
   * @param vertx the Vert.x instance
   * @param hook closed when {@code vertx} closes
   */
  static void addCloseHook(Vertx vertx, Closeable hook) {
    ((VertxInternal) vertx).addCloseHook(hook);
  }

  /**
   * @param vertx the Vert.x instance
   * @param hook a hook given to {@link #addCloseHook}
   */
  static void removeCloseHook(Vertx vertx, Closeable hook) {
    ((VertxInternal) vertx).removeCloseHook(hook);
  }
}
