package dev.rediskit.eventbus;

import dev.rediskit.ratelimit.Limit;
import dev.rediskit.ratelimit.LimitChange;
import dev.rediskit.ratelimit.Permit;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every address of {@link Addresses} can be used from Java without writing JSON: a typed method of
 * {@link CacheClient}, {@link RateLimitClient} or {@link HealthClient} sends to it, or it is in
 * {@link #NOT_SENT_BY_A_TYPED_METHOD} with the reason. A new address with neither fails this test.
 *
 * <p>No Redis: a stand-in consumer at every address records what arrives and answers with one
 * generic body (or, for an address whose reply gives a field another type, its own). The test calls
 * each method of the table and checks that its address received a message, so the table cannot
 * claim a method that sends elsewhere.
 */
class TypedClientCoverageTest {

  private static final String PREFIX = "coverage.";

  /**
   * Addresses no typed method sends to, and why. Keep each reason true: an address leaves this list
   * when a method starts sending to it.
   */
  private static final Map<String, String> NOT_SENT_BY_A_TYPED_METHOD = Map.of(
    // Published by the cache service, never sent to: CacheClient's near cache consumes it.
    Addresses.CACHE_INVALIDATIONS, "a publish stream, consumed by CacheClient's near cache",
    // Sent by CallBatcher for the lookup/get calls of one event-loop turn (TypedClientBatchingIT).
    Addresses.CACHE_GET_BATCH, "CacheClient's internal batching of cache.get",
    // Sent by CallBatcher for the check calls of one event-loop turn (TypedClientBatchingIT).
    Addresses.RATELIMIT_CHECK_BATCH, "RateLimitClient's internal batching of ratelimit.check");

  /** The stand-in consumers' one answer: enough fields for every typed method to read its reply. */
  private static final JsonObject REPLY = new JsonObject()
    .put("ok", true).put("found", false).put("deleted", 0).put("written", 0).put("version", 1)
    .put("results", new JsonObject()).put("requested", 0)
    .put("acquired", true).put("key", "k").put("permitId", "p1").put("maxConcurrent", 1).put("held", 1)
    .put("released", true).put("renewed", true)
    .put("stored", new JsonObject().put("version", 1).put("endpoints", new JsonObject())
      .put("services", new JsonObject()).put("plans", new JsonObject()))
    .put("status", new JsonObject());

  /**
   * Answers of addresses whose reply cannot share {@link #REPLY}'s fields: the health-check JSON's
   * {@code status} is a string, {@code ratelimit.limits.get}'s an object.
   */
  private static final Map<String, JsonObject> OWN_REPLY = Map.of(
    Addresses.HEALTH_REDIS, new JsonObject().put("id", "redis").put("status", "UP").put("data", new JsonObject()).put("outcome", "UP"));

  private static Vertx vertx;
  private static CacheClient cache;
  private static RateLimitClient rateLimit;
  private static HealthClient health;
  private static final List<String> received = new CopyOnWriteArrayList<>();
  private static final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    for (String address : addresses()) {
      MessageConsumer<JsonObject> c = vertx.eventBus().consumer(Addresses.of(PREFIX, address), m -> {
        received.add(address);
        m.reply(OWN_REPLY.getOrDefault(address, REPLY).copy());
      });
      consumers.add(c);
      c.completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    cache = CacheClient.create(vertx, PREFIX);
    rateLimit = RateLimitClient.create(vertx, PREFIX);
    health = HealthClient.create(vertx, PREFIX);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** @return the value of every public String constant of {@link Addresses} */
  private static List<String> addresses() throws IllegalAccessException {
    List<String> out = new ArrayList<>();
    for (Field f : Addresses.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        out.add((String) f.get(null));
      }
    }
    return out;
  }

  /** Address → a call of the typed method that sends to it (the first call of the client made from this thread, off any event loop, so never batched). */
  private static Map<String, Function<Void, Future<?>>> typedMethods() {
    Map<String, Function<Void, Future<?>>> m = new LinkedHashMap<>();
    m.put(Addresses.CACHE_GET, v -> cache.lookup("ns", "k"));
    m.put(Addresses.CACHE_SET, v -> cache.set("ns", "k", "v", Duration.ofMinutes(1)));
    m.put(Addresses.CACHE_DELETE, v -> cache.delete("ns", List.of("k")));
    m.put(Addresses.CACHE_INVALIDATE, v -> cache.invalidate("ns", List.of("k")));
    m.put(Addresses.CACHE_FLUSH, v -> cache.flush("ns"));
    m.put(Addresses.CACHE_BUMP_VERSION, v -> cache.bumpVersion("ns"));
    m.put(Addresses.CACHE_INVALIDATE_TAG, v -> cache.invalidateTag("t"));
    m.put(Addresses.CACHE_STATS, v -> cache.stats("ns"));
    m.put(Addresses.CACHE_MGET, v -> cache.lookupMany("ns", List.of("k")));
    m.put(Addresses.CACHE_MSET, v -> cache.setMany("ns", Map.of("k", "v"), Duration.ofMinutes(1)));
    m.put(Addresses.CACHE_GET_OR_LOAD, v -> cache.getOrLoadResult("ns", "k", null));
    m.put(Addresses.CACHE_WARM, v -> cache.warm("ns", List.of("k"), null, null));
    m.put(Addresses.RATELIMIT_CHECK, v -> rateLimit.check("k", 10, Duration.ofSeconds(1)));
    m.put(Addresses.RATELIMIT_VERIFY, v -> rateLimit.verifyAndLimit("t", null, "/x"));
    m.put(Addresses.RATELIMIT_SERVICE, v -> rateLimit.serviceLimit("mailer"));
    m.put(Addresses.RATELIMIT_ACQUIRE, v -> rateLimit.acquire("k", 1, Duration.ofSeconds(10)));
    m.put(Addresses.RATELIMIT_RELEASE, v -> rateLimit.acquire("k", 1, Duration.ofSeconds(10)).compose(Permit::release));
    m.put(Addresses.RATELIMIT_RENEW, v -> rateLimit.acquire("k", 1, Duration.ofSeconds(10)).compose(Permit::renew));
    m.put(Addresses.RATELIMIT_STATS, v -> rateLimit.stats());
    m.put(Addresses.RATELIMIT_LIMITS_SET, v -> rateLimit.setLimits(new LimitChange().setPlan("pro", Limit.parse("5/1m"))));
    m.put(Addresses.RATELIMIT_LIMITS_GET, v -> rateLimit.limits());
    m.put(Addresses.HEALTH_REDIS, v -> health.redis());
    return m;
  }

  @Test
  void everyAddressHasATypedMethodOrAReasonWhyNot() throws Exception {
    Map<String, Function<Void, Future<?>>> typed = typedMethods();
    List<String> uncovered = new ArrayList<>();
    for (String address : addresses()) {
      if (!typed.containsKey(address) && !NOT_SENT_BY_A_TYPED_METHOD.containsKey(address)) {
        uncovered.add(address);
      }
    }
    assertThat(uncovered).as("addresses with neither a typed method in this test's table nor a reason in its list").isEmpty();
    List<String> both = typed.keySet().stream().filter(NOT_SENT_BY_A_TYPED_METHOD::containsKey).toList();
    assertThat(both).as("addresses both covered and listed as not covered").isEmpty();
    assertThat(addresses()).as("the table and the list name real addresses")
      .containsAll(typed.keySet()).containsAll(NOT_SENT_BY_A_TYPED_METHOD.keySet());
  }

  @Test
  void eachTypedMethodOfTheTableSendsToItsAddress() {
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, Function<Void, Future<?>>> e : typedMethods().entrySet()) {
      received.clear();
      Future<?> call = e.getValue().apply(null);
      try {
        call.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception failure) {
        wrong.add(e.getKey() + ": the call failed: " + failure);
        continue;
      }
      if (!received.contains(e.getKey())) {
        wrong.add(e.getKey() + ": nothing arrived there (arrived: " + received + ")");
      }
    }
    assertThat(wrong).as("typed methods that do not reach their address").isEmpty();
  }
}
