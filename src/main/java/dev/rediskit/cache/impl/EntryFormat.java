package dev.rediskit.cache.impl;

import io.vertx.core.buffer.Buffer;

/**
 * The stored form of a cache entry: a 22-byte header, then the codec's bytes.
 *
 * <pre>
 * offset size field
 *      0    1 format version (1)
 *      1    1 flags: bit 0 = cached absence (negative entry, no payload)
 *      2    8 freshUntil: epoch milliseconds after which the entry is stale (big-endian)
 *     10    8 ttlMs: the fresh lifetime it was written with (for refresh-ahead by fraction)
 *     18    4 loadMs: how long the loader took (the delta of XFetch early refresh)
 *     22    n payload
 * </pre>
 *
 * <p>Keeping this metadata inside the value (rather than asking Redis for PTTL, or using a hash)
 * keeps a read at one GET: stale, refresh-ahead and negative caching are all decided from that
 * one reply. The price is that freshness is judged by the reader's clock against the writer's,
 * so instances sharing a cache need synchronised clocks (NTP); Redis' own expiry, which ends the
 * stale window, does not depend on them.
 */
public final class EntryFormat {

  /** Size of the header, in bytes. */
  public static final int HEADER_BYTES = 22;
  /** The format version written. */
  public static final byte VERSION = 1;
  /** Flag: the entry caches an absent value. */
  public static final int FLAG_NULL = 1;

  private EntryFormat() {
  }

  /** A decoded entry; the payload is a slice of the reply, decoded by the codec when needed. */
  public static final class Entry {
    /** Flags, see {@link #FLAG_NULL}. */
    public final int flags;
    /** Epoch ms after which the entry is stale. */
    public final long freshUntil;
    /** The fresh lifetime it was written with, in ms. */
    public final long ttlMs;
    /** How long its loader took, in ms. */
    public final int loadMs;
    /** The codec's bytes; empty for a negative entry. */
    public final Buffer payload;

    Entry(int flags, long freshUntil, long ttlMs, int loadMs, Buffer payload) {
      this.flags = flags;
      this.freshUntil = freshUntil;
      this.ttlMs = ttlMs;
      this.loadMs = loadMs;
      this.payload = payload;
    }

    /** @return whether this entry caches an absent value */
    public boolean isNull() {
      return (flags & FLAG_NULL) != 0;
    }

    /**
     * @param nowMs the current epoch time
     * @return whether the entry is still fresh
     */
    public boolean isFresh(long nowMs) {
      return nowMs < freshUntil;
    }
  }

  /**
   * @param flags flags
   * @param freshUntil epoch ms after which the entry is stale
   * @param ttlMs the fresh lifetime
   * @param loadMs how long loading took
   * @param payload the codec's bytes, or {@code null} for a negative entry
   * @return the stored form
   */
  public static Buffer encode(int flags, long freshUntil, long ttlMs, long loadMs, Buffer payload) {
    int n = payload == null ? 0 : payload.length();
    Buffer b = Buffer.buffer(HEADER_BYTES + n);
    b.appendByte(VERSION)
      .appendByte((byte) flags)
      .appendLong(freshUntil)
      .appendLong(ttlMs)
      .appendInt((int) Math.min(Integer.MAX_VALUE, Math.max(0, loadMs)));
    if (payload != null) {
      b.appendBuffer(payload);
    }
    return b;
  }

  /**
   * @param stored a value read from Redis
   * @return the entry, or {@code null} when the value was not written by this format (treated as a miss)
   */
  public static Entry decode(Buffer stored) {
    if (stored == null || stored.length() < HEADER_BYTES || stored.getByte(0) != VERSION) {
      return null;
    }
    int flags = stored.getByte(1) & 0xFF;
    Buffer payload = stored.length() == HEADER_BYTES ? Buffer.buffer() : stored.slice(HEADER_BYTES, stored.length());
    return new Entry(flags, stored.getLong(2), stored.getLong(10), stored.getInt(18), payload);
  }
}
