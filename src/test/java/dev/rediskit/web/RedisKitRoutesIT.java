package dev.rediskit.web;

import dev.rediskit.ratelimit.RateLimiter;
import dev.rediskit.RedisKitOptions;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.health.HealthOptions;
import dev.rediskit.health.RedisHealthCheck;
import dev.rediskit.metrics.RedisKitMetrics;
import dev.rediskit.test.Await;
import dev.rediskit.test.FaultProxy;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.rediskit.test.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The mounted routes over real HTTP, against a real Redis: status codes, bodies, guard, scrape, secrecy. */
@IntegrationTest
class RedisKitRoutesIT {

  static final String PASSWORD = "pw-SECRET-MARKER-123";

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone().withPassword(PASSWORD);

  private static final long HEALTH_TIMEOUT_MS = 500;

  private final List<Runnable> cleanup = new ArrayList<>();
  private final List<String> bodies = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).run();
    }
    // Every body any test received, whatever the route or status.
    for (String body : bodies) {
      assertThat(body).doesNotContain(PASSWORD);
    }
  }

  private RedisGateway gateway(Vertx vertx, String endpoint, long commandTimeoutMs) {
    RedisGateway gw = await(RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(endpoint).setPassword(PASSWORD)
      .setCommandTimeoutMs(commandTimeoutMs)).ready());
    cleanup.add(() -> await(gw.close()));
    return gw;
  }

  /** Serves the router on a free port and returns a client aimed at it. */
  private WebClient serve(Vertx vertx, Router router) {
    HttpServer server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    WebClient client = WebClient.create(vertx, new io.vertx.ext.web.client.WebClientOptions()
      .setDefaultHost("127.0.0.1").setDefaultPort(server.actualPort()));
    cleanup.add(() -> {
      client.close();
      await(server.close());
    });
    return client;
  }

  private HttpResponse<Buffer> get(WebClient client, String path) {
    HttpResponse<Buffer> response = await(client.get(path).send());
    bodies.add(response.bodyAsString() == null ? "" : response.bodyAsString());
    return response;
  }

  /** INFO commands the server has run, from its commandstats. */
  private static long infoCalls(RedisServer server) {
    String line = server.info("commandstats").get("cmdstat_info");
    return line == null ? 0 : Long.parseLong(line.replaceAll(".*calls=(\\d+).*", "$1"));
  }

  private static HealthOptions health() {
    return new HealthOptions().setTimeoutMs(HEALTH_TIMEOUT_MS).setSlowPingMs(5_000);
  }

  @Test
  void upRedisAnswers200OnBothHealthRoutes(Vertx vertx, RedisServer server) {
    RedisGateway gw = gateway(vertx, server.uri(null, PASSWORD), 1_000);
    RedisHealthCheck check = RedisHealthCheck.create(vertx, gw, health());
    WebClient client = serve(vertx, RedisKitRoutes.create(check).mount(Router.router(vertx)));

    HttpResponse<Buffer> redisHealth = get(client, "/health/redis");
    assertThat(redisHealth.statusCode()).isEqualTo(200);
    assertThat(redisHealth.getHeader("Content-Type")).startsWith("application/json");
    assertThat(redisHealth.getHeader("Cache-Control")).isEqualTo("no-store");
    JsonObject body = redisHealth.bodyAsJsonObject();
    assertThat(body.getString("id")).isEqualTo("redis");
    assertThat(body.getString("status")).isEqualTo("UP");
    assertThat(body.getJsonObject("data").getJsonObject("server").getString("version")).isNotBlank();
    assertThat(body.getJsonObject("data").getJsonArray("endpoints").getString(0)).contains(":***@");

    HttpResponse<Buffer> all = get(client, "/health");
    assertThat(all.statusCode()).isEqualTo(200);
    assertThat(all.getHeader("Cache-Control")).isEqualTo("no-store");
    JsonObject aggregate = all.bodyAsJsonObject();
    assertThat(aggregate.getString("outcome")).isEqualTo("UP");
    JsonArray checks = aggregate.getJsonArray("checks");
    assertThat(checks).hasSize(1);
    assertThat(checks.getJsonObject(0).getString("id")).isEqualTo("redis");
    assertThat(checks.getJsonObject(0).getString("status")).isEqualTo("UP");
  }

  @Test
  void silentRedisAnswers503WithinTheHealthTimeoutAnd200AfterRecovery(Vertx vertx, RedisServer server) {
    try (FaultProxy proxy = FaultProxy.start(vertx, server)) {
      // The gateway would wait 5 s; the routes must answer from the health timeout.
      RedisGateway gw = gateway(vertx, proxy.uri(), 5_000);
      RedisHealthCheck check = RedisHealthCheck.create(vertx, gw, health());
      WebClient client = serve(vertx, RedisKitRoutes.create(check).mount(Router.router(vertx)));
      assertThat(get(client, "/health/redis").statusCode()).isEqualTo(200);

      proxy.blackhole();
      long t0 = System.nanoTime();
      HttpResponse<Buffer> down = get(client, "/health/redis");
      long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(down.bodyAsJsonObject().getString("status")).isEqualTo("DOWN");
      assertThat(down.getHeader("Cache-Control")).isEqualTo("no-store");
      // One timer decides; the margin covers HTTP and a loaded 2-core machine, and stays far below the gateway's 5 s.
      assertThat(elapsedMs).isLessThan(HEALTH_TIMEOUT_MS + 1_500);

      HttpResponse<Buffer> aggregate = get(client, "/health");
      // 503 and not 500: the procedure answered DOWN itself, before the registry's own deadline.
      assertThat(aggregate.statusCode()).isEqualTo(503);
      assertThat(aggregate.bodyAsJsonObject().getString("outcome")).isEqualTo("DOWN");
      assertThat(aggregate.getHeader("Cache-Control")).isEqualTo("no-store");

      proxy.pass();
      Await.until(() -> get(client, "/health/redis").statusCode() == 200, Duration.ofSeconds(20),
        "/health/redis to answer 200 again after the black hole");
      assertThat(get(client, "/health").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void guardRunsInFrontOfBothHealthRoutesOnly(Vertx vertx, RedisServer server) {
    RedisGateway gw = gateway(vertx, server.uri(), 1_000);
    RedisHealthCheck check = RedisHealthCheck.create(vertx, gw, health());
    AtomicInteger seen = new AtomicInteger();
    // Stands in for the rate-limit handler: lets two requests through, then answers 429.
    WebClient client = serve(vertx, RedisKitRoutes.create(check)
      .guard(ctx -> {
        if (seen.incrementAndGet() <= 2) {
          ctx.next();
        } else {
          ctx.response().setStatusCode(429).putHeader("Retry-After", "1").end();
        }
      })
      .mount(Router.router(vertx)));
    assertThat(get(client, "/health/redis").statusCode()).isEqualTo(200);
    assertThat(get(client, "/health").statusCode()).isEqualTo(200);
    assertThat(get(client, "/health/redis").statusCode()).isEqualTo(429);
    assertThat(get(client, "/health").statusCode()).isEqualTo(429);
    assertThat(seen.get()).isEqualTo(4);
    // The scrape is not guarded (and here, without metrics, answers 503).
    assertThat(get(client, "/metrics").statusCode()).isEqualTo(503);
    assertThat(seen.get()).isEqualTo(4);
  }

  @Test
  void healthRoutesAreRateLimitedByDefaultInMemoryAndTheScrapeIsNot(Vertx vertx, RedisServer server) {
    RedisGateway gw = gateway(vertx, server.uri(), 1_000);
    assertThat(new HealthOptions().getMaxRequestsPerSecond()).isEqualTo(HealthOptions.DEFAULT_MAX_REQUESTS_PER_SECOND);
    RedisHealthCheck check = RedisHealthCheck.create(vertx, gw, health().setMaxRequestsPerSecond(2));
    AtomicInteger guarded = new AtomicInteger();
    WebClient client = serve(vertx, RedisKitRoutes.create(check)
      .guard(ctx -> {
        guarded.incrementAndGet();
        ctx.next();
      })
      .mount(Router.router(vertx)));
    long infoBefore = infoCalls(server);
    // 20 requests, 2 per second pass: unless they take 10 s, some are refused (in memory, before the guard).
    int passed = 0;
    HttpResponse<Buffer> refused = null;
    for (int i = 0; i < 20; i++) {
      HttpResponse<Buffer> r = get(client, i % 2 == 0 ? "/health/redis" : "/health");
      if (r.statusCode() == 200) {
        passed++;
      } else {
        assertThat(r.statusCode()).isEqualTo(429);
        refused = r;
      }
    }
    assertThat(refused).as("a refused request").isNotNull();
    assertThat(refused.getHeader("Retry-After")).isEqualTo("1");
    assertThat(refused.getHeader("Cache-Control")).isEqualTo("no-store");
    assertThat(refused.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(refused.bodyAsJsonObject().getString("detail")).contains("health.maxRequestsPerSecond");
    assertThat(guarded.get()).as("a refused request never reaches the guard").isEqualTo(passed);
    // + 1: the INFO that read infoBefore.
    assertThat(infoCalls(server) - infoBefore).as("a refused request never reaches Redis").isLessThanOrEqualTo(passed + 1);
    // The scrape is not limited (and here, without metrics, answers 503).
    for (int i = 0; i < 5; i++) {
      assertThat(get(client, "/metrics").statusCode()).isEqualTo(503);
    }

    // 0: no limit.
    RedisHealthCheck unlimited = RedisHealthCheck.create(vertx, gw, health().setMaxRequestsPerSecond(0));
    WebClient open = serve(vertx, RedisKitRoutes.create(unlimited).mount(Router.router(vertx)));
    for (int i = 0; i < 20; i++) {
      assertThat(get(open, "/health/redis").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void theReadmesGuardTheModulesRateLimitHandlerMountsBehindTheDefaultLimit(Vertx vertx, RedisServer server) {
    RedisGateway gw = gateway(vertx, server.uri(), 1_000);
    RedisHealthCheck check = RedisHealthCheck.create(vertx, gw, health());
    // As the README mounts it: a platform handler, which Vert.x Web runs only before user handlers.
    WebClient client = serve(vertx, RedisKitRoutes.create(check)
      .guard(RateLimitHandler.create(RateLimiter.create(vertx, gw), HttpRateLimitPolicy.perIp("health", 3, Duration.ofMinutes(1))))
      .mount(Router.router(vertx)));
    assertThat(get(client, "/health/redis").statusCode()).isEqualTo(200);
    assertThat(get(client, "/health").statusCode()).isEqualTo(200);
    assertThat(get(client, "/health/redis").statusCode()).isEqualTo(200);
    HttpResponse<Buffer> limited = get(client, "/health/redis");
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.bodyAsJsonObject().getJsonArray("violated-policies")).containsExactly("health");
  }

  @Test
  void pathsDetailAndAggregateAreConfigurableAndEachRouteWorksAlone(Vertx vertx, RedisServer server) {
    RedisGateway gw = gateway(vertx, server.uri(), 1_000);
    RedisHealthCheck minimal = RedisHealthCheck.create(vertx, gw, health().setDetail(HealthOptions.Detail.MINIMAL)
      .setPath("/ops/health").setRedisPath("/ops/health/redis"));
    HealthChecks mine = HealthChecks.create(vertx).register("app", p -> p.complete(Status.OK()));
    minimal.register(mine);
    Router router = Router.router(vertx);
    RedisKitRoutes routes = RedisKitRoutes.create(minimal).healthChecks(mine).metricsPath("/ops/metrics");
    routes.mountRedisHealth(router);
    routes.mountHealth(router);
    WebClient client = serve(vertx, router);

    HttpResponse<Buffer> redisHealth = get(client, "/ops/health/redis");
    assertThat(redisHealth.statusCode()).isEqualTo(200);
    assertThat(redisHealth.bodyAsJsonObject()).isEqualTo(new JsonObject().put("id", "redis").put("status", "UP").put("outcome", "UP"));
    assertThat(redisHealth.getHeader("Cache-Control")).isEqualTo("no-store");
    HttpResponse<Buffer> aggregateResponse = get(client, "/ops/health");
    assertThat(aggregateResponse.getHeader("Cache-Control")).isEqualTo("no-store");
    JsonObject aggregate = aggregateResponse.bodyAsJsonObject();
    assertThat(aggregate.getJsonArray("checks").stream().map(c -> ((JsonObject) c).getString("id")).toList())
      .containsExactlyInAnyOrder("app", "redis");
    // Nothing else was mounted.
    assertThat(get(client, "/health").statusCode()).isEqualTo(404);
    assertThat(get(client, "/ops/metrics").statusCode()).isEqualTo(404);
  }

  @Test
  void metricsRouteServesThePrometheusScrapeOfTheGivenRegistry(Vertx vertx, RedisServer server) {
    String registryName = "rediskit-routes-test";
    Vertx metricsVertx = Vertx.vertx(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
      .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)).setRegistryName(registryName).setEnabled(true)));
    cleanup.add(() -> await(metricsVertx.close()));
    RedisGateway gw = gateway(metricsVertx, server.uri(), 1_000);
    RedisKitMetrics metrics = RedisKitMetrics.create(metricsVertx, registryName);
    assertThat(metrics.bindGateway(gw).active()).isTrue();
    await(gw.send(Request.cmd(Command.PING)));
    RedisHealthCheck check = RedisHealthCheck.create(metricsVertx, gw, health());
    WebClient client = serve(metricsVertx, RedisKitRoutes.create(check).registryName(registryName).mount(Router.router(metricsVertx)));

    HttpResponse<Buffer> scrape = get(client, "/metrics");
    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.getHeader("Content-Type")).startsWith("text/plain");
    assertThat(scrape.bodyAsString())
      .contains("rediskit_commands_seconds_count{command=\"PING\",gateway=\"default\",outcome=\"success\"} 1")
      .contains("rediskit_breaker_state{gateway=\"default\"} 0")
      .contains("rediskit_connection_state{gateway=\"default\"} 0");
    metrics.close();
  }

  @Test
  void metricsRouteWithoutARegistryAnswers503AndNothingBreaks(Vertx vertx, RedisServer server) {
    RedisGateway gw = gateway(vertx, server.uri(), 1_000);
    RedisHealthCheck check = RedisHealthCheck.create(vertx, gw, health());
    Router router = Router.router(vertx);
    router.get("/metrics").handler(RedisKitRoutes.metricsHandler());
    router.get("/metrics-named").handler(RedisKitRoutes.metricsHandler(() -> null));
    router.get("/redis").handler(RedisKitRoutes.redisHealthHandler(check));
    WebClient client = serve(vertx, router);
    HttpResponse<Buffer> scrape = get(client, "/metrics");
    assertThat(scrape.statusCode()).isEqualTo(503);
    assertThat(scrape.bodyAsString()).contains("No Prometheus registry");
    assertThat(get(client, "/metrics-named").statusCode()).isEqualTo(503);
    assertThat(get(client, "/redis").statusCode()).isEqualTo(200);
    assertThat(gw.status().connectionState().name()).isEqualTo("CONNECTED");
  }
}
