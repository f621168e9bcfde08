package dev.rediskit.cache;

import dev.rediskit.config.OptionalDependency;
import dev.rediskit.cache.impl.Codecs;
import io.vertx.core.buffer.Buffer;

/**
 * Turns cache values into bytes and back. The cache adds its own small header around the bytes
 * (expiry, flags), so a codec deals with the value only.
 *
 * <p>A codec may throw from {@link #encode}: for {@code set} that is reported as an invalid
 * {@code value} (code 400) and nothing is written. A value that fails to {@link #decode} is treated
 * as a miss (and counted as an error), so a changed class or codec never breaks reads.
 *
 * @param <V> the value type
 */
public interface CacheCodec<V> {

  /**
   * @param value a non-null value
   * @return its bytes
   * @throws IllegalArgumentException when the value cannot be encoded
   */
  Buffer encode(V value);

  /**
   * @param bytes what {@link #encode} produced
   * @return the value
   * @throws RuntimeException when the bytes cannot be decoded
   */
  V decode(Buffer bytes);

  /**
   * The default codec: JSON values ({@link io.vertx.core.json.JsonObject},
   * {@link io.vertx.core.json.JsonArray}, {@code String}, numbers, booleans, and {@code Map}/{@code List}
   * of those, stored as JSON text) and raw {@link Buffer}s (stored as they are), told apart by one
   * tag byte. JSON objects and arrays come back as {@code JsonObject}/{@code JsonArray}; whole
   * numbers come back as the smallest of {@code Integer}/{@code Long} that holds them.
   *
   * @return the codec
   */
  static CacheCodec<Object> json() {
    return Codecs.JSON;
  }

  /**
   * Raw bytes, stored unchanged.
   *
   * @return the codec
   */
  static CacheCodec<Buffer> buffer() {
    return Codecs.BUFFER;
  }

  /**
   * A user type mapped to and from JSON with Vert.x's JSON mapping ({@code Json.CODEC}, Jackson
   * databind), the same mapping as {@code JsonObject.mapFrom}/{@code mapTo}.
   *
   * @param type the class of the values
   * @param <T> the value type
   * @return the codec
   * @throws OptionalDependency.MissingDependencyException without jackson-databind on the class path
   */
  static <T> CacheCodec<T> pojo(Class<T> type) {
    OptionalDependency.JACKSON_DATABIND.require("CacheCodec.pojo(" + (type == null ? "null" : type.getName()) + ")");
    return new Codecs.Pojo<>(type);
  }
}
