package dev.rediskit.cache.impl;

import dev.rediskit.cache.CacheResult;
import dev.rediskit.cache.impl.EntryFormat.Entry;
import dev.rediskit.client.RedisGateway;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The reads of a namespace's entries at their Redis keys (already checked and versioned): a local
 * copy answers when the near cache has one, else a GET or MGETs, whose replies fill the near cache
 * unless the key changed meanwhile. A failure is counted here and passed on.
 *
 * @param <V> the namespace's value type
 */
final class EntryReads<V> {

  private final RedisGateway gateway;
  private final StatsImpl stats;
  private final NamespaceEntries<V> entries;
  /** The namespace's near cache, or {@code null}. */
  private final NearCache near;
  private final KeyBatches batches;

  EntryReads(RedisGateway gateway, StatsImpl stats, NamespaceEntries<V> entries, NearCache near, KeyBatches batches) {
    this.gateway = gateway;
    this.stats = stats;
    this.entries = entries;
    this.near = near;
    this.batches = batches;
  }

  /**
   * A near-cache hit, when the namespace has a near cache and holds a servable copy; counted as a
   * hit. For a key not checked yet, nothing else is counted: a copy is stored only under a key
   * that passed the check, and found only under an equal key, so the hit needs no check; when it
   * finds nothing, the caller checks the key and reads through {@link #one}, which counts the near
   * cache's miss or bypass.
   *
   * @param start the start of the namespace's Redis keys at its current version
   * @param key the key inside the namespace (not null)
   * @param keyChecked whether the key passed the key check
   * @return the hit, or {@code null}
   */
  CacheResult<V> nearHit(String start, String key, boolean keyChecked) {
    if (near == null) {
      return null;
    }
    CacheResult<V> local = keyChecked ? near.hit(start, key, entries) : near.hitUnchecked(start, key, entries);
    if (local != null) {
      stats.hits.increment();
    }
    return local;
  }

  /**
   * One entry. One stage after the gateway's future: this is the path of every cache read.
   *
   * @param start the start of the namespace's Redis keys at its current version
   * @param key the entry's key inside the namespace (checked)
   * @param serveStale whether an expired entry still within its stale time counts as found
   * @param idleMs sliding expiry's idle TTL, 0 for a plain GET
   * @param out what the caller makes of the result
   * @param <T> the caller's type
   * @return the caller's value
   */
  <T> Future<T> one(String start, String key, boolean serveStale, long idleMs, Function<CacheResult<V>, T> out) {
    NearCache.Fill fill = null;
    if (near != null) {
      CacheResult<V> local = nearHit(start, key, true);
      if (local != null) {
        return Future.succeededFuture(out.apply(local));
      }
      fill = near.begin(key);
    }
    NearCache.Fill token = fill;
    String rk = start.concat(key);
    return SlidingExpiry.read(gateway, rk, idleMs).transform(ar -> {
      if (ar.failed()) {
        stats.errors.increment();
        if (token != null) {
          near.abandon(key, token);
        }
        return Future.failedFuture(ar.cause());
      }
      Entry e = NamespaceEntries.entryOf(ar.result());
      if (e == null || !e.hasTags()) {
        return Future.succeededFuture(finish(start, key, token, e, serveStale, out));
      }
      Future<Entry> tagged = entries.checkTags(e);
      if (tagged.succeeded()) {
        // The tags' versions were held: no stage more than an untagged read.
        return Future.succeededFuture(finish(start, key, token, tagged.result(), serveStale, out));
      }
      return tagged.transform(checked -> {
        if (checked.failed()) {
          stats.errors.increment();
          if (token != null) {
            near.abandon(key, token);
          }
          return Future.failedFuture(checked.cause());
        }
        return Future.succeededFuture(finish(start, key, token, checked.result(), serveStale, out));
      });
    });
  }

  private <T> T finish(String start, String key, NearCache.Fill token, Entry e, boolean serveStale,
                       Function<CacheResult<V>, T> out) {
    long now = System.currentTimeMillis();
    if (token != null) {
      near.fill(start, key, token, e, now, entries.codec());
    }
    return out.apply(entries.toResult(e, now, serveStale));
  }

