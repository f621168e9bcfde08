package dev.rediskit.cache.impl;

import dev.rediskit.cache.CacheCodec;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The built-in codecs. */
public final class Codecs {

  private static final byte TAG_JSON = 'J';
  private static final byte TAG_BYTES = 'B';

  /** JSON values and Buffers, see {@link CacheCodec#json()}. */
  public static final CacheCodec<Object> JSON = new CacheCodec<>() {
    @Override
    public Buffer encode(Object value) {
      Objects.requireNonNull(value, "value");
      if (value instanceof Buffer b) {
        return Buffer.buffer(b.length() + 1).appendByte(TAG_BYTES).appendBuffer(b);
      }
      if (!(value instanceof JsonObject || value instanceof JsonArray || value instanceof String
        || value instanceof Number || value instanceof Boolean || value instanceof Map || value instanceof List)) {
        // Refuse rather than let databind map an arbitrary object: the caller should pick CacheCodec.pojo(type).
        throw new IllegalArgumentException("must be a JSON value (object, array, string, number, boolean) or a Buffer, was "
          + value.getClass().getName());
      }
      Buffer json = Json.CODEC.toBuffer(value, false);
      return Buffer.buffer(json.length() + 1).appendByte(TAG_JSON).appendBuffer(json);
    }

    @Override
    public Object decode(Buffer bytes) {
      byte tag = bytes.getByte(0);
      Buffer body = bytes.slice(1, bytes.length());
      if (tag == TAG_BYTES) {
        return body.copy();
      }
      if (tag == TAG_JSON) {
        String plain = plainString(bytes);
        return plain != null ? plain : Json.decodeValue(body);
      }
      throw new IllegalArgumentException("unknown value tag " + tag);
    }

    @Override
    public String toString() {
      return "CacheCodec.json()";
    }
  };

  /** Raw bytes, see {@link CacheCodec#buffer()}. */
  public static final CacheCodec<Buffer> BUFFER = new CacheCodec<>() {
    @Override
    public Buffer encode(Buffer value) {
      return value;
    }

    @Override
    public Buffer decode(Buffer bytes) {
      // The reply buffer is shared with the slice: hand out a copy the caller may keep or change.
      return bytes.copy();
    }

    @Override
    public String toString() {
      return "CacheCodec.buffer()";
    }
  };

  private Codecs() {
  }

  /**
   * A JSON string without escapes, read straight from its UTF-8 bytes: the most common cached
   * value skips the JSON parser (the largest part of a read's own work in a profile). A
   * string written by the encoder has no raw control character, so without a backslash its bytes
   * between the quotes are the text itself.
   *
   * @param bytes the tag byte, then the JSON text
   * @return the string, or null when the text is anything else (left to the JSON parser)
   */
  static String plainString(Buffer bytes) {
    int end = bytes.length() - 1;
    if (end < 2 || bytes.getByte(1) != '"' || bytes.getByte(end) != '"') {
      return null;
    }
    // One copy into an array, scanned there: Buffer.getByte per byte costs a bounds check each.
    byte[] text = bytes.getBytes(2, end);
    for (byte b : text) {
      if (b == '\\' || (b >= 0 && b < 0x20)) {
        return null;
      }
    }
    return new String(text, StandardCharsets.UTF_8);
  }

  /**
   * A user type through Vert.x's JSON mapping.
   *
   * @param <T> the value type
   */
  public static final class Pojo<T> implements CacheCodec<T> {
    private final Class<T> type;

    /** @param type the class of the values */
    public Pojo(Class<T> type) {
      this.type = Objects.requireNonNull(type, "type");
    }

    @Override
    public Buffer encode(T value) {
      return Json.CODEC.toBuffer(value, false);
    }

    @Override
    public T decode(Buffer bytes) {
      return Json.CODEC.fromBuffer(bytes, type);
    }

    @Override
    public String toString() {
      return "CacheCodec.pojo(" + type.getName() + ")";
    }
  }
}
