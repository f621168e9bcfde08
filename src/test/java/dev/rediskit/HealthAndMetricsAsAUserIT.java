package dev.rediskit;

import dev.rediskit.cache.CacheNamespace;
import dev.rediskit.cache.LoadOptions;
import dev.rediskit.test.Await;
import dev.rediskit.test.FaultProxy;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import dev.rediskit.web.HttpRateLimitPolicy;
import dev.rediskit.web.RateLimitHandler;
import dev.rediskit.web.RedisKitRoutes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static dev.rediskit.test.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Health and metrics as an operator and an application developer meet them: {@link RedisKit} created with the
 * defaults, the Redis named only by the system property {@code rediskit.endpoints}, the routes mounted as the
 * README's "Health and metrics" section shows, and hit over HTTP as a load balancer or Prometheus would.
 */
@IntegrationTest
class HealthAndMetricsAsAUserIT {

  static final String PASSWORD = "pw-HEALTH-SECRET-4711";
  static final String TOKEN = "tok-SECRET-0815";

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone().withPassword(PASSWORD);

  /** The documented defaults this class relies on (docs/CONFIGURATION.md). */
  static final long HEALTH_TIMEOUT_MS = 1_000;
  static final long RATE_LIMIT_TIMEOUT_MS = 1_000;
  static final long BREAKER_RESET_MS = 5_000;
  static final long PROBE_INTERVAL_MS = 10_000;
  /**
   * Every HTTP request is bounded by the client: the health route promises an answer within health.timeoutMs
   * (plus, behind the README's guard, its limiter's wait of up to twice rateLimit.timeoutMs). 10 s on top covers
   * HTTP and a loaded 2-core machine; a request that hangs fails the test instead of the test hanging.
   */
  static final long REQUEST_BOUND_MS = HEALTH_TIMEOUT_MS + 2 * RATE_LIMIT_TIMEOUT_MS + 10_000;

