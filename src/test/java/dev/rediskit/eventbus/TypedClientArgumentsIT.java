package dev.rediskit.eventbus;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.cache.CacheResult;
import dev.rediskit.cache.LoadOptions;
import dev.rediskit.cache.NearCacheOptions;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.cache.WriteOptions;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.ratelimit.Permit;
import dev.rediskit.ratelimit.RateLimitOptions;
import dev.rediskit.test.Futures;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServers;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Arguments the typed clients cannot send (a {@code null} collection, a value that is not JSON, a
 * duration that does not fit in milliseconds) come back as a failed future with an
 * {@link InvalidRequestException} naming the field, never as an exception thrown at the caller,
 * with and without a near cache; nothing is written. A {@code null} key inside a collection is the
 * service's to refuse, as before.
 */
@IntegrationTest
class TypedClientArgumentsIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  static final String PREFIX = "args.";
  /** Longer than a long of milliseconds holds. */
  static final Duration HUGE = Duration.ofSeconds(Long.MAX_VALUE);

  Vertx vertx;
  RedisGateway gateway;
  CacheConsumers consumers;
  CacheClient client;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    gateway = Futures.join(RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(redis.uri()).setKeyPrefix("args")).ready());
    consumers = Futures.join(CacheConsumers.register(vertx.eventBus(), PREFIX, RedisCache.create(vertx, gateway)));
    client = CacheClient.create(vertx, PREFIX);
  }

  @AfterEach
  void stop() {
    Futures.join(consumers.unregister());
    Futures.join(gateway.close());
  }

  /** The cache's keys in Redis (the limiter's have another prefix). */
  static List<?> cacheKeys() {
    return (List<?>) redis.server().command("KEYS", "args:*");
  }

  /**
   * @param call the call, made here: an exception it throws fails the test
   * @param field the field the failure must name
   * @return the failure's message
   */
  static String refused(Supplier<Future<?>> call, String field) {
    Future<?> f = call.get();
    Throwable t = Futures.failure(f);
    assertThat(t).isInstanceOfSatisfying(InvalidRequestException.class, e -> {
      assertThat(e.field()).isEqualTo(field);
      assertThat(e.code()).isEqualTo(FailureCodes.INVALID_REQUEST);
    });
    return t.getMessage();
  }

  /** @return what {@code call} returned when made on an event loop, as a verticle makes it */
  Future<?> onEventLoop(Supplier<Future<?>> call) {
    Promise<Future<?>> issued = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> issued.complete(call.get()));
    return Futures.join(issued.future());
  }

  @Test
  void valuesThatAreNotJsonFailTheFutureNamingTheFieldAndTheClass() {
    assertThat(refused(() -> client.set("default", "k", new Object(), Duration.ofMinutes(1)), "value"))
      .startsWith("value: cannot be sent as JSON").contains("java.lang.Object");
    // Nested: found by the event bus's copy of the body, not by a walk of the value beforehand.
    assertThat(refused(() -> client.set("default", "k", new JsonObject().put("a", new JsonArray().add(new Object())), null), "value"))
      .startsWith("value: cannot be sent as JSON").contains("java.lang.Object");
    assertThat(refused(() -> client.setWith("default", "k", new StringBuilder[] {new StringBuilder()}, new WriteOptions()), "value"))
      .contains("[Ljava.lang.StringBuilder;");
    assertThat(refused(() -> client.setMany("default", Map.of("k", new Object()), Duration.ofMinutes(1)), "entries.k"))
      .startsWith("entries.k: cannot be sent as JSON").contains("java.lang.Object");
    Map<String, Object> oneBad = new LinkedHashMap<>();
    oneBad.put("good", "v");
    oneBad.put("bad", new JsonObject().put("x", new Object()));
    assertThat(refused(() -> client.setMany("default", oneBad, null), "entries.bad")).contains("java.lang.Object");
    assertThat(refused(() -> client.setManyWith("default", Map.of("k", new Object()), null), "entries.k")).contains("java.lang.Object");
    assertThat(refused(() -> client.setManyWith("default", oneBad, new WriteOptions()), "entries.bad")).contains("java.lang.Object");
    assertThat(refused(() -> client.getOrLoadResult("default", "k", new Object(), null), "args")).contains("java.lang.Object");
    assertThat(refused(() -> client.getOrLoadResult("default", "k", List.of(new Object()), null), "args")).contains("java.lang.Object");
    // Called on an event loop, as from a verticle: the same.
    refused(() -> onEventLoop(() -> client.set("default", "k", new JsonObject().put("a", new Object()), null)), "value");
    refused(() -> onEventLoop(() -> client.setMany("default", oneBad, null)), "entries.bad");
    refused(() -> onEventLoop(() -> client.delete("default", null)), "keys");
    assertThat(cacheKeys()).as("nothing written").isEmpty();
    // The client and the service go on as before.
    Futures.join(client.set("default", "k", new JsonObject().put("a", 1), null));
    assertThat(Futures.join(client.get("default", "k"))).isEqualTo(new JsonObject().put("a", 1));
  }

  @Test
  void nullCollectionsFailTheFutureNamingTheField() {
    assertThat(refused(() -> client.getMany("default", null), "keys")).isEqualTo("keys: is required");
    refused(() -> client.lookupMany("default", null), "keys");
    refused(() -> client.delete("default", null), "keys");
    refused(() -> invalidate(client, null), "keys");
    assertThat(refused(() -> client.setMany("default", null, null), "entries")).isEqualTo("entries: is required");
    refused(() -> client.setManyWith("default", null, new WriteOptions()), "entries");
    refused(() -> client.warm("default", null, null, null), "keys");
    refused(() -> client.warm("default", null, 10, Duration.ofMinutes(1), List.of("t")), "keys");
    assertThat(cacheKeys()).as("nothing written").isEmpty();
  }

  @SuppressWarnings("deprecation")
  private static Future<Long> invalidate(CacheClient c, List<String> keys) {
    return c.invalidate("default", keys);
  }

  @Test
  void aNullKeyInACollectionIsStillTheServicesToRefuse() {
    assertThat(refused(() -> client.delete("default", Arrays.asList("a", null)), "keys[1]"))
      .isEqualTo("keys[1]: must be a non-empty string, was null");
    refused(() -> client.lookupMany("default", Arrays.asList(null, "b")), "keys[0]");
    Map<String, Object> nullKey = new HashMap<>();
    nullKey.put(null, "v");
    refused(() -> client.setMany("default", nullKey, null), "entries key");
    assertThat(cacheKeys()).as("nothing written").isEmpty();
  }

  @Test
  void durationsTooLongForMillisecondsFailTheFutureNamingTheField() {
    assertThat(refused(() -> client.set("default", "k", "v", HUGE), "ttlMs"))
      .startsWith("ttlMs: does not fit in a long of milliseconds, was PT");
    refused(() -> client.setWith("default", "k", "v", new WriteOptions().setIdleTtl(HUGE)), "idleTtlMs");
    refused(() -> client.setMany("default", Map.of("k", "v"), HUGE), "ttlMs");
    refused(() -> client.setManyWith("default", Map.of("k", "v"), new WriteOptions().setTtl(HUGE)), "ttlMs");
    refused(() -> client.lookup("default", "k", HUGE), "idleTtlMs");
    refused(() -> client.getOrLoad("default", "k", LoadOptions.ttl(HUGE)), "ttlMs");
    refused(() -> client.getOrLoadResult("default", "k", new LoadOptions().setStaleTtl(HUGE.negated())), "staleTtlMs");
    refused(() -> client.warm("default", List.of("k"), null, HUGE), "ttlMs");
    assertThat(cacheKeys()).as("nothing written").isEmpty();
  }

  @Test
  void withANearCacheTheCallsFailTheirFutureToo() {
    CacheClient near = CacheClient.create(vertx, PREFIX, new NearCacheOptions().setEnabled(true));
    try {
      refused(() -> near.delete("default", null), "keys");
      refused(() -> invalidate(near, null), "keys");
      refused(() -> near.setMany("default", null, Duration.ofMinutes(1)), "entries");
      refused(() -> near.setMany("default", Map.of("k", new Object()), Duration.ofMinutes(1)), "entries.k");
      refused(() -> near.set("default", "k", new Object(), null), "value");
      refused(() -> near.set("default", "k", new JsonObject().put("a", new Object()), null), "value");
      refused(() -> near.set("default", "k", "v", HUGE), "ttlMs");
      refused(() -> near.getMany("default", null), "keys");
      assertThat(cacheKeys()).as("nothing written").isEmpty();
      Futures.join(near.set("default", "k", "v", null));
      CacheResult<Object> r = Futures.join(near.lookup("default", "k"));
      assertThat(r.value()).isEqualTo("v");
    } finally {
      Futures.join(near.close());
    }
  }

  @Test
  void aMemoizedFunctionFailsItsFutureForAnArgumentThatIsNotJson() {
    CacheClient.Memoized<Object> memo = client.memoize("default", arg -> Future.succeededFuture("loaded"), arg -> "m", null);
    try {
      Futures.join(memo.ready());
      // Not mappable to JSON at all: an empty bean.
      assertThat(refused(() -> memo.apply(new Object()), "args")).startsWith("args: cannot be sent as JSON");
      // A JSON object holding a value that is not JSON: the event bus's copy of the body refuses it.
      assertThat(refused(() -> memo.apply(new JsonObject().put("x", new Object())), "args")).contains("java.lang.Object");
      assertThat(cacheKeys()).as("nothing written").isEmpty();
      assertThat(Futures.join(memo.apply("fine"))).isEqualTo("loaded");
    } finally {
      Futures.join(memo.unregister());
    }
  }

  @Test
  void rateLimitDurationsTooLongForMillisecondsFailTheFutureNamingTheField() {
    ServedLimiter served = ServedLimiter.start(redis.server(), "args", "argslimit.", new RateLimitOptions().setTimeoutMs(5_000));
    try {
      RateLimitClient limits = RateLimitClient.create(served.vertx(), "argslimit.");
      long scripts = ServedLimiter.scriptCalls(redis.server());
      refused(() -> limits.check("k", 5, HUGE), "windowMs");
      refused(() -> limits.check("k", 5, HUGE, 2), "windowMs");
      refused(() -> limits.check("k", 5, Duration.ofMinutes(1), HUGE), "maxWaitMs");
      refused(() -> limits.check("k", 5, HUGE, Duration.ZERO), "windowMs");
      refused(() -> limits.verifyAndLimit(null, "127.0.0.1", "/x", HUGE), "windowMs");
      refused(() -> limits.acquire("k", 1, HUGE), "leaseTtlMs");
      assertThat(ServedLimiter.scriptCalls(redis.server())).as("nothing reached Redis").isEqualTo(scripts);
      // As before: a null window is the limiter's to refuse.
      refused(() -> limits.check("k", 5, null), "windowMs");

      Permit permit = Futures.join(limits.acquire("held", 1, Duration.ofMinutes(1)));
      assertThat(permit.acquired()).isTrue();
      refused(() -> permit.renew(HUGE), "leaseTtlMs");
      // A null lease was a NullPointerException here; now the limiter refuses it, as an acquire without one.
      assertThat(refused(() -> permit.renew(null), "leaseTtlMs")).isEqualTo("leaseTtlMs: is required");
      assertThat(Futures.join(permit.renew(Duration.ofMinutes(2)))).isTrue();
      assertThat(Futures.join(permit.release())).isTrue();
    } finally {
      served.close();
    }
  }
}
