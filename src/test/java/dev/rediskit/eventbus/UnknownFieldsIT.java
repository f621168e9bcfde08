package dev.rediskit.eventbus;

import dev.rediskit.RedisKitVerticle;
import dev.rediskit.test.DataKeys;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.LinkedHashMap;
import java.util.Map;

import static dev.rediskit.test.Futures.failure;
import static dev.rediskit.test.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every address the module consumes refuses a field it does not read, with a 400 that names the
 * field, before anything reaches Redis: a mistyped option ({@code ttlMS} for {@code ttlMs}) must
 * fail, not be dropped. Deployed as a user meets it, {@link RedisKitVerticle} with its defaults
 * (and the privileged limit addresses on, to check them too).
 */
@IntegrationTest
class UnknownFieldsIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  private static final String PREFIX = "uf.";

  /** A request each address would carry out, so that only the extra field can make it fail. */
  private static Map<String, JsonObject> validRequests() {
    Map<String, JsonObject> m = new LinkedHashMap<>();
    m.put(Addresses.CACHE_GET, new JsonObject().put("key", "k"));
    m.put(Addresses.CACHE_GET_BATCH, new JsonObject().put("calls", new JsonArray().add(new JsonObject().put("key", "k"))));
    m.put(Addresses.CACHE_SET, new JsonObject().put("key", "k").put("value", 1).put("ttlMs", 5000));
    m.put(Addresses.CACHE_DELETE, new JsonObject().put("keys", new JsonArray().add("k")));
    m.put(Addresses.CACHE_INVALIDATE, new JsonObject().put("keys", new JsonArray().add("k")));
    m.put(Addresses.CACHE_FLUSH, new JsonObject().put("namespace", "users"));
    m.put(Addresses.CACHE_BUMP_VERSION, new JsonObject().put("namespace", "users"));
    m.put(Addresses.CACHE_INVALIDATE_TAG, new JsonObject().put("tag", "t"));
    m.put(Addresses.CACHE_STATS, new JsonObject());
    m.put(Addresses.CACHE_MGET, new JsonObject().put("keys", new JsonArray().add("k")));
    m.put(Addresses.CACHE_MSET, new JsonObject().put("entries", new JsonObject().put("k", 1)));
    m.put(Addresses.CACHE_GET_OR_LOAD, new JsonObject().put("key", "k"));
    m.put(Addresses.CACHE_WARM, new JsonObject().put("keys", new JsonArray().add("k")));
    m.put(Addresses.RATELIMIT_CHECK, new JsonObject().put("key", "k").put("limit", 5).put("windowMs", 60_000));
    m.put(Addresses.RATELIMIT_CHECK_BATCH, new JsonObject().put("calls", new JsonArray()
      .add(new JsonObject().put("key", "k").put("limit", 5).put("windowMs", 60_000))));
    m.put(Addresses.RATELIMIT_VERIFY, new JsonObject().put("ip", "10.0.0.1").put("endpoint", "/x"));
    m.put(Addresses.RATELIMIT_SERVICE, new JsonObject().put("service", "mailer"));
    m.put(Addresses.RATELIMIT_ACQUIRE, new JsonObject().put("key", "k").put("maxConcurrent", 2).put("leaseTtlMs", 5000));
    m.put(Addresses.RATELIMIT_RELEASE, new JsonObject().put("key", "k").put("permitId", "p"));
    m.put(Addresses.RATELIMIT_RENEW, new JsonObject().put("key", "k").put("permitId", "p").put("leaseTtlMs", 5000));
    m.put(Addresses.RATELIMIT_STATS, new JsonObject());
    m.put(Addresses.RATELIMIT_LIMITS_SET, new JsonObject().put("services", new JsonObject().put("billing", "5/1m")));
    m.put(Addresses.RATELIMIT_LIMITS_GET, new JsonObject());
    m.put(Addresses.HEALTH_REDIS, new JsonObject());
    return m;
  }

  @Test
  void everyAddressRefusesAFieldItDoesNotReadBeforeRedis(Vertx vertx, RedisServer server) {
    Map<String, JsonObject> requests = validRequests();
    // The invalidation stream is published by the service, not consumed by it.
    assertThat(requests.keySet()).as("a request for every consumed address")
      .containsExactlyInAnyOrderElementsOf(Addresses.REQUEST_FIELDS.keySet().stream()
        .filter(a -> !a.equals(Addresses.CACHE_INVALIDATIONS)).toList());
    join(vertx.deployVerticle(RedisKitVerticle.class, new DeploymentOptions().setConfig(new JsonObject()
      .put("endpoints", server.uri()).put("addressPrefix", PREFIX)
      .put("rateLimit", new JsonObject().put("adminAddresses", true)))));

    requests.forEach((address, body) -> {
      Throwable t = failure(vertx.eventBus().request(PREFIX + address, body.copy().put("ttlMS", 5000)));
      assertThat(t).as(address).isInstanceOfSatisfying(ReplyException.class, re -> {
        assertThat(re.failureCode()).as(address).isEqualTo(400);
        // A limit change lists every problem of the change at once, after "change: refused".
        String expected = address.equals(Addresses.RATELIMIT_LIMITS_SET) ? "change: refused, nothing applied: ttlMS: unknown field"
          : "ttlMS: unknown field";
        assertThat(re.getMessage()).as(address).startsWith(expected).doesNotContain("()");
      });
    });
    assertThat(DataKeys.of(server)).as("nothing written").isEmpty();

    // A call inside a batch is checked as its own request would be: its result is the 400.
    JsonObject batch = join(vertx.eventBus().<JsonObject>request(PREFIX + Addresses.CACHE_GET_BATCH, new JsonObject()
      .put("calls", new JsonArray().add(new JsonObject().put("key", "k").put("nmespace", "users"))))).body();
    JsonObject only = batch.getJsonArray("results").getJsonObject(0);
    assertThat(only.getInteger("failureCode")).isEqualTo(400);
    assertThat(only.getString("message")).startsWith("nmespace: unknown field of cache.get (expected namespace?, key, idleTtlMs?)");

    // The message says what the address takes; an address that takes nothing says so.
    Throwable set = failure(vertx.eventBus().request(PREFIX + Addresses.CACHE_SET, requests.get(Addresses.CACHE_SET).copy()
      .put("ttlMS", 5000)));
    assertThat(set.getMessage()).isEqualTo("ttlMS: unknown field of cache.set (expected namespace?, key, value, ttlMs?, idleTtlMs?, tags?)");
    Throwable health = failure(vertx.eventBus().request(PREFIX + Addresses.HEALTH_REDIS, new JsonObject().put("verbose", true)));
    assertThat(health.getMessage()).isEqualTo("verbose: unknown field of health.redis (it takes no fields)");
    Throwable stats = failure(vertx.eventBus().request(PREFIX + Addresses.RATELIMIT_STATS, new JsonObject().put("limiter", "x")));
    assertThat(stats.getMessage()).isEqualTo("limiter: unknown field (the address takes no fields)");
  }
}
