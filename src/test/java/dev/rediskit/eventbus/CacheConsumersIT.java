package dev.rediskit.eventbus;

import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.RedisKitOptions;
import dev.rediskit.error.RedisTimeoutException;
import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.error.ValueTooLargeException;
import dev.rediskit.cache.CacheOptions;
import dev.rediskit.cache.CacheResult;
import dev.rediskit.cache.CacheStats;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.test.FaultProxy;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.rediskit.test.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The cache.* addresses end to end: happy paths through CacheClient, and every bad request with its code. */
@IntegrationTest
class CacheConsumersIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  static final String PREFIX = "test.";

  Vertx vertx;
  RedisGateway gateway;
  CacheConsumers consumers;
  CacheClient client;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    gateway = await(RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(redis.uri()).setKeyPrefix("t")
      .setCache(new CacheOptions().setMaxValueBytes(1024).setMaxTtlMs(3_600_000).setTtlMs(60_000))).ready());
    consumers = await(CacheConsumers.register(vertx.eventBus(), PREFIX, RedisCache.create(vertx, gateway)));
    client = CacheClient.create(vertx, PREFIX);
  }

  @AfterEach
  void stop() {
    await(consumers.unregister());
    await(gateway.close());
  }

  static <T> T await(Future<T> f) {
    return dev.rediskit.test.Futures.join(f);
  }

  @Test
  void everyAddressThroughTheTypedClient() {
    assertThat(consumers.addresses()).hasSize(13).allSatisfy(a -> assertThat(a).startsWith("test.cache."));
    await(client.set("users", "42", new JsonObject().put("name", "Ada"), Duration.ofSeconds(30)));
    assertThat((Long) redis.server().command("PTTL", "t:c:users:0:42")).isPositive().isLessThanOrEqualTo(30_000);
    CacheResult<Object> r = await(client.lookup("users", "42"));
    assertThat(r.found()).isTrue();
    assertThat(r.stale()).isFalse();
    assertThat(r.ttlMs()).isPositive().isLessThanOrEqualTo(30_000);
    assertThat(r.value()).isEqualTo(new JsonObject().put("name", "Ada"));
    assertThat(await(client.lookup("users", "nope")).found()).isFalse();

    await(client.set(null, "d", "default ns", null));
    assertThat((Long) redis.server().command("PTTL", "t:c:default:0:d")).isPositive().isLessThanOrEqualTo(60_000);

    Map<String, Object> entries = new LinkedHashMap<>();
    entries.put("a", 1);
    entries.put("b", new JsonArray().add("x"));
    assertThat(await(client.setMany("users", entries, Duration.ofSeconds(30)))).isEqualTo(2);
    Map<String, CacheResult<Object>> many = await(client.lookupMany("users", List.of("a", "b", "c")));
    assertThat(many.get("a").value()).isEqualTo(1);
    assertThat(many.get("b").value()).isEqualTo(new JsonArray().add("x"));
    assertThat(many.get("c").found()).isFalse();

    assertThat(await(client.delete("users", List.of("a", "c")))).isEqualTo(1L);
    assertThat(await(client.invalidate("users", List.of("b")))).isEqualTo(1L);
    CacheStats stats = await(client.stats("users"));
    assertThat(stats.namespace()).isEqualTo("users");
    assertThat(stats.sets()).isEqualTo(3);
    assertThat(stats.hits()).isEqualTo(3);
    assertThat(stats.misses()).isEqualTo(2);
    assertThat(stats.deletes()).isEqualTo(2);
    assertThat(await(client.flush("users"))).isEqualTo(1L);
    assertThat(await(client.flush("users"))).isZero();
  }

  static Stream<Arguments> badRequests() {
    String big = "x".repeat(2000);
    JsonArray tooMany = new JsonArray();
    for (int i = 0; i <= CacheConsumers.MAX_KEYS_PER_REQUEST; i++) {
      tooMany.add("k" + i);
    }
    return Stream.of(
      arguments("cache.get", "not json", 400, "body: must be a JSON object, was String"),
      arguments("cache.get", new JsonObject(), 400, "key: is required"),
      arguments("cache.get", new JsonObject().put("key", ""), 400, "key: must not be empty"),
      arguments("cache.get", new JsonObject().put("key", 5), 400, "key: must be a string, was a number"),
      arguments("cache.get", new JsonObject().put("key", "a\u0001"), 400, "key: must not contain control characters (at index 1)"),
      arguments("cache.get", new JsonObject().put("key", "k".repeat(1025)), 400, "key: must be at most 1024 characters, was 1025"),
      arguments("cache.get", new JsonObject().put("namespace", "a:b").put("key", "k"), 400,
        "namespace: must not contain ':' (it separates namespace and key), was \"a:b\""),
      arguments("cache.get", new JsonObject().put("namespace", "a b").put("key", "k"), 400,
        "namespace: must not contain whitespace or control characters (at index 1), was \"a b\""),
      arguments("cache.get", new JsonObject().put("namespace", 3).put("key", "k"), 400, "namespace: must be a string, was a number"),
      arguments("cache.set", new JsonObject().put("key", "k"), 400, "value: is required"),
      arguments("cache.set", new JsonObject().put("key", "k").put("value", "v").put("ttlMs", -5), 400, "ttlMs: must be > 0, was -5"),
      arguments("cache.set", new JsonObject().put("key", "k").put("value", "v").put("ttlMs", 0), 400, "ttlMs: must be > 0, was 0"),
      arguments("cache.set", new JsonObject().put("key", "k").put("value", "v").put("ttlMs", "soon"), 400,
        "ttlMs: must be a number, was a string"),
      arguments("cache.set", new JsonObject().put("key", "k").put("value", "v").put("ttlMs", 1.5), 400,
        "ttlMs: must be a whole number, was 1.5"),
      arguments("cache.set", new JsonObject().put("key", "k").put("value", "v").put("ttlMs", 3_600_001), 400,
        "ttlMs: must be <= cache.maxTtlMs (3600000), was 3600001"),
      arguments("cache.set", new JsonObject().put("key", "k").put("value", big), 413,
        "value: encoded value is 2003 bytes, larger than the maximum of 1024 bytes"),
      arguments("cache.set", new JsonObject().put("key", "").put("value", "v"), 400, "key: must not be empty"),
      arguments("cache.delete", new JsonObject(), 400, "keys: is required"),
      arguments("cache.delete", new JsonObject().put("keys", new JsonArray()), 400, "keys: must not be empty"),
      arguments("cache.delete", new JsonObject().put("keys", "a"), 400, "keys: must be an array of strings, was a string"),
      arguments("cache.delete", new JsonObject().put("keys", new JsonArray().add("a").add("")), 400,
        "keys[1]: must be a non-empty string, was a string"),
      arguments("cache.invalidate", new JsonObject().put("keys", new JsonArray().add(1)), 400,
        "keys[0]: must be a non-empty string, was a number"),
      arguments("cache.mget", new JsonObject().put("keys", tooMany), 400, "keys: must hold at most 10000 keys, was 10001"),
      arguments("cache.mget", new JsonObject().put("keys", new JsonArray().add("ok").add("b\n")), 400,
        "keys[1]: must not contain control characters (at index 1)"),
      arguments("cache.mset", new JsonObject(), 400, "entries: is required"),
      arguments("cache.mset", new JsonObject().put("entries", new JsonObject()), 400, "entries: must not be empty"),
      arguments("cache.mset", new JsonObject().put("entries", new JsonArray()), 400,
        "entries: must be an object of key to value, was an array"),
      arguments("cache.mset", new JsonObject().put("entries", new JsonObject().put("a", "ok").putNull("b")), 400,
        "entries.b: is required (null is not a value)"),
      arguments("cache.mset", new JsonObject().put("entries", new JsonObject().put("a", "ok").put("b", big)), 413,
        "entries.b: encoded value is 2003 bytes, larger than the maximum of 1024 bytes"),
      arguments("cache.mset", new JsonObject().put("entries", new JsonObject().put("a", "ok")).put("ttlMs", -1), 400,
        "ttlMs: must be > 0, was -1"),
      arguments("cache.flush", new JsonObject(), 400, "namespace: is required"),
      arguments("cache.flush", new JsonObject().put("namespace", "x:*"), 400,
        "namespace: must not contain ':' (it separates namespace and key), was \"x:*\""),
      arguments("cache.stats", new JsonObject().put("namespace", ""), 400, "namespace: must not be empty"));
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @MethodSource("badRequests")
  void badRequestsAreRefusedAndWriteNothing(String address, Object body, int code, String message) {
    Throwable t = failure(vertx.eventBus().request(PREFIX + address, body));
    assertThat(t).isInstanceOfSatisfying(ReplyException.class, re -> {
      assertThat(re.failureCode()).isEqualTo(code);
      assertThat(re.getMessage()).isEqualTo(message);
    });
    assertThat(redis.server().command("DBSIZE")).as("nothing written").isEqualTo(0L);
    // The consumer survives: the next good request works.
    assertThat(await(client.lookup(null, "k")).found()).isFalse();
  }

  @Test
  void theClientTurnsCodesBackIntoTypedExceptions() {
    assertThat(failure(client.set("users", "k", "v", Duration.ofMillis(-1))))
      .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
        assertThat(e.field()).isEqualTo("ttlMs");
        assertThat(e.getMessage()).isEqualTo("ttlMs: must be > 0, was -1");
      });
    assertThat(failure(client.set("users", "k", "y".repeat(5000), null))).isInstanceOf(ValueTooLargeException.class)
      .hasMessageStartingWith("value: encoded value is 5003 bytes");
    assertThat(failure(client.get("bad ns", "k"))).isInstanceOf(InvalidRequestException.class);
    assertThat(redis.server().command("DBSIZE")).isEqualTo(0L);
    assertThat(failure(CacheClient.create(vertx, "nobody.").get(null, "k"))).isInstanceOf(RedisUnavailableException.class);
  }

  @Test
  void unavailableRedisIs503() {
    // A gateway on a port nothing listens on: every command fails fast as unavailable.
    RedisGateway down = RedisGateway.create(vertx, new RedisKitOptions().setEndpoint("redis://127.0.0.1:1")
      .setConnectTimeoutMs(200).setCommandTimeoutMs(300));
    failure(down.ready());
    CacheConsumers c = await(CacheConsumers.register(vertx.eventBus(), "down.", RedisCache.create(vertx, down)));
    try {
      Throwable t = failure(vertx.eventBus().request("down.cache.get", new JsonObject().put("key", "k")));
      assertThat(((ReplyException) t).failureCode()).isEqualTo(503);
      assertThat(failure(CacheClient.create(vertx, "down.").set(null, "k", "v", null))).isInstanceOf(RedisUnavailableException.class);
    } finally {
      await(c.unregister());
      await(down.close());
    }
  }

  @Test
  void stalledRedisIs504() {
    FaultProxy proxy = FaultProxy.start(vertx, redis.server());
    RedisGateway slow = await(RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(proxy.uri())
      .setCommandTimeoutMs(300)).ready());
    CacheConsumers c = await(CacheConsumers.register(vertx.eventBus(), "slow.", RedisCache.create(vertx, slow)));
    try {
      proxy.blackhole();
      Throwable t = failure(vertx.eventBus().request("slow.cache.get", new JsonObject().put("key", "k")));
      assertThat(((ReplyException) t).failureCode()).isEqualTo(504);
      assertThat(t.getMessage()).contains("did not complete within 300 ms");
      List<Throwable> typed = new ArrayList<>();
      typed.add(failure(CacheClient.create(vertx, "slow.").get(null, "k2")));
      assertThat(typed.get(0)).isInstanceOfAny(RedisTimeoutException.class, RedisUnavailableException.class);
    } finally {
      await(c.unregister());
      await(slow.close());
      proxy.close();
    }
  }
}
