package dev.rediskit.cache.impl;

import io.vertx.core.buffer.Buffer;

/**
 * The stored form of a cache entry: a 22-byte header, then the codec's bytes (version 1); or, for a
 * compressed value, the same header with version 2, the compression codec and the uncompressed
 * length, then the compressed bytes.
 *
 * <pre>
 * offset size field
 *      0    1 format version (1: payload as the codec wrote it; 2: compressed payload)
 *      1    1 flags: bit 0 = cached absence (negative entry, no payload)
 *      2    8 freshUntil: epoch milliseconds after which the entry is stale (big-endian)
 *     10    8 ttlMs: the fresh lifetime it was written with (for refresh-ahead by fraction)
 *     18    4 loadMs: how long the loader took (the delta of XFetch early refresh)
 *     22    n payload (version 1)
 * version 2 only:
 *     22    1 compression codec (1 = LZ4, 2 = zstd; see {@link Compression})
 *     23    4 uncompressed length in bytes
 *     27    n compressed payload
 * </pre>
 *
 * <p>Compressed entries carry a version of their own so that a reader that does not know it (an
 * instance of an older release during a rolling upgrade) takes them for a miss, never hands
 * compressed bytes to its codec; uncompressed entries keep version 1 and are read by every release.
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
  /** The format version written for an uncompressed payload. */
  public static final byte VERSION = 1;
  /** The format version written for a compressed payload. */
  public static final byte VERSION_COMPRESSED = 2;
  /** Size of the header of a compressed entry, in bytes. */
  public static final int COMPRESSED_HEADER_BYTES = HEADER_BYTES + 5;
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
    /** The codec's bytes (compressed when {@link #compression} is not 0); empty for a negative entry. */
    public final Buffer payload;
    /** The compression codec of the payload, 0 for none. */
    public final int compression;
    /** The payload's uncompressed length when compressed, else its length. */
    public final int rawLength;

    Entry(int flags, long freshUntil, long ttlMs, int loadMs, Buffer payload) {
      this(flags, freshUntil, ttlMs, loadMs, payload, 0, payload.length());
    }

    Entry(int flags, long freshUntil, long ttlMs, int loadMs, Buffer payload, int compression, int rawLength) {
      this.flags = flags;
      this.freshUntil = freshUntil;
      this.ttlMs = ttlMs;
      this.loadMs = loadMs;
      this.payload = payload;
      this.compression = compression;
      this.rawLength = rawLength;
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
   * @param flags flags
   * @param freshUntil epoch ms after which the entry is stale
   * @param ttlMs the fresh lifetime
   * @param loadMs how long loading took
   * @param compression the compression codec's id (not 0)
   * @param rawLength the uncompressed length
   * @param compressed the compressed bytes
   * @param offset where they start in {@code compressed}
   * @param length how many there are
   * @return the stored form, version {@value #VERSION_COMPRESSED}
   */
  public static Buffer encodeCompressed(int flags, long freshUntil, long ttlMs, long loadMs, int compression, int rawLength,
                                        byte[] compressed, int offset, int length) {
    Buffer b = Buffer.buffer(COMPRESSED_HEADER_BYTES + length);
    b.appendByte(VERSION_COMPRESSED)
      .appendByte((byte) flags)
      .appendLong(freshUntil)
      .appendLong(ttlMs)
      .appendInt((int) Math.min(Integer.MAX_VALUE, Math.max(0, loadMs)))
      .appendByte((byte) compression)
      .appendInt(rawLength)
      .appendBytes(compressed, offset, length);
    return b;
  }

  /**
   * @param stored a value read from Redis
   * @return the entry, or {@code null} when the value was not written by this format (treated as a miss)
   */
  public static Entry decode(Buffer stored) {
    if (stored == null || stored.length() < HEADER_BYTES) {
      return null;
    }
    byte version = stored.getByte(0);
    if (version == VERSION_COMPRESSED) {
      if (stored.length() < COMPRESSED_HEADER_BYTES) {
        return null;
      }
      return new Entry(stored.getByte(1) & 0xFF, stored.getLong(2), stored.getLong(10), stored.getInt(18),
        stored.slice(COMPRESSED_HEADER_BYTES, stored.length()), stored.getByte(22) & 0xFF, stored.getInt(23));
    }
    if (version != VERSION) {
      return null;
    }
    int flags = stored.getByte(1) & 0xFF;
    Buffer payload = stored.length() == HEADER_BYTES ? Buffer.buffer() : stored.slice(HEADER_BYTES, stored.length());
    return new Entry(flags, stored.getLong(2), stored.getLong(10), stored.getInt(18), payload);
  }
}
