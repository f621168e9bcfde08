package dev.rediskit.cache.impl;

import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.error.ValueTooLargeException;
import dev.rediskit.cache.CacheCodec;
import dev.rediskit.cache.CacheResult;
import dev.rediskit.cache.impl.EntryFormat.Entry;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.List;

/**
 * The stored entries of one namespace view, both ways: a GET reply into a counted result, and a
 * value into the SET that stores it (encoded by the view's codec, size-checked, TTL jittered).
 * Reads, loads, refreshes and warm-up all go through here, so an entry is judged and written the
 * same way whichever path touches it.
 *
 * @param <V> the value type
 */
final class NamespaceEntries<V> {

  private final CacheCodec<V> codec;
  private final StatsImpl stats;
  private final TtlRules ttls;
  private final int maxValueBytes;
  private final Compression compression;
  /** The tag versions held by this instance; {@code null} only in unit tests without Redis. */
  private final TagVersions tags;

  /**
   * @param codec the view's codec
   * @param stats the namespace's counters
   * @param ttls the jitter applied to writes
   * @param maxValueBytes largest encoded value accepted ({@code cache.maxValueBytes})
   * @param compression compresses large payloads on write, decompresses on read
   */
  NamespaceEntries(CacheCodec<V> codec, StatsImpl stats, TtlRules ttls, int maxValueBytes, Compression compression) {
    this(codec, stats, ttls, maxValueBytes, compression, null);
  }

  /**
   * @param codec the view's codec
   * @param stats the namespace's counters
   * @param ttls the jitter applied to writes
   * @param maxValueBytes largest encoded value accepted ({@code cache.maxValueBytes})
   * @param compression compresses large payloads on write, decompresses on read
   * @param tags the tag versions the reads compare tagged entries with
   */
  NamespaceEntries(CacheCodec<V> codec, StatsImpl stats, TtlRules ttls, int maxValueBytes, Compression compression,
                   TagVersions tags) {
    this.tags = tags;
    this.codec = codec;
    this.stats = stats;
    this.ttls = ttls;
    this.maxValueBytes = maxValueBytes;
    this.compression = compression;
  }

  /** @return the view's codec */
  CacheCodec<V> codec() {
    return codec;
  }

  /**
   * Turns a GET reply into a result and counts it (hit, stale hit or miss; an undecodable value
   * is a miss and an error).
   *
   * @param reply the reply, {@code null} for no entry
   * @param now the current epoch ms
   * @param serveStale whether a stale entry is a (stale) hit rather than a miss
   * @return the result
   */
  CacheResult<V> toResult(Response reply, long now, boolean serveStale) {
    return toResult(entryOf(reply), now, serveStale);
  }

  /**
   * @param e a decoded entry, {@code null} for none
   * @param now the current epoch ms
   * @param serveStale whether a stale entry is a (stale) hit rather than a miss
   * @return the result, counted as {@link #toResult(Response, long, boolean)} does
   */
  CacheResult<V> toResult(Entry e, long now, boolean serveStale) {
    if (e == null) {
      stats.misses.increment();
      return CacheResult.miss();
    }
    boolean fresh = e.isFresh(now);
    if (!fresh && !serveStale) {
      stats.misses.increment();
      return CacheResult.miss();
    }
    V value;
    try {
      value = valueOf(e);
    } catch (RuntimeException ex) {
      stats.misses.increment();
      stats.errors.increment();
      return CacheResult.miss();
    }
    if (fresh) {
      stats.hits.increment();
      return new CacheResult<>(true, value, false, e.freshUntil - now, e.tagList());
    }
    stats.staleHits.increment();
    return new CacheResult<>(true, value, true, 0, e.tagList());
  }

  /**
   * @param reply a GET reply, {@code null} for no entry
   * @return the entry, or {@code null} when absent or not in the entry format
   */
  static Entry entryOf(Response reply) {
    return reply == null ? null : EntryFormat.decode(reply.toBuffer());
  }

  /**
   * @param e an entry
   * @return its value, {@code null} for a cached absence
   * @throws RuntimeException when it cannot be decompressed or the codec cannot decode it
   */
  V valueOf(Entry e) {
    return e.isNull() ? null : codec.decode(compression.payload(e));
  }

  /**
   * Not counted: the callers (re-reads during a load) decide what a miss means to them.
   *
   * @param reply a GET reply
   * @return the fresh, readable entry as a hit, else {@code null}
   */
  CacheResult<V> freshOrNull(Response reply) {
    Entry e = entryOf(reply);
    // Tag versions not held right now: not taken as fresh (the caller loads, which is safe).
    return freshOrNull(tags == null ? e : tags.checkHeld(e), System.currentTimeMillis());
  }

