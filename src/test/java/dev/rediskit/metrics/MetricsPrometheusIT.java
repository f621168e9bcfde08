package dev.rediskit.metrics;

import dev.rediskit.error.RedisCommandException;
import dev.rediskit.RedisKitOptions;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.health.HealthOptions;
import dev.rediskit.health.RedisHealthCheck;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import dev.rediskit.web.RedisKitRoutes;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static dev.rediskit.test.Futures.await;
import static dev.rediskit.test.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Vert.x started with vertx-micrometer-metrics and Prometheus, a gateway bound against a real
 * Redis: the meters it registers are exactly the documented gateway and health ones, and a real
 * scrape shows exactly the documented Prometheus series (the names the dashboard and alerts use).
 */
@IntegrationTest
class MetricsPrometheusIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  @Test
  void boundGatewayRegistersTheDocumentedMetersAndScrapesTheDocumentedSeries(RedisServer server) throws IOException {
    // The default registry name, as an application would have it; closing Vert.x stops that registry again.
    Vertx vertx = Vertx.vertx(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
      .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)).setEnabled(true)));
    try {
      RedisGateway gw = await(RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(server.uri())).ready());
      RedisKitMetrics metrics = RedisKitMetrics.create(vertx);
      MeterRegistry registry = metrics.registry();
      assertThat(registry).isInstanceOf(PrometheusMeterRegistry.class).isSameAs(BackendRegistries.getDefaultNow());
      assertThat(metrics.bindGateway(gw).active()).isTrue();
      RedisHealthCheck check = RedisHealthCheck.create(vertx, gw, new HealthOptions().setSlowPingMs(5_000));
      assertThat(metrics.bindHealth(check, 0).active()).isTrue();

      await(gw.send(Request.cmd(Command.SET).arg("k").arg("v")));
      await(gw.send(Request.cmd(Command.GET).arg("k")));
      assertThat(failure(gw.send(Request.cmd(Command.INCR).arg("k")))).isInstanceOf(RedisCommandException.class);
      assertThat(await(check.check()).isOk()).isTrue();

      Set<String> registered = registry.getMeters().stream().map(m -> m.getId().getName())
        .filter(n -> n.startsWith("rediskit.")).collect(Collectors.toCollection(TreeSet::new));
      Set<String> documented = MeterNames.METERS.stream()
        .filter(m -> m.group() == MeterNames.Group.GATEWAY || m.group() == MeterNames.Group.HEALTH)
        .map(MeterNames.Meter::name).collect(Collectors.toCollection(TreeSet::new));
      assertThat(registered).isEqualTo(documented);

      PrometheusMeterRegistry prometheus = (PrometheusMeterRegistry) registry;
      String scrape = prometheus.scrape();
      Set<String> scraped = MetricsDocTest.seriesNames(scrape).stream().filter(n -> n.startsWith("rediskit_"))
        .collect(Collectors.toCollection(TreeSet::new));
      Set<String> documentedSeries = MeterNames.METERS.stream()
        .filter(m -> m.group() == MeterNames.Group.GATEWAY || m.group() == MeterNames.Group.HEALTH)
        .flatMap(m -> MetricsDocTest.prometheusSeries(m).stream()).collect(Collectors.toCollection(TreeSet::new));
      assertThat(scraped).isEqualTo(documentedSeries);
      assertThat(scrape)
        .contains("rediskit_commands_seconds_count{command=\"GET\",gateway=\"default\",outcome=\"success\"} 1")
        .contains("rediskit_commands_seconds_count{command=\"INCR\",gateway=\"default\",outcome=\"redis_error\"} 1")
        .contains("rediskit_command_errors_total{gateway=\"default\",kind=\"redis_error\"} 1")
        .contains("rediskit_commands_seconds_bucket{command=\"GET\",gateway=\"default\",outcome=\"success\",le=\"+Inf\"} 1")
        .contains("rediskit_breaker_state{gateway=\"default\"} 0")
        .contains("rediskit_redis_up{gateway=\"default\"} 1")
        .contains("rediskit_redis_degraded{gateway=\"default\"} 0");

      // The cache and limiter rows cannot be registered here (those components bind themselves), but they are documented.
      String doc = Files.readString(MetricsDocTest.DOC, StandardCharsets.UTF_8);
      for (MeterNames.Meter m : MeterNames.METERS) {
        assertThat(doc).contains("| `" + m.name() + "` |");
      }
      assertThat(doc).contains(MeterNames.Group.CACHE.registeredWhen().replaceFirst("^registered ", ""))
        .contains(MeterNames.Group.RATE_LIMIT.registeredWhen().replaceFirst("^registered ", ""));

      // And over HTTP, from the default registry, as /metrics serves it.
      Router router = Router.router(vertx);
      RedisKitRoutes.create(check).mountMetrics(router);
      HttpServer http = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
      WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(http.actualPort()));
      String body = await(client.get("/metrics").send()).bodyAsString();
      assertThat(body).contains("rediskit_commands_seconds_count{command=\"SET\",gateway=\"default\",outcome=\"success\"} 1");
      client.close();
      metrics.close();
      assertThat(registry.getMeters().stream().map(m -> m.getId().getName())).noneMatch(n -> n.startsWith("rediskit."));
      await(gw.close());
    } finally {
      await(vertx.close());
    }
    assertThat(BackendRegistries.getDefaultNow()).isNull();
  }
}
