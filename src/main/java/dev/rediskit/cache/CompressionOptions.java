package dev.rediskit.cache;

import dev.rediskit.config.ConfigKey;
import dev.rediskit.config.JsonOptionsReader;
import dev.rediskit.config.OptionChecks;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Compression of cache values: which codec, and from which encoded size on. The {@code compression}
 * object of the {@code cache} section ({@link CacheOptions#getCompression()}).
 *
 * <p>A value whose encoded size (the codec's bytes, before compression) is at least
 * {@code thresholdBytes} is compressed before it is written, and kept compressed only when that
 * saves space; the entry's header says which codec, so entries written with any setting (or by an
 * older version, uncompressed) are read by every instance. {@code cache.maxValueBytes} applies to
 * the uncompressed size, on write and again on read.
 *
 * <p>Fluent setters reject at once a value no configuration could make valid; the JSON
 * constructor never throws and keeps such problems for {@link #problems()}.
 */
public class CompressionOptions {

  /** How values are compressed. */
  public enum Codec {
    /** Not compressed. */
    NONE,
    /** LZ4 (aircompressor, pure Java): about 1.9x on JSON, decompression in microseconds. */
    LZ4,
    /** Zstandard level 3 (aircompressor, pure Java): about 2.7x on JSON, several times slower than LZ4. */
    ZSTD
  }

  /** Default codec: LZ4. */
  public static final Codec DEFAULT_CODEC = Codec.LZ4;
  /** Default smallest encoded value that is compressed, in bytes (1 KiB). */
  public static final int DEFAULT_THRESHOLD_BYTES = 1024;
  /** Lower bound of {@link #setThresholdBytes(int)}, in bytes: below it the header costs more than LZ4 saves. */
  public static final int MIN_THRESHOLD_BYTES = 64;

  /** The keys of this object, named as in the configuration. */
  public static final List<ConfigKey> KEYS = List.of(
    new ConfigKey("cache.compression.codec", ConfigKey.Type.ENUM, DEFAULT_CODEC.name(), "",
      "How values of at least cache.compression.thresholdBytes are compressed (kept only when smaller); "
        + "entries written with any codec are read whatever this says.", false,
      Arrays.stream(Codec.values()).map(Enum::name).toList()),
    new ConfigKey("cache.compression.thresholdBytes", ConfigKey.Type.INT, DEFAULT_THRESHOLD_BYTES, "bytes",
      "Smallest encoded value that is compressed; 64 to 536870912.", false, List.of()));

  private Codec codec = DEFAULT_CODEC;
  private int thresholdBytes = DEFAULT_THRESHOLD_BYTES;
  private final Map<String, String> inputProblems = new LinkedHashMap<>();
  // Whether the code gave each value (JSON holding it, or its setter), for toGivenJson().
  private boolean codecGiven;
  private boolean thresholdBytesGiven;

  /** Options with every default. */
  public CompressionOptions() {
  }

  /**
   * Copy constructor.
   *
   * @param other the options to copy
   */
  public CompressionOptions(CompressionOptions other) {
    this.codec = other.codec;
    this.thresholdBytes = other.thresholdBytes;
    this.inputProblems.putAll(other.inputProblems);
    this.codecGiven = other.codecGiven;
    this.thresholdBytesGiven = other.thresholdBytesGiven;
  }

  /**
   * Reads the options from JSON ({@code {codec, thresholdBytes}}). Never throws: problems are kept
   * for {@link #problems()}.
   *
   * @param json the {@code cache.compression} object
   */
  public CompressionOptions(JsonObject json) {
    JsonOptionsReader in = new JsonOptionsReader(json, "cache.compression.", inputProblems);
    Codec c = in.readEnum("codec", Codec.class);
    if (c != null) {
      codec = c;
      codecGiven = true;
    }
    Integer i = in.readInt("thresholdBytes");
    if (i != null) {
      thresholdBytes = i;
      thresholdBytesGiven = true;
    }
    in.reportUnknownKeys(List.of());
  }

  /** @return the options as JSON, the form the JSON constructor reads */
  public JsonObject toJson() {
    return new JsonObject().put("codec", codec.name()).put("thresholdBytes", thresholdBytes);
  }

  /**
   * What the code gave: the values read from the JSON these options were built from (the keys it
   * held, whatever their values) or set by a setter, copied along by the copy constructor; in
   * {@link #toJson()}'s form, the others left out.
   *
   * @return the given values as JSON
   */
  public JsonObject toGivenJson() {
    JsonObject json = new JsonObject();
    if (codecGiven) {
      json.put("codec", codec.name());
    }
    if (thresholdBytesGiven) {
      json.put("thresholdBytes", thresholdBytes);
    }
    return json;
  }

  /** @return the codec of values of at least {@link #getThresholdBytes()} */
  public Codec getCodec() {
    return codec;
  }

  /**
   * @param codec the codec; {@link Codec#NONE} turns compression off (entries already compressed are still read)
   * @return this
   * @throws NullPointerException when {@code null}
   */
  public CompressionOptions setCodec(Codec codec) {
    this.codec = Objects.requireNonNull(codec, "cache.compression.codec");
    codecGiven = true;
    inputProblems.remove("cache.compression.codec");
    return this;
  }

  /** @return the smallest encoded value compressed, in bytes */
  public int getThresholdBytes() {
    return thresholdBytes;
  }

  /**
   * @param thresholdBytes the smallest encoded value compressed, in bytes: {@link #MIN_THRESHOLD_BYTES}
   * to {@link CacheOptions#MAX_VALUE_BYTES_LIMIT}
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public CompressionOptions setThresholdBytes(int thresholdBytes) {
    OptionChecks.require(thresholdProblem(thresholdBytes));
    this.thresholdBytes = thresholdBytes;
    thresholdBytesGiven = true;
    inputProblems.remove("cache.compression.thresholdBytes");
    return this;
  }

  private static String thresholdProblem(int v) {
    return OptionChecks.between("cache.compression.thresholdBytes", v, MIN_THRESHOLD_BYTES,
      CacheOptions.MAX_VALUE_BYTES_LIMIT, "bytes");
  }

  /**
   * @return every problem of this object, each naming its key ({@code cache.compression.thresholdBytes}); empty when valid
   */
  public List<String> problems() {
    List<String> problems = new ArrayList<>(inputProblems.values());
    OptionChecks.collect(problems, thresholdProblem(thresholdBytes));
    return problems;
  }

  @Override
  public String toString() {
    return "CompressionOptions" + toJson().encode();
  }
}
