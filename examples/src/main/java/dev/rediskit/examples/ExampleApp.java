package dev.rediskit.examples;

import dev.rediskit.RedisKitConfig;
import dev.rediskit.RedisKitOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;


/**
 * Runs the example service. With no Redis configured ({@code REDIS_URL}, {@code REDISKIT_ENDPOINTS},
 * {@code -Drediskit.endpoints} or a config file) it starts an embedded Redis first and says so.
 *
 * <pre>mvn -Pexample -q test-compile exec:java</pre>
 */
public final class ExampleApp {

  private ExampleApp() {
  }

  /**
   * @param args unused
   */
  public static void main(String[] args) {
    Vertx vertx = Vertx.vertx();
    EmbeddedRedis[] embedded = new EmbeddedRedis[1];
    RedisKitConfig.load(vertx)
      .compose(options -> {
        if (!options.isEndpointsConfigured()) {
          embedded[0] = EmbeddedRedis.start();
          System.out.println("""
            ==================================================================
             No Redis configured (REDIS_URL / REDISKIT_ENDPOINTS): started an
             EMBEDDED Redis for this example at %s
             (%s). Data is lost when the example stops.
            ==================================================================""".formatted(embedded[0].uri(), embedded[0].describe()));
          options.setEndpoint(embedded[0].uri());
        } else {
          System.out.println("Using Redis at " + RedisKitOptions.redact(String.join(",", options.getEndpoints())));
        }
        return vertx.deployVerticle(new UserProfileVerticle(options, Integer.getInteger("example.port", 8080)));
      })
      .onSuccess(id -> System.out.println("Example ready on http://localhost:" + Integer.getInteger("example.port", 8080)))
      .onFailure(err -> {
        System.err.println("Example failed to start: " + err.getMessage());
        if (embedded[0] != null) {
          embedded[0].close();
        }
        vertx.close();
      });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      Future<Void> closed = vertx.close();
      closed.toCompletionStage().toCompletableFuture().join();
      if (embedded[0] != null) {
        embedded[0].close();
      }
    }));
  }
}
