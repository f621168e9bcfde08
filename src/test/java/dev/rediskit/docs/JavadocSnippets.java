package dev.rediskit.docs;

import dev.rediskit.RedisKit;
import dev.rediskit.cache.CacheNamespace;
import dev.rediskit.cache.LoadOptions;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.cache.WriteOptions;
import dev.rediskit.eventbus.CacheClient;
import dev.rediskit.cache.NearCacheOptions;
import dev.rediskit.eventbus.CacheConsumers;
import dev.rediskit.eventbus.HealthClient;
import dev.rediskit.eventbus.RateLimitClient;
import dev.rediskit.metrics.RedisKitMetrics;
import dev.rediskit.ratelimit.EndpointLimits;
import dev.rediskit.ratelimit.Limit;
import dev.rediskit.ratelimit.LimitChange;
import dev.rediskit.ratelimit.RateLimitAdmin;
import dev.rediskit.ratelimit.RateLimiter;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * The {@code <pre>{@code ...}</pre>} examples of the main sources' Javadoc, compiled, never run.
 * Each method is named after the type (and member) whose Javadoc shows the region.
 */
abstract class JavadocSnippets extends SnippetContext {

  abstract Future<User> loadUser(String id);

  void redisKit(String id) {
    // begin-snippet: javadoc-redis-kit
    RedisKit.create(vertx, options).onSuccess(kit -> {
      kit.cache().namespace("users", User.class).getOrLoad(id, () -> loadUser(id), LoadOptions.ttl(Duration.ofMinutes(5)));
      kit.rateLimiter().check("api:" + ip, 100, Duration.ofSeconds(1));
    });
    // end-snippet
  }

  void planAddress(RateLimitingSnippets.PlanStore plansOfTokens) {
    // begin-snippet: javadoc-plan-address
    // in the verticle that knows the plans; the module configured with {"rateLimit": {"planAddress": "plans.lookup"}}
    vertx.eventBus().<JsonObject>consumer("plans.lookup", msg -> plansOfTokens.planOf(msg.body().getString("token"))
      .onSuccess(plan -> msg.reply(new JsonObject().put("plan", plan)))   // null: no plan, the ordinary limits
      .onFailure(err -> msg.fail(500, err.getMessage())));                 // the ordinary limits too, counted
    // end-snippet
  }

  void rateLimitAdmin() {
    // begin-snippet: javadoc-rate-limit-admin
    RateLimitAdmin admin = RateLimitAdmin.create(limiter);
    admin.apply(new LimitChange().setPlan("pro", Limit.parse("5000/1m"))
      .setEndpoint("/login", new EndpointLimits(Limit.parse("5/1m"), null, null)));
    // end-snippet
  }

  void cacheNamespaceGet(CacheNamespace<User> users) {
    // begin-snippet: javadoc-cache-namespace-get
    users.get("42").onSuccess(user -> log.info("found " + user));
    // end-snippet
  }

  void cacheNamespaceSet(CacheNamespace<User> users, User user) {
    // begin-snippet: javadoc-cache-namespace-set
    users.set("42", user, Duration.ofMinutes(10));
    // end-snippet
  }

  void cacheNamespaceLookupIdle(CacheNamespace<Object> sessions) {
    // begin-snippet: javadoc-cache-namespace-lookup-idle
    sessions.lookup("s1", Duration.ofMinutes(30))
    // end-snippet
    ;
  }

  void cacheNamespaceSetWithOptions(CacheNamespace<Object> sessions, Object session) {
    // begin-snippet: javadoc-cache-namespace-set-options
    sessions.set("s1", session, new WriteOptions().setTtl(Duration.ofHours(8)).setIdleTtl(Duration.ofMinutes(30)));
    // end-snippet
  }

  void writeOptions(CacheNamespace<User> users, User ada) {
    // begin-snippet: javadoc-write-options
    users.set("42", ada, new WriteOptions().setTtl(Duration.ofHours(8)).setIdleTtl(Duration.ofMinutes(30)));
    // end-snippet
  }

  void cacheNamespaceGetMany(CacheNamespace<User> users) {
    // begin-snippet: javadoc-cache-namespace-get-many
    users.getMany(List.of("1", "2")).onSuccess(found -> log.info("found " + found.keySet()));
    // end-snippet
  }

  void cacheNamespaceGetOrLoad(CacheNamespace<User> users) {
    // begin-snippet: javadoc-cache-namespace-get-or-load
    users.getOrLoad("42", () -> db.findUser("42"), LoadOptions.ttl(Duration.ofMinutes(5)));
    // end-snippet
  }

