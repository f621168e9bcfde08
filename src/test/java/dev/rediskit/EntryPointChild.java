package dev.rediskit;

import dev.rediskit.eventbus.CacheClient;
import dev.rediskit.eventbus.RateLimitClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.Duration;

import static dev.rediskit.test.Futures.await;

/**
 * Run in a child JVM by {@link EntryPointEnvironmentIT}, with nothing but the environment it is
 * given: uses one entry point with no configuration of its own and writes one cache entry and one
 * limiter key, then prints {@value #DONE}.
 *
 * <ul>
 *   <li>{@code verticle}: deploys {@link RedisKitVerticle} with the empty config {@code {}} and uses
 *   the event bus;</li>
 *   <li>{@code create}: {@link RedisKit#create(Vertx, RedisKitOptions)} with {@code new RedisKitOptions()}.</li>
 * </ul>
 */
public final class EntryPointChild {

  static final String DONE = "ENTRY-POINT-DONE";

  private EntryPointChild() {
  }

  /**
   * @param args the entry point: {@code verticle} or {@code create}
   */
  public static void main(String[] args) {
    Vertx vertx = Vertx.vertx();
    int status = 0;
    try {
      if (args[0].equals("verticle")) {
        await(vertx.deployVerticle(new RedisKitVerticle(), new io.vertx.core.DeploymentOptions().setConfig(new JsonObject())));
        await(CacheClient.create(vertx, "").set("envtest", "from-verticle", "v", Duration.ofMinutes(5)));
        await(RateLimitClient.create(vertx, "").check("envtest-verticle", 10, Duration.ofMinutes(5)));
      } else {
        RedisKit kit = await(RedisKit.create(vertx, new RedisKitOptions()));
        await(kit.cache().namespace("envtest").set("from-create", "v", Duration.ofMinutes(5)));
        await(kit.rateLimiter().check("envtest-create", 10, Duration.ofMinutes(5)));
        await(kit.close());
      }
      System.out.println(DONE);
    } catch (RuntimeException e) {
      e.printStackTrace();
      status = 1;
    } finally {
      await(vertx.close());
    }
    System.exit(status);
  }
}
