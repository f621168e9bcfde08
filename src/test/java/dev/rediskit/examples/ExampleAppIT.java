package dev.rediskit.examples;

import dev.rediskit.test.Await;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServers;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.rediskit.examples.RunningExample.PATIENCE;
import static dev.rediskit.examples.RunningExample.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example application end to end, started in-process on a free port against a Redis of its own,
 * called over real HTTP: the behaviours of the walkthrough and some it does not show (a token counted
 * on a cached read, the health guard's 429, every health request answered while Redis is dead).
 * {@link ExampleWalkthroughIT} runs the walkthrough of examples/README.md itself, as written.
 *
 * <p>No fixed sleeps: every wait is a bounded poll. The bounds are generous (tens of seconds)
 * because the build machine may be busy; a passing run takes a few seconds.
 */
@IntegrationTest
class ExampleAppIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  private RunningExample example;

  @BeforeEach
  void start() {
    example = RunningExample.start(redis.uri());
  }

  @AfterEach
  void stop() {
    if (example != null) {
      example.close();
    }
  }

  @Test
  void everyStepOfTheWalkthrough() throws Exception {
    // 1. First read: a miss, loaded from the slow database (a 300 ms timer, which never fires early).
    HttpResponse<Buffer> first = get("/api/users/1");
    assertThat(first.statusCode()).isEqualTo(200);
    JsonObject body = first.bodyAsJsonObject();
    assertThat(body.getString("source")).isEqualTo("database");
    assertThat(first.getHeader("X-Cache")).isEqualTo("MISS");
    assertThat(body.getDouble("tookMs")).isGreaterThanOrEqualTo((double) UserDatabase.LATENCY_MS);
    assertThat(body.getJsonObject("user").getString("name")).isEqualTo("Ada Lovelace");
    assertThat(first.getHeader("RateLimit-Policy")).isEqualTo("\"per-ip\";q=5;w=10, \"per-token\";q=20;w=60");
    assertThat(first.getHeader("RateLimit")).startsWith("\"per-ip\";r=4;");

    // 2. Second read, with an API key: a hit, well under the database's latency (a local Redis GET
    //    takes about a millisecond; the bound only says "not the database"). The token is counted too.
    HttpResponse<Buffer> second = await(example.client().get(example.app().port(), "127.0.0.1", "/api/users/1")
      .putHeader("X-API-Key", "demo-key-123").send());
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.bodyAsJsonObject().getString("source")).isEqualTo("cache");
    assertThat(second.getHeader("X-Cache")).isEqualTo("HIT");
    assertThat(second.bodyAsJsonObject().getDouble("tookMs")).isLessThan((double) UserDatabase.LATENCY_MS);
    assertThat(second.getHeader("RateLimit")).contains("\"per-token\";r=19;");

    // 3. An invalid PUT: 400 problem+json naming the field.
    HttpResponse<Buffer> invalid = put("/api/users/1", new JsonObject().put("name", "Ada King"));
    assertThat(invalid.statusCode()).isEqualTo(400);
    assertThat(invalid.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(invalid.bodyAsJsonObject().getString("field")).isEqualTo("email");
    assertThat(invalid.bodyAsJsonObject().getInteger("status")).isEqualTo(400);

    // 4. A valid PUT writes the database and invalidates the cached entry...
    HttpResponse<Buffer> updated = put("/api/users/1",
      new JsonObject().put("name", "Ada King").put("email", "ada@example.org"));
    assertThat(updated.statusCode()).isEqualTo(200);
    assertThat(updated.bodyAsJsonObject().getLong("invalidated")).isEqualTo(1L);

    // 5. ...so the next read goes to the database again and sees the new profile.
    HttpResponse<Buffer> reloaded = get("/api/users/1");
    assertThat(reloaded.statusCode()).isEqualTo(200);
    assertThat(reloaded.bodyAsJsonObject().getString("source")).isEqualTo("database");
    assertThat(reloaded.getHeader("X-Cache")).isEqualTo("MISS");
    assertThat(reloaded.bodyAsJsonObject().getJsonObject("user").getString("name")).isEqualTo("Ada King");

    // 6. Five requests per 10 s per IP: the burst is spent by now, at the latest within a few more
    //    (one unit comes back every 2 s; the bound only guards against a hang).
    HttpResponse<Buffer> rejected = null;
    for (int i = 0; i < 20 && rejected == null; i++) {
      HttpResponse<Buffer> r = get("/api/users/2");
      if (r.statusCode() == 429) {
        rejected = r;
      }
    }
    assertThat(rejected).as("a 429 within 20 requests").isNotNull();
    assertThat(rejected.getHeader("RateLimit-Policy")).contains("\"per-ip\";q=5;w=10");
    assertThat(rejected.getHeader("RateLimit")).startsWith("\"per-ip\";r=0;");
    assertThat(Integer.parseInt(rejected.getHeader("Retry-After"))).isBetween(1, 10);
    assertThat(rejected.getHeader("Content-Type")).isEqualTo("application/problem+json");
    JsonObject problem = rejected.bodyAsJsonObject();
    assertThat(problem.getInteger("status")).isEqualTo(429);
    assertThat(problem.getString("type")).endsWith("#quota-exceeded");
    assertThat(problem.getJsonArray("violated-policies").getList()).containsExactly("per-ip");

    // 7. The report verticle, which reaches Redis only over the event bus: its rate-limited job has
    //    run and cached a summary, and it has cached the update of step 4.
    JsonObject report = Await.value(() -> await(example.vertx().eventBus().<JsonObject>request(ReportVerticle.STATS, null)).body(),
      r -> r.getJsonObject("job").getLong("runs") >= 1 && r.getJsonObject("cached").getValue("summary") != null
        && r.getJsonObject("cached").getValue("last-update") != null,
      PATIENCE, "the report job's first run and the cached update");
    assertThat(report.getJsonObject("cached").getJsonObject("last-update").getString("id")).isEqualTo("1");

    // 8. Health: 200 UP with the Redis data.
    HttpResponse<Buffer> health = get("/health/redis");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.bodyAsJsonObject().getString("status")).isEqualTo("UP");
    assertThat(health.bodyAsJsonObject().getJsonObject("data").getJsonObject("server").getString("role")).isEqualTo("master");
    assertThat(health.getHeader("RateLimit-Policy")).isEqualTo("\"health-per-ip\";q=10;w=1");
    assertThat(get("/health").statusCode()).isEqualTo(200);

    // 9. Metrics: the Prometheus scrape holds the module's meters, the users namespace's hits among
    //    them (a namespace first used after start-up gets its meters at the next check, every 5 s).
    HttpResponse<Buffer> metrics = Await.value(() -> get("/metrics"),
      r -> r.statusCode() == 200 && r.bodyAsString().contains("rediskit_cache_requests_total{namespace=\"users\""),
      PATIENCE, "the users namespace's meters in the scrape");
    assertThat(metrics.getHeader("Content-Type")).startsWith("text/plain");
    assertThat(metrics.bodyAsString())
      .contains("rediskit_cache_requests_total{namespace=\"users\",result=\"hit\"}")
      .contains("rediskit_commands_seconds_count{")
      .contains("rediskit_ratelimit_decisions_total{");

    // 10. The health routes are rate-limited too (10 per second per IP): a quick series gets a 429...
    boolean healthLimited = false;
    for (int i = 0; i < 100 && !healthLimited; i++) {
      healthLimited = get("/health/redis").statusCode() == 429;
    }
    assertThat(healthLimited).as("a 429 from /health/redis within 100 quick requests").isTrue();
    // ...and lets requests through again once units come back (one every 100 ms).
    Await.until(() -> get("/health/redis").statusCode() == 200, PATIENCE, "/health/redis answering 200 again");

    // 11. Redis dies: /health/redis answers 503 DOWN within the health timeout, because the guard's
    //     limiter fails open when it cannot reach Redis.
    redis.server().kill();
    HttpResponse<Buffer> down = Await.value(() -> get("/health/redis"), r -> r.statusCode() == 503, PATIENCE,
      "/health/redis answering 503 once Redis is killed");
    assertThat(down.bodyAsJsonObject().getString("status")).isEqualTo("DOWN");
    // Far more than 10 requests in a second: none is rejected, all get the DOWN answer out.
    for (int i = 0; i < 25; i++) {
      HttpResponse<Buffer> r = get("/health/redis");
      assertThat(r.statusCode()).as("request %d after Redis died", i).isEqualTo(503);
      assertThat(r.bodyAsJsonObject().getString("status")).isEqualTo("DOWN");
    }
    assertThat(get("/health").statusCode()).isEqualTo(503);
  }

  private HttpResponse<Buffer> get(String path) throws Exception {
    return await(example.client().get(example.app().port(), "127.0.0.1", path).send());
  }

  private HttpResponse<Buffer> put(String path, JsonObject body) throws Exception {
    return await(example.client().put(example.app().port(), "127.0.0.1", path).sendJsonObject(body));
  }
}
