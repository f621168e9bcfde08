package dev.rediskit.eventbus;

import dev.rediskit.RedisKitVerticle;
import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.ratelimit.Decision;
import dev.rediskit.ratelimit.EndpointLimits;
import dev.rediskit.ratelimit.Limit;
import dev.rediskit.ratelimit.LimitChange;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServers;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static dev.rediskit.test.Futures.await;
import static dev.rediskit.test.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RateLimitClient#setLimits} and {@link RateLimitClient#limits()} against a real Redis,
 * through {@link RedisKitVerticle}: one deployment with {@code rateLimit.adminAddresses} on (and
 * SLIDING_WINDOW, whose limit * window bound lets the limiter refuse a change this side cannot
 * judge), one without it, in the same Vert.x instance.
 */
@IntegrationTest
class RateLimitClientAdminIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  private static Vertx vertx;
  private static RateLimitClient admin;
  private static RateLimitClient plain;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    JsonObject withAdmin = new JsonObject().put("endpoints", redis.server().uri()).put("addressPrefix", "admin.")
      .put("keyPrefix", "admin").put("connectTimeoutMs", 10_000).put("commandTimeoutMs", 10_000)
      .put("rateLimit", new JsonObject().put("adminAddresses", true).put("algorithm", "SLIDING_WINDOW")
        .put("endpointLimits", new JsonObject().put("/login", new JsonObject().put("token", "1000/1m"))));
    JsonObject without = new JsonObject().put("endpoints", redis.server().uri()).put("addressPrefix", "plain.")
      .put("keyPrefix", "plain").put("connectTimeoutMs", 10_000).put("commandTimeoutMs", 10_000);
    await(vertx.deployVerticle(RedisKitVerticle.class, new DeploymentOptions().setConfig(withAdmin)));
    await(vertx.deployVerticle(RedisKitVerticle.class, new DeploymentOptions().setConfig(without)));
    admin = RateLimitClient.create(vertx, "admin.");
    plain = RateLimitClient.create(vertx, "plain.");
  }

  @AfterAll
  static void stop() {
    if (vertx != null) {
      await(vertx.close());
    }
  }

  @Test
  void aChangeSetThroughTheClientIsReadBackAndEnforced() {
    String token = "tok-" + System.nanoTime();
    // The configured /login token limit (1000/1m) lets ten calls through easily.
    for (int i = 0; i < 10; i++) {
      assertThat(await(admin.verifyAndLimit(token, null, "/login")).allowed()).isTrue();
    }
    long version = await(admin.setLimits(new LimitChange()
      .setEndpoint("/login", new EndpointLimits(Limit.parse("3/1m"), null, null))
      .setService("mailer", Limit.parse("50/1s"))
      .setPlan("pro", Limit.parse("5000/1m"))));
    assertThat(version).isPositive();

    LimitsReport report = await(admin.limits());
    System.out.println("typed admin: limits() after setLimits: version " + report.version() + ", stored "
      + report.stored().toJson().encode() + ", status " + report.status().encode());
    assertThat(report.version()).isEqualTo(version);
    assertThat(report.stored().endpoints()).containsEntry("/login", new EndpointLimits(Limit.parse("3/1m"), null, null));
    assertThat(report.stored().services()).containsEntry("mailer", Limit.parse("50/1s"));
    assertThat(report.stored().plans()).containsEntry("pro", Limit.parse("5000/1m"));
    assertThat(report.status().getLong("version")).isEqualTo(version);
    assertThat(report.status().getJsonObject("effective").getJsonObject("services").getString("mailer")).isEqualTo("50/1s");

    // The limiter applies its own change at once: the same token has used more than the new 3/1m.
    Decision d = await(admin.verifyAndLimit(token, null, "/login"));
    assertThat(d.allowed()).as("the stored /login limit is enforced: %s", d).isFalse();

    // A removal goes through the client too, and the version moves on.
    long next = await(admin.setLimits(new LimitChange().removeService("mailer")));
    assertThat(next).isGreaterThan(version);
    // limits() reads Redis for each request: the removal shows at once.
    assertThat(await(admin.limits()).stored().services()).doesNotContainKey("mailer");
  }

  @Test
  void aRefusedChangeIsAnInvalidRequestNamingEveryProblemAndChangesNothing() {
    await(admin.setLimits(new LimitChange().setPlan("kept", Limit.parse("7/1m"))));
    LimitsReport before = await(admin.limits());
    // Both exceed SLIDING_WINDOW's limit * windowMs bound (2^51); only the limiter knows its algorithm.
    LimitChange bad = new LimitChange()
      .setPlan("ok", Limit.parse("5/1m"))
      .setService("huge", Limit.parse("100000000/1d"))
      .setPlan("kept", Limit.parse("200000000/1d"));
    Throwable refused = failure(admin.setLimits(bad));
    System.out.println("typed admin: refused change: " + refused);
    assertThat(refused).isInstanceOf(InvalidRequestException.class)
      .hasMessageStartingWith("change: refused, nothing applied: ")
      .hasMessageContaining("services.huge: ").hasMessageContaining("plans.kept: ")
      .hasMessageContaining("SLIDING_WINDOW");
    assertThat(((InvalidRequestException) refused).field()).isEqualTo("change");

    LimitsReport after = await(admin.limits());
    assertThat(after.version()).as("nothing was written").isEqualTo(before.version());
    assertThat(after.stored().plans()).containsEntry("kept", Limit.parse("7/1m")).doesNotContainKey("ok");
    assertThat(after.stored().services()).doesNotContainKey("huge");
    assertThat(after.status().getJsonObject("changes").getLong("refused")).isGreaterThanOrEqualTo(1L);
  }

  @Test
  void withoutAdminAddressesBothCallsFailAsUnavailableNamingTheSetting() {
    // The deployment answers its ordinary addresses, so the failures below are the admin addresses' absence.
    assertThat(await(plain.check("k-" + System.nanoTime(), 10, Duration.ofMinutes(1))).allowed()).isTrue();
    Throwable set = failure(plain.setLimits(new LimitChange().setPlan("pro", Limit.parse("1000000/1s"))));
    assertThat(set).isInstanceOf(RedisUnavailableException.class)
      .hasMessageContaining("plain.ratelimit.limits.set").hasMessageContaining("rateLimit.adminAddresses");
    assertThat(((RedisUnavailableException) set).code()).isEqualTo(503);
    assertThat(failure(plain.limits())).isInstanceOf(RedisUnavailableException.class)
      .hasMessageContaining("plain.ratelimit.limits.get");
    // Nothing was stored for that limiter.
    assertThat((java.util.List<?>) redis.server().command("KEYS", "plain:rl:l:*")).isEmpty();
  }
}
