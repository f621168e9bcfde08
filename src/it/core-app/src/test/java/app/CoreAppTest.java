package app;

import dev.rediskit.RedisKit;
import dev.rediskit.RedisKitOptions;
import dev.rediskit.RedisKitVerticle;
import dev.rediskit.config.OptionalDependency;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.rediskit.test.Futures.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An application with the core dependencies only: the verticle deploys with its settings from a file,
 * the environment and system properties, and serves the cache and the limiter over the event bus;
 * the integrations that are not there fail at once, naming the artifact to add.
 */
@ExtendWith(VertxExtension.class)
class CoreAppTest {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  @AfterEach
  void clearProperties() {
    System.clearProperty("rediskit.config");
    System.clearProperty("rediskit.keyPrefix");
  }

  @Test
  void theOptionalJarsAreNotOnTheClassPath() {
    for (String name : List.of("io.vertx.ext.web.Router", "io.micrometer.core.instrument.MeterRegistry",
        "io.vertx.micrometer.backends.BackendRegistries", "io.micrometer.prometheusmetrics.PrometheusMeterRegistry",
        "com.fasterxml.jackson.databind.ObjectMapper")) {
      assertThrows(ClassNotFoundException.class, () -> Class.forName(name), name);
    }
    for (OptionalDependency d : OptionalDependency.values()) {
      assertFalse(d.present(), d.artifact());
    }
  }

  @Test
  void theVerticleServesTheCacheAndTheLimiterOverTheEventBus(Vertx vertx, RedisServer server) throws Exception {
    // The endpoint from a config file, the key prefix from a system property, the address prefix from
    // the environment (the pom sets REDISKIT_ADDRESS_PREFIX=app.); the deployment config is empty.
    Path file = Files.createTempFile("rediskit", ".json");
    // A connect timeout for a loaded 2-core machine: the first connection of a fresh JVM has been seen to take over 500 ms.
    Files.writeString(file, new JsonObject().put("endpoints", server.uri()).put("connectTimeoutMs", 10_000).encode());
    System.setProperty("rediskit.config", file.toString());
    System.setProperty("rediskit.keyPrefix", "coreapp");

    await(vertx.deployVerticle(RedisKitVerticle.class, new DeploymentOptions().setConfig(new JsonObject())));
    EventBus bus = vertx.eventBus();

    await(bus.request("app.cache.set", new JsonObject().put("key", "greeting").put("value", "hello").put("ttlMs", 60_000)));
    JsonObject got = (JsonObject) await(bus.request("app.cache.get", new JsonObject().put("key", "greeting"))).body();
    assertEquals("hello", got.getString("value"), got.encode());
    assertEquals("cache", got.getString("source"), got.encode());
    List<?> keys = (List<?>) server.command("KEYS", "coreapp:*");
    assertFalse(keys.isEmpty(), "keys under the prefix set by the system property");

    JsonObject check = new JsonObject().put("key", "user:7").put("limit", 2).put("windowMs", 60_000);
    for (int i = 0; i < 2; i++) {
      JsonObject d = (JsonObject) await(bus.request("app.ratelimit.check", check)).body();
      assertTrue(d.getBoolean("allowed"), d.encode());
    }
    JsonObject third = (JsonObject) await(bus.request("app.ratelimit.check", check)).body();
    assertFalse(third.getBoolean("allowed"), third.encode());
  }

  @Test
  void theIntegrationsThatAreMissingFailAtOnceNamingTheArtifact(Vertx vertx, RedisServer server) {
    RedisKit kit = await(RedisKit.create(vertx, new RedisKitOptions().setEndpoint(server.uri()).setConnectTimeoutMs(10_000)));
    try {
      assertFalse(kit.metrics().bindGateway("other", kit.gateway()).active(), "no registry: meters off, quietly");
      OptionalDependency.MissingDependencyException pojo = assertThrows(OptionalDependency.MissingDependencyException.class,
        () -> kit.cache().namespace("users", User.class));
      assertTrue(pojo.getMessage().contains("com.fasterxml.jackson.core:jackson-databind"), pojo.getMessage());
    } finally {
      await(kit.close());
    }
  }

  /** A user type, which only Jackson's data binding can map. */
  public static final class User {
    public String name;
  }
}
