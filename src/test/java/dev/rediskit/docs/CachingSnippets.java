package dev.rediskit.docs;

import dev.rediskit.RedisKitConfig;
import dev.rediskit.cache.CacheCodec;
import dev.rediskit.cache.CacheNamespace;
import dev.rediskit.cache.CacheOptions;
import dev.rediskit.cache.LoadOptions;
import dev.rediskit.cache.NamespaceOptions;
import dev.rediskit.cache.NearCacheOptions;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.cache.WriteOptions;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.eventbus.CacheClient;
import dev.rediskit.eventbus.CacheConsumers;
import dev.rediskit.eventbus.CacheLoaders;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.List;

/** The code of docs/CACHING.md, compiled, never run. */
abstract class CachingSnippets extends SnippetContext {

  void gettingACache() {
    // begin-snippet: caching-getting-a-cache
    RedisKitConfig.load(vertx).onSuccess(options -> {                       // or new RedisKitOptions()...
      RedisGateway gateway = RedisGateway.create(vertx, options);
      RedisCache cache = RedisCache.create(vertx, gateway);               // keyPrefix + cache section of the gateway's options
      // or RedisCache.create(vertx, gateway, new CacheOptions().setTtlMs(60_000))
    });
    // end-snippet
  }

  void namespaces() {
    // begin-snippet: caching-namespaces
    CacheNamespace<Object> sessions = cache.namespace("sessions");                       // JSON values and Buffers
    CacheNamespace<Buffer> images   = cache.namespace("images", CacheCodec.buffer());    // raw bytes
    CacheNamespace<User>   users    = cache.namespace("users", User.class);              // POJOs via Vert.x JSON mapping
    CacheNamespace<Proto>  protos   = cache.namespace("protos", myCodec);                // any CacheCodec<V>
    // end-snippet
  }

  void loadOptions() {
    // begin-snippet: caching-load-options
    new LoadOptions()
      .setTtl(Duration.ofMinutes(5))          // fresh for 5 minutes (cache.ttlMs)
      .setStaleTtl(Duration.ofHours(1))       // then kept 1 hour more, served if the loader fails (cache.staleTtlMs)
      .setRefreshAheadFraction(0.2)           // reload in the background during the last 20% of the TTL
      // or .setRefreshAheadBeta(1.0)         // XFetch probabilistic early refresh instead
      .setCacheNulls(true)                    // remember "not found" ...
      .setNullTtl(Duration.ofSeconds(30));    // ... for 30 s (cache.nullTtlMs)
    // end-snippet
  }

  void namespaceDefaults(CacheNamespace<User> users) {
    // begin-snippet: caching-namespace-defaults
    CacheOptions withDefaults = new CacheOptions().putNamespace("users", new NamespaceOptions()
      .setLoadOptions(new LoadOptions().setTtl(Duration.ofMinutes(5)).setTags(List.of("users"))));  // JSON: {"users": {"ttlMs": 300000, "tags": ["users"]}}
    users.getOrLoad("42", () -> db.findUser("42"), null);                                    // 5 minutes, tagged "users"
    users.getOrLoad("42", () -> db.findUser("42"), LoadOptions.ttl(Duration.ofMinutes(1)));  // 1 minute, still tagged "users"
    users.getOrLoad("42", () -> db.findUser("42"), new LoadOptions().setTags(List.of()));    // 5 minutes, no tags
    // end-snippet
  }

  void overriding() {
    // begin-snippet: load-options-overriding
    LoadOptions configured = new LoadOptions().setTtl(Duration.ofMinutes(5)).setTags(List.of("tenant:7"));
    LoadOptions call = LoadOptions.ttl(Duration.ofMinutes(1)).overriding(configured);  // 1 minute, tags [tenant:7]
    // end-snippet
  }

  void slidingExpiry(CacheNamespace<Object> sessions, Object session, java.util.function.Supplier<io.vertx.core.Future<Object>> loader) {
    // begin-snippet: caching-sliding-expiry
    CacheOptions slidingOptions = new CacheOptions().putNamespace("sessions", new NamespaceOptions()
      .setLoadOptions(new LoadOptions().setIdleTtl(Duration.ofMinutes(30))));   // JSON: {"sessions": {"idleTtlMs": 1800000}}
    // in a namespace without it, per call:
    sessions.set("s1", session, new WriteOptions().setTtl(Duration.ofHours(8)).setIdleTtl(Duration.ofMinutes(30)));
    sessions.lookup("s1", Duration.ofMinutes(30));                              // a read that extends
    sessions.getOrLoad("s1", loader, new LoadOptions().setIdleTtl(Duration.ofMinutes(30)));
    // end-snippet
  }

  void tags(CacheNamespace<User> users, User ada, CacheNamespace<Object> orders, java.util.Map<String, Object> ordersOf42) {
    // begin-snippet: caching-tags
    users.set("42", ada, new WriteOptions().setTags(List.of("user:42", "tenant:7")));
    orders.setMany(ordersOf42, new WriteOptions().setTtl(Duration.ofMinutes(10)).setTags(List.of("user:42")));
    users.getOrLoad("42", () -> db.findUser("42"),
      LoadOptions.ttl(Duration.ofMinutes(5)).setTags(List.of("user:42", "tenant:7")));
    cache.invalidateTag("user:42");        // user 42 and every order of user 42: all stale now
    // end-snippet
  }

