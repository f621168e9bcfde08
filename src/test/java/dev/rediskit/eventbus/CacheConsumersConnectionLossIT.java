package dev.rediskit.eventbus;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.test.Await;
import dev.rediskit.test.InFlightLoad;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;

import static dev.rediskit.test.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis killed under event-bus load: the batch operations {@code cache.mget} and {@code cache.delete}
 * answer 503 (Redis unavailable), as every other operation does, not 500 as if Redis had replied
 * {@code ERR [0] java.net.SocketException: Connection reset}.
 */
@IntegrationTest
class CacheConsumersConnectionLossIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  @ParameterizedTest
  @ValueSource(strings = {Addresses.CACHE_MGET, Addresses.CACHE_DELETE})
  void batchOperationsAnswer503WhenRedisIsKilled(String address, Vertx vertx, RedisServer server) {
    Context context = vertx.getOrCreateContext();
    Promise<RedisGateway> created = Promise.promise();
    // Long timeouts: the failures must be the lost connection's, not timeouts on a busy machine.
    RedisKitOptions options = new RedisKitOptions().setEndpoint(server.uri()).setCommandTimeoutMs(10_000).setConnectTimeoutMs(5_000);
    context.runOnContext(v -> created.complete(RedisGateway.create(vertx, options)));
    RedisGateway gw = await(created.future().compose(RedisGateway::ready));
    CacheConsumers consumers = await(CacheConsumers.register(vertx.eventBus(), "", RedisCache.create(vertx, gw, options.getCache())));
    try {
      JsonObject body = new JsonObject().put("namespace", "lost").put("keys", new JsonArray(List.of("a", "b", "c", "d")));
      InFlightLoad load = InFlightLoad.start(context, 64, () -> vertx.eventBus().request(address, body));
      Await.until(() -> load.successes() > 200 || !load.failures().isEmpty(), Duration.ofSeconds(30), "the load to flow");
      assertThat(load.failures()).as("failures before the kill").isEmpty();

      // Paused, Redis reads the load's commands and answers none: requests are surely in flight
      // at the kill. Without it, every request sent may already have had its reply, and those sent
      // after the kill fail to connect instead (seen once on a two-core machine).
      server.command("CLIENT", "PAUSE", "30000");
      Await.until(() -> gw.status().pending() > 0, Duration.ofSeconds(30), () -> "nothing in flight: " + gw.status());
      server.kill();
      load.awaitStopped(Duration.ofSeconds(30));

      assertThat(load.failures()).as("requests in flight when Redis died").isNotEmpty()
        .allSatisfy(f -> assertThat(f).isInstanceOfSatisfying(ReplyException.class, re -> {
          assertThat(re.failureCode()).as(re.getMessage()).isEqualTo(FailureCodes.UNAVAILABLE);
          assertThat(re.getMessage()).doesNotContain("ERR [");
        }))
        .anySatisfy(f -> assertThat(f).hasMessageContaining("connection to Redis lost"));
    } finally {
      await(consumers.unregister());
      await(gw.close());
    }
  }
}
