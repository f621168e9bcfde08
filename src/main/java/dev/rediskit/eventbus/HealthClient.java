package dev.rediskit.eventbus;

import dev.rediskit.eventbus.impl.HealthClientImpl;
import dev.rediskit.health.RedisHealth;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

/**
 * A typed client of the {@code health.redis} address ({@link HealthConsumer}), for verticles (or
 * nodes of a clustered Vert.x) that want Redis' health without HTTP and without hand-written JSON.
 *
 * <p>A DOWN Redis is an answer, not a failure: the future succeeds with
 * {@link RedisHealth#up()} {@code false} and the reasons. The future fails only when the question
 * could not be asked: {@link dev.rediskit.error.RedisUnavailableException} naming the address when
 * nothing consumes it (deploy {@code RedisKitVerticle}, or register {@link HealthConsumer}, where the
 * gateway runs), {@link dev.rediskit.error.RedisTimeoutException} when no answer came within the send
 * timeout (the consumer answers within {@code health.timeoutMs}, so the event bus's default 30 s is
 * far above it), and the other mappings of {@link FailureCodes#fromReply(Throwable)}.
 *
 * <pre>{@code
 * HealthClient health = HealthClient.create(vertx, "");
 * health.redis().onSuccess(h -> log.info("redis " + h.status() + " " + h.reasons()));
 * }</pre>
 */
public interface HealthClient {

  /**
   * @param vertx the Vert.x instance
   * @param addressPrefix the prefix the consumer was registered with ({@code null} or empty for none)
   * @return the client, with default delivery options
   */
  static HealthClient create(Vertx vertx, String addressPrefix) {
    return create(vertx, addressPrefix, new DeliveryOptions());
  }

  /**
   * @param vertx the Vert.x instance
   * @param addressPrefix the prefix the consumer was registered with ({@code null} or empty for none)
   * @param options delivery options of every request (e.g. the send timeout; copied)
   * @return the client
   */
  static HealthClient create(Vertx vertx, String addressPrefix, DeliveryOptions options) {
    return new HealthClientImpl(vertx, addressPrefix, options);
  }

  /**
   * Runs the Redis health procedure where the consumer is, through {@code <prefix>health.redis}.
   *
   * @return the answer, UP or DOWN (with the procedure's data at FULL detail); failed only when no
   * answer came (see the class description)
   */
  Future<RedisHealth> redis();

  /** @return the full address this client sends to: {@code <prefix>health.redis} */
  String address();
}
