package dev.rediskit.metrics;

import dev.rediskit.test.DocSnippets;
import dev.rediskit.test.GeneratedDoc;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps {@code docs/METRICS.md} equal to what {@link MeterNames} says, with the Prometheus series
 * names taken from a real Micrometer Prometheus registry rather than written by hand; and checks
 * that the shipped Grafana dashboard, alert rules and their tests only use series that exist. Regenerate the
 * document after changing a meter with {@value #REGENERATE_COMMAND}.
 */
class MetricsDocTest {

  static final Path DOC = Path.of("docs", "METRICS.md");
  static final Path DASHBOARD = Path.of("examples", "grafana", "rediskit-dashboard.json");
  static final Path ALERTS = Path.of("examples", "prometheus", "rediskit-alerts.yml");
  static final Path ALERT_TESTS = Path.of("examples", "prometheus", "rediskit-alerts.test.yml");
  static final String REGENERATE_COMMAND = "mvn -q test -Dtest=MetricsDocTest -DregenerateDocs=true";

  @Test
  void docsMatchTheMeterNames() {
    GeneratedDoc.assertUpToDate(DOC, render(), "MeterNames", REGENERATE_COMMAND);
  }

  @Test
  void everyMeterHasOneRowAndUniqueName() {
    long rows = render().lines().filter(l -> l.startsWith("| `rediskit.")).count();
    assertThat(rows).isEqualTo(MeterNames.METERS.size());
    assertThat(MeterNames.METERS.stream().map(MeterNames.Meter::name).distinct().count()).isEqualTo(MeterNames.METERS.size());
    for (MeterNames.Meter m : MeterNames.METERS) {
      assertThat(m.name()).startsWith("rediskit.").matches("[a-z.]+");
      for (String tag : m.tags()) {
        assertThat(MeterNames.TAGS).as(m.name() + " tag " + tag).anyMatch(t -> t.key().equals(tag));
      }
    }
  }

  @Test
  void dashboardAndAlertsUseOnlyDocumentedSeries() throws IOException {
    Set<String> documented = MeterNames.METERS.stream().flatMap(m -> prometheusSeries(m).stream()).collect(Collectors.toSet());
    for (Path file : List.of(DASHBOARD, ALERTS, ALERT_TESTS)) {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      Set<String> used = new TreeSet<>();
      Matcher m = Pattern.compile("rediskit_[a-z_]+").matcher(text);
      while (m.find()) {
        used.add(m.group());
      }
      assertThat(used).as(file + " uses metrics").isNotEmpty();
      assertThat(documented).as(file + " must only use series listed in " + DOC).containsAll(used);
    }
    String alerts = Files.readString(ALERTS, StandardCharsets.UTF_8);
    assertThat(alerts).contains("rediskit_breaker_state", "rediskit_redis_up", "rediskit_cache_requests_total",
      "rediskit_ratelimit_decisions_total");
  }

  /**
   * Registers one meter of the descriptor in a fresh Prometheus registry and reads the series names
   * the scrape shows for it, so that the documented names are the ones Micrometer really produces.
   */
  static List<String> prometheusSeries(MeterNames.Meter meter) {
    PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try {
      String[] tags = meter.tags().stream().flatMap(t -> java.util.stream.Stream.of(t, "x")).toArray(String[]::new);
      Object source = new Object();
      switch (meter.type()) {
        case TIMER -> Timer.builder(meter.name()).tags(tags).serviceLevelObjectives(GatewayMeters.COMMAND_SLOS)
          .register(r).record(1, TimeUnit.MILLISECONDS);
        case FUNCTION_TIMER -> FunctionTimer.builder(meter.name(), source, s -> 1, s -> 1, TimeUnit.NANOSECONDS).tags(tags).register(r);
        case COUNTER -> Counter.builder(meter.name()).tags(tags).register(r).increment();
        case FUNCTION_COUNTER -> FunctionCounter.builder(meter.name(), source, s -> 1).tags(tags).register(r);
        case GAUGE -> Gauge.builder(meter.name(), source, s -> 1).tags(tags).register(r);
        case TIME_GAUGE -> TimeGauge.builder(meter.name(), source, TimeUnit.MILLISECONDS, s -> 1).tags(tags).register(r);
      }
      return new ArrayList<>(seriesNames(r.scrape()));
    } finally {
      r.close();
    }
  }

  /** The metric names of a Prometheus text scrape, without comments, labels or values. */
  static Set<String> seriesNames(String scrape) {
    return scrape.lines().filter(l -> !l.isBlank() && !l.startsWith("#"))
      .map(l -> l.split("[{ ]", 2)[0]).collect(Collectors.toCollection(TreeSet::new));
  }

  static String render() {
    StringBuilder md = new StringBuilder();
    md.append("# Metrics reference\n\n");
    md.append("<!-- Generated from MeterNames by MetricsDocTest: do not edit by hand.\n");
    md.append("     Regenerate with: ").append(REGENERATE_COMMAND).append(" -->\n\n");
    md.append("RedisKit registers Micrometer meters through `RedisKitMetrics` in the registry of vertx-micrometer-metrics\n");
    md.append("(or one you pass). Start Vert.x with Micrometer metrics and a backend enabled, for example Prometheus:\n\n");
    // The code is a compiled snippet region (dev.rediskit.docs.MetricsSnippets), not text of this class.
    md.append("```java\n").append(DocSnippets.region("metrics-setup").text()).append("\n```\n\n");
    md.append("The cache and limiter meters read the components' own stats (`cache.stats(namespace)`, `limiter.stats()`)\n");
    md.append("when the registry is scraped; a namespace first used after the bind gets its meters at the next check, every\n");
    md.append(RedisKitMetrics.NAMESPACE_CHECK_MS / 1000).append(" s. `RedisKit` and `RedisKitVerticle` bind their components themselves, under sums over the\n");
    md.append("verticle instances of a node; an application deploying several instances of its own verticle does the same with\n");
    md.append("`bindCaches(caches)` and `bindRateLimiters(name, limiters)`.\n\n");
    md.append("The meters need `io.vertx:vertx-micrometer-metrics` (which brings Micrometer) and the `/metrics` route\n");
    md.append("`io.micrometer:micrometer-registry-prometheus`: optional dependencies that the application adds (README,\n");
    md.append("Dependencies). Without Micrometer, `RedisKit` and `RedisKitVerticle` run with their meters off.\n\n");
    md.append("Without metrics enabled there is no registry: every `bind...` call returns an inactive binding and nothing\n");
    md.append("fails. Every name lives in `dev.rediskit.metrics.MeterNames`; a test checks that a bound gateway registers\n");
    md.append("exactly the meters listed here, and that the Prometheus series below are the ones a real scrape shows.\n\n");
    md.append("Prometheus names: dots become underscores, timers get `_seconds` (with `_count`, `_sum`, `_max` and, for\n");
    md.append("command latency, `_bucket`), counters get `_total`. Command latency buckets (`le`): ")
      .append(Arrays.stream(GatewayMeters.COMMAND_SLOS).map(MetricsDocTest::seconds).collect(Collectors.joining(", ")))
      .append(" seconds.\n\n");
    md.append("Ready-made: a Grafana dashboard, `").append(DASHBOARD.toString().replace('\\', '/'))
      .append("`, and Prometheus alert rules,\n`").append(ALERTS.toString().replace('\\', '/'))
      .append("` (breaker not closed, Redis down, cache hit ratio collapse, rate-limit rejection spike), with promtool\n")
      .append("unit tests in `").append(ALERT_TESTS.toString().replace('\\', '/'))
      .append("` on series scraped during real outages (CI runs them).\n\n");

    md.append("## Meters\n");
    for (MeterNames.Group group : MeterNames.Group.values()) {
      md.append("\n### ").append(title(group)).append("\n\n");
      md.append("Registered ").append(group.registeredWhen().replaceFirst("^registered ", "")).append(".\n\n");
      md.append("| meter | type | tags | Prometheus series | meaning |\n");
      md.append("|---|---|---|---|---|\n");
      for (MeterNames.Meter m : MeterNames.METERS) {
        if (m.group() != group) {
          continue;
        }
        md.append("| `").append(m.name()).append("` | ")
          .append(typeName(m.type())).append(" | ")
          .append(m.tags().stream().map(t -> "`" + t + "`").collect(Collectors.joining(", "))).append(" | ")
          .append(prometheusSeries(m).stream().map(s -> "`" + s + "`").collect(Collectors.joining("<br>"))).append(" | ")
          .append(m.description().replace("|", "\\|")).append(" |\n");
      }
    }
    md.append("\n## Tags\n\n");
    md.append("Every tag has a small, bounded set of values; keys, client addresses and tokens never become tags.\n\n");
    md.append("| tag | values | meaning |\n");
    md.append("|---|---|---|\n");
    for (MeterNames.TagKey t : MeterNames.TAGS) {
      md.append("| `").append(t.key()).append("` | ").append(t.values()).append(" | ").append(t.description()).append(" |\n");
    }
    return md.toString();
  }

  private static String title(MeterNames.Group group) {
    return switch (group) {
      case GATEWAY -> "Redis commands, connection and circuit breaker";
      case CLUSTER_NODES -> "Redis Cluster: a breaker per master";
      case HEALTH -> "Redis health";
      case CACHE -> "Cache";
      case CLIENT_NEAR_CACHE -> "Event-bus client near cache";
      case RATE_LIMIT -> "Rate limiting";
    };
  }

  private static String typeName(MeterNames.Type type) {
    return switch (type) {
      case TIMER -> "timer";
      case FUNCTION_TIMER -> "function timer";
      case COUNTER -> "counter";
      case FUNCTION_COUNTER -> "function counter";
      case GAUGE -> "gauge";
      case TIME_GAUGE -> "time gauge";
    };
  }

  private static String seconds(Duration d) {
    return java.math.BigDecimal.valueOf(d.toNanos(), 9).stripTrailingZeros().toPlainString();
  }
}
