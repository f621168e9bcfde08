package dev.rediskit.eventbus;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.cache.CacheResult;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.error.RedisTimeoutException;
import dev.rediskit.ratelimit.Decision;
import dev.rediskit.ratelimit.RateLimitOptions;
import dev.rediskit.ratelimit.RateLimiter;
import dev.rediskit.test.ClusteredVertx;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static dev.rediskit.test.Futures.await;
import static dev.rediskit.test.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link CacheClient} and {@link RateLimitClient} send the calls of one event-loop turn as one
 * message and answer each caller as a call of its own would have been answered: its own value or
 * decision, its own error and failure code, and the same delivery timeout.
 */
@IntegrationTest
class TypedClientBatchingIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  private static final String PREFIX = "batching.";

  /** Counts the messages reaching an address by intercepting deliveries to it. */
  private static AtomicInteger countMessages(Vertx vertx, String address) {
    AtomicInteger n = new AtomicInteger();
    vertx.eventBus().addInboundInterceptor(dc -> {
      if (dc.message().address().equals(address)) {
        n.incrementAndGet();
      }
      dc.next();
    });
    return n;
  }

  private static <T> List<Future<T>> inOneTurn(Context ctx, Supplier<List<Future<T>>> calls) {
    Promise<List<Future<T>>> issued = Promise.promise();
    ctx.runOnContext(v -> issued.complete(calls.get()));
    return await(issued.future());
  }

  @Test
  void cacheReadsOfOneTurnGoAsOneMessageEachAnsweredOnItsOwn(Vertx vertx, RedisServer server) {
    RedisGateway gateway = await(RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(server.uri())).ready());
    CacheConsumers consumers = await(CacheConsumers.register(vertx.eventBus(), PREFIX, RedisCache.create(vertx, gateway)));
    CacheClient client = CacheClient.create(vertx, PREFIX);
    for (int i = 0; i < 10; i++) {
      await(client.set("users", "k" + i, "v" + i, Duration.ofMinutes(1)));
    }
    AtomicInteger batches = countMessages(vertx, PREFIX + Addresses.CACHE_GET_BATCH);
    AtomicInteger singles = countMessages(vertx, PREFIX + Addresses.CACHE_GET);
    Context ctx = vertx.getOrCreateContext();
    List<Future<CacheResult<Object>>> reads = inOneTurn(ctx, () -> {
      List<Future<CacheResult<Object>>> out = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        out.add(client.lookup("users", "k" + i));
      }
      out.add(client.lookup("users", "absent"));
      out.add(client.lookup("users", "bad\nkey"));   // refused by the service: this call only
      out.add(client.lookup("no such namespace!", "k"));
      return out;
    });
    for (int i = 0; i < 10; i++) {
      assertThat(await(reads.get(i)).value()).isEqualTo("v" + i);
    }
    assertThat(await(reads.get(10)).found()).isFalse();
    assertThat(failure(reads.get(11))).isInstanceOfSatisfying(InvalidRequestException.class, e -> {
      assertThat(e.field()).isEqualTo("key");
      assertThat(e.code()).isEqualTo(FailureCodes.INVALID_REQUEST);
    });
    assertThat(failure(reads.get(12))).isInstanceOfSatisfying(InvalidRequestException.class,
      e -> assertThat(e.field()).isEqualTo("namespace"));
    assertThat(batches.get()).isEqualTo(1);
    assertThat(singles.get()).isZero();
    // One call in a turn goes to the address itself.
    assertThat(await(inOneTurn(ctx, () -> List.of(client.lookup("users", "k1"))).get(0)).value()).isEqualTo("v1");
    assertThat(singles.get()).isEqualTo(1);
    await(consumers.unregister());
    await(gateway.close());
  }

  @Test
  void checksOfOneTurnGoAsOneMessageEachWithItsOwnDecisionOrError(Vertx vertx, RedisServer server) {
    RedisGateway gateway = await(RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(server.uri())).ready());
    RateLimiter limiter = RateLimiter.create(vertx, gateway, "batching", new RateLimitOptions().setTimeoutMs(5_000));
    RateLimitConsumers consumers = await(RateLimitConsumers.register(vertx, limiter, PREFIX));
    RateLimitClient client = RateLimitClient.create(vertx, PREFIX);
    AtomicInteger batches = countMessages(vertx, PREFIX + Addresses.RATELIMIT_CHECK_BATCH);
    Context ctx = vertx.getOrCreateContext();
    List<Future<Decision>> checks = inOneTurn(ctx, () -> {
      List<Future<Decision>> out = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        out.add(client.check("same", 3, Duration.ofMinutes(1)));   // the 4th and 5th are over the limit
      }
      out.add(client.check("other", 0, Duration.ofMinutes(1)));    // an invalid limit: this call only
      out.add(client.check("other", 10, Duration.ofMinutes(1), 2));
      return out;
    });
    for (int i = 0; i < 5; i++) {
      Decision d = await(checks.get(i));
      assertThat(d.allowed()).as("check %d", i).isEqualTo(i < 3);
      assertThat(d.source()).isEqualTo(Decision.Source.REDIS);
    }
    assertThat(failure(checks.get(5))).isInstanceOfSatisfying(InvalidRequestException.class,
      e -> assertThat(e.field()).isEqualTo("limit"));
    assertThat(await(checks.get(6)).remaining()).isEqualTo(8);
    assertThat(batches.get()).isEqualTo(1);
    await(consumers.unregister());
    await(gateway.close());
  }

  @Test
  void aBatchThatIsNotAnsweredTimesOutEveryCallerWithTheTimeoutOfOneCall(Vertx vertx) {
    // A consumer that never answers stands for a service too busy to answer in time.
    MessageConsumer<Object> silent = vertx.eventBus().consumer("slow." + Addresses.RATELIMIT_CHECK_BATCH, msg -> { });
    await(silent.completion());
    RateLimitClient client = RateLimitClient.create(vertx, "slow.", new DeliveryOptions().setSendTimeout(300));
    Context ctx = vertx.getOrCreateContext();
    long start = System.nanoTime();
    List<Future<Decision>> checks = inOneTurn(ctx, () -> List.of(
      client.check("a", 10, Duration.ofMinutes(1)), client.check("b", 10, Duration.ofMinutes(1))));
    for (Future<Decision> f : checks) {
      assertThat(failure(f)).isInstanceOf(RedisTimeoutException.class);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    await(silent.unregister());
  }

  @Test
  void withoutABatchConsumerEachCallIsSentOnItsOwn(Vertx vertx) {
    // A service of an older version: only the single address is served.
    MessageConsumer<JsonObject> old = vertx.eventBus().consumer("old." + Addresses.CACHE_GET,
      msg -> msg.reply(new JsonObject().put("found", true).put("value", msg.body().getString("key")).put("source", "cache")));
    await(old.completion());
    CacheClient client = CacheClient.create(vertx, "old.");
    Context ctx = vertx.getOrCreateContext();
    List<Future<Object>> gets = inOneTurn(ctx, () -> List.of(client.get(null, "x"), client.get(null, "y")));
    assertThat(await(gets.get(0))).isEqualTo("x");
    assertThat(await(gets.get(1))).isEqualTo("y");
    await(old.unregister());
  }

  @Test
  void batchesCrossAClusteredEventBusAndPlainCallersOfABatchAddressGetPlainJson(RedisServer server) {
    try (ClusteredVertx.Nodes nodes = ClusteredVertx.start(2)) {
      Vertx service = nodes.get(0);
      Vertx caller = nodes.get(1);
      RedisGateway gateway = await(RedisGateway.create(service, new RedisKitOptions().setEndpoint(server.uri())).ready());
      CacheConsumers consumers = await(CacheConsumers.register(service.eventBus(), "clustered.", RedisCache.create(service, gateway)));
      CacheClient client = CacheClient.create(caller, "clustered.");
      for (int i = 0; i < 5; i++) {
        await(client.set("users", "k" + i, "v" + i, Duration.ofMinutes(1)));
      }
      List<Future<CacheResult<Object>>> reads = inOneTurn(caller.getOrCreateContext(), () -> {
        List<Future<CacheResult<Object>>> out = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          out.add(client.lookup("users", "k" + i));
        }
        out.add(client.lookup("users", "bad\nkey"));
        return out;
      });
      for (int i = 0; i < 5; i++) {
        assertThat(await(reads.get(i)).value()).isEqualTo("v" + i);
      }
      assertThat(failure(reads.get(5))).isInstanceOfSatisfying(InvalidRequestException.class,
        e -> assertThat(e.field()).isEqualTo("key"));
      // A caller that is not a typed client (no codec header) is answered in the built-in JSON codec.
      JsonObject plain = await(caller.eventBus().<JsonObject>request("clustered." + Addresses.CACHE_GET_BATCH,
        new JsonObject().put("calls", new io.vertx.core.json.JsonArray().add(new JsonObject().put("namespace", "users").put("key", "k1"))))).body();
      assertThat(plain.getJsonArray("results").getJsonObject(0).getJsonObject("ok").getString("value")).isEqualTo("v1");
      await(consumers.unregister());
      await(gateway.close());
    }
  }
}
