package dev.rediskit.eventbus.impl;

import dev.rediskit.eventbus.Addresses;
import dev.rediskit.eventbus.FailureCodes;
import dev.rediskit.eventbus.HealthClient;
import dev.rediskit.health.RedisHealth;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

/** Sends {@code {}} to {@code health.redis} and reads the procedure's JSON back. */
public final class HealthClientImpl implements HealthClient {

  private final Vertx vertx;
  private final String address;
  private final DeliveryOptions options;

  /**
   * @param vertx the Vert.x instance
   * @param prefix the address prefix, may be {@code null} or empty
   * @param options delivery options (copied)
   */
  public HealthClientImpl(Vertx vertx, String prefix, DeliveryOptions options) {
    this.vertx = vertx;
    this.address = Addresses.of(prefix, Addresses.HEALTH_REDIS);
    this.options = new DeliveryOptions(options.toJson());
  }

  @Override
  public Future<RedisHealth> redis() {
    return vertx.eventBus().<JsonObject>request(address, new JsonObject(), options).transform(ar -> {
      if (ar.succeeded()) {
        // A DOWN Redis is a reply like any other: only a reply outside the contract fails here.
        return Future.succeededFuture(RedisHealth.fromJson(ar.result().body()));
      }
      // The usual hint names RedisKitVerticle only; the health consumer can also be registered alone.
      return Future.failedFuture(FailureCodes.fromReply(ar.cause(),
        "the health consumer must be deployed: RedisKitVerticle, or HealthConsumer.register with the same address prefix"));
    });
  }

  @Override
  public String address() {
    return address;
  }
}
