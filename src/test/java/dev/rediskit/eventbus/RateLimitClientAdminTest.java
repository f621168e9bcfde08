package dev.rediskit.eventbus;

import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.ratelimit.EndpointLimits;
import dev.rediskit.ratelimit.InvalidLimitChangeException;
import dev.rediskit.ratelimit.Limit;
import dev.rediskit.ratelimit.LimitChange;
import dev.rediskit.test.Futures;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RateLimitClient#setLimits} and {@link RateLimitClient#limits()} without Redis: what they
 * send, what they refuse before sending, and how failures come back. The round trip against a real
 * limiter is {@code RateLimitClientAdminIT}'s.
 */
class RateLimitClientAdminTest {

  private Vertx vertx;
  private RateLimitClient client;
  private final List<JsonObject> sent = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    client = RateLimitClient.create(vertx, "admin.");
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private void serve(String address, java.util.function.Function<JsonObject, Future<JsonObject>> handler) throws Exception {
    vertx.eventBus().<JsonObject>consumer("admin." + address, m -> {
      sent.add(m.body());
      handler.apply(m.body()).onComplete(ar -> {
        if (ar.succeeded()) {
          m.reply(ar.result());
        } else {
          m.reply(FailureCodes.toReply(ar.cause()));
        }
      });
    }).completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void setLimitsSendsTheChangesJsonAndReturnsTheVersion() throws Exception {
    serve(Addresses.RATELIMIT_LIMITS_SET, body -> Future.succeededFuture(new JsonObject().put("version", 42L)));
    LimitChange change = new LimitChange().setPlan("pro", Limit.parse("5000/1m")).removeService("mailer")
      .setEndpoint("/login", new EndpointLimits(Limit.parse("5/1m"), null, null));
    assertThat(Futures.await(client.setLimits(change))).isEqualTo(42L);
    assertThat(sent).containsExactly(change.toJson());
  }

  @Test
  void aNullOrUnreadableChangeIsRefusedBeforeAnythingIsSent() throws Exception {
    serve(Addresses.RATELIMIT_LIMITS_SET, body -> Future.succeededFuture(new JsonObject().put("version", 1L)));
    Throwable none = Futures.failure(client.setLimits(null));
    assertThat(none).isInstanceOf(InvalidLimitChangeException.class).hasMessageContaining("change: is required");
    assertThat(((InvalidRequestException) none).field()).isEqualTo("change");

    // Its toJson() would carry only the readable entry: sent, that would be applied in part.
    LimitChange partlyUnreadable = new LimitChange(new JsonObject()
      .put("services", new JsonObject().put("mailer", "50/1s").put("search", "many")));
    Throwable unreadable = Futures.failure(client.setLimits(partlyUnreadable));
    assertThat(unreadable).isInstanceOf(InvalidLimitChangeException.class);
    assertThat(((InvalidLimitChangeException) unreadable).problems()).singleElement().asString().startsWith("services.search.");

    assertThat(Futures.failure(client.setLimits(new LimitChange()))).isInstanceOf(InvalidLimitChangeException.class)
      .hasMessageContaining("has no entry");
    assertThat(sent).isEmpty();
  }

  @Test
  void aChangeTheLimiterRefusesComesBackAsAnInvalidRequestOfFieldChange() throws Exception {
    serve(Addresses.RATELIMIT_LIMITS_SET, body -> Future.failedFuture(
      new InvalidLimitChangeException(List.of("plans.pro: 0/1m: limit: must be > 0", "services.x: too fast"))));
    Throwable refused = Futures.failure(client.setLimits(new LimitChange().setPlan("pro", Limit.parse("1/1m"))));
    assertThat(refused).isInstanceOf(InvalidRequestException.class)
      .hasMessage("change: refused, nothing applied: plans.pro: 0/1m: limit: must be > 0; services.x: too fast");
    assertThat(((InvalidRequestException) refused).field()).isEqualTo("change");
  }

  @Test
  void withoutTheAdminConsumersBothCallsFailSayingWhy() throws Exception {
    Throwable set = Futures.failure(client.setLimits(new LimitChange().setPlan("pro", Limit.parse("1/1m"))));
    assertThat(set).isInstanceOf(RedisUnavailableException.class)
      .hasMessageContaining("admin.ratelimit.limits.set").hasMessageContaining("rateLimit.adminAddresses");
    assertThat(Futures.failure(client.limits())).isInstanceOf(RedisUnavailableException.class)
      .hasMessageContaining("admin.ratelimit.limits.get").hasMessageContaining("rateLimit.adminAddresses");
  }

  @Test
  void limitsReadsTheStoredLimitsAndTheStatus() throws Exception {
    JsonObject stored = new JsonObject().put("version", 7L)
      .put("endpoints", new JsonObject().put("/login", new JsonObject().put("token", "5/1m")))
      .put("services", new JsonObject().put("mailer", "50/1s"))
      .put("plans", new JsonObject().put("pro", "5000/1m"));
    JsonObject status = new JsonObject().put("version", 7L).put("link", "CONFIRMED");
    serve(Addresses.RATELIMIT_LIMITS_GET, body -> Future.succeededFuture(new JsonObject().put("stored", stored).put("status", status)));
    LimitsReport report = Futures.await(client.limits());
    assertThat(sent).containsExactly(new JsonObject());
    assertThat(report.version()).isEqualTo(7L);
    assertThat(report.stored().endpoints()).containsEntry("/login", new EndpointLimits(Limit.parse("5/1m"), null, null));
    assertThat(report.stored().services()).containsEntry("mailer", Limit.parse("50/1s"));
    assertThat(report.stored().plans()).containsEntry("pro", Limit.parse("5000/1m"));
    assertThat(report.stored().problems(null)).isEmpty();
    assertThat(report.status()).isEqualTo(status);
  }
}
