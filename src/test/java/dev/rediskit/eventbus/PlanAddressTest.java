package dev.rediskit.eventbus;

import dev.rediskit.error.RedisKitException;
import dev.rediskit.ratelimit.PlanResolver;
import dev.rediskit.ratelimit.RateLimitOptions;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static dev.rediskit.test.Futures.await;
import static dev.rediskit.test.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link PlanAddress} without Redis: a stand-in consumer answers with a plan, none, a reply outside
 * the contract, a failure, nothing at all, or is not there. The limiter's use of it, against a real
 * Redis and a deployed {@code RedisKitVerticle}, is {@code PlanAddressIT}'s.
 */
class PlanAddressTest {

  private static final String ADDRESS = "app.plans.lookup";

  private Vertx vertx;
  private final List<Object> sent = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  private PlanResolver serving(Consumer<Message<Object>> answer) {
    await(vertx.eventBus().consumer(ADDRESS, m -> {
      sent.add(m.body());
      answer.accept(m);
    }).completion());
    return configured(1_000);
  }

  private PlanResolver configured(long timeoutMs) {
    return PlanAddress.resolver(vertx.eventBus(), "app.", new RateLimitOptions().setPlanAddress("plans.lookup")
      .setTimeoutMs(timeoutMs));
  }

  private static RedisKitException failed(PlanResolver resolver) {
    Throwable t = failure(resolver.plan("tok-secret"));
    assertThat(t).isInstanceOf(RedisKitException.class);
    assertThat(t.getMessage()).doesNotContain("tok-secret");
    return (RedisKitException) t;
  }

  @Test
  void sendsTheTokenToThePrefixedAddressAndReadsThePlan() {
    PlanResolver r = serving(m -> m.reply(new JsonObject().put("plan", "pro")));
    assertThat(await(r.plan("tok-1"))).isEqualTo("pro");
    assertThat(sent).containsExactly(new JsonObject().put("token", "tok-1"));
    assertThat(new JsonObject().put("token", "x").fieldNames()).containsExactlyElementsOf(PlanAddress.REQUEST_FIELDS);
  }

  @Test
  void anEmptyReplyOrANullPlanIsNoPlan() {
    PlanResolver r = serving(m -> m.reply(((JsonObject) m.body()).getString("token").equals("a")
      ? new JsonObject() : new JsonObject().putNull("plan")));
    assertThat(await(r.plan("a"))).isNull();
    assertThat(await(r.plan("b"))).isNull();
  }

  @Test
  void noAddressConfiguredIsNoResolver() {
    assertThat(PlanAddress.resolver(vertx.eventBus(), "app.", new RateLimitOptions())).isNull();
  }

  @Test
  void aReplyOutsideTheContractFailsNamingTheAddressAndTheProblem() {
    List<Object> replies = List.of(new JsonObject().put("plan", 42), new JsonObject().put("plan", "pro").put("tier", 2),
      new JsonObject().put("plan", ""), "pro", new JsonArray().add("pro"));
    List<String> expected = List.of(
      "the plan address app.plans.lookup answered with a plan that is a number, not a string",
      "the plan address app.plans.lookup answered with the field \"tier\"",
      "the plan address app.plans.lookup answered with a plan that is not a plan name: plan: must not be empty",
      "the plan address app.plans.lookup answered with a string, not a JSON object",
      "the plan address app.plans.lookup answered with an array, not a JSON object");
    int[] next = {0};
    PlanResolver r = serving(m -> m.reply(replies.get(next[0]++)));
    for (String e : expected) {
      RedisKitException f = failed(r);
      assertThat(f.code()).isEqualTo(502);
      assertThat(f.getMessage()).isEqualTo(e + " (the plan-address contract: reply {plan} with a string, or {} for no plan)");
    }
  }

  @Test
  void aFailureReplyFailsWithItsCodeAndMessage() {
    RedisKitException f = failed(serving(m -> m.fail(503, "accounts database down")));
    assertThat(f.code()).isEqualTo(502);
    assertThat(f.getMessage()).isEqualTo("the plan address app.plans.lookup answered with a failure: code 503: accounts database down");
    assertThat(f.getCause()).isInstanceOf(ReplyException.class);
  }

  @Test
  void noConsumerFailsSayingSo() {
    RedisKitException f = failed(configured(1_000));
    assertThat(f.code()).isEqualTo(501);
    assertThat(f.getMessage()).isEqualTo("no consumer at the plan address app.plans.lookup (rateLimit.planAddress): "
      + "is the verticle that answers it deployed?");
  }

  @Test
  void noReplyWithinTheTimeoutFailsNamingTheTimeout() {
    serving(m -> { });
    RedisKitException f = failed(configured(50));
    assertThat(f.code()).isEqualTo(504);
    assertThat(f.getMessage()).isEqualTo("the plan address app.plans.lookup did not answer within 50 ms (rateLimit.timeoutMs)");
  }

  @Test
  void theJavaFactoryChecksItsArgumentsAndNamesNoConfigurationKey() {
    assertThatThrownBy(() -> PlanAddress.resolver(vertx.eventBus(), "a b", Duration.ofSeconds(1)))
      .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("address: must not contain whitespace");
    assertThatThrownBy(() -> PlanAddress.resolver(vertx.eventBus(), "a", Duration.ZERO))
      .isInstanceOf(IllegalArgumentException.class).hasMessage("timeout: must be at least 1 ms, was PT0S");
    RedisKitException f = failed(PlanAddress.resolver(vertx.eventBus(), "nobody.home", Duration.ofSeconds(1)));
    assertThat(f.getMessage()).isEqualTo("no consumer at the plan address nobody.home: is the verticle that answers it deployed?");
  }
}
