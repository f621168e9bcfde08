package dev.rediskit.cache;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.eventbus.Addresses;
import dev.rediskit.eventbus.CacheConsumers;
import dev.rediskit.eventbus.FailureCodes;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static dev.rediskit.test.Futures.await;
import static dev.rediskit.test.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code cache.maxNamespaces}: namespaces named from data (a user id, say) would each keep counters and meter series for
 * the cache's life; past the limit a new one is refused before Redis, from Java as over the event bus, while the
 * namespaces in use and the configured ones go on.
 */
@IntegrationTest
class CacheNamespaceLimitIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  @Test
  void aNamespacePastTheLimitIsRefusedBeforeRedisAndTheOthersGoOn(Vertx vertx, RedisServer server) {
    // default, "configured" (in cache.namespaces) and 3 more make 5.
    CacheOptions cacheOptions = new CacheOptions().setMaxNamespaces(5).putNamespace("configured", new NamespaceOptions());
    RedisGateway gateway = await(RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(server.uri())
      .setCache(cacheOptions)).ready());
    RedisCache cache = RedisCache.create(vertx, gateway);
    CacheConsumers consumers = await(CacheConsumers.register(vertx.eventBus(), "lim.", cache));
    try {
      Duration minute = Duration.ofMinutes(1);
      for (String ns : List.of("a", "b", "c", "d")) {
        await(cache.namespace(ns).set("k", ns, minute));
      }
      assertThat(cache.allStats()).containsOnlyKeys("default", "a", "b", "c", "d");

      assertThatThrownBy(() -> cache.namespace("e")).isInstanceOf(InvalidRequestException.class)
        .hasMessage("namespace: would be one namespace more than the 5 this cache serves (cache.maxNamespaces); namespaces "
          + "are a fixed set: build keys, not namespace names, from data");
      assertThatThrownBy(() -> cache.namespace("e", CacheCodec.buffer())).isInstanceOf(InvalidRequestException.class);
      assertThat(failure(cache.flush("e"))).isInstanceOf(InvalidRequestException.class).hasMessageContaining("cache.maxNamespaces");
      assertThat(failure(cache.bumpVersion("e"))).isInstanceOf(InvalidRequestException.class);
      ReplyException overBus = (ReplyException) failure(vertx.eventBus().request("lim." + Addresses.CACHE_SET,
        new JsonObject().put("namespace", "e").put("key", "k").put("value", "v")));
      assertThat(overBus.failureCode()).isEqualTo(FailureCodes.INVALID_REQUEST);
      assertThat(overBus.getMessage()).startsWith("namespace: would be one namespace more than the 5");
      // A stats query of it answers zeros without taking a place.
      JsonObject stats = (JsonObject) await(vertx.eventBus().request("lim." + Addresses.CACHE_STATS,
        new JsonObject().put("namespace", "e"))).body();
      assertThat(stats.getLong("sets")).isZero();
      assertThat(server.command("KEYS", "*:e:*")).as("nothing of the refused namespace reached Redis").isEqualTo(List.of());

      // The namespaces in use, and a configured one, are served at the limit.
      assertThat(await(cache.namespace("a").get("k"))).isEqualTo("a");
      await(cache.namespace("configured").set("k", "c", minute));
      JsonObject d = (JsonObject) await(vertx.eventBus().request("lim." + Addresses.CACHE_GET,
        new JsonObject().put("namespace", "d").put("key", "k"))).body();
      assertThat(d.getString("value")).isEqualTo("d");
      assertThat(cache.allStats()).containsOnlyKeys("default", "a", "b", "c", "d", "configured");
    } finally {
      await(consumers.unregister());
      await(gateway.close());
    }
  }
}