  /**
   * Several entries, with MGETs grouped as the topology needs.
   *
   * @param unique the keys inside the namespace, without duplicates
   * @param start the start of the namespace's keys at its current version
   * @param serveStale whether an expired entry still within its stale time counts as found
   * @param idleMs sliding expiry's idle TTL: when not 0, each key is read by its own script call
   *     (pipelined) instead of MGETs
   * @return the results by key, in the order of {@code unique}
   */
  Future<Map<String, CacheResult<V>>> many(List<String> unique, String start, boolean serveStale, long idleMs) {
    Map<String, String> byRedisKey = new HashMap<>();
    Map<String, CacheResult<V>> local = new HashMap<>();
    Map<String, NearCache.Fill> fills = new HashMap<>();
    List<String> redisKeys = new ArrayList<>(unique.size());
    for (String k : unique) {
      CacheResult<V> hit = nearHit(start, k, true);
      if (hit != null) {
        local.put(k, hit);
        continue;
      }
      String rk = start.concat(k);
      byRedisKey.put(rk, k);
      redisKeys.add(rk);
      NearCache.Fill f = near == null ? null : near.begin(k);
      if (f != null) {
        fills.put(k, f);
      }
    }
    if (redisKeys.isEmpty()) {
      Map<String, CacheResult<V>> ordered = new LinkedHashMap<>();
      for (String k : unique) {
        ordered.put(k, local.get(k));
      }
      return Future.succeededFuture(ordered);
    }
    List<List<String>> groups;
    Future<List<Response>> sent;
    if (idleMs > 0) {
      groups = new ArrayList<>(redisKeys.size());
      List<Future<Response>> each = new ArrayList<>(redisKeys.size());
      for (String rk : redisKeys) {
        groups.add(List.of(rk));
        each.add(SlidingExpiry.read(gateway, rk, idleMs));
      }
      sent = Future.all(each).map(all -> {
        List<Response> replies = new ArrayList<>(each.size());
        for (Future<Response> f : each) {
          replies.add(f.result());
        }
        return replies;
      });
    } else {
      groups = batches.groups(redisKeys);
      List<Request> mgets = new ArrayList<>(groups.size());
      for (List<String> g : groups) {
        Request r = Request.cmd(Command.MGET);
        for (String k : g) {
          r.arg(k);
        }
        mgets.add(r);
      }
      sent = gateway.batch(mgets);
    }
    boolean single = idleMs > 0;
    return sent.transform(ar -> {
      if (ar.failed()) {
        stats.errors.increment();
        fills.forEach((k, f) -> near.abandon(k, f));
        return Future.failedFuture(ar.cause());
      }
      List<Response> replies = ar.result();
      List<String> keysRead = new ArrayList<>(redisKeys.size());
      List<Entry> read = new ArrayList<>(redisKeys.size());
      boolean fetchTags = false;
      for (int i = 0; i < groups.size(); i++) {
        List<String> g = groups.get(i);
        Response values = replies.get(i);
        for (int j = 0; j < g.size(); j++) {
          Entry e = NamespaceEntries.entryOf(single ? values : values.get(j));
          if (e != null && e.hasTags()) {
            Future<Entry> checked = entries.checkTags(e);
            if (checked.succeeded()) {
              e = checked.result();
            } else {
              fetchTags = true;
            }
          }
          keysRead.add(g.get(j));
          read.add(e);
        }
      }
      if (!fetchTags) {
        return Future.succeededFuture(results(unique, start, byRedisKey, local, fills, keysRead, read, serveStale));
      }
      // Some tag versions are not held: check every entry again, fetching what is missing first.
      List<Future<Entry>> checks = new ArrayList<>(read.size());
      for (Entry e : read) {
        checks.add(entries.checkTags(e));
      }
      return Future.all(checks).transform(done -> {
        if (done.failed()) {
          stats.errors.increment();
          fills.forEach((k, f) -> near.abandon(k, f));
          return Future.failedFuture(done.cause());
        }
        List<Entry> checked = new ArrayList<>(checks.size());
        for (Future<Entry> c : checks) {
          checked.add(c.result());
        }
        return Future.succeededFuture(results(unique, start, byRedisKey, local, fills, keysRead, checked, serveStale));
      });
    });
  }

  private Map<String, CacheResult<V>> results(List<String> unique, String start, Map<String, String> byRedisKey,
                                              Map<String, CacheResult<V>> local, Map<String, NearCache.Fill> fills,
                                              List<String> keysRead, List<Entry> read, boolean serveStale) {
    long now = System.currentTimeMillis();
    Map<String, CacheResult<V>> found = new HashMap<>(local);
    for (int i = 0; i < keysRead.size(); i++) {
      String key = byRedisKey.get(keysRead.get(i));
      Entry e = read.get(i);
      NearCache.Fill f = fills.get(key);
      if (f != null) {
        near.fill(start, key, f, e, now, entries.codec());
      }
      found.put(key, entries.toResult(e, now, serveStale));
    }
    Map<String, CacheResult<V>> ordered = new LinkedHashMap<>();
    for (String k : unique) {
      ordered.put(k, found.get(k));
    }
    return ordered;
  }
}
