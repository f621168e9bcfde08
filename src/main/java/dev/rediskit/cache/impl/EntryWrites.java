package dev.rediskit.cache.impl;

import dev.rediskit.cache.CacheNames;
import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.client.RedisGateway;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Request;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The direct writes of one namespace view (set, setMany, delete), at its current version: input
 * checked before anything is sent, failures counted and passed on, this instance's listeners (and
 * so its near cache) told of every change.
 *
 * @param <V> the value type
 */
final class EntryWrites<V> {

  private final String ns;
  private final CacheContext ctx;
  private final RedisGateway gateway;
  private final StatsImpl stats;
  private final NamespaceEntries<V> entries;
  /** The namespace's idle TTL of sliding expiry, 0 when off. */
  private final long idleMs;

  EntryWrites(CacheContext ctx, String ns, NamespaceEntries<V> entries, StatsImpl stats) {
    this.ns = ns;
    this.ctx = ctx;
    this.gateway = ctx.gateway;
    this.stats = stats;
    this.entries = entries;
    this.idleMs = ctx.idleMsOf(ns);
  }

  /**
   * @param key the key
   * @param value the value
   * @param ttl the TTL, {@code null} for {@code cache.ttlMs} unless required
   * @param ttlRequired whether a {@code null} TTL is an error
   * @param idleTtl the idle TTL, {@code null} for the namespace's
   * @param tags the entry's tags, empty for none
   * @return completion
   */
  Future<Void> set(String key, V value, Duration ttl, boolean ttlRequired, Duration idleTtl, List<String> tags) {
    Buffer payload;
    long ttlMs;
    long idle;
    List<String> tagNames;
    try {
      CacheNames.checkKey("key", key);
      ttlMs = ttl == null && !ttlRequired ? ctx.options.getTtlMs() : ctx.ttls.checkTtl("ttlMs", ttl);
      idle = idleTtl == null ? idleMs : ctx.ttls.checkIdleTtl("idleTtlMs", idleTtl);
      tagNames = CacheNames.checkTags(tags);
      payload = entries.encode("value", value);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return stamped(tagNames, stamp -> ctx.versions.withStart(ns, stats,
      start -> gateway.send(entries.write(start.concat(key), payload, ttlMs, 0, 0, idle, stamp))))
      .transform(ar -> {
        if (ar.failed()) {
          stats.errors.increment();
          return Future.failedFuture(ar.cause());
        }
        stats.sets.increment();
        ctx.listeners.notifyInvalidate(ns, List.of(key));
        return Future.succeededFuture();
      });
  }

  /** Runs {@code write} with the tags' versions now (at once when there are none or they are held). */
  private <T> Future<T> stamped(List<String> tags, java.util.function.Function<TagStamp, Future<T>> write) {
    Future<TagStamp> stamp = entries.stamp(tags);
    return stamp.succeeded() ? write.apply(stamp.result()) : stamp.compose(write);
  }

  Future<Void> setMany(Map<String, V> values, Duration ttl, boolean ttlRequired, Duration idleTtl, List<String> tags) {
    List<String> written;
    List<Buffer> payloads;
    long ttlMs;
    long idle;
    List<String> tagNames;
    try {
      if (values == null) {
        throw new InvalidRequestException("entries", "is required");
      }
      ttlMs = ttl == null && !ttlRequired ? ctx.options.getTtlMs() : ctx.ttls.checkTtl("ttlMs", ttl);
      idle = idleTtl == null ? idleMs : ctx.ttls.checkIdleTtl("idleTtlMs", idleTtl);
      tagNames = CacheNames.checkTags(tags);
      written = new ArrayList<>(values.size());
      payloads = new ArrayList<>(values.size());
      for (Map.Entry<String, V> e : values.entrySet()) {
        String field = "entries." + e.getKey();
        CacheNames.checkKey("entries key", e.getKey());
        payloads.add(entries.encode(field, e.getValue()));
        written.add(e.getKey());
      }
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    if (written.isEmpty()) {
      return Future.succeededFuture();
    }
    return stamped(tagNames, stamp -> ctx.versions.withStart(ns, stats, start -> {
      List<Request> writes = new ArrayList<>(written.size());
      for (int i = 0; i < written.size(); i++) {
        writes.add(entries.write(start.concat(written.get(i)), payloads.get(i), ttlMs, 0, 0, idle, stamp));
      }
      return batchInChunks(writes, 0);
    })).transform(ar -> {
      if (ar.failed()) {
        stats.errors.increment();
        return Future.failedFuture(ar.cause());
      }
      stats.sets.add(written.size());
      ctx.listeners.notifyInvalidate(ns, written);
      return Future.succeededFuture();
    });
  }

  /** Sends commands in pipelined chunks, one after the other, so a huge call stays under the gateway's pending limit. */
  private Future<Void> batchInChunks(List<Request> requests, int from) {
    int to = Math.min(requests.size(), from + KeyBatches.MAX_KEYS_PER_COMMAND);
    return gateway.batch(requests.subList(from, to)).compose(r ->
      to >= requests.size() ? Future.succeededFuture() : batchInChunks(requests, to));
  }

  Future<Long> delete(Collection<String> keys) {
    List<String> unique;
    try {
      unique = CacheKeys.checkKeys(keys);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    if (unique.isEmpty()) {
      return Future.succeededFuture(0L);
    }
    return ctx.versions.withStart(ns, stats, start -> {
      List<String> redisKeys = new ArrayList<>(unique.size());
      for (String k : unique) {
        redisKeys.add(start.concat(k));
      }
      return KeyBatches.sumOf(gateway.batch(ctx.batches.unlinkRequests(redisKeys)));
    }).transform(ar -> {
      if (ar.failed()) {
        stats.errors.increment();
        return Future.failedFuture(ar.cause());
      }
      stats.deletes.add(ar.result());
      ctx.listeners.notifyInvalidate(ns, unique);
      return Future.succeededFuture(ar.result());
    });
  }
}
