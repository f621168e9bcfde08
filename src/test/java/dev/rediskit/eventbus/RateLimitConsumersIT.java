package dev.rediskit.eventbus;

import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.RedisKitOptions;
import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.ratelimit.Decision;
import dev.rediskit.ratelimit.Decision.Source;
import dev.rediskit.ratelimit.EndpointLimits;
import dev.rediskit.ratelimit.Limit;
import dev.rediskit.ratelimit.RateLimitOptions;
import dev.rediskit.ratelimit.RateLimitOptions.FailurePolicy;
import dev.rediskit.ratelimit.RateLimiter;
import dev.rediskit.test.Futures;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The {@code ratelimit.*} addresses: the contract of DESIGN.md, through raw JSON (every bad input,
 * with its code and message, and that none reaches Redis) and through the typed client.
 */
@IntegrationTest
class RateLimitConsumersIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  static final String PREFIX = "test.";

  static ServedLimiter served;
  static Vertx vertx;

  @BeforeAll
  static void start() {
    // No default limits: an endpoint without limits of its own is refused (BurstDefaultsIT covers the defaults).
    served = ServedLimiter.start(redis.server(), "eventbus", PREFIX, new RateLimitOptions().setTimeoutMs(5_000)
      .setDefaultIpLimit(null).setDefaultTokenLimit(null)
      .putEndpointLimits("/login", new EndpointLimits(Limit.parse("5/1h"), Limit.parse("2/1h"), null))
      .putServiceLimit("mailer", Limit.parse("3/1h")));
    vertx = served.vertx();
  }

  @AfterAll
  static void stop() {
    served.close();
  }

  static <T> T await(Future<T> f) {
    return Futures.join(f);
  }

  static ReplyException failure(String address, Object body) {
    return served.failure(address, body);
  }

  static long scriptCalls() {
    return ServedLimiter.scriptCalls(redis.server());
  }

  static JsonObject check() {
    return new JsonObject().put("key", "k").put("limit", 5).put("windowMs", 1000);
  }

  static Stream<Arguments> badChecks() {
    return Stream.of(
      arguments(check().putNull("key"), "key: is required"),
      arguments(new JsonObject().put("limit", 5).put("windowMs", 1000), "key: is required"),
      arguments(check().put("key", 42), "key: must be a string, was a number"),
      arguments(check().put("key", ""), "key: must not be empty"),
      arguments(check().put("key", "x".repeat(1025)), "key: must be at most 1024 characters, was 1025"),
      arguments(check().putNull("limit"), "limit: is required"),
      arguments(new JsonObject().put("key", "k").put("windowMs", 1000), "limit: is required"),
      arguments(check().put("limit", 0), "limit: must be > 0, was 0"),
      arguments(check().put("limit", -3), "limit: must be > 0, was -3"),
      arguments(check().put("limit", "5"), "limit: must be a number, was a string"),
      arguments(check().put("limit", 2.5), "limit: must be a whole number, was 2.5"),
      arguments(check().put("limit", 2_000_000_000L), "limit: must be between 1 and 1000000000, was 2000000000"),
      arguments(check().put("windowMs", null), "windowMs: is required"),
      arguments(check().put("windowMs", 0), "windowMs: must be > 0, was 0"),
      arguments(check().put("windowMs", -1000), "windowMs: must be > 0, was -1000"),
      arguments(check().put("windowMs", true), "windowMs: must be a number, was a boolean"),
      arguments(check().put("windowMs", 40_000_000_000L), "windowMs: must be at most 31622400000 (366 days), was 40000000000"),
      arguments(check().put("cost", 0), "cost: must be > 0, was 0"),
      arguments(check().put("cost", 6), "cost: must be <= limit (5), was 6"),
      arguments(check().put("cost", "1"), "cost: must be a number, was a string"),
      arguments(check().put("failOnUnavailable", "yes"), "failOnUnavailable: must be a boolean, was a string"),
      arguments(check().put("windowMS", 1000),
        "windowMS: unknown field (expected cost, failOnUnavailable, key, limit, maxWaitMs, windowMs)"),
      arguments(check().put("limit", 2000).put("windowMs", 1),
        "limit: must be at most one per microsecond of the window (1000 for 1 ms), was 2000"));
  }

  static JsonObject verify() {
    return new JsonObject().put("token", "t").put("ip", "192.0.2.1").put("endpoint", "/login");
  }

  static Stream<Arguments> badVerifies() {
    return Stream.of(
      arguments(verify().putNull("endpoint"), "endpoint: is required"),
      arguments(verify().put("endpoint", ""), "endpoint: must not be empty"),
      arguments(verify().put("endpoint", 7), "endpoint: must be a string, was a number"),
      arguments(verify().put("endpoint", "e".repeat(257)), "endpoint: must be at most 256 characters, was 257"),
      arguments(verify().put("token", 12), "token: must be a string, was a number"),
      arguments(verify().put("token", ""), "token: must not be empty"),
      arguments(verify().put("ip", "example.org"), "ip: must be an IPv4 or IPv6 address, was \"example.org\""),
      arguments(verify().put("ip", "300.1.1.1"), "ip: must be an IPv4 or IPv6 address, was \"300.1.1.1\""),
      arguments(verify().put("ip", new JsonArray()), "ip: must be a string, was an array"),
      arguments(verify().put("windowMs", 0), "windowMs: must be > 0, was 0"),
      arguments(verify().put("windowMs", "60000"), "windowMs: must be a number, was a string"),
      arguments(verify().put("endpoint", "/unconfigured"), "endpoint: no rate limit applies to \"/unconfigured\" (none configured)"),
      arguments(verify().put("extra", 1), "extra: unknown field (expected endpoint, failOnUnavailable, ip, token, windowMs)"));
  }

  static Stream<Arguments> badServiceCalls() {
    return Stream.of(
      arguments(new JsonObject(), "service: is required"),
      arguments(new JsonObject().put("service", 5), "service: must be a string, was a number"),
      arguments(new JsonObject().put("service", ""), "service: must not be empty"),
      arguments(new JsonObject().put("service", "s".repeat(257)), "service: must be at most 256 characters, was 257"),
      arguments(new JsonObject().put("service", "unknown"), "service: no limit configured for service \"unknown\""),
      arguments(new JsonObject().put("service", "mailer").put("failOnUnavailable", 1),
        "failOnUnavailable: must be a boolean, was a number"),
      // A caller cannot bring a looser limit of its own for a configured service.
      arguments(new JsonObject().put("service", "mailer").put("limit", 1000),
        "limit: unknown field (expected failOnUnavailable, service)"));
  }

  static Stream<Arguments> badRequests() {
    return Stream.of(
      badChecks().map(a -> arguments(Addresses.RATELIMIT_CHECK, a.get()[0], a.get()[1])),
      badVerifies().map(a -> arguments(Addresses.RATELIMIT_VERIFY, a.get()[0], a.get()[1])),
      badServiceCalls().map(a -> arguments(Addresses.RATELIMIT_SERVICE, a.get()[0], a.get()[1]))).flatMap(x -> x);
  }

  @ParameterizedTest(name = "{0}: {2}")
  @MethodSource("badRequests")
  void badRequestsGet400NamingTheFieldAndNeverReachRedis(String address, JsonObject body, String message) throws Exception {
    long before = scriptCalls();
    ReplyException e = failure(address, body);
    assertThat(e.failureCode()).isEqualTo(400);
    assertThat(e.getMessage()).isEqualTo(message);
    assertThat(scriptCalls()).isEqualTo(before);
  }

  @Test
  void aServiceLimitIsSharedByEventBusCallersAndTheJavaApi() throws Exception {
    RateLimitClient client = RateLimitClient.create(vertx, PREFIX);
    Decision first = await(client.serviceLimit("mailer"));
    assertThat(first.allowed()).isTrue();
    assertThat(first.limit()).isEqualTo(3);
    assertThat(first.remaining()).isEqualTo(2);
    assertThat(first.policy()).isEqualTo("service:mailer");
    assertThat(first.source()).isEqualTo(Source.REDIS);
    JsonObject raw = await(vertx.eventBus().<JsonObject>request(PREFIX + Addresses.RATELIMIT_SERVICE,
      new JsonObject().put("service", "mailer"))).body();
    assertThat(raw.getBoolean("allowed")).isTrue();
    assertThat(raw.getLong("remaining")).isEqualTo(1);
    assertThat(await(served.limiter().serviceLimit("mailer")).remaining()).isZero();
    Decision rejected = await(client.serviceLimit("mailer"));
    assertThat(rejected.allowed()).isFalse();
    assertThat(rejected.retryAfterMs()).isPositive();
    assertThatThrownBy(() -> await(client.serviceLimit("billing")))
      .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
        assertThat(e.field()).isEqualTo("service");
        assertThat(e.getMessage()).isEqualTo("service: no limit configured for service \"billing\"");
      });
  }

  @Test
  void aBodyThatIsNotAnObjectGets400() throws Exception {
    ReplyException e = failure(Addresses.RATELIMIT_CHECK, "key=k");
    assertThat(e.failureCode()).isEqualTo(400);
    assertThat(e.getMessage()).isEqualTo("body: must be a JSON object, was String");
  }

  @Test
  void checkRepliesWithTheDecision() throws Exception {
    JsonObject reply = await(vertx.eventBus().<JsonObject>request(PREFIX + Addresses.RATELIMIT_CHECK,
      new JsonObject().put("key", "raw").put("limit", 3).put("windowMs", 60_000).put("cost", 2))).body();
    assertThat(reply.getBoolean("allowed")).isTrue();
    assertThat(reply.getLong("limit")).isEqualTo(3);
    assertThat(reply.getLong("remaining")).isEqualTo(1);
    assertThat(reply.getLong("resetMs")).isBetween(39_000L, 40_000L);
    assertThat(reply.getLong("retryAfterMs")).isBetween(19_000L, 20_000L);
    assertThat(reply.getString("source")).isEqualTo("REDIS");
  }

  @Test
  void theTypedClientRoundTrips() throws Exception {
    RateLimitClient client = RateLimitClient.create(vertx, PREFIX);
    Decision first = await(client.check("typed", 1, Duration.ofHours(1)));
    assertThat(first.allowed()).isTrue();
    Decision second = await(client.check("typed", 1, Duration.ofHours(1)));
    assertThat(second.allowed()).isFalse();
    assertThat(second.retryAfterMs()).isPositive();

    Decision v = await(client.verifyAndLimit("tok", "192.0.2.9", "/login"));
    assertThat(v.allowed()).isTrue();
    assertThat(v.policy()).isEqualTo("ip");
    assertThat(v.limits()).extracting(Decision::policy).containsExactly("token", "ip");
    await(client.verifyAndLimit("tok", "192.0.2.9", "/login"));
    Decision rejected = await(client.verifyAndLimit("tok", "192.0.2.9", "/login"));
    assertThat(rejected.allowed()).isFalse();
    assertThat(rejected.policy()).isEqualTo("ip");

    assertThatThrownBy(() -> await(client.check("typed", 0, Duration.ofHours(1))))
      .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
        assertThat(e.field()).isEqualTo("limit");
        assertThat(e.getMessage()).isEqualTo("limit: must be > 0, was 0");
      });
  }

  @Test
  void failClosedAnswers503OnlyToCallersAskingForErrors() throws Exception {
    int deadPort;
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort();
    }
    Vertx other = Vertx.vertx();
    RedisGateway dead = RedisGateway.create(other, new RedisKitOptions().setEndpoint("redis://127.0.0.1:" + deadPort)
      .setConnectTimeoutMs(500));
    try {
      RateLimiter closed = RateLimiter.create(other, dead, "closed", new RateLimitOptions()
        .setFailurePolicy(FailurePolicy.FAIL_CLOSED).setTimeoutMs(300));
      RateLimitConsumers c = await(RateLimitConsumers.register(other, closed, "dead."));
      RateLimitClient client = RateLimitClient.create(other, "dead.");
      Decision d = await(client.check("x", 5, Duration.ofSeconds(1)));
      assertThat(d.allowed()).isFalse();
      assertThat(d.source()).isEqualTo(Source.FALLBACK);
      assertThatThrownBy(() -> await(client.failOnUnavailable(true).check("x", 5, Duration.ofSeconds(1))))
        .isInstanceOf(RedisUnavailableException.class);
      Throwable raw = other.eventBus().request("dead." + Addresses.RATELIMIT_VERIFY, new JsonObject()
          .put("endpoint", "/any").put("failOnUnavailable", true))
        .toCompletionStage().toCompletableFuture().handle((r, err) -> err).join();
      // No limit configured for /any: validation comes first, Redis being down or not.
      assertThat(((ReplyException) raw).failureCode()).isEqualTo(400);
      await(c.unregister());
    } finally {
      await(dead.close());
      await(other.close());
    }
  }

  @Test
  void unregisterRemovesEveryConsumer() throws Exception {
    RateLimitConsumers extra = await(RateLimitConsumers.register(vertx, served.limiter(), "gone."));
    assertThat(extra.addresses()).containsExactly("gone.ratelimit.check", "gone.ratelimit.check.batch", "gone.ratelimit.verify",
      "gone.ratelimit.service", "gone.ratelimit.stats", "gone.ratelimit.acquire", "gone.ratelimit.release", "gone.ratelimit.renew");
    await(extra.unregister());
    assertThatThrownBy(() -> await(RateLimitClient.create(vertx, "gone.").check("k", 1, Duration.ofSeconds(1))))
      .isInstanceOf(RedisUnavailableException.class).hasMessageContaining("no consumer");
  }
}
