package dev.rediskit.bench;

import io.airlift.compress.lz4.Lz4Compressor;
import io.airlift.compress.lz4.Lz4Decompressor;
import io.airlift.compress.zstd.ZstdCompressor;
import io.airlift.compress.zstd.ZstdDecompressor;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4FastDecompressor;
import net.jpountz.lz4.LZ4SafeDecompressor;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The candidates for compressing cache values, on the same corpus of 10,000 JSON documents of
 * 2-20 KiB ({@link JsonCorpus}), in one JVM: lz4-java (at.yawk.lz4, the continuation of org.lz4)
 * with its JNI binding and with its pure-Java "safe" implementation, and aircompressor's pure-Java
 * LZ4 and zstd. For each: the bytes saved, and the time to compress and to decompress every
 * document once, repeated (the best of {@code bench.rounds} passes after warm-up passes, since on a
 * shared machine the minimum is the figure least disturbed by other work).
 *
 * <pre>mvn -Pbench -q test-compile exec:java -Dexec.mainClass=dev.rediskit.bench.CompressionBenchmark</pre>
 */
public final class CompressionBenchmark {

  private CompressionBenchmark() {
  }

  /** One candidate: compress into a buffer, decompress knowing the original length. */
  interface Codec {
    String name();

    int compress(byte[] in, byte[] out);

    int decompress(byte[] in, int inLength, byte[] out, int outLength);

    int maxCompressedLength(int length);
  }

  /**
   * @param args unused
   */
  public static void main(String[] args) {
    int rounds = Integer.getInteger("bench.rounds", 6);
    List<byte[]> docs = JsonCorpus.generate(10_000, 2048, 20_480, 42);
    long raw = docs.stream().mapToLong(d -> d.length).sum();
    System.out.printf(Locale.ROOT, "corpus: %,d documents, %,d bytes (%.1f KiB average), JDK %s%n", docs.size(), raw,
      raw / 1024.0 / docs.size(), System.getProperty("java.version"));
    LZ4Factory jni = LZ4Factory.nativeInstance();
    LZ4Factory safe = LZ4Factory.safeInstance();
    List<Codec> codecs = List.of(
      lz4Java("lz4-java 1.14.0 JNI", jni.fastCompressor(), jni.fastDecompressor(), jni.safeDecompressor()),
      lz4Java("lz4-java 1.14.0 pure Java (safe)", safe.fastCompressor(), safe.fastDecompressor(), safe.safeDecompressor()),
      airLz4(), airZstd());
    System.out.printf(Locale.ROOT, "%-34s %10s %14s %14s %12s %12s%n", "codec", "ratio", "compress MB/s", "decompress MB/s",
      "µs/doc comp", "µs/doc dec");
    for (Codec c : codecs) {
      measure(c, docs, raw, rounds);
    }
  }

  private static void measure(Codec c, List<byte[]> docs, long raw, int rounds) {
    byte[][] packed = new byte[docs.size()][];
    int[] lengths = new int[docs.size()];
    byte[] out = new byte[c.maxCompressedLength(32 * 1024)];
    long bestComp = Long.MAX_VALUE;
    long bestDec = Long.MAX_VALUE;
    long compressed = 0;
    for (int round = 0; round < rounds + 3; round++) {
      long t0 = System.nanoTime();
      compressed = 0;
      for (int i = 0; i < docs.size(); i++) {
        int n = c.compress(docs.get(i), out);
        if (packed[i] == null) {
          packed[i] = Arrays.copyOf(out, n);
          lengths[i] = n;
        }
        compressed += n;
      }
      long t1 = System.nanoTime();
      byte[] back = new byte[32 * 1024];
      for (int i = 0; i < docs.size(); i++) {
        int len = docs.get(i).length;
        c.decompress(packed[i], lengths[i], back, len);
        if (round == 0 && !Arrays.equals(back, 0, len, docs.get(i), 0, len)) {
          throw new IllegalStateException(c.name() + ": document " + i + " did not round-trip");
        }
      }
      long t2 = System.nanoTime();
      if (round >= 3) {
        bestComp = Math.min(bestComp, t1 - t0);
        bestDec = Math.min(bestDec, t2 - t1);
      }
    }
    System.out.printf(Locale.ROOT, "%-34s %9.2fx %14.0f %14.0f %12.1f %12.1f   (%,d -> %,d bytes, %.0f%% saved)%n", c.name(),
      (double) raw / compressed, raw / 1e6 / (bestComp / 1e9), raw / 1e6 / (bestDec / 1e9),
      bestComp / 1e3 / docs.size(), bestDec / 1e3 / docs.size(), raw, compressed, 100.0 * (raw - compressed) / raw);
  }

  private static Codec lz4Java(String name, LZ4Compressor comp, LZ4FastDecompressor fast, LZ4SafeDecompressor safe) {
    return new Codec() {
      public String name() {
        return name;
      }

      public int compress(byte[] in, byte[] out) {
        return comp.compress(in, 0, in.length, out, 0, out.length);
      }

      public int decompress(byte[] in, int inLength, byte[] out, int outLength) {
        // The safe decompressor: it never reads past the input, whatever the bytes (the cache reads
        // what anyone may have written to Redis).
        return safe.decompress(in, 0, inLength, out, 0, outLength);
      }

      public int maxCompressedLength(int length) {
        return comp.maxCompressedLength(length);
      }
    };
  }

  private static Codec airLz4() {
    Lz4Compressor comp = new Lz4Compressor();
    Lz4Decompressor dec = new Lz4Decompressor();
    return new Codec() {
      public String name() {
        return "aircompressor 2.0.3 LZ4";
      }

      public int compress(byte[] in, byte[] out) {
        return comp.compress(in, 0, in.length, out, 0, out.length);
      }

      public int decompress(byte[] in, int inLength, byte[] out, int outLength) {
        return dec.decompress(in, 0, inLength, out, 0, outLength);
      }

      public int maxCompressedLength(int length) {
        return comp.maxCompressedLength(length);
      }
    };
  }

  private static Codec airZstd() {
    ZstdCompressor comp = new ZstdCompressor();
    ZstdDecompressor dec = new ZstdDecompressor();
    return new Codec() {
      public String name() {
        return "aircompressor 2.0.3 zstd (level 3)";
      }

      public int compress(byte[] in, byte[] out) {
        return comp.compress(in, 0, in.length, out, 0, out.length);
      }

      public int decompress(byte[] in, int inLength, byte[] out, int outLength) {
        return dec.decompress(in, 0, inLength, out, 0, outLength);
      }

      public int maxCompressedLength(int length) {
        return comp.maxCompressedLength(length);
      }
    };
  }
}
