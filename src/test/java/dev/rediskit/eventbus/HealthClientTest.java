package dev.rediskit.eventbus;

import dev.rediskit.error.RedisTimeoutException;
import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.health.RedisHealth;
import dev.rediskit.test.Futures;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link HealthClient} without Redis: a stand-in consumer at {@code health.redis} answers UP, DOWN,
 * a failure code, nothing at all, or is not there. The round trip against a real procedure is
 * {@code HealthClientIT}'s.
 */
class HealthClientTest {

  private static final String PREFIX = "hc.";

  private Vertx vertx;
  private final List<Object> sent = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private void serve(Consumer<Message<Object>> answer) throws Exception {
    vertx.eventBus().consumer(PREFIX + Addresses.HEALTH_REDIS, m -> {
      sent.add(m.body());
      answer.accept(m);
    }).completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void sendsAnEmptyRequestToThePrefixedAddressAndReadsUp() throws Exception {
    serve(m -> m.reply(new JsonObject().put("id", "redis").put("status", "UP").put("outcome", "UP")
      .put("data", new JsonObject().put("degraded", false).put("reasons", new JsonArray()).put("pingMs", 0.3)
        .put("server", new JsonObject().put("version", "7.0.15")))));
    HealthClient client = HealthClient.create(vertx, PREFIX);
    assertThat(client.address()).isEqualTo("hc.health.redis");
    RedisHealth h = Futures.await(client.redis());
    assertThat(sent).containsExactly(new JsonObject());
    assertThat(h.up()).isTrue();
    assertThat(h.serverVersion()).isEqualTo("7.0.15");
    assertThat(h.pingMs()).isEqualTo(0.3);
  }

  @Test
  void aDownRedisIsASuccessfulAnswer() throws Exception {
    serve(m -> m.reply(new JsonObject().put("id", "redis").put("status", "DOWN").put("outcome", "DOWN")
      .put("data", new JsonObject().put("reasons", new JsonArray().add("PING: no reply within 500 ms (health.timeoutMs)")))));
    RedisHealth h = Futures.await(HealthClient.create(vertx, PREFIX).redis());
    assertThat(h.up()).isFalse();
    assertThat(h.status()).isEqualTo("DOWN");
    assertThat(h.reasons()).containsExactly("PING: no reply within 500 ms (health.timeoutMs)");
  }

  @Test
  void noConsumerIsUnavailableNamingTheAddressAndTheConsumer() throws Exception {
    Throwable t = Futures.failure(HealthClient.create(vertx, PREFIX).redis());
    assertThat(t).isInstanceOf(RedisUnavailableException.class)
      .hasMessageContaining("hc.health.redis").hasMessageContaining("RedisKitVerticle").hasMessageContaining("HealthConsumer");
    assertThat(((RedisUnavailableException) t).reason()).isEqualTo(RedisUnavailableException.Reason.DISCONNECTED);
  }

  @Test
  void noAnswerWithinTheSendTimeoutIsATimeout() throws Exception {
    serve(m -> { });  // never answers
    HealthClient impatient = HealthClient.create(vertx, PREFIX, new DeliveryOptions().setSendTimeout(100));
    assertThat(Futures.failure(impatient.redis())).isInstanceOf(RedisTimeoutException.class);
  }

  @Test
  void failureCodesMapAsForTheOtherClients() throws Exception {
    serve(m -> m.reply(FailureCodes.toReply(new RedisTimeoutException("PING timed out"))));
    assertThat(Futures.failure(HealthClient.create(vertx, PREFIX).redis()))
      .isInstanceOf(RedisTimeoutException.class).hasMessageContaining("PING timed out");
  }

  @Test
  void aReplyOutsideTheContractFailsNamingTheField() throws Exception {
    serve(m -> m.reply(new JsonObject().put("status", 1)));
    assertThat(Futures.failure(HealthClient.create(vertx, PREFIX).redis()))
      .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("status: ");
  }

  @Test
  void anEmptyOrNullPrefixMeansTheBareAddress() throws Exception {
    vertx.eventBus().consumer(Addresses.HEALTH_REDIS, m -> m.reply(new JsonObject().put("status", "UP")))
      .completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(HealthClient.create(vertx, null).address()).isEqualTo("health.redis");
    assertThat(Futures.await(HealthClient.create(vertx, "").redis()).up()).isTrue();
  }
}
