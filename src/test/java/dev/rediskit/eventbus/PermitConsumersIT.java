package dev.rediskit.eventbus;

import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.ratelimit.Decision;
import dev.rediskit.ratelimit.Decision.Source;
import dev.rediskit.ratelimit.Permit;
import dev.rediskit.ratelimit.RateLimitOptions;
import dev.rediskit.ratelimit.RateLimitStats;
import dev.rediskit.ratelimit.RateLimitStats.Outcome;
import dev.rediskit.test.Futures;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServers;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** {@code ratelimit.acquire}, {@code ratelimit.release}, {@code ratelimit.renew} and {@code ratelimit.stats}. */
@IntegrationTest
class PermitConsumersIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  static final String PREFIX = "permits.";

  static ServedLimiter served;
  static RateLimitClient client;

  @BeforeAll
  static void start() {
    served = ServedLimiter.start(redis.server(), "permits", PREFIX, new RateLimitOptions().setTimeoutMs(5_000));
    client = RateLimitClient.create(served.vertx(), PREFIX);
  }

  @AfterAll
  static void stop() {
    served.close();
  }

  static <T> T await(Future<T> f) {
    return Futures.join(f);
  }

  static long scriptCalls() {
    return ServedLimiter.scriptCalls(redis.server());
  }

  @Test
  void aPermitTakenThroughTheBusIsRenewedAndReleasedThroughIt() throws Exception {
    Permit a = await(client.acquire("bus-key", 2, Duration.ofSeconds(30)));
    Permit b = await(client.acquire("bus-key", 2, Duration.ofSeconds(30)));
    Permit c = await(client.acquire("bus-key", 2, Duration.ofSeconds(30)));
    assertThat(a.acquired()).isTrue();
    assertThat(a.id()).isNotBlank();
    assertThat(a.source()).isEqualTo(Source.REDIS);
    assertThat(b.held()).isEqualTo(2);
    assertThat(b.available()).isZero();
    assertThat(c.acquired()).isFalse();
    assertThat(c.id()).isNull();
    assertThat(c.retryAfterMs()).isBetween(1L, 30_000L);
    assertThat(await(c.release())).isFalse();
    assertThat(await(a.renew(Duration.ofMinutes(2)))).isTrue();
    Future<Boolean> once = a.release();
    assertThat(a.release()).isSameAs(once);
    assertThat(await(once)).isTrue();
    assertThat(await(a.renew())).isFalse();
    assertThat(await(b.release())).isTrue();
    assertThat((Long) redis.server().command("EXISTS", "rediskit:rl:c:bus-key")).isZero();
  }

  static Stream<Arguments> badRequests() {
    JsonObject acquire = new JsonObject().put("key", "k").put("maxConcurrent", 2).put("leaseTtlMs", 1000);
    JsonObject release = new JsonObject().put("key", "k").put("permitId", "abc.1");
    return Stream.of(
      arguments(Addresses.RATELIMIT_ACQUIRE, acquire.copy().put("maxConcurrent", 0), "maxConcurrent: must be between 1 and 1000000, was 0"),
      arguments(Addresses.RATELIMIT_ACQUIRE, acquire.copy().put("maxConcurrent", "2"), "maxConcurrent: must be a number, was a string"),
      arguments(Addresses.RATELIMIT_ACQUIRE, acquire.copy().put("leaseTtlMs", 0), "leaseTtlMs: must be between 1 and 86400000 (1 day), was 0"),
      arguments(Addresses.RATELIMIT_ACQUIRE, without(acquire, "leaseTtlMs"), "leaseTtlMs: is required"),
      arguments(Addresses.RATELIMIT_ACQUIRE, acquire.copy().put("max", 3),
        "max: unknown field (expected key, leaseTtlMs, maxConcurrent)"),
      arguments(Addresses.RATELIMIT_RELEASE, without(release, "permitId"), "permitId: is required"),
      arguments(Addresses.RATELIMIT_RELEASE, release.copy().put("permitId", "a b"),
        "permitId: must hold only letters, digits, '.', '_' and '-', was \"a b\""),
      arguments(Addresses.RATELIMIT_RENEW, release.copy(), "leaseTtlMs: is required"),
      arguments(Addresses.RATELIMIT_STATS, new JsonObject().put("limiter", "x"), "limiter: unknown field (the address takes no fields)"));
  }

  private static JsonObject without(JsonObject o, String field) {
    JsonObject copy = o.copy();
    copy.remove(field);
    return copy;
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("badRequests")
  void badRequestsGet400NamingTheFieldAndNeverReachRedis(String address, JsonObject body, String message) throws Exception {
    long before = scriptCalls();
    ReplyException t = served.failure(address, body);
    assertThat(t.failureCode()).isEqualTo(400);
    assertThat(t.getMessage()).isEqualTo(message);
    assertThat(scriptCalls()).isEqualTo(before);
  }

  @Test
  void theTypedClientTurns400IntoInvalidRequestException() {
    assertThatThrownBy(() -> await(client.acquire("k", -1, Duration.ofSeconds(1))))
      .isInstanceOf(InvalidRequestException.class).hasMessageStartingWith("maxConcurrent:");
  }

  @Test
  void statsCountDecisionsByOutcomeAndBySource() throws Exception {
    RateLimitStats before = await(client.stats());
    for (int i = 0; i < 3; i++) {
      await(client.check("stats-key", 2, Duration.ofHours(1)));
    }
    RateLimitStats after = await(client.stats());
    assertThat(after.limiter()).isEqualTo("permits");
    assertThat(after.decisions(Outcome.ALLOWED) - before.decisions(Outcome.ALLOWED)).isEqualTo(2);
    assertThat(after.decisions(Outcome.REJECTED) - before.decisions(Outcome.REJECTED)).isEqualTo(1);
    // The third call: Redis rejected it (the deny cache knew nothing yet); a fourth is the deny cache's.
    assertThat(after.decisions(Source.REDIS) - before.decisions(Source.REDIS)).isEqualTo(3);
    await(client.check("stats-key", 2, Duration.ofHours(1)));
    RateLimitStats last = await(client.stats());
    assertThat(last.decisions(Source.DENY_CACHE) - after.decisions(Source.DENY_CACHE)).isEqualTo(1);
    assertThat(last.denyCacheHits() - after.denyCacheHits()).isEqualTo(1);
    assertThat(last.toJson().getJsonObject("bySource").fieldNames())
      .containsExactlyInAnyOrder("redis", "denyCache", "fallback", "overloaded");
    assertThat(last.toJson().getJsonObject("permits")).isNotNull();
    // The snapshot says what the limiter says, on the node that owns it.
    assertThat(last.decisions(Outcome.ALLOWED)).isEqualTo(served.limiter().stats().decisions(Outcome.ALLOWED));
  }

  @Test
  void aCheckThroughTheBusWaitsForItsBookedSlot() throws Exception {
    // One unit every 1 s, burst 1: the second call's slot is about 1 s away.
    assertThat(await(client.check("bus-wait", 1, Duration.ofSeconds(1), Duration.ofSeconds(3))).waitedMs()).isZero();
    long start = System.nanoTime();
    Decision waited = await(client.check("bus-wait", 1, Duration.ofSeconds(1), Duration.ofSeconds(3)));
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertThat(waited.allowed()).isTrue();
    assertThat(waited.waitedMs()).isBetween(1L, 1_000L);
    assertThat(tookMs).isGreaterThanOrEqualTo(waited.waitedMs());
    ReplyException e = (ReplyException) served.vertx().eventBus().request(PREFIX + Addresses.RATELIMIT_CHECK,
        new JsonObject().put("key", "k").put("limit", 1).put("windowMs", 1000).put("maxWaitMs", -5))
      .toCompletionStage().toCompletableFuture().handle((r, err) -> err).join();
    assertThat(e.failureCode()).isEqualTo(400);
    assertThat(e.getMessage()).isEqualTo("maxWaitMs: must be between 0 and 3600000 (1 hour), was -5");
  }
}
