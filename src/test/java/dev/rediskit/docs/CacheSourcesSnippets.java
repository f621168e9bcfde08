package dev.rediskit.docs;

import dev.rediskit.cache.CacheNamespace;
import dev.rediskit.cache.LoadOptions;
import dev.rediskit.web.CacheHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * The code of docs/CACHING.md's sections on where an answer came from and on compression, and of
 * the Javadoc of {@link CacheHeaders}: compiled, never run.
 */
abstract class CacheSourcesSnippets extends SnippetContext {

  void cacheHeaders(CacheNamespace<User> users, RoutingContext ctx, String id) {
    // begin-snippet: javadoc-cache-headers
    users.getOrLoadResult(id, () -> db.findUser(id), LoadOptions.ttl(ttl)).onSuccess(r -> {
      CacheHeaders.put(ctx.response(), r);                       // X-Cache: HIT | MISS | STALE
      ctx.json(r.value());
    });
    // end-snippet
  }

  void sources(CacheNamespace<User> users, RoutingContext ctx, String id) {
    // begin-snippet: caching-sources
    users.lookup(id).onSuccess(r -> log.info(id + ": " + r.source()));    // CACHE, STALE or NEGATIVE
    users.getOrLoadResult(id, () -> db.findUser(id), LoadOptions.ttl(ttl)).onSuccess(r -> {
      CacheHeaders.put(ctx.response(), r);                                 // X-Cache: HIT, MISS or STALE
      ctx.json(r.value());
    });
    // end-snippet
  }
}
