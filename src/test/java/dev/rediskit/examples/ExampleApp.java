package dev.rediskit.examples;

import dev.rediskit.RedisKitConfig;
import dev.rediskit.RedisKitOptions;
import dev.rediskit.RedisKitVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs the example service. With no Redis configured ({@code REDIS_URL}, {@code REDISKIT_ENDPOINTS},
 * {@code -Drediskit.endpoints} or a config file) it starts an embedded Redis first and says so.
 * The HTTP port comes from {@code -Dexample.port} (default 8080).
 *
 * <pre>mvn -Pexample -q test-compile exec:java</pre>
 *
 * <p>It deploys three verticles: {@link RedisKitVerticle} (the module's event-bus consumers),
 * {@link UserProfileVerticle} (the HTTP API, on the {@link dev.rediskit.RedisKit} facade) and
 * {@link ReportVerticle} (which reaches Redis only over the event bus).
 */
public final class ExampleApp {

  /** The deployed service. */
  public static final class Running {
    private final Vertx vertx;
    private final List<String> deployments;
    private final UserProfileVerticle http;

    private Running(Vertx vertx, List<String> deployments, UserProfileVerticle http) {
      this.vertx = vertx;
      this.deployments = deployments;
      this.http = http;
    }

    /** @return the HTTP port */
    public int port() {
      return http.actualPort();
    }

    /** @return completion of undeploying the verticles, last deployed first */
    public Future<Void> stop() {
      Future<Void> f = Future.succeededFuture();
      for (int i = deployments.size() - 1; i >= 0; i--) {
        String id = deployments.get(i);
        f = f.eventually(() -> vertx.undeploy(id));
      }
      return f;
    }
  }

  private ExampleApp() {
  }

  /**
   * Options of a Vert.x instance with vertx-micrometer-metrics and its Prometheus registry, which
   * {@code /metrics} scrapes and RedisKit's meters register in.
   *
   * @return the options
   */
  public static VertxOptions vertxOptions() {
    return new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
      .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
      .setEnabled(true));
  }

  /**
   * Deploys the service.
   *
   * @param vertx a Vert.x instance, preferably with {@link #vertxOptions()}
   * @param options the RedisKit settings, endpoints included
   * @param port the HTTP port, 0 for any free one
   * @return the running service
   */
  public static Future<Running> deploy(Vertx vertx, RedisKitOptions options, int port) {
    List<String> ids = new ArrayList<>();
    UserProfileVerticle http = new UserProfileVerticle(options, port);
    return vertx.deployVerticle(new RedisKitVerticle(), new DeploymentOptions().setConfig(options.toJson()))
      .compose(id -> {
        ids.add(id);
        return vertx.deployVerticle(http);
      })
      .compose(id -> {
        ids.add(id);
        return vertx.deployVerticle(new ReportVerticle(options.getAddressPrefix()));
      })
      .map(id -> {
        ids.add(id);
        return new Running(vertx, ids, http);
      })
      .recover(err -> new Running(vertx, ids, http).stop().transform(v -> Future.failedFuture(err)));
  }

  /**
   * @param args unused
   */
  public static void main(String[] args) {
    int port = Integer.getInteger("example.port", 8080);
    Vertx vertx = Vertx.vertx(vertxOptions());
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
        return deploy(vertx, options, port);
      })
      .onSuccess(running -> System.out.println("Example ready on http://localhost:" + running.port()
        + "  (try: curl -i http://localhost:" + running.port() + "/api/users/1)"))
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