  /**
   * @param e a decoded entry, {@code null} for none
   * @return it, or it as stale when one of its tags moved on since it was written (fetching the
   * tags' versions first when they are not held)
   */
  Future<Entry> checkTags(Entry e) {
    return tags == null || e == null || !e.hasTags() ? Future.succeededFuture(e) : tags.check(e);
  }

  /**
   * @param e an entry (a local copy)
   * @return whether its tags' versions are the ones held now; {@code false} when not all are held
   */
  boolean tagsCurrent(Entry e) {
    return tags == null || !e.hasTags() || tags.checkHeld(e) == e;
  }

  /**
   * @param names checked tags, empty for none
   * @return their versions now, as the stamp of an entry about to be written; {@code null} for none
   */
  Future<TagStamp> stamp(List<String> names) {
    if (names.isEmpty()) {
      return Future.succeededFuture();
    }
    return tags.versions(names).map(v -> new TagStamp(names, v));
  }

  /**
   * @param e a decoded entry, {@code null} for none
   * @param now the current epoch ms
   * @return the entry as a hit when fresh and readable, else {@code null}
   */
  CacheResult<V> freshOrNull(Entry e, long now) {
    if (e == null || !e.isFresh(now)) {
      return null;
    }
    try {
      return new CacheResult<>(true, valueOf(e), false, e.freshUntil - now, e.tagList());
    } catch (RuntimeException ex) {
      return null;
    }
  }

  /**
   * @param field the field to report
   * @param value a value to store
   * @return its encoded bytes
   * @throws InvalidRequestException naming {@code field} when null or not encodable
   * @throws ValueTooLargeException when over {@code cache.maxValueBytes}
   */
  Buffer encode(String field, V value) {
    if (value == null) {
      throw new InvalidRequestException(field, "is required (null is not a value; getOrLoad can cache absence)");
    }
    Buffer bytes;
    try {
      bytes = codec.encode(value);
    } catch (RuntimeException e) {
      throw new InvalidRequestException(field, e.getMessage() == null ? "cannot be encoded: " + e : e.getMessage());
    }
    if (bytes.length() > maxValueBytes) {
      throw new ValueTooLargeException(field, bytes.length(), maxValueBytes);
    }
    return bytes;
  }

  /**
   * @param rk the entry's Redis key
   * @param payload encoded bytes, or {@code null} to write a cached absence
   * @param ttlMs fresh lifetime (jittered here)
   * @param staleMs how long Redis keeps it after it goes stale
   * @param loadMs how long loading took (for XFetch refresh-ahead)
   * @return a SET of the stored form (compressed when large enough, see {@link Compression})
   */
  Request write(String rk, Buffer payload, long ttlMs, long staleMs, long loadMs) {
    return write(rk, payload, ttlMs, staleMs, loadMs, 0);
  }

  /**
   * @param rk the entry's Redis key
   * @param payload encoded bytes, or {@code null} to write a cached absence
   * @param ttlMs fresh lifetime (jittered here); the maximum age of a sliding entry
   * @param staleMs how long Redis keeps it after it goes stale (not for a sliding entry)
   * @param loadMs how long loading took (for XFetch refresh-ahead)
   * @param idleMs sliding expiry's idle TTL, 0 when off ({@link SlidingExpiry})
   * @return a SET of the stored form
   */
  Request write(String rk, Buffer payload, long ttlMs, long staleMs, long loadMs, long idleMs) {
    return write(rk, payload, ttlMs, staleMs, loadMs, idleMs, null);
  }

  /**
   * @param rk the entry's Redis key
   * @param payload encoded bytes, or {@code null} to write a cached absence
   * @param ttlMs fresh lifetime (jittered here)
   * @param staleMs how long Redis keeps it after it goes stale
   * @param loadMs how long loading took
   * @param idleMs sliding expiry's idle TTL, 0 when off
   * @param stamp the entry's tags and their versions, {@code null} for none
   * @return a SET of the stored form
   */
  Request write(String rk, Buffer payload, long ttlMs, long staleMs, long loadMs, long idleMs, TagStamp stamp) {
    long ttl = ttls.jitter(ttlMs);
    int flags = payload == null ? EntryFormat.FLAG_NULL : 0;
    Buffer stored = compression.encode(flags, System.currentTimeMillis() + ttl, ttl, loadMs, payload, stamp);
    return Request.cmd(Command.SET).arg(rk).arg(stored).arg("PX").arg(SlidingExpiry.writePx(ttl, staleMs, idleMs));
  }
}
