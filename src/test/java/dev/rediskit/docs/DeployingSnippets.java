package dev.rediskit.docs;

import dev.rediskit.RedisKit;
import dev.rediskit.RedisKitOptions;
import dev.rediskit.RedisKitVerticle;
import dev.rediskit.eventbus.CacheClient;
import dev.rediskit.eventbus.RateLimitClient;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.time.Duration;

/** The code of docs/DEPLOYING.md (and of the Javadoc example of RedisKitVerticle), compiled, never run. */
abstract class DeployingSnippets extends SnippetContext {

  void programmatic(JsonObject user) {
    // begin-snippet: deploying-programmatic
    RedisKitOptions options = new RedisKitOptions(new JsonObject()
      .put("endpoints", "redis://localhost:6379")
      .put("commandTimeoutMs", 500));
    RedisKit.create(vertx, options).onSuccess(kit -> {
      kit.cache().namespace("users").set("42", user);
      kit.rateLimiter().check("user:42", 100, Duration.ofMinutes(1));
    });
    // end-snippet
  }

  void oneVerticle() {
    // begin-snippet: deploying-one-verticle
    JsonObject config = new JsonObject()
      .put("endpoints", "redis://localhost:6379")
      .put("commandTimeoutMs", 500);
    vertx.deployVerticle(RedisKitVerticle.class, new DeploymentOptions().setConfig(config));

    CacheClient cache = CacheClient.create(vertx, "");          // "" = the addressPrefix
    RateLimitClient limits = RateLimitClient.create(vertx, "");
    // end-snippet
  }

  void severalInstances() {
    // begin-snippet: deploying-several-instances
    int instances = Runtime.getRuntime().availableProcessors();   // at most one per core
    vertx.deployVerticle(RedisKitVerticle.class, new DeploymentOptions().setConfig(config).setInstances(instances));
    // end-snippet
  }

  void clustered() {
    // begin-snippet: deploying-clustered
    Vertx.builder()
      .with(new VertxOptions().setEventBusOptions(new EventBusOptions().setHost("10.0.0.5")))
      .withClusterManager(new HazelcastClusterManager())
      .buildClustered()
      .compose(vertx -> vertx.deployVerticle(RedisKitVerticle.class, new DeploymentOptions().setConfig(config)));
    // end-snippet
  }

  /** The class Javadoc example of {@link RedisKitVerticle}. */
  void verticleJavadoc() {
    // begin-snippet: javadoc-redis-kit-verticle
    vertx.deployVerticle(RedisKitVerticle.class, new DeploymentOptions()
      .setConfig(new JsonObject().put("endpoints", "redis://localhost:6379"))
      .setInstances(2));   // one gateway, one pipelined connection, per event loop
    // end-snippet
  }
}
