package dev.rediskit.cache.impl;

import dev.rediskit.cache.CompressionOptions;
import dev.rediskit.cache.impl.EntryFormat.Entry;
import io.airlift.compress.Compressor;
import io.airlift.compress.Decompressor;
import io.airlift.compress.lz4.Lz4Compressor;
import io.airlift.compress.lz4.Lz4Decompressor;
import io.airlift.compress.zstd.ZstdCompressor;
import io.airlift.compress.zstd.ZstdDecompressor;
import io.vertx.core.buffer.Buffer;

/**
 * Compresses payloads on write and decompresses them on read, with aircompressor (pure Java: no
 * native library to extract or load, the same on every platform; chosen by measurement, see
 * docs/CACHING.md). Writes use the configured codec from the configured threshold on, and keep the
 * compressed form only when it is smaller; reads decompress whatever codec the entry's header names,
 * so changing the setting never makes existing entries unreadable.
 *
 * <p>The size guard holds on both sides: the writer checks the uncompressed size against
 * {@code cache.maxValueBytes} before compressing (in {@link NamespaceEntries#encode}), and the
 * reader refuses an entry whose header announces more than that before allocating anything, so a
 * small compressed value cannot make a reader allocate an arbitrary amount of memory.
 */
final class Compression {

  /** Header id of LZ4. */
  static final int LZ4 = 1;
  /** Header id of zstd. */
  static final int ZSTD = 2;

  // The compressors keep a hash table between calls: one per thread (event loops, workers).
  private static final ThreadLocal<Compressor> LZ4_COMPRESSOR = ThreadLocal.withInitial(Lz4Compressor::new);
  private static final ThreadLocal<Compressor> ZSTD_COMPRESSOR = ThreadLocal.withInitial(ZstdCompressor::new);
  // Stateless: shared.
  private static final Decompressor LZ4_DECOMPRESSOR = new Lz4Decompressor();
  private static final Decompressor ZSTD_DECOMPRESSOR = new ZstdDecompressor();

  private final int codec;
  private final int thresholdBytes;
  private final int maxValueBytes;

  /**
   * @param options the codec and threshold
   * @param maxValueBytes the largest uncompressed payload a reader accepts ({@code cache.maxValueBytes})
   */
  Compression(CompressionOptions options, int maxValueBytes) {
    this.codec = switch (options.getCodec()) {
      case NONE -> 0;
      case LZ4 -> LZ4;
      case ZSTD -> ZSTD;
    };
    this.thresholdBytes = options.getThresholdBytes();
    this.maxValueBytes = maxValueBytes;
  }

  /**
   * The stored form of an entry, compressed when the payload is at least the threshold and the
   * compressed form is smaller.
   *
   * @param flags the entry's flags
   * @param freshUntil epoch ms after which the entry is stale
   * @param ttlMs the fresh lifetime
   * @param loadMs how long loading took
   * @param payload the codec's bytes, or {@code null} for a cached absence
   * @return the stored form
   */
  Buffer encode(int flags, long freshUntil, long ttlMs, long loadMs, Buffer payload) {
    return encode(flags, freshUntil, ttlMs, loadMs, payload, null);
  }

  /**
   * As {@link #encode(int, long, long, long, Buffer)}, in the tagged format when there are tags.
   *
   * @param flags the entry's flags
   * @param freshUntil epoch ms after which the entry is stale
   * @param ttlMs the fresh lifetime
   * @param loadMs how long loading took
   * @param payload the codec's bytes, or {@code null} for a cached absence
   * @param tags the entry's tags and their versions, {@code null} for none
   * @return the stored form
   */
  Buffer encode(int flags, long freshUntil, long ttlMs, long loadMs, Buffer payload, TagStamp tags) {
    if (tags != null) {
      return encodeTagged(flags, freshUntil, ttlMs, loadMs, payload, tags);
    }
    if (codec == 0 || payload == null || payload.length() < thresholdBytes) {
      return EntryFormat.encode(flags, freshUntil, ttlMs, loadMs, payload);
    }
    byte[] raw = payload.getBytes();
    Compressor c = (codec == LZ4 ? LZ4_COMPRESSOR : ZSTD_COMPRESSOR).get();
    byte[] out = new byte[c.maxCompressedLength(raw.length)];
    int n = c.compress(raw, 0, raw.length, out, 0, out.length);
    if (n + (EntryFormat.COMPRESSED_HEADER_BYTES - EntryFormat.HEADER_BYTES) >= raw.length) {
      // Incompressible (already compressed, random): stored as it is, and read without a decompression.
      return EntryFormat.encode(flags, freshUntil, ttlMs, loadMs, payload);
    }
    return EntryFormat.encodeCompressed(flags, freshUntil, ttlMs, loadMs, codec, raw.length, out, 0, n);
  }

  private Buffer encodeTagged(int flags, long freshUntil, long ttlMs, long loadMs, Buffer payload, TagStamp tags) {
    if (payload == null) {
      return EntryFormat.encodeTagged(flags, freshUntil, ttlMs, loadMs, 0, 0, tags.section(), null, 0, 0);
    }
    byte[] raw = payload.getBytes();
    if (codec != 0 && raw.length >= thresholdBytes) {
      Compressor c = (codec == LZ4 ? LZ4_COMPRESSOR : ZSTD_COMPRESSOR).get();
      byte[] out = new byte[c.maxCompressedLength(raw.length)];
      int n = c.compress(raw, 0, raw.length, out, 0, out.length);
      if (n < raw.length) {
        return EntryFormat.encodeTagged(flags, freshUntil, ttlMs, loadMs, codec, raw.length, tags.section(), out, 0, n);
      }
    }
    return EntryFormat.encodeTagged(flags, freshUntil, ttlMs, loadMs, 0, raw.length, tags.section(), raw, 0, raw.length);
  }

  /**
   * @param e an entry as read
   * @return its payload, decompressed when the header says so
   * @throws IllegalStateException when the header names an unknown codec or a length over
   * {@code cache.maxValueBytes}, or the bytes do not decompress to that length (the caller counts a
   * miss and an error)
   */
  Buffer payload(Entry e) {
    if (e.compression == 0) {
      return e.payload;
    }
    Decompressor d = switch (e.compression) {
      case LZ4 -> LZ4_DECOMPRESSOR;
      case ZSTD -> ZSTD_DECOMPRESSOR;
      default -> throw new IllegalStateException("unknown compression codec " + e.compression);
    };
    if (e.rawLength < 0 || e.rawLength > maxValueBytes) {
      throw new IllegalStateException("compressed entry announces " + e.rawLength
        + " bytes, more than cache.maxValueBytes (" + maxValueBytes + ")");
    }
    byte[] in = e.payload.getBytes();
    byte[] out = new byte[e.rawLength];
    int n;
    try {
      n = d.decompress(in, 0, in.length, out, 0, out.length);
    } catch (RuntimeException ex) {
      throw new IllegalStateException("compressed entry does not decompress: " + ex.getMessage(), ex);
    }
    if (n != e.rawLength) {
      throw new IllegalStateException("compressed entry decompressed to " + n + " bytes, its header says " + e.rawLength);
    }
    return Buffer.buffer(out);
  }
}