  private final List<Runnable> cleanup = new ArrayList<>();
  private final List<String> bodies = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    System.clearProperty("rediskit.endpoints");
    System.clearProperty("rediskit.metrics.path");
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).run();
    }
    for (String body : bodies) {
      assertThat(body).doesNotContain(PASSWORD).doesNotContain(TOKEN);
    }
  }

  record App(Vertx vertx, RedisKit kit, WebClient client) {
  }

  /**
   * Vert.x with Micrometer and Prometheus (docs/METRICS.md), RedisKit from the system property alone, and the
   * README's routes: {@code RedisKitRoutes.create(kit.health(), kit.options().getMetrics()).guard(...).mount(router)}.
   */
  private App start(String endpoint, boolean readmeGuard, Consumer<Router> more) {
    Vertx vertx = Vertx.vertx(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
      .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)).setEnabled(true)));
    cleanup.add(() -> await(vertx.close()));
    System.setProperty("rediskit.endpoints", endpoint);
    RedisKit kit;
    try {
      kit = await(RedisKit.create(vertx, new RedisKitOptions()));
    } finally {
      System.clearProperty("rediskit.endpoints");
    }
    cleanup.add(() -> await(kit.close()));
    Router router = Router.router(vertx);
    RedisKitRoutes routes = RedisKitRoutes.create(kit.health(), kit.options().getMetrics());
    if (readmeGuard) {
      routes.guard(RateLimitHandler.create(kit.rateLimiter(), HttpRateLimitPolicy.perIp("health-per-ip", 10, Duration.ofSeconds(1))));
    }
    routes.mount(router);
    more.accept(router);
    HttpServer server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
      .setDefaultPort(server.actualPort()), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(250));
    cleanup.add(() -> {
      client.close();
      await(server.close());
    });
    return new App(vertx, kit, client);
  }

  private HttpResponse<Buffer> get(App app, String path) {
    HttpResponse<Buffer> r = await(app.client.get(path).timeout(REQUEST_BOUND_MS).send(), Duration.ofMillis(REQUEST_BOUND_MS + 5_000));
    bodies.add(r.bodyAsString() == null ? "" : r.bodyAsString());
    return r;
  }

  private String scrape(App app) {
    HttpResponse<Buffer> r = get(app, "/metrics");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsString();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Prometheus text and docs/METRICS.md, read as a user would

  record Sample(String name, Map<String, String> labels, String value) {
  }

  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  static List<Sample> samples(String scrape) {
    List<Sample> out = new ArrayList<>();
    for (String line : scrape.lines().toList()) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      assertThat(m.find()).as("a Prometheus sample line: %s", line).isTrue();
      Map<String, String> labels = new TreeMap<>();
      if (m.group(2) != null) {
        Matcher l = LABEL.matcher(m.group(2));
        while (l.find()) {
          labels.put(l.group(1), l.group(2));
        }
      }
      out.add(new Sample(m.group(1), labels, m.group(3)));
    }
    return out;
  }

  static List<Sample> rediskit(String scrape) {
    return samples(scrape).stream().filter(s -> s.name.startsWith("rediskit_")).toList();
  }

  static Double value(String scrape, String name, String label, String labelValue) {
    return rediskit(scrape).stream().filter(s -> s.name.equals(name) && labelValue.equals(s.labels.get(label)))
      .map(s -> Double.parseDouble(s.value)).findFirst().orElse(null);
  }

  /** A documented meter: its section, its tags and its Prometheus series. */
  record DocMeter(String section, String meter, Set<String> tags, Set<String> series) {
  }

  static List<DocMeter> documentedMeters() throws IOException {
    List<DocMeter> out = new ArrayList<>();
    String section = null;
    for (String line : Files.readAllLines(Path.of("docs/METRICS.md"), StandardCharsets.UTF_8)) {
      if (line.startsWith("### ")) {
        section = line.substring(4).trim();
      } else if (section != null && line.startsWith("| `rediskit.")) {
        String[] cells = line.split("\\|");
        out.add(new DocMeter(section, strip(cells[1]), ticks(cells[3]), ticks(cells[4])));
      }
    }
    return out;
  }

  /** The values of the Tags table's enumerated tags. */
  static Map<String, Set<String>> documentedTagValues() throws IOException {
    Map<String, Set<String>> out = new HashMap<>();
    boolean inTags = false;
    for (String line : Files.readAllLines(Path.of("docs/METRICS.md"), StandardCharsets.UTF_8)) {
      if (line.startsWith("## Tags")) {
        inTags = true;
      } else if (inTags && line.startsWith("| `")) {
        String[] cells = line.split("\\|");
        out.put(strip(cells[1]), ticks(cells[2]));
      }
    }
    return out;
  }

  private static String strip(String cell) {
    return cell.trim().replace("`", "");
  }

  private static Set<String> ticks(String cell) {
    Set<String> out = new TreeSet<>();
    Matcher m = Pattern.compile("`([^`]+)`").matcher(cell);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // 1, 2, 4: the defaults, the documented fields, the README's mount

  @Test
  void theReadmesMountWithTheDefaultsAnswersUpWithTheDocumentedFieldsAndNoSecret(RedisServer server) {
    App app = start(server.uri(null, PASSWORD), true, r -> { });
    HttpResponse<Buffer> up = get(app, "/health/redis");
    assertThat(up.statusCode()).as(up.bodyAsString()).isEqualTo(200);
    assertThat(up.getHeader("Cache-Control")).isEqualTo("no-store");
    assertThat(up.getHeader("Content-Type")).startsWith("application/json");
    JsonObject body = up.bodyAsJsonObject();
    assertThat(body.fieldNames()).containsExactlyInAnyOrder("id", "status", "data", "outcome");
    JsonObject data = body.getJsonObject("data");
    SoftAssertions soft = new SoftAssertions();
    // docs/HEALTH.md's UP example, field by field: the documented shape is what is served, nothing more or less.
    soft.assertThat(data.fieldNames()).as("data").containsExactlyInAnyOrder("degraded", "reasons", "pingMs", "slowPingMs",
      "type", "endpoints", "server", "memory", "clients", "replication", "gateway", "elapsedMs");
    soft.assertThat(data.getJsonObject("server").fieldNames()).as("server")
      .containsExactlyInAnyOrder("version", "mode", "role", "uptimeSeconds");
    soft.assertThat(data.getJsonObject("memory").fieldNames()).as("memory").containsExactlyInAnyOrder("usedBytes", "maxBytes");
    soft.assertThat(data.getJsonObject("clients").fieldNames()).as("clients").containsExactly("connected");
    soft.assertThat(data.getJsonObject("replication").fieldNames()).as("replication").containsExactly("connectedReplicas");
    soft.assertThat(data.getJsonObject("gateway").fieldNames()).as("gateway").containsExactlyInAnyOrder("connection",
      "breaker", "breakerFailures", "pending", "maxPending", "poolSize", "reconnects", "lastError");
    soft.assertThat(data.getInteger("slowPingMs")).as("health.slowPingMs default").isEqualTo(100);
    soft.assertThat(data.getString("type")).isEqualTo("STANDALONE");
    soft.assertThat(data.getJsonArray("endpoints")).containsExactly("redis://:***@127.0.0.1:" + server.port());
    soft.assertAll();

    HttpResponse<Buffer> all = get(app, "/health");
    assertThat(all.statusCode()).isEqualTo(200);
    assertThat(all.getHeader("Cache-Control")).isEqualTo("no-store");
    JsonArray checks = all.bodyAsJsonObject().getJsonArray("checks");
    assertThat(checks).hasSize(1);
    assertThat(checks.getJsonObject(0).getString("id")).isEqualTo("redis");

    HttpResponse<Buffer> metrics = get(app, "/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.getHeader("Content-Type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
  }

  @Test
  void aBurstOf200GetsTheDocumentedLimitAndHeadersWithAndWithoutTheReadmesGuard(RedisServer server) {
    for (boolean guarded : new boolean[] {false, true}) {
      App app = start(server.uri(null, PASSWORD), guarded, r -> { });
      long infoBefore = infoCalls(server);
      long t0 = System.nanoTime();
      List<Future<HttpResponse<Buffer>>> burst = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        burst.add(app.client.get(i % 2 == 0 ? "/health/redis" : "/health").timeout(REQUEST_BOUND_MS).send());
      }
      await(Future.join(burst), Duration.ofMillis(REQUEST_BOUND_MS + 5_000));
      long t1 = System.nanoTime();
      // The limit counts per whole second of nanoTime: the windows the burst touched bound what may pass.
      long windows = t1 / 1_000_000_000L - t0 / 1_000_000_000L + 1;
      Map<Integer, Integer> byStatus = new TreeMap<>();
      Map<String, Integer> refusedBy = new TreeMap<>();
      for (Future<HttpResponse<Buffer>> f : burst) {
        assertThat(f.succeeded()).as("every request of the burst is answered: %s", f.cause()).isTrue();
        HttpResponse<Buffer> r = f.result();
        bodies.add(r.bodyAsString() == null ? "" : r.bodyAsString());
        byStatus.merge(r.statusCode(), 1, Integer::sum);
        if (r.statusCode() == 429) {
          // The routes' own limit names the policy "health", the README's guard its own "health-per-ip".
          boolean own = r.bodyAsJsonObject().getString("detail", "").contains("health.maxRequestsPerSecond");
          refusedBy.merge(own ? "health.maxRequestsPerSecond" : "guard", 1, Integer::sum);
          assertThat(r.getHeader("Retry-After")).as("Retry-After").isNotNull();
          assertThat(r.getHeader("Content-Type")).startsWith("application/problem+json");
          assertThat(r.bodyAsJsonObject().getJsonArray("violated-policies")).containsExactly(own ? "health" : "health-per-ip");
          // docs/HEALTH.md: "429 ... Cache-Control: no-store"; the guard's too (RFC 6585: a 429 is never stored).
          assertThat(r.getHeader("Cache-Control")).isEqualTo("no-store");
          if (own) {
            assertThat(r.getHeader("Retry-After")).isEqualTo("1");
          }
        }
      }
      System.out.printf("burst of 200, guard %s: %s over %d one-second window(s); refused by %s%n", guarded, byStatus, windows,
        refusedBy);
      assertThat(byStatus.keySet()).as("statuses").isSubsetOf(200, 429);
      int passed = byStatus.getOrDefault(200, 0);
      long max = guarded ? 10 : 100;
      assertThat(passed).as("passed, at most %d per window", max).isLessThanOrEqualTo((int) (max * windows));
      assertThat(byStatus.getOrDefault(429, 0)).as("refused").isPositive();
      // A refused request never reaches Redis (+ 1: the INFO reading infoBefore; + probes that may have run meanwhile).
      assertThat(infoCalls(server) - infoBefore).isLessThanOrEqualTo(passed + 1 + windows);
      cleanupNow();
    }
  }

  private void cleanupNow() {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).run();
    }
    cleanup.clear();
  }

  private static long infoCalls(RedisServer server) {
    String line = server.info("commandstats").get("cmdstat_info");
    return line == null ? 0 : Long.parseLong(line.replaceAll(".*calls=(\\d+).*", "$1"));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // 2: Redis dies, stalls, and comes back

  @Test
  void aKilledRedisIsDownOnTheRoutesAndTheGaugesAndBothComeBack(RedisServer server) {
    App app = start(server.uri(null, PASSWORD), true, r -> { });
    assertThat(get(app, "/health/redis").statusCode()).isEqualTo(200);
    // The probe runs at once on bind: the gauge is 1 before anyone calls the route.
    Await.until(() -> Double.valueOf(1).equals(value(scrape(app), "rediskit_redis_up", "gateway", "default")),
      Duration.ofSeconds(20), "rediskit_redis_up to be 1");

    server.kill();
    // Connection refused, then the breaker opens: DOWN at once either way. 20 s covers a loaded machine.
    HttpResponse<Buffer> down = Await.value(() -> get(app, "/health/redis"), r -> r.statusCode() == 503,
      Duration.ofSeconds(20), "/health/redis to answer 503 after the kill");
    JsonObject body = down.bodyAsJsonObject();
    assertThat(body.getString("status")).isEqualTo("DOWN");
    assertThat(body.getString("outcome")).isEqualTo("DOWN");
    // Every failed PING reads "PING: <why>", a refused connection as a timeout does.
    assertThat(body.getJsonObject("data").getJsonArray("reasons").getString(0)).as(body.encode()).startsWith("PING: ");
    assertThat(down.getHeader("Cache-Control")).isEqualTo("no-store");
    assertThat(get(app, "/health").statusCode()).isEqualTo(503);
    // docs/HEALTH.md: the breaker shows OPEN "within about a second" without traffic; the gauges follow the
    // probe (every 10 s). Three probe intervals are generous on a loaded 2-core machine.
    Await.until(() -> {
      String s = scrape(app);
      return Double.valueOf(0).equals(value(s, "rediskit_redis_up", "gateway", "default"))
        && Double.valueOf(2).equals(value(s, "rediskit_breaker_state", "gateway", "default"));
    }, Duration.ofMillis(3 * PROBE_INTERVAL_MS), "rediskit_redis_up 0 and rediskit_breaker_state 2 after the kill");
    String whileDown = scrape(app);
    assertThat(value(whileDown, "rediskit_redis_ping_seconds", "gateway", "default")).isNaN();

    server.restart();
    // Back within breakerResetTimeoutMs (the half-open trial); the gauge within a probe interval more.
    Await.until(() -> get(app, "/health/redis").statusCode() == 200, Duration.ofMillis(BREAKER_RESET_MS + 20_000),
      "/health/redis to answer 200 after the restart");
    Await.until(() -> {
      String s = scrape(app);
      return Double.valueOf(1).equals(value(s, "rediskit_redis_up", "gateway", "default"))
        && Double.valueOf(0).equals(value(s, "rediskit_breaker_state", "gateway", "default"));
    }, Duration.ofMillis(BREAKER_RESET_MS + 3 * PROBE_INTERVAL_MS), "rediskit_redis_up 1 and the breaker closed again");
  }

  @Test
  void aStalledRedisIsDownWithinTheDocumentedBoundDegradedWhenSlowAndUpAgain(Vertx vertx, RedisServer server) {
    try (FaultProxy proxy = FaultProxy.start(vertx, server)) {
      App app = start("redis://:" + PASSWORD + "@127.0.0.1:" + proxy.port(), true, r -> { });
      assertThat(get(app, "/health/redis").statusCode()).isEqualTo(200);

      proxy.blackhole();
      long t0 = System.nanoTime();
      HttpResponse<Buffer> down = get(app, "/health/redis");
      long ms = (System.nanoTime() - t0) / 1_000_000;
      System.out.println("blackholed, README guard: " + down.statusCode() + " after " + ms + " ms: " + down.bodyAsString());
      assertThat(down.statusCode()).isEqualTo(503);
      JsonObject data = down.bodyAsJsonObject().getJsonObject("data");
      assertThat(data.getJsonArray("reasons")).contains("PING: no reply within 1000 ms (health.timeoutMs)");
      assertThat(data.getJsonArray("warnings")).contains("INFO unavailable: no reply within 1000 ms (health.timeoutMs)");
      // The procedure itself keeps to health.timeoutMs (its own elapsedMs; 2 s of slack for a loaded machine).
      assertThat(data.getLong("elapsedMs")).isLessThan(HEALTH_TIMEOUT_MS + 2_000);

      // Slow but answering: above health.slowPingMs (100) and below health.timeoutMs, UP and degraded.
      proxy.delay(Duration.ofMillis(150));
      HttpResponse<Buffer> slow = Await.value(() -> get(app, "/health/redis"),
        r -> r.statusCode() == 200 && r.bodyAsJsonObject().getJsonObject("data").getBoolean("degraded"),
        Duration.ofSeconds(30), "/health/redis to be UP and degraded behind a 150 ms delay");
      JsonArray reasons = slow.bodyAsJsonObject().getJsonObject("data").getJsonArray("reasons");
      assertThat(reasons.stream().map(String::valueOf)).anyMatch(r -> r.startsWith("PING took ")
        && r.endsWith(" ms (health.slowPingMs is 100)"));
      Await.until(() -> Double.valueOf(1).equals(value(scrape(app), "rediskit_redis_degraded", "gateway", "default")),
        Duration.ofMillis(3 * PROBE_INTERVAL_MS), "rediskit_redis_degraded to be 1");

      proxy.pass();
      Await.until(() -> {
        HttpResponse<Buffer> r = get(app, "/health/redis");
        return r.statusCode() == 200 && !r.bodyAsJsonObject().getJsonObject("data").getBoolean("degraded");
      }, Duration.ofSeconds(30), "/health/redis to be UP and not degraded once the proxy passes again");
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // 3, 4: the meters after traffic, their tags, secrets, cardinality

  private static void traffic(RedisKit kit, String prefix) {
    CacheNamespace<Object> users = kit.cache().namespace("users");
    await(users.set(prefix + "1", new JsonObject().put("name", "Ada")));
    await(users.get(prefix + "1"));
    await(users.get(prefix + "missing"));
    await(users.getOrLoad(prefix + "2", () -> Future.succeededFuture("loaded"), LoadOptions.ttl(Duration.ofMinutes(1))));
    await(kit.cache().flush("users"));
    for (int i = 0; i < 3; i++) {
      await(kit.rateLimiter().check(prefix + "login:alice", 1, Duration.ofMinutes(1)));
    }
    await(kit.rateLimiter().verifyAndLimit(TOKEN, "10.1.2.3", "/api/orders"));
  }

  @Test
  void theScrapeShowsTheDocumentedMetersWithTheDocumentedTagsAndNoSecret(RedisServer server) throws IOException {
    App app = start(server.uri(null, PASSWORD), false, r -> { });
    traffic(app.kit, "k");
    // Namespace meters appear at the next check, every 5 s; 30 s is generous.
    String scrape = Await.value(() -> scrape(app), s -> s.contains("rediskit_cache_requests_total{namespace=\"users\""),
      Duration.ofSeconds(30), "the cache meters of namespace users");
    List<Sample> served = rediskit(scrape);
    Set<String> servedNames = served.stream().map(Sample::name).collect(Collectors.toCollection(TreeSet::new));

    List<DocMeter> doc = documentedMeters();
    Map<String, Set<String>> tagsBySeries = new HashMap<>();
    doc.forEach(m -> m.series.forEach(s -> tagsBySeries.put(s, m.tags)));
    // What a default RedisKit binds: gateway, health, cache (no near cache by default) and rate limiting.
    Set<String> expected = doc.stream()
      .filter(m -> m.section.startsWith("Redis commands") || m.section.equals("Redis health")
        || (m.section.equals("Cache") && !m.meter.startsWith("rediskit.cache.near.")) || m.section.equals("Rate limiting"))
      .flatMap(m -> m.series.stream()).collect(Collectors.toCollection(TreeSet::new));
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(servedNames).as("documented series missing from the scrape").containsAll(expected);
    soft.assertThat(servedNames).as("served series the docs do not list").isSubsetOf(tagsBySeries.keySet());
    Map<String, Set<String>> tagValues = documentedTagValues();
    Set<String> enumerated = Set.of("outcome", "kind", "state", "result", "cause");
    for (Sample s : served) {
      Set<String> labels = new TreeSet<>(s.labels.keySet());
      labels.remove("le");
      soft.assertThat(labels).as("labels of %s", s.name).isEqualTo(tagsBySeries.getOrDefault(s.name, Set.of()));
      for (Map.Entry<String, String> l : s.labels.entrySet()) {
        if (enumerated.contains(l.getKey())) {
          soft.assertThat(tagValues.get(l.getKey())).as("documented values of tag %s (%s)", l.getKey(), s.name)
            .contains(l.getValue());
        }
      }
      soft.assertThat(s.labels.getOrDefault("gateway", "default")).isEqualTo("default");
    }
    soft.assertThat(scrape).doesNotContain(PASSWORD).doesNotContain(TOKEN).doesNotContain("10.1.2.3").doesNotContain("alice");
    soft.assertAll();
  }

  @Test
  void hostileKeysTokensIpsAndPathsGrowNoSeriesNamespacesDo(RedisServer server) {
    App app = start(server.uri(null, PASSWORD), false, router -> { });
    traffic(app.kit, "warm");
    // The HTTP handler as the README mounts it, per IP and per token, on a route of the application's own.
    Router router = Router.router(app.vertx);
    router.route("/api/*").handler(RateLimitHandler.create(app.kit.rateLimiter(),
      HttpRateLimitPolicy.perIp("per-ip", 100_000, Duration.ofMinutes(1)),
      HttpRateLimitPolicy.perToken("per-token", 100_000, Duration.ofMinutes(1)),
      HttpRateLimitPolicy.perRoute("per-route", 100_000, Duration.ofMinutes(1))));
    router.route("/api/*").handler(ctx -> ctx.response().end("ok"));
    HttpServer apiServer = await(app.vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    cleanup.add(() -> await(apiServer.close()));
    Await.until(() -> scrape(app).contains("rediskit_cache_requests_total{namespace=\"users\""), Duration.ofSeconds(30),
      "the cache meters of namespace users");
    Map<String, Integer> before = seriesCounts(scrape(app));

    int n = 1_000;
    CacheNamespace<Object> users = app.kit.cache().namespace("users");
    List<Future<?>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(users.set("hostile-key-" + i, i));
      all.add(users.get("hostile-key-" + i));
      all.add(app.kit.rateLimiter().check("hostile-limit-" + i, 5, Duration.ofMinutes(1)));
      all.add(app.kit.rateLimiter().verifyAndLimit(TOKEN + i, "10.9." + (i / 250) + "." + (i % 250), "/hostile/endpoint/" + i));
    }
    await(Future.join(new ArrayList<>(all)), Duration.ofSeconds(60));
    WebClient apiClient = WebClient.create(app.vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
      .setDefaultPort(apiServer.actualPort()));
    cleanup.add(apiClient::close);
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      calls.add(apiClient.get("/api/hostile/path/" + i).putHeader("Authorization", "Bearer " + TOKEN + i)
        .putHeader("X-Forwarded-For", "10.8.0." + (i % 250)).timeout(REQUEST_BOUND_MS).send());
    }
    await(Future.join(new ArrayList<>(calls)), Duration.ofSeconds(60));
    String afterKeys = scrape(app);
    Map<String, Integer> grown = growth(before, seriesCounts(afterKeys));
    System.out.println("series growth after " + n + " hostile keys, tokens, IPs, endpoints and paths: " + grown);
    assertThat(afterKeys).doesNotContain("hostile").doesNotContain(TOKEN).doesNotContain("10.9.").doesNotContain("10.8.");
    // New outcome values may add a series or two; nothing may grow with the number of keys.
    assertThat(grown.values().stream().mapToInt(Integer::intValue).sum()).as("series grown: %s", grown).isLessThan(20);

    // Namespaces are documented to keep their series (CACHING.md: "a user id as a namespace would make one series per
    // user"): measured here, not a defect.
    int namespaces = 100;
    for (int i = 0; i < namespaces; i++) {
      await(app.kit.cache().namespace("hostile-ns-" + i).get("k"));
    }
    String afterNamespaces = Await.value(() -> scrape(app), s -> s.contains("namespace=\"hostile-ns-" + (namespaces - 1) + "\""),
      Duration.ofSeconds(30), "the meters of the last namespace");
    Map<String, Integer> nsGrowth = growth(seriesCounts(afterKeys), seriesCounts(afterNamespaces));
    int total = nsGrowth.values().stream().mapToInt(Integer::intValue).sum();
    System.out.println("series growth after " + namespaces + " namespaces: " + total + " " + nsGrowth);
    assertThat(total).isGreaterThanOrEqualTo(namespaces);
  }

  private static Map<String, Integer> seriesCounts(String scrape) {
    Map<String, Integer> out = new TreeMap<>();
    for (Sample s : samples(scrape)) {
      out.merge(s.name, 1, Integer::sum);
    }
    return out;
  }

  private static Map<String, Integer> growth(Map<String, Integer> before, Map<String, Integer> after) {
    Map<String, Integer> out = new LinkedHashMap<>();
    after.forEach((k, v) -> {
      int d = v - before.getOrDefault(k, 0);
      if (d != 0) {
        out.put(k, d);
      }
    });
    return out;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // 4: the documented paths

  @Test
  void theMetricsPathSettingMovesTheScrapeOfTheReadmesMount(RedisServer server) {
    // Set as an operator would, with its system property; the README's mount passes the metrics options.
    System.setProperty("rediskit.metrics.path", "/ops/metrics");
    App app = start(server.uri(null, PASSWORD), false, r -> { });
    assertThat(app.kit.options().getMetrics().getPath()).isEqualTo("/ops/metrics");
    assertThat(get(app, "/ops/metrics").statusCode()).as("GET /ops/metrics with metrics.path=/ops/metrics").isEqualTo(200);
    assertThat(get(app, "/metrics").statusCode()).isEqualTo(404);
    // Given the health check alone, the routes know only its options: the scrape stays at /metrics
    // (RedisKitRoutes.create's Javadoc and the README say so).
    Router bare = RedisKitRoutes.create(app.kit.health()).mount(Router.router(app.vertx));
    assertThat(bare.getRoutes().stream().map(r -> r.getPath()).toList()).contains("/metrics").doesNotContain("/ops/metrics");
  }
}
