package dev.rediskit.cache.impl;

import dev.rediskit.cache.CompressionOptions;
import dev.rediskit.cache.CompressionOptions.Codec;
import dev.rediskit.cache.impl.EntryFormat.Entry;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The stored form with compression: threshold, codecs in the header, old entries, the size guard on read. */
class CompressionTest {

  private static final int MAX = 1024 * 1024;

  private static Buffer json(int bytes) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; b.length() < bytes; i++) {
      b.append("{\"id\":").append(i).append(",\"name\":\"user ").append(i % 37).append("\",\"active\":true},");
    }
    return Buffer.buffer(b.substring(0, bytes).getBytes(StandardCharsets.UTF_8));
  }

  private static Compression compression(Codec codec, int threshold) {
    return new Compression(new CompressionOptions().setCodec(codec).setThresholdBytes(threshold), MAX);
  }

  @Test
  void belowTheThresholdEntriesStayVersionOne() {
    Buffer payload = json(1023);
    Buffer stored = compression(Codec.LZ4, 1024).encode(0, 5, 6, 7, payload);
    assertThat(stored.getByte(0)).isEqualTo(EntryFormat.VERSION);
    assertThat(stored.length()).isEqualTo(EntryFormat.HEADER_BYTES + 1023);
  }

  @Test
  void fromTheThresholdOnEachCodecShrinksAndRoundTrips() {
    for (Codec codec : new Codec[] {Codec.LZ4, Codec.ZSTD}) {
      Buffer payload = json(1024);
      Compression c = compression(codec, 1024);
      Buffer stored = c.encode(0, 5, 6, 7, payload);
      assertThat(stored.getByte(0)).as(codec.name()).isEqualTo(EntryFormat.VERSION_COMPRESSED);
      assertThat(stored.length()).as(codec.name()).isLessThan(payload.length() / 2);
      Entry e = EntryFormat.decode(stored);
      assertThat(e.compression).isEqualTo(codec == Codec.LZ4 ? Compression.LZ4 : Compression.ZSTD);
      assertThat(e.rawLength).isEqualTo(1024);
      assertThat(e.freshUntil).isEqualTo(5);
      assertThat(e.ttlMs).isEqualTo(6);
      assertThat(e.loadMs).isEqualTo(7);
      assertThat(c.payload(e)).isEqualTo(payload);
    }
  }

  @Test
  void anyReaderReadsEveryCodecWhateverItsOwnSetting() {
    Buffer payload = json(50_000);
    Buffer lz4 = compression(Codec.LZ4, 64).encode(0, 1, 1, 0, payload);
    Buffer zstd = compression(Codec.ZSTD, 64).encode(0, 1, 1, 0, payload);
    Buffer plain = EntryFormat.encode(0, 1, 1, 0, payload);
    for (Codec reader : Codec.values()) {
      Compression c = compression(reader, 64);
      assertThat(c.payload(EntryFormat.decode(lz4))).as(reader.name()).isEqualTo(payload);
      assertThat(c.payload(EntryFormat.decode(zstd))).as(reader.name()).isEqualTo(payload);
      assertThat(c.payload(EntryFormat.decode(plain))).as(reader.name()).isEqualTo(payload);
    }
  }

  @Test
  void incompressibleValuesAreStoredAsTheyAre() {
    byte[] random = new byte[8192];
    new Random(1).nextBytes(random);
    Buffer stored = compression(Codec.LZ4, 1024).encode(0, 1, 1, 0, Buffer.buffer(random));
    assertThat(stored.getByte(0)).isEqualTo(EntryFormat.VERSION);
    assertThat(stored.length()).isEqualTo(EntryFormat.HEADER_BYTES + random.length);
  }

  @Test
  void noneWritesUncompressedAndAbsencesAreNeverCompressed() {
    assertThat(compression(Codec.NONE, 64).encode(0, 1, 1, 0, json(10_000)).getByte(0)).isEqualTo(EntryFormat.VERSION);
    Buffer absent = compression(Codec.LZ4, 64).encode(EntryFormat.FLAG_NULL, 1, 1, 0, null);
    assertThat(absent.length()).isEqualTo(EntryFormat.HEADER_BYTES);
    assertThat(EntryFormat.decode(absent).isNull()).isTrue();
  }

  @Test
  void aReaderRefusesALengthOverItsMaximumBeforeAllocating() {
    Buffer stored = compression(Codec.LZ4, 64).encode(0, 1, 1, 0, json(20_000));
    Compression small = new Compression(new CompressionOptions(), 10_000);
    assertThatThrownBy(() -> small.payload(EntryFormat.decode(stored)))
      .isInstanceOf(IllegalStateException.class).hasMessageContaining("20000 bytes, more than cache.maxValueBytes (10000)");
    // A forged header announcing 2 GiB is refused the same way.
    Buffer forged = stored.copy();
    forged.setInt(23, Integer.MAX_VALUE);
    assertThatThrownBy(() -> compression(Codec.LZ4, 64).payload(EntryFormat.decode(forged)))
      .isInstanceOf(IllegalStateException.class).hasMessageContaining("more than cache.maxValueBytes");
  }

  @Test
  void corruptOrTruncatedCompressedBytesFailCleanly() {
    Buffer payload = json(20_000);
    for (Codec codec : new Codec[] {Codec.LZ4, Codec.ZSTD}) {
      Compression c = compression(codec, 64);
      Buffer stored = c.encode(0, 1, 1, 0, payload);
      Buffer truncated = stored.slice(0, stored.length() / 2).copy();
      assertThatThrownBy(() -> c.payload(EntryFormat.decode(truncated))).as(codec.name()).isInstanceOf(IllegalStateException.class);
      Random rnd = new Random(3);
      for (int i = 0; i < 200; i++) {
        Buffer garbage = stored.copy();
        for (int j = 0; j < 8; j++) {
          int at = EntryFormat.COMPRESSED_HEADER_BYTES + rnd.nextInt(garbage.length() - EntryFormat.COMPRESSED_HEADER_BYTES);
          garbage.setByte(at, (byte) rnd.nextInt(256));
        }
        Entry e = EntryFormat.decode(garbage);
        try {
          Buffer out = c.payload(e);
          // Corruption of literals can decompress to the right length with other bytes; never longer.
          assertThat(out.length()).isEqualTo(payload.length());
        } catch (IllegalStateException expected) {
          // refused: what the reader counts as a miss and an error
        }
      }
    }
    Buffer unknown = compression(Codec.LZ4, 64).encode(0, 1, 1, 0, payload).copy();
    unknown.setByte(22, (byte) 9);
    assertThatThrownBy(() -> compression(Codec.LZ4, 64).payload(EntryFormat.decode(unknown)))
      .isInstanceOf(IllegalStateException.class).hasMessage("unknown compression codec 9");
  }

  @Test
  void aShortVersionTwoValueIsNotAnEntry() {
    assertThat(EntryFormat.decode(Buffer.buffer(new byte[EntryFormat.HEADER_BYTES]).setByte(0, EntryFormat.VERSION_COMPRESSED))).isNull();
    assertThat(EntryFormat.decode(Buffer.buffer(new byte[30]).setByte(0, (byte) 3))).isNull();
  }
}