  void cacheNamespaceGetOrLoadBlocking(CacheNamespace<User> users, LoadOptions options) {
    // begin-snippet: javadoc-cache-namespace-get-or-load-blocking
    users.getOrLoadBlocking("42", () -> jdbc.findUser("42"), options);
    // end-snippet
  }

  void cacheNamespaceMemoize(CacheNamespace<User> users, Duration ttl) {
    // begin-snippet: javadoc-cache-namespace-memoize
    Function<Long, Future<User>> find = users.memoize(db::findUser, id -> "id:" + id, LoadOptions.ttl(ttl));
    // end-snippet
  }

  void cacheNamespaceWarm(CacheNamespace<User> users, List<String> ids) {
    // begin-snippet: javadoc-cache-namespace-warm
    users.warm(ids, db::findUsers, Duration.ofHours(1), 100);
    // end-snippet
  }

  void loadOptions() {
    // begin-snippet: javadoc-load-options
    new LoadOptions().setTtl(Duration.ofMinutes(5)).setStaleTtl(Duration.ofHours(1))
      .setRefreshAheadFraction(0.2).setCacheNulls(true).setNullTtl(Duration.ofSeconds(30));
    // end-snippet
  }

  void redisCache() {
    // begin-snippet: javadoc-redis-cache
    RedisCache cache = RedisCache.create(vertx, gateway);
    CacheNamespace<User> users = cache.namespace("users", User.class);
    users.getOrLoad("42", () -> db.findUser("42"), LoadOptions.ttl(Duration.ofMinutes(5)));
    // end-snippet
  }

  void redisCacheFlushNamespace() {
    // begin-snippet: javadoc-redis-cache-flush-namespace
    cache.flush("users").onSuccess(n -> log.info("removed " + n));
    // end-snippet
  }

  void cacheClient() {
    // begin-snippet: javadoc-cache-client
    CacheClient client = CacheClient.create(vertx, "");
    client.set("users", "42", new JsonObject().put("name", "Ada"), Duration.ofMinutes(5))
      .compose(v -> client.lookup("users", "42"))
      .onSuccess(r -> System.out.println(r.found() + " " + r.value()));
    // end-snippet
  }

  void cacheClientNearCache() {
    // begin-snippet: javadoc-cache-client-near-cache
    CacheClient client = CacheClient.create(vertx, "", new NearCacheOptions().setEnabled(true).setMaxEntries(50_000));
    // end-snippet
  }

  void cacheConsumers() {
    // begin-snippet: javadoc-cache-consumers
    CacheConsumers.register(vertx.eventBus(), options.getAddressPrefix(), cache)
      .onSuccess(consumers -> log.info("serving " + consumers.addresses()));   // later: consumers.unregister()
    // end-snippet
  }

  void rateLimitClient() {
    // begin-snippet: javadoc-rate-limit-client
    RateLimitClient client = RateLimitClient.create(vertx, "");
    client.check("user:42", 100, Duration.ofMinutes(1)).onSuccess(d -> log.info("allowed: " + d.allowed()));
    // end-snippet
  }

  void healthClient() {
    // begin-snippet: javadoc-health-client
    HealthClient health = HealthClient.create(vertx, "");
    health.redis().onSuccess(h -> log.info("redis " + h.status() + " " + h.reasons()));
    // end-snippet
  }

  void redisKitMetrics() {
    // begin-snippet: javadoc-redis-kit-metrics
    RedisKitMetrics metrics = RedisKitMetrics.create(vertx);
    metrics.bindGateway(gateway);
    metrics.bindHealth(healthCheck, options.getMetrics().getHealthProbeIntervalMs());
    metrics.bindCache(cache);              // every namespace, read from cache.stats(namespace)
    metrics.bindRateLimiter(limiter);      // read from limiter.stats()
    // end-snippet
  }

  void bindClientNearCache(RedisKitMetrics metrics, CacheClient client) {
    // begin-snippet: javadoc-bind-client-near-cache
    metrics.bindClientNearCache("orders-verticle", client.nearCacheStats());
    // end-snippet
  }

  void rateLimiter() {
    // begin-snippet: javadoc-rate-limiter
    RateLimiter limiter = RateLimiter.create(vertx, gateway);
    limiter.check("user:42", 100, Duration.ofMinutes(1)).onSuccess(d -> {
      if (!d.allowed()) {
        // come back in d.retryAfterMs()
      }
    });
    // end-snippet
  }
}
