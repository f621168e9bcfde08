package dev.rediskit.eventbus;

import dev.rediskit.eventbus.impl.Consumers;
import dev.rediskit.health.RedisHealthCheck;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;

/**
 * Serves the Redis health procedure on the event bus at {@code <prefix>health.redis}
 * ({@link Addresses#HEALTH_REDIS}), for verticles (on this node or others of a clustered Vert.x)
 * that want Redis' health without HTTP.
 *
 * <p>Request body: {@code {}}. Reply: the JSON of {@link RedisHealthCheck#checkAsJson()},
 * {@code {"id": "redis", "status": "UP"|"DOWN", "data": {...}, "outcome": ...}}. A DOWN Redis is a
 * normal reply with {@code status: "DOWN"}, not a failure: the question was answered. The reply
 * comes within the procedure's timeout, so a requester's default 30 s event-bus timeout is never
 * what ends the wait. {@link HealthClient#redis()} sends the request and reads the reply as a
 * {@link dev.rediskit.health.RedisHealth}.
 */
public final class HealthConsumer {

  private HealthConsumer() {
  }

  /**
   * Registers the consumer.
   *
   * @param eventBus the event bus
   * @param check the procedure to run for each request
   * @param addressPrefix the configured address prefix ({@link dev.rediskit.RedisKitOptions#getAddressPrefix()}), may be empty
   * @return the consumer: {@code completion()} tells when it is registered (cluster-wide),
   * {@code unregister()} removes it
   */
  public static MessageConsumer<Object> register(EventBus eventBus, RedisHealthCheck check, String addressPrefix) {
    return Consumers.register(eventBus, Addresses.of(addressPrefix, Addresses.HEALTH_REDIS),
      Consumers.onlyDeclaredFields(Addresses.HEALTH_REDIS, body -> check.checkAsJson()));
  }
}
