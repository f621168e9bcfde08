package dev.rediskit.examples;

import dev.rediskit.RedisKitOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;

import java.time.Duration;

import static dev.rediskit.test.Futures.await;

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

  /** Bound of starting and stopping: far above what a healthy run needs. */
  static final Duration PATIENCE = Duration.ofSeconds(30);

  /**
   * @param redisUri the Redis the app uses
   * @return the app, listening on a free port
   */
  static RunningExample start(String redisUri) {
    Vertx vertx = Vertx.vertx(ExampleApp.vertxOptions());
    ExampleApp.Running app = await(ExampleApp.deploy(vertx, new RedisKitOptions().setEndpoint(redisUri), 0), PATIENCE);
    return new RunningExample(vertx, app, WebClient.create(vertx));
  }

  @Override
  public void close() {
    client.close();
    await(app.stop().recover(err -> Future.succeededFuture()), PATIENCE);
    await(vertx.close(), PATIENCE);
  }
}
