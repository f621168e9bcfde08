package dev.rediskit.test;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static dev.rediskit.test.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Calls made the way an application makes them: from a verticle of its own, on that verticle's context. */
public final class AppContexts {

  private AppContexts() {
  }

  /**
   * An application verticle of the user's own; its context is where the calls are made from.
   *
   * @param vertx the Vert.x instance to deploy it on
   * @return the verticle's context
   */
  public static Context appContext(Vertx vertx) {
    AtomicReference<Context> ctx = new AtomicReference<>();
    await(vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        ctx.set(context);
        return Future.succeededFuture();
      }
    }));
    return ctx.get();
  }

  /**
   * @param ctx a context
   * @param op the call, made on that context
   * @param <T> its result
   * @return the call's outcome
   */
  public static <T> Future<T> on(Context ctx, Supplier<Future<T>> op) {
    Promise<T> p = Promise.promise();
    ctx.runOnContext(v -> op.get().onComplete(p));
    return p.future();
  }

  /**
   * The same call {@code n} times in one turn of the context's event loop, as {@code n} concurrent callers.
   *
   * @param ctx a context
   * @param n how many calls
   * @param op the call
   * @param <T> its result
   * @return each call's outcome, once all were made
   */
  public static <T> List<Future<T>> onAll(Context ctx, int n, Supplier<Future<T>> op) {
    List<Future<T>> out = new ArrayList<>();
    CountDownLatch sent = new CountDownLatch(1);
    List<Promise<T>> promises = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Promise<T> p = Promise.promise();
      promises.add(p);
      out.add(p.future());
    }
    // All in one turn of the application's event loop, as n concurrent callers would be.
    ctx.runOnContext(v -> {
      for (Promise<T> p : promises) {
        op.get().onComplete(p);
      }
      sent.countDown();
    });
    try {
      assertThat(sent.await(30, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    return out;
  }
}
