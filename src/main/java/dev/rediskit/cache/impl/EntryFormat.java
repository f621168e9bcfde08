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
 * version 3 (an entry with tags, compressed or not):
 *     22    1 compression codec, 0 for none
 *     23    4 uncompressed length in bytes
 *     27    1 number of tags t (1 to 32)
 *     28      t times: 2 bytes UTF-8 length of the tag, its bytes, 8 bytes the tag's version at write time
 *      .    n payload (compressed when the codec is not 0)
 * </pre>
 *
 * <p>A tagged entry carries the version of each of its tags when it was written ({@link TagVersions});
 * a reader holding a different version of any of them treats the entry as stale. Version 3 is a
 * format of its own, so a release that knows no tags takes a tagged entry for a miss rather than
 * serve it after its tag was invalidated.
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
  /** The format version written for an entry with tags. */
  public static final byte VERSION_TAGGED = 3;
  /** Size of the fixed part of the header of a tagged entry (before its tags), in bytes. */
  public static final int TAGGED_HEADER_BYTES = COMPRESSED_HEADER_BYTES + 1;
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
    /** The entry's tags, {@code null} for none. */
    public final String[] tags;
    /** The version of each of {@link #tags} when the entry was written, {@code null} for none. */
    public final long[] tagVersions;
    /** {@link #tags} as a list, made once: every read result of the entry (a near-cache hit too) names them. */
    private final java.util.List<String> tagList;

    Entry(int flags, long freshUntil, long ttlMs, int loadMs, Buffer payload) {
      this(flags, freshUntil, ttlMs, loadMs, payload, 0, payload.length());
    }

    Entry(int flags, long freshUntil, long ttlMs, int loadMs, Buffer payload, int compression, int rawLength) {
      this(flags, freshUntil, ttlMs, loadMs, payload, compression, rawLength, null, null);
    }

    Entry(int flags, long freshUntil, long ttlMs, int loadMs, Buffer payload, int compression, int rawLength,
          String[] tags, long[] tagVersions) {
      this.flags = flags;
      this.freshUntil = freshUntil;
      this.ttlMs = ttlMs;
      this.loadMs = loadMs;
      this.payload = payload;
      this.compression = compression;
      this.rawLength = rawLength;
      this.tags = tags;
      this.tagVersions = tagVersions;
      this.tagList = tags == null ? java.util.List.of() : java.util.List.of(tags);
    }

    /**
     * @param other the payload to keep instead (a copy off the reply's buffer)
     * @return this entry with that payload, everything else (compression, tags) unchanged
     */
    public Entry withPayload(Buffer other) {
      return new Entry(flags, freshUntil, ttlMs, loadMs, other, compression, rawLength, tags, tagVersions);
    }

    /** @return this entry as stale, because one of its tags was invalidated since it was written */
    public Entry invalidatedByTag() {
      return new Entry(flags, Math.min(freshUntil, 0), ttlMs, loadMs, payload, compression, rawLength, tags, tagVersions);
    }

    /** @return the entry's tags, empty for none */
    public java.util.List<String> tagList() {
      return tagList;
    }

    /** @return whether the entry carries tags */
    public boolean hasTags() {
      return tags != null;
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
    return header(Buffer.buffer(COMPRESSED_HEADER_BYTES + length), VERSION_COMPRESSED, flags, freshUntil, ttlMs, loadMs,
      compression, rawLength).appendBytes(compressed, offset, length);
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
    if (version == VERSION_TAGGED) {
      return decodeTagged(stored);
    }
    if (version != VERSION) {
      return null;
    }
    int flags = stored.getByte(1) & 0xFF;
    Buffer payload = stored.length() == HEADER_BYTES ? Buffer.buffer() : stored.slice(HEADER_BYTES, stored.length());
    return new Entry(flags, stored.getLong(2), stored.getLong(10), stored.getInt(18), payload);
  }

  /** The header versions 2 and 3 share: version, flags, freshUntil, ttlMs, loadMs, compression, raw length. */
  private static Buffer header(Buffer b, byte version, int flags, long freshUntil, long ttlMs, long loadMs, int compression,
                               int rawLength) {
    return b.appendByte(version)
      .appendByte((byte) flags)
      .appendLong(freshUntil)
      .appendLong(ttlMs)
      .appendInt((int) Math.min(Integer.MAX_VALUE, Math.max(0, loadMs)))
      .appendByte((byte) compression)
      .appendInt(rawLength);
  }

  /**
   * @param flags flags
   * @param freshUntil epoch ms after which the entry is stale
   * @param ttlMs the fresh lifetime
   * @param loadMs how long loading took
   * @param compression the compression codec's id, 0 for none
   * @param rawLength the uncompressed length
   * @param tagSection the encoded tags ({@link TagStamp#section()}: their number, then each tag and version)
   * @param payload the (compressed) payload bytes, {@code null} for a negative entry
   * @param offset where they start in {@code payload}
   * @param length how many there are
   * @return the stored form, version {@value #VERSION_TAGGED}
   */
  public static Buffer encodeTagged(int flags, long freshUntil, long ttlMs, long loadMs, int compression, int rawLength,
                                    byte[] tagSection, byte[] payload, int offset, int length) {
    Buffer b = header(Buffer.buffer(COMPRESSED_HEADER_BYTES + tagSection.length + length), VERSION_TAGGED, flags, freshUntil,
      ttlMs, loadMs, compression, rawLength).appendBytes(tagSection);
    if (payload != null) {
      b.appendBytes(payload, offset, length);
    }
    return b;
  }

  /** Version 3; {@code null} (a miss) when the tags do not fit the bytes. */
  private static Entry decodeTagged(Buffer stored) {
    int n = stored.length();
    if (n < TAGGED_HEADER_BYTES) {
      return null;
    }
    int count = stored.getByte(COMPRESSED_HEADER_BYTES) & 0xFF;
    if (count == 0) {
      return null;
    }
    String[] tags = new String[count];
    long[] versions = new long[count];
    int pos = TAGGED_HEADER_BYTES;
    for (int i = 0; i < count; i++) {
      if (pos + 2 > n) {
        return null;
      }
      int len = stored.getUnsignedShort(pos);
      pos += 2;
      if (pos + len + 8 > n) {
        return null;
      }
      tags[i] = stored.getString(pos, pos + len, "UTF-8");
      pos += len;
      versions[i] = stored.getLong(pos);
      pos += 8;
    }
    Buffer payload = pos == n ? Buffer.buffer() : stored.slice(pos, n);
    int compression = stored.getByte(22) & 0xFF;
    return new Entry(stored.getByte(1) & 0xFF, stored.getLong(2), stored.getLong(10), stored.getInt(18), payload,
      compression, compression == 0 ? payload.length() : stored.getInt(23), tags, versions);
  }
}
