package dev.rediskit;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.function.Supplier;

import static dev.rediskit.test.Futures.await;

/**
 * Run in a child JVM by {@link ConfigurationAsAUserIT}, with the environment and system properties
 * it is given: starts one entry point, uses it as an application would, and prints one line
 * {@value #RESULT} followed by a JSON object of what it saw (the effective options where the entry
 * point shows them, a service limit's decision, whether shadow mode let a second call through, the
 * health reply), or {@code error} with the start failure's class and message.
 *
 * <ul>
 *   <li>{@code verticle <json>}: deploys {@link RedisKitVerticle} with that deployment config and
 *   uses the event bus;</li>
 *   <li>{@code create <json>}: {@link RedisKit#create} with {@code new RedisKitOptions(json)};</li>
 *   <li>{@code load}: {@link RedisKitConfig#load(Vertx)}, then {@link RedisKit#create} with its result.</li>
 * </ul>
 * The cache entry {@code cfg/k} is written without a TTL, so that the parent reads the configured
 * default TTL and the key prefix off the server.
 */
public final class ConfigurationChild {

  static final String RESULT = "CONFIG-RESULT ";

  private ConfigurationChild() {
  }

  /**
   * @param args the entry point, then the deployment config or options as JSON (not for {@code load})
   */
  public static void main(String[] args) {
    Vertx vertx = Vertx.vertx();
    JsonObject out = new JsonObject();
    try {
      if (args[0].equals("verticle")) {
        await(vertx.deployVerticle(new RedisKitVerticle(), new DeploymentOptions().setConfig(new JsonObject(args[1]))));
        observeEventBus(vertx, out);
      } else {
        RedisKitOptions options = args[0].equals("load")
          ? await(RedisKitConfig.load(vertx))
          : new RedisKitOptions(new JsonObject(args[1]));
        if (args[0].equals("load")) {
          out.put("loaded", options.toDisplayJson());
        }
        RedisKit kit = await(RedisKit.create(vertx, options));
        out.put("options", kit.options().toDisplayJson());
        await(kit.cache().namespace("cfg").set("k", "v"));
        out.put("mailer", attempt(() -> kit.rateLimiter().serviceLimit("mailer").map(d -> d.toJson())));
        out.put("sms", attempt(() -> kit.rateLimiter().serviceLimit("sms").map(d -> d.toJson())));
        await(kit.rateLimiter().check("shadow", 1, Duration.ofMinutes(1)));
        out.put("shadowSecondAllowed", await(kit.rateLimiter().check("shadow", 1, Duration.ofMinutes(1))).allowed());
        out.put("health", await(kit.health().checkAsJson()));
        await(kit.close());
      }
    } catch (RuntimeException | AssertionError e) {
      out.put("error", new JsonObject().put("class", e.getClass().getName()).put("message", String.valueOf(e.getMessage())));
    } finally {
      await(vertx.close());
    }
    System.out.println(RESULT + out.encode());
    System.exit(0);
  }

  private static void observeEventBus(Vertx vertx, JsonObject out) {
    await(vertx.eventBus().request("cache.set", new JsonObject().put("namespace", "cfg").put("key", "k").put("value", "v")));
    out.put("mailer", attempt(() -> vertx.eventBus().<JsonObject>request("ratelimit.service",
      new JsonObject().put("service", "mailer")).map(m -> m.body())));
    out.put("sms", attempt(() -> vertx.eventBus().<JsonObject>request("ratelimit.service",
      new JsonObject().put("service", "sms")).map(m -> m.body())));
    JsonObject check = new JsonObject().put("key", "shadow").put("limit", 1).put("windowMs", 60_000);
    await(vertx.eventBus().request("ratelimit.check", check));
    out.put("shadowSecondAllowed", await(vertx.eventBus().<JsonObject>request("ratelimit.check", check)).body().getBoolean("allowed"));
    out.put("health", await(vertx.eventBus().<JsonObject>request("health.redis", new JsonObject())).body());
  }

  /** The call's reply, or {@code {"failed": message}}: a refused call is an observation, not the end of the run. */
  private static JsonObject attempt(Supplier<Future<JsonObject>> call) {
    try {
      return await(call.get());
    } catch (RuntimeException | AssertionError e) {
      return new JsonObject().put("failed", String.valueOf(e.getMessage()));
    }
  }
}