  void nearCache() {
    // begin-snippet: caching-near-cache
    CacheOptions cacheOptions = new CacheOptions().putNamespace("users", new NamespaceOptions()
      .setNearCache(new NearCacheOptions()
        .setEnabled(true)
        .setMaxEntries(10_000)          // or .setMaxBytes(64L << 20): one bound or the other
        .setTtlMs(60_000)               // a local copy lives 1 minute at most, never past its entry's TTL
        .setMaxStalenessMs(1_000)));    // a local read is never more than 1 s behind Redis
    RedisCache cache = RedisCache.create(vertx, gateway, cacheOptions);
    CacheNamespace<User> users = cache.namespace("users", User.class);
    users.lookup("42").onSuccess(r -> System.out.println(r.source()));   // NEAR once held locally
    // end-snippet
  }

  void clientNearCache() {
    // begin-snippet: caching-client-near-cache
    CacheClient client = CacheClient.create(vertx, "", new NearCacheOptions()
      .setEnabled(true)
      .setMaxEntries(50_000)         // or .setMaxBytes(...)
      .setTtlMs(60_000)              // never past the entry's fresh TTL either
      .setMaxStalenessMs(1_000));    // a local read is never more than 1 s behind Redis
    client.get("users", "42");       // over the event bus at first, then locally
    client.nearCacheStats();         // hits, misses, bypasses, invalidations, rejected fills, flushes by cause, entries, bytes
    client.close();                  // when the verticle is done with it
    // end-snippet
  }

  void eventBus() {
    // begin-snippet: caching-event-bus
    CacheConsumers.register(vertx.eventBus(), options.getAddressPrefix(), cache)
      .onSuccess(consumers -> { /* consumers.unregister() on stop */ });

    CacheClient client = CacheClient.create(vertx, options.getAddressPrefix());
    client.set("users", "42", new JsonObject().put("name", "Ada"), Duration.ofMinutes(5))
      .compose(v -> client.lookup("users", "42"))
      .onSuccess(r -> System.out.println(r.found() + " " + r.value()));
    // end-snippet
  }

  void overTheEventBus() {
    // begin-snippet: caching-loaders-event-bus
    // in the verticle that owns the data
    CacheLoaders.register(vertx, "db.users.load", id -> db.findUser(id).map(JsonObject::mapFrom));
    CacheLoaders.registerBatch(vertx, "db.users.loadMany", ids -> db.findUsers(ids));
    CacheLoaders.registerBlocking(vertx, "jdbc.orders.load", id -> jdbc.findOrder(id));     // on a worker thread

    // in any verticle, on any node
    CacheClient cache = CacheClient.create(vertx, "");
    cache.getOrLoad("users", "42", null)                                                   // the namespace's options
      .onSuccess(user -> log.info("user 42: " + user));
    cache.getOrLoadResult("users", "42", LoadOptions.ttl(Duration.ofMinutes(1)))           // a request's own override them
      .onSuccess(r -> log.info(r.value() + " from " + r.source()));
    cache.warm("users", hotIds, 100, Duration.ofHours(1)).onSuccess(w -> log.info(w.written() + " written"));
    CacheClient.Memoized<Long> price = cache.memoize("prices", (Long id) -> pricing.quote(id), id -> "p:" + id, LoadOptions.ttl(ttl));
    price.apply(7L).onSuccess(quote -> log.info("quote: " + quote));
    // end-snippet
  }

  void javadocClientGetOrLoad(CacheClient client) {
    // begin-snippet: javadoc-cache-client-get-or-load
    client.getOrLoad("users", "42", LoadOptions.ttl(Duration.ofMinutes(5)))
      .onSuccess(user -> log.info("user 42: " + user));
    // end-snippet
  }

  void clientNamedLoader(CacheClient client) {
    // begin-snippet: cache-client-named-loader
    CacheLoaders.register(vertx, "cache.loader.profiles", id -> db.findUser(id).map(JsonObject::mapFrom));
    client.getOrLoadResult("profiles", "42", "cache.loader.profiles", null, LoadOptions.ttl(Duration.ofMinutes(5)));
    // end-snippet
  }

  void javadocClientMemoize(CacheClient client) {
    // begin-snippet: javadoc-cache-client-memoize
    CacheClient.Memoized<String> findUser = client.memoize("users",
      (String id) -> db.findUser(id).map(JsonObject::mapFrom), id -> "id:" + id, LoadOptions.ttl(ttl));
    findUser.apply("42").onSuccess(user -> log.info("user 42: " + user));
    // end-snippet
  }

  void javadocCacheLoaders() {
    // begin-snippet: javadoc-cache-loaders
    // in the verticle that owns the database, with "users" configured as
    // {"cache": {"namespaces": {"users": {"loader": "db.users.load", "batchLoader": "db.users.loadMany"}}}}
    CacheLoaders.register(vertx, "db.users.load", id -> db.findUser(id).map(JsonObject::mapFrom));
    CacheLoaders.registerBatch(vertx, "db.users.loadMany", ids -> db.findUsers(ids));
    CacheLoaders.registerBlocking(vertx, "jdbc.orders.load", id -> jdbc.findOrder(id));   // runs on a worker
    // end-snippet
  }
}
