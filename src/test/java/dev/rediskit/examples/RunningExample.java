package dev.rediskit.examples;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.test.Futures;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;

import java.time.Duration;

/**
 * The example application started on a Vert.x of its own against a given Redis, with a web client
 * for it: what the end-to-end tests of the example share. Closing stops the app (a failure to stop,
 * after a test stopped Redis, is not the test's concern), then Vert.x.
 *
 * @param vertx the Vert.x instance the app runs on
 * @param app the running app
 * @param client a web client on the same Vert.x
 */
record RunningExample(Vertx vertx, ExampleApp.Running app, WebClient client) implements AutoCloseable {

  /**
   * Bound of starting and stopping, and of every request and poll of the tests: far above what a
   * healthy run needs, so that only a real failure trips it.
   */
  static final Duration PATIENCE = Duration.ofSeconds(30);

  /**
   * @param redisUri the Redis the app uses
   * @return the app, listening on a free port
   */
  static RunningExample start(String redisUri) {
    Vertx vertx = Vertx.vertx(ExampleApp.vertxOptions());
    ExampleApp.Running app = Futures.await(ExampleApp.deploy(vertx, new RedisKitOptions().setEndpoint(redisUri), 0), PATIENCE);
    return new RunningExample(vertx, app, WebClient.create(vertx));
  }

  @Override
  public void close() {
    client.close();
    Futures.await(app.stop().recover(err -> Future.succeededFuture()), PATIENCE);
    Futures.await(vertx.close(), PATIENCE);
  }

  /**
   * What the end-to-end tests wait for a step with: {@link Futures#join(Future, Duration)} bounded
   * by {@link #PATIENCE}, so that a failure is thrown as it is.
   *
   * @param future the step
   * @param <T> its result's type
   * @return its result
   */
  static <T> T await(Future<T> future) {
    return Futures.join(future, PATIENCE);
  }
}
