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
 *   <li>Futures bound to a context. A listener of such a future runs on that context, and one that
 *   throws is reported to the context's exception handler while the other listeners still run. The
 *   public {@link Promise#promise()} binds to no context: its listeners run on whatever thread
 *   completes it, and a throwing listener would unwind into the gateway's reply handling (and stop
 *   the replies after it in a batch). Completing a public promise from a
 *   {@link Context#runOnContext} task would cost a task per command on the hot path.</li>
 *   <li>Close hooks. The gateway must close when Vert.x closes, before its client does (no
 *   reconnect attempt against a closed client). The public API offers only verticle undeployment,
 *   which would add a deployment of its own to every gateway.</li>
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
