package dev.rediskit.eventbus;

import ch.qos.logback.classic.Level;
import dev.rediskit.RedisKitVerticle;
import dev.rediskit.cache.CacheOptions;
import dev.rediskit.cache.CacheResult;
import dev.rediskit.cache.NearCacheOptions;
import dev.rediskit.cache.NearCacheStats;
import dev.rediskit.test.Await;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.LogCapture;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static dev.rediskit.test.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@link CacheClient} near cache against a cache service ({@link RedisKitVerticle}, real Redis)
 * that does not track what the client reads: the reads still answer, over the event bus, count as
 * bypasses (never hits or misses), and the client says why in one warning (per namespace, or once
 * when it hears no stream at all), naming the service's setting.
 */
@IntegrationTest
class CacheClientNearCacheUntrackedIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  private static final Duration WAIT = Duration.ofSeconds(60);

  private static JsonObject config(RedisServer server, String prefix, JsonObject namespaces) {
    return new JsonObject().put("endpoints", server.uri()).put("addressPrefix", prefix).put("keyPrefix", prefix)
      .put("cache", new JsonObject().put("namespaces", namespaces));
  }

  private static CacheClient nearClient(Vertx vertx, String prefix) {
    return CacheClient.create(vertx, prefix, CacheOptions.DEFAULT_LOADER_PREFIX, new DeliveryOptions().setSendTimeout(5_000),
      new NearCacheOptions().setEnabled(true));
  }

  @Test
  void readsOfANamespaceWithoutNearCacheOnTheServiceAreBypassesWithOneWarningPerNamespace(Vertx vertx, RedisServer server) {
    String prefix = "untracked.";
    JsonObject namespaces = new JsonObject()
      .put("hot", new JsonObject().put("nearCache", new JsonObject().put("enabled", true)))
      .put("cold", new JsonObject().put("ttlMs", 60_000));
    String id = await(vertx.deployVerticle(RedisKitVerticle.class, new DeploymentOptions().setConfig(config(server, prefix, namespaces))));
    try (LogCapture log = LogCapture.of(CacheClient.class.getName())) {
      CacheClient plain = CacheClient.create(vertx, prefix);
      CacheClient near = nearClient(vertx, prefix);
      try {
        await(plain.set("hot", "k", "h", Duration.ofMinutes(5)));
        await(plain.set("cold", "k", "c", Duration.ofMinutes(5)));
        NearCacheStats stats = near.nearCacheStats();
        // The tracked namespace is served locally once the stream is confirmed: the client follows the service.
        Await.until(() -> {
          long hits = stats.hits();
          await(near.lookup("hot", "k"));
          return stats.hits() > hits;
        }, WAIT, () -> "the tracked namespace was never served locally: " + stats.toJson());

        long hits = stats.hits();
        long misses = stats.misses();
        long bypasses = stats.bypasses();
        int[] reads = {0};
        // The warning needs a read that finds the stream confirmed; a read in a late heartbeat's gap is a bypass too.
        Await.until(() -> {
          CacheResult<Object> r = await(near.lookup("cold", "k"));
          reads[0]++;
          assertThat(r.found()).isTrue();
          assertThat(r.value()).isEqualTo("c");
          return !log.messages(Level.WARN, "does not track namespace \"cold\"").isEmpty();
        }, WAIT, () -> "no warning about cold: " + stats.toJson());
        for (int i = 0; i < 20; i++) {
          assertThat(await(near.get("cold", "k"))).isEqualTo("c");
          reads[0]++;
        }
        assertThat(await(near.get("cold", "absent"))).isNull();
        reads[0]++;
        assertThat(stats.bypasses() - bypasses).as("every read of cold, and only those: %s", stats.toJson()).isEqualTo(reads[0]);
        assertThat(stats.hits()).as("never a hit").isEqualTo(hits);
        assertThat(stats.misses()).as("never a miss").isEqualTo(misses);
        assertThat(stats.entries()).as("only hot's copy is held").isEqualTo(1);

        assertThat(log.messages(Level.WARN, "does not track namespace")).as("one warning, for cold only")
          .singleElement().asString()
          .contains("untracked.cache.invalidations")
          .contains("set cache.namespaces.cold.nearCache.enabled=true in the cache service's configuration");
        assertThat(log.messages(Level.WARN, "no invalidation stream heard")).as("the stream was heard").isEmpty();
      } finally {
        await(near.close());
      }
    } finally {
      await(vertx.undeploy(id));
    }
  }

  @Test
  void aServiceTrackingNoNamespacePublishesNoStreamAndTheClientSaysSoOnce(Vertx vertx, RedisServer server) {
    String prefix = "nostream.";
    String id = await(vertx.deployVerticle(RedisKitVerticle.class,
      new DeploymentOptions().setConfig(config(server, prefix, new JsonObject()))));
    try (LogCapture log = LogCapture.of(CacheClient.class.getName())) {
      CacheClient near = nearClient(vertx, prefix);
      try {
        await(near.set("users", "1", "Ada", Duration.ofMinutes(5)));
        NearCacheStats stats = near.nearCacheStats();
        int[] reads = {0};
        // max(5 s, maxStalenessMs) after its creation, checked every 100 ms.
        Await.until(() -> {
          assertThat(await(near.get("users", "1"))).isEqualTo("Ada");
          reads[0]++;
          return !log.messages(Level.WARN, "no invalidation stream heard").isEmpty();
        }, WAIT, () -> "no warning about the missing stream: " + stats.toJson());
        assertThat(await(near.get("users", "1"))).isEqualTo("Ada");
        reads[0]++;
        assertThat(stats.bypasses()).as(stats.toJson().encode()).isEqualTo(reads[0]);
        assertThat(stats.hits() + stats.misses()).isZero();
        assertThat(log.messages(Level.WARN, "no invalidation stream heard")).singleElement().asString()
          .contains("nostream.cache.invalidations").contains("cache.namespaces.<ns>.nearCache.enabled");
        assertThat(log.messages(Level.WARN, "does not track namespace")).as("no stream, so no namespace list").isEmpty();
      } finally {
        await(near.close());
      }
    } finally {
      await(vertx.undeploy(id));
    }
  }
}
