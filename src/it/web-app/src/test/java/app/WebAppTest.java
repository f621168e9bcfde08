package app;

import dev.rediskit.RedisKit;
import dev.rediskit.RedisKitOptions;
import dev.rediskit.config.OptionalDependency;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import dev.rediskit.web.RedisKitRoutes;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static dev.rediskit.test.Futures.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An application with the web and Prometheus integrations: RedisKitRoutes mounts the health and
 * metrics routes on the application's router, and a scrape of /metrics shows the module's meters.
 */
class WebAppTest {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  private Vertx vertx;

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
      .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)).setEnabled(true)));
  }

  @AfterEach
  void closeVertx() {
    await(vertx.close());
  }

  @Test
  void theRoutesAreMountedAndMetricsScraped(RedisServer server) throws Exception {
    for (OptionalDependency d : OptionalDependency.values()) {
      assertTrue(d.present() || d == OptionalDependency.JACKSON_DATABIND, d.artifact() + " added by this application");
    }
    // A connect timeout for a loaded 2-core machine: the first connection of a fresh JVM has been seen to take over 2 s.
    RedisKit kit = await(RedisKit.create(vertx, new RedisKitOptions().setEndpoint(server.uri()).setConnectTimeoutMs(10_000)));
    try {
      await(kit.cache().namespace("default").set("k", "v", java.time.Duration.ofMinutes(1)));
      Router router = RedisKitRoutes.create(kit.health()).mount(Router.router(vertx));
      HttpServer http = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
      HttpClient client = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + http.actualPort();

      HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create(base + "/health/redis")).build(),
        HttpResponse.BodyHandlers.ofString());
      assertEquals(200, health.statusCode(), health.body());
      assertTrue(health.body().contains("\"UP\""), health.body());

      HttpResponse<String> metrics = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
      assertEquals(200, metrics.statusCode(), metrics.body());
      assertTrue(metrics.headers().firstValue("content-type").orElse("").startsWith("text/plain"), metrics.headers().toString());
      assertTrue(metrics.body().contains("rediskit_commands_seconds_count"), metrics.body());
      assertTrue(metrics.body().contains("rediskit_breaker_state"), metrics.body());
    } finally {
      await(kit.close());
    }
  }
}
