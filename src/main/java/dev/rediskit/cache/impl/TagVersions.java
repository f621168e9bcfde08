package dev.rediskit.cache.impl;

import dev.rediskit.cache.impl.EntryFormat.Entry;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.client.Script;
import dev.rediskit.config.KeyFamily;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;

/**
 * The version of each tag: a number in Redis at {@code <keyPrefix>:ct:<tag>}
 * ({@link KeyFamily#CACHE_TAG}), absent (version 0) until the tag is first invalidated. Every
 * tagged entry carries its tags' versions from when it was written; an entry whose tag moved on
 * since is stale. So {@link #invalidate(String)} makes every entry of a tag a miss in one command,
 * without an index of the tag's keys and without a scan.
 *
 * <p>Tag keys live in other hash slots than the entries, and a second round trip per read would
 * cost too much, so reads compare with versions held here ({@link HeldVersions}, as
 * {@link NamespaceVersions} holds namespace versions): a version is used only while the {@code GET} that fetched it was sent
 * less than {@code cache.versionRefreshMs} ago; in the second half of that time a read starts a
 * refresh in the background, so a tag read steadily never waits. Hence the bound: a read that
 * starts more than {@code versionRefreshMs} after an invalidation completed, on any instance, sees
 * it. The invalidating instance holds the new version at once.
 *
 * <p>An invalidation sets the version to the invalidator's clock in ms, or one more than the
 * version held in Redis if that is not lower: versions never repeat, even when the key is lost.
 * The key expires {@code 2 × cache.maxTtlMs} + 60 s after the last invalidation: by then no entry
 * written before it exists (an entry lives at most its TTL plus its stale window, each at most
 * {@code maxTtlMs}), and an entry written after it only misses once more. The version read last is
 * the one held (not the highest), so an expired key's 0 replaces what it was.
 */
final class TagVersions {

  /**
   * KEYS[1] the tag's key; ARGV[1] the invalidator's epoch ms; ARGV[2] the key's lifetime in ms.
   * Returns the new version.
   */
  static final Script INVALIDATE = Script.of(
    "local v = tonumber(redis.call('get', KEYS[1]) or '0') or 0\n"
      + "local n = tonumber(ARGV[1])\n"
      + "if n <= v then n = v + 1 end\n"
      + "redis.call('set', KEYS[1], string.format('%d', n), 'PX', ARGV[2])\n"
      + "return n\n");

  /** Held tags are swept once this many are held, so a stream of distinct tags does not grow the map for ever. */
  private static final int SWEEP_ABOVE = 10_000;

  private final RedisGateway gateway;
  private final String keyStart;
  private final long keyTtlMs;
  /** Each tag's version; the reading sent last is held, so an expired key's 0 replaces what it was. */
  private final HeldVersions<Void> held;

  /**
   * @param gateway the gateway
   * @param keyPrefix the module's key prefix
   * @param refreshMs how long a fetched version is used ({@code cache.versionRefreshMs})
   * @param maxTtlMs the cache's longest TTL ({@code cache.maxTtlMs})
   */
  TagVersions(RedisGateway gateway, String keyPrefix, long refreshMs, long maxTtlMs) {
    this.gateway = gateway;
    this.keyStart = KeyFamily.CACHE_TAG.start(keyPrefix);
    this.keyTtlMs = 2 * maxTtlMs + 60_000;
    this.held = new HeldVersions<>(refreshMs,
      tag -> gateway.send(Request.cmd(Command.GET).arg(key(tag))).map(TagVersions::parse),
      (tag, version) -> null, false, SWEEP_ABOVE);
  }

  /**
   * @param tag a valid tag
   * @return its key
   */
  String key(String tag) {
    return keyStart + tag;
  }

  /**
   * @param tags valid tags
   * @return their versions, from what is held when recent enough, else fetched first
   */
  Future<long[]> versions(List<String> tags) {
    long[] known = held(tags.toArray(String[]::new));
    if (known != null) {
      return Future.succeededFuture(known);
    }
    List<Future<HeldVersions.Held<Void>>> each = new ArrayList<>(tags.size());
    for (String t : tags) {
      each.add(held.get(t));
    }
    return Future.all(each).map(all -> {
      long[] v = new long[each.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = each.get(i).result().version();
      }
      return v;
    });
  }

  /**
   * @param tags tags
   * @return their versions when every one is held and recent, else {@code null} (fetches of the
   * missing ones are started); refreshes in the background those in the second half of their time
   */
  long[] held(String[] tags) {
    long[] v = new long[tags.length];
    boolean all = true;
    for (int i = 0; i < tags.length; i++) {
      HeldVersions.Held<Void> h = held.recent(tags[i]);
      if (h == null) {
        all = false;
        held.fetch(tags[i]);
        continue;
      }
      v[i] = h.version();
    }
    return all ? v : null;
  }

  /**
   * @param e a decoded entry, {@code null} for none
   * @return {@code e} when it has no tags or its tags' versions are the ones held; stale
   * ({@link Entry#invalidatedByTag()}) when one moved on; {@code null} when not all are held yet
   */
  Entry checkHeld(Entry e) {
    if (e == null || !e.hasTags()) {
      return e;
    }
    long[] held = held(e.tags);
    return held == null ? null : compare(e, held);
  }

  /**
   * @param e a decoded entry, {@code null} for none
   * @return as {@link #checkHeld}, fetching the versions not held first
   */
  Future<Entry> check(Entry e) {
    if (e == null || !e.hasTags()) {
      return Future.succeededFuture(e);
    }
    long[] held = held(e.tags);
    if (held != null) {
      return Future.succeededFuture(compare(e, held));
    }
    return versions(List.of(e.tags)).map(v -> compare(e, v));
  }

  private static Entry compare(Entry e, long[] held) {
    for (int i = 0; i < held.length; i++) {
      if (held[i] != e.tagVersions[i]) {
        return e.invalidatedByTag();
      }
    }
    return e;
  }

  /**
   * Moves the tag to a new version in Redis and holds it here at once.
   *
   * @param tag a valid tag
   * @return the new version
   */
  Future<Long> invalidate(String tag) {
    long sent = System.nanoTime();
    return gateway.eval(INVALIDATE, List.of(key(tag)), List.of(Long.toString(System.currentTimeMillis()), Long.toString(keyTtlMs)))
      .map(r -> held.update(tag, r.toLong(), sent).version());
  }

  private static long parse(Response r) {
    return r == null ? 0 : r.toLong();
  }
}
