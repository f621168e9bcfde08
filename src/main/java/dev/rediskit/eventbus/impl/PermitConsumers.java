package dev.rediskit.eventbus.impl;

import dev.rediskit.eventbus.Addresses;
import dev.rediskit.eventbus.JsonRequest;
import dev.rediskit.ratelimit.RateLimiter;
import dev.rediskit.ratelimit.RequestChecks;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The concurrency-limit addresses: {@code ratelimit.acquire}, {@code ratelimit.release} and
 * {@code ratelimit.renew}. The caller keeps the permit id the acquire replied with and names it
 * with its key to release or renew; ids are unguessable, so one caller cannot release another's.
 */
final class PermitConsumers {

  private static final Set<String> ACQUIRE_FIELDS = Set.of("key", "maxConcurrent", "leaseTtlMs");
  private static final Set<String> RELEASE_FIELDS = Set.of("key", "permitId");
  private static final Set<String> RENEW_FIELDS = Set.of("key", "permitId", "leaseTtlMs");

  private PermitConsumers() {
  }

  static List<MessageConsumer<Object>> register(Vertx vertx, RateLimiter limiter, String prefix) {
    return List.of(
      Consumers.register(vertx.eventBus(), Addresses.of(prefix, Addresses.RATELIMIT_ACQUIRE), body -> acquire(limiter, body)),
      Consumers.register(vertx.eventBus(), Addresses.of(prefix, Addresses.RATELIMIT_RELEASE), body -> release(limiter, body)),
      Consumers.register(vertx.eventBus(), Addresses.of(prefix, Addresses.RATELIMIT_RENEW), body -> renew(limiter, body)));
  }

  static Future<JsonObject> acquire(RateLimiter limiter, JsonObject body) {
    RateLimitConsumersImpl.onlyKnownFields(body, ACQUIRE_FIELDS);
    String key = JsonRequest.requiredString(body, "key");
    RequestChecks.key("key", key);
    long max = JsonRequest.requiredLong(body, "maxConcurrent");
    RequestChecks.maxConcurrent("maxConcurrent", max);
    long leaseMs = JsonRequest.requiredLong(body, "leaseTtlMs");
    RequestChecks.leaseTtlMs("leaseTtlMs", leaseMs);
    return limiter.acquire(key, (int) max, Duration.ofMillis(leaseMs)).map(p -> p.toJson());
  }

  static Future<JsonObject> release(RateLimiter limiter, JsonObject body) {
    RateLimitConsumersImpl.onlyKnownFields(body, RELEASE_FIELDS);
    String key = JsonRequest.requiredString(body, "key");
    RequestChecks.key("key", key);
    String id = JsonRequest.requiredString(body, "permitId");
    RequestChecks.permitId("permitId", id);
    return limiter.release(key, id).map(live -> new JsonObject().put("released", live));
  }

  static Future<JsonObject> renew(RateLimiter limiter, JsonObject body) {
    RateLimitConsumersImpl.onlyKnownFields(body, RENEW_FIELDS);
    String key = JsonRequest.requiredString(body, "key");
    RequestChecks.key("key", key);
    String id = JsonRequest.requiredString(body, "permitId");
    RequestChecks.permitId("permitId", id);
    long leaseMs = JsonRequest.requiredLong(body, "leaseTtlMs");
    RequestChecks.leaseTtlMs("leaseTtlMs", leaseMs);
    return limiter.renew(key, id, Duration.ofMillis(leaseMs)).map(ok -> new JsonObject().put("renewed", ok));
  }
}
