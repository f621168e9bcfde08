package dev.rediskit.docs;

import dev.rediskit.RedisKit;
import dev.rediskit.RedisKitOptions;
import dev.rediskit.RedisKitVerticle;
import dev.rediskit.cache.CacheNamespace;
import dev.rediskit.cache.LoadOptions;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.eventbus.CacheClient;
import dev.rediskit.eventbus.HealthClient;
import dev.rediskit.cache.NearCacheOptions;
import dev.rediskit.eventbus.CacheLoaders;
import dev.rediskit.eventbus.RateLimitClient;
import dev.rediskit.ratelimit.RateLimiter;
import dev.rediskit.web.ClientIpResolver;
import dev.rediskit.web.HttpRateLimitPolicy;
import dev.rediskit.web.RateLimitHandler;
import dev.rediskit.web.RateLimitHandlerOptions;
import dev.rediskit.web.RedisKitRoutes;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import java.time.Duration;
import java.util.List;

/** The code of README.md (and of the Javadoc examples that show the same), compiled, never run. */
abstract class ReadmeSnippets extends SnippetContext {

  void gateway() {
    // begin-snippet: readme-gateway
    RedisKitOptions options = new RedisKitOptions()
      .setEndpoint("redis://localhost:6379")
      .setCommandTimeoutMs(500);
    RedisGateway gateway = RedisGateway.create(vertx, options);   // bound to the current context
    gateway.ready()
      .compose(gw -> gw.send(Request.cmd(Command.SET).arg("greeting").arg("hello")))
      .compose(ok -> gateway.send(Request.cmd(Command.GET).arg("greeting")))
      .onSuccess(value -> System.out.println(value));             // hello
    // end-snippet
  }

  void deploying() {
    // begin-snippet: readme-deploying
    vertx.deployVerticle(RedisKitVerticle.class, new DeploymentOptions()
      .setConfig(new JsonObject().put("endpoints", "redis://localhost:6379"))
      .setInstances(2));   // one gateway and one pipelined connection per event loop
    CacheClient cache = CacheClient.create(vertx, "");          // from any verticle, any node
    RateLimitClient limits = RateLimitClient.create(vertx, "");
    HealthClient health = HealthClient.create(vertx, "");        // Redis' health, UP or DOWN
    // end-snippet
  }

  void caching() {
    // begin-snippet: readme-caching
    RedisCache cache = RedisCache.create(vertx, gateway, options.getCache());
    CacheNamespace<User> users = cache.namespace("users", User.class);
    users.getOrLoad("42", () -> db.findUser("42"),                    // one load, however many callers
        LoadOptions.ttl(Duration.ofMinutes(5)).setStaleTtl(Duration.ofMinutes(1)))
      .onSuccess(user -> { /* ... */ });
    users.delete("42");
    cache.flush("users");                                            // → number of keys removed
    // end-snippet
  }

  void cachingOverTheEventBus() {
    // begin-snippet: readme-caching-event-bus
    // {"cache": {"namespaces": {"users": {"loader": "db.users.load", "ttlMs": 300000, "staleTtlMs": 60000}}}}
    CacheLoaders.register(vertx, "db.users.load", id -> db.findUser(id).map(JsonObject::mapFrom));  // database verticle
    CacheClient client = CacheClient.create(vertx, prefix);                    // anywhere
    client.getOrLoad("users", "42", null)                                      // one load, however many callers and nodes
      .onSuccess(user -> log.info("user 42: " + user));
    CacheClient.Memoized<String> find = client.memoize("users",
      (String id) -> db.findUser(id).map(JsonObject::mapFrom), id -> id, LoadOptions.ttl(ttl));
    client.warm("users", hotIds, 100, Duration.ofHours(1));                    // through the namespace's batchLoader
    // end-snippet
  }

  void clientNearCache() {
    // begin-snippet: readme-client-near-cache
    CacheClient near = CacheClient.create(vertx, prefix, new NearCacheOptions().setEnabled(true).setMaxStalenessMs(1_000));
    // end-snippet
  }

  void rateLimiting() {
    // begin-snippet: readme-rate-limiter
    RateLimiter limiter = RateLimiter.create(vertx, gateway);
    limiter.check("user:42", 100, Duration.ofMinutes(1))
      .onSuccess(d -> { if (!d.allowed()) { /* retry in d.retryAfterMs() */ } });
    limiter.verifyAndLimit(token, clientIp, "/login");   // token, IP and endpoint limits, all or nothing
    limiter.serviceLimit("partner-api");
    // end-snippet
  }

  /** Also the class Javadoc example of {@link RateLimitHandler}. */
  void handler() {
    // begin-snippet: readme-rate-limit-handler
    router.route("/api/*").handler(RateLimitHandler.create(limiter, new RateLimitHandlerOptions()
      .addPolicy(HttpRateLimitPolicy.perIp("per-ip", 100, Duration.ofMinutes(1)))
      .addPolicy(HttpRateLimitPolicy.perToken("per-token", 1000, Duration.ofHours(1)))
      .setClientIpResolver(ClientIpResolver.create(ClientIpResolver.ForwardedHeader.X_FORWARDED_FOR, List.of("10.0.0.0/8")))));
    // end-snippet
  }

  void routes() {
    // begin-snippet: readme-routes
    RedisKit.create(vertx, options).onSuccess(kit -> RedisKitRoutes.create(kit.health(), kit.options().getMetrics())
      .guard(RateLimitHandler.create(kit.rateLimiter(), HttpRateLimitPolicy.perIp("health-per-ip", 10, Duration.ofSeconds(1))))
      .mount(router));   // /health, /health/redis, /metrics
    // end-snippet
  }
}
