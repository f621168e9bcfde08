package dev.rediskit.examples;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.eventbus.CacheClient;
import dev.rediskit.eventbus.RateLimitClient;
import dev.rediskit.test.Await;
import dev.rediskit.test.FaultProxy;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static dev.rediskit.test.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Records the input series of the alert-rule tests ({@value #TESTS}): the example application,
 * with the module's default settings, against a real redis-server, under steady traffic, scraped at
 * {@code /metrics} every {@value #SCRAPE_S} s the way Prometheus would. After
 * {@value #HEALTHY_BEFORE} healthy scrapes Redis fails for {@value #OUTAGE} scrape intervals (2.5
 * minutes), then it is back for {@value #HEALTHY_AFTER} more. Two outages:
 * <ul>
 *   <li>{@code kill}: redis-server is killed (SIGKILL) and restarted, empty;</li>
 *   <li>{@code partition}: the fault proxy between the application and Redis holds every byte, as a
 *       network partition would, and lets them through again.</li>
 * </ul>
 * The scrapes' series the rules use replace the block between {@code # BEGIN recorded <scenario>}
 * and {@code # END recorded <scenario>} of the test file, with {@code job} and {@code instance}
 * labels as Prometheus adds them. Skipped unless asked for (it runs for about nine minutes):
 * <pre>
 * mvn -q verify -Dit.test=OutageRecordingIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Drediskit.recordOutage=kill
 * </pre>
 */
@IntegrationTest
@EnabledIfSystemProperty(named = "rediskit.recordOutage", matches = "kill|partition")
class OutageRecordingIT {

  static final String TESTS = "examples/prometheus/rediskit-alerts.test.yml";
  static final int SCRAPE_S = 15;
  static final int HEALTHY_BEFORE = 12;
  static final int OUTAGE = 10;
  static final int HEALTHY_AFTER = 12;
  /** The series the alert rules read. */
  static final List<String> RECORDED = List.of("rediskit_breaker_state", "rediskit_redis_up",
    "rediskit_cache_requests_total", "rediskit_ratelimit_decisions_total");
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? (\\S+)");

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  @Test
  void recordAnOutage(RedisServer server) throws IOException {
    String scenario = System.getProperty("rediskit.recordOutage");
    Vertx vertx = Vertx.vertx(ExampleApp.vertxOptions());
    // The proxy on a Vert.x of its own: holding traffic must not slow the application's event loops.
    FaultProxy proxy = scenario.equals("partition") ? FaultProxy.start(server) : null;
    List<Map<String, String>> scrapes = new CopyOnWriteArrayList<>();
    AtomicReference<Throwable> broken = new AtomicReference<>();
    AtomicBoolean done = new AtomicBoolean();
    try {
      ExampleApp.Running app = await(ExampleApp.deploy(vertx,
        new RedisKitOptions().setEndpoint(proxy != null ? proxy.uri() : server.uri()), 0));
      WebClient http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(app.port()));
      CacheClient cache = CacheClient.create(vertx, "");
      RateLimitClient limits = RateLimitClient.create(vertx, "");
      for (int i = 0; i < 18; i++) {
        await(cache.set("catalog", "item-" + i, "value " + i, Duration.ofHours(1)));
      }
      // Steady traffic: cache reads over the event bus (one in ten a miss), limiter checks (about half
      // over the limit), and the HTTP API (mostly over its per-IP limit, as one client calling too often).
      AtomicInteger n = new AtomicInteger();
      long traffic = vertx.setPeriodic(50, id -> {
        int i = n.incrementAndGet();
        int item = i % 20;
        cache.lookup("catalog", "item-" + item).onSuccess(r -> {
          // Written again once missing, as an application would after a restart emptied Redis.
          if (!r.found() && item < 18) {
            cache.set("catalog", "item-" + item, "value " + item, Duration.ofHours(1));
          }
        });
        if (i % 2 == 0) {
          limits.check("client-" + (i % 5), 60, Duration.ofMinutes(1));
        }
        if (i % 10 == 0) {
          http.get("/api/users/" + (i % 7 + 1)).send();
        }
      });
      AtomicInteger tick = new AtomicInteger();
      int total = HEALTHY_BEFORE + OUTAGE + HEALTHY_AFTER + 1;
      Runnable scrape = () -> {
        int k = tick.getAndIncrement();
        http.get("/metrics").send().map(r -> parse(r.bodyAsString())).onComplete(ar -> {
          if (ar.failed()) {
            broken.compareAndSet(null, ar.cause());
            done.set(true);
            return;
          }
          scrapes.add(ar.result());
          Future<Void> step = Future.succeededFuture();
          if (k == HEALTHY_BEFORE) {
            step = vertx.executeBlocking(() -> {
              if (proxy != null) {
                proxy.blackhole();
              } else {
                server.kill();
              }
              return null;
            });
          } else if (k == HEALTHY_BEFORE + OUTAGE) {
            step = vertx.executeBlocking(() -> {
              if (proxy != null) {
                proxy.pass();
              } else {
                server.restart();
              }
              return null;
            });
          }
          step.onFailure(err -> {
            broken.compareAndSet(null, err);
            done.set(true);
          });
          if (k == total - 1) {
            done.set(true);
          }
        });
      };
      scrape.run();
      long scraper = vertx.setPeriodic(SCRAPE_S * 1000L, id -> {
        if (!done.get()) {
          scrape.run();
        }
      });
      // The recording takes (total - 1) scrape intervals; the bound adds room for a slow scrape.
      Await.until(done::get, Duration.ofSeconds((long) SCRAPE_S * total + 120), "the recording to finish");
      vertx.cancelTimer(scraper);
      vertx.cancelTimer(traffic);
      assertThat(broken.get()).as("the recording broke").isNull();
      await(app.stop());
    } finally {
      await(vertx.close());
      if (proxy != null) {
        proxy.close();
      }
    }

    assertThat(scrapes).hasSize(HEALTHY_BEFORE + OUTAGE + HEALTHY_AFTER + 1);
    Map<String, List<String>> series = new TreeMap<>();
    for (int i = 0; i < scrapes.size(); i++) {
      for (Map.Entry<String, String> e : scrapes.get(i).entrySet()) {
        List<String> values = series.computeIfAbsent(e.getKey(), s -> new ArrayList<>());
        while (values.size() < i) {
          values.add("_");
        }
        values.add(e.getValue());
      }
    }
    series.values().forEach(v -> {
      while (v.size() < scrapes.size()) {
        v.add("_");
      }
    });
    // A recording that did not see the outage must not become the tests' input.
    List<String> breakers = series.keySet().stream().filter(s -> s.startsWith("rediskit_breaker_state")).toList();
    assertThat(breakers).as("breaker series").isNotEmpty();
    for (String b : breakers) {
      List<String> v = series.get(b);
      assertThat(v.subList(HEALTHY_BEFORE + 2, HEALTHY_BEFORE + OUTAGE)).as(b + " during the outage").doesNotContain("0.0");
      assertThat(v.get(v.size() - 1)).as(b + " at the end").isEqualTo("0.0");
    }
    write(scenario, series);
  }

  /** The samples of one scrape for the recorded series, keyed by series with job and instance labels added. */
  static Map<String, String> parse(String scrape) {
    Map<String, String> samples = new TreeMap<>();
    for (String line : scrape.split("\n")) {
      Matcher m = SAMPLE.matcher(line);
      if (!m.find() || !RECORDED.contains(m.group(1))) {
        continue;
      }
      String labels = m.group(2) == null ? "" : m.group(2).substring(1, m.group(2).length() - 1);
      List<String> all = new ArrayList<>(List.of(labels.split(",")));
      all.removeIf(String::isBlank);
      all.add("instance=\"app-1:8080\"");
      all.add("job=\"rediskit-example\"");
      samples.put(m.group(1) + "{" + all.stream().sorted().collect(Collectors.joining(",")) + "}", m.group(3));
    }
    return samples;
  }

  private static void write(String scenario, Map<String, List<String>> series) throws IOException {
    Path file = Path.of(TESTS);
    String text = Files.readString(file, StandardCharsets.UTF_8);
    String begin = "    # BEGIN recorded " + scenario + "\n";
    String end = "    # END recorded " + scenario + "\n";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    assertThat(from).as(TESTS + " has the markers for " + scenario).isGreaterThanOrEqualTo(0);
    assertThat(to).isGreaterThan(from);
    StringBuilder block = new StringBuilder(begin);
    block.append("    # Recorded by OutageRecordingIT (-Drediskit.recordOutage=").append(scenario).append("), do not edit by hand:\n");
    block.append("    # one scrape every ").append(SCRAPE_S).append(" s; the outage begins right after the scrape at ")
      .append(minutes(HEALTHY_BEFORE)).append(" and ends right after the one at ").append(minutes(HEALTHY_BEFORE + OUTAGE))
      .append(".\n");
    block.append("    input_series:\n");
    series.forEach((name, values) -> block.append("      - series: '").append(name).append("'\n")
      .append("        values: '").append(String.join(" ", values)).append("'\n"));
    Files.writeString(file, text.substring(0, from) + block + text.substring(to), StandardCharsets.UTF_8);
  }

  private static String minutes(int scrapes) {
    int s = scrapes * SCRAPE_S;
    return s / 60 + "m" + (s % 60 == 0 ? "" : s % 60 + "s");
  }
}
