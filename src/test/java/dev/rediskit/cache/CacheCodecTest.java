package dev.rediskit.cache;

import dev.rediskit.cache.impl.EntryFormat;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CacheCodecTest {

  /** A user type for the POJO codec. */
  public static class User {
    public String name;
    public int age;
    public List<String> tags;

    public User() {
    }

    User(String name, int age, List<String> tags) {
      this.name = name;
      this.age = age;
      this.tags = tags;
    }
  }

  private static <V> V roundTrip(CacheCodec<V> codec, V value) {
    return codec.decode(codec.encode(value));
  }

  @Test
  void jsonValuesRoundTrip() {
    CacheCodec<Object> c = CacheCodec.json();
    JsonObject obj = new JsonObject().put("a", 1).put("b", new JsonArray().add("x").add(true));
    assertThat(roundTrip(c, obj)).isEqualTo(obj);
    assertThat(roundTrip(c, new JsonArray().add(1).add("two"))).isEqualTo(new JsonArray().add(1).add("two"));
    assertThat(roundTrip(c, "text")).isEqualTo("text");
    assertThat(roundTrip(c, 42)).isEqualTo(42);
    assertThat(roundTrip(c, 1L << 40)).isEqualTo(1L << 40);
    assertThat(roundTrip(c, 2.5)).isEqualTo(2.5);
    assertThat(roundTrip(c, true)).isEqualTo(true);
    assertThat(roundTrip(c, Map.of("k", "v"))).isEqualTo(new JsonObject().put("k", "v"));
  }

  @Test
  void stringsComeBackExactlyWhetherOrNotTheyNeedEscapes() {
    CacheCodec<Object> c = CacheCodec.json();
    for (String s : List.of("", "x", "plain text", "ünïcødé €", "emoji \uD83D\uDE00", "quote \" inside", "back\\slash",
      "new\nline", "tab\t", "\u0001", "\"", "\"\"", "{\"a\":1}", "[1]", "42", "null")) {
      assertThat(roundTrip(c, s)).as("round trip of %s", s).isEqualTo(s);
    }
  }

  @Test
  void textsThatAreNotPlainStringsStillDecodeAsJson() {
    CacheCodec<Object> c = CacheCodec.json();
    assertThat(c.decode(Buffer.buffer("J\"a\" "))).isEqualTo("a");
    assertThat(c.decode(Buffer.buffer("J[\"a\",\"b\"]"))).isEqualTo(new JsonArray().add("a").add("b"));
    assertThat(c.decode(Buffer.buffer("J\"a\\u0041\""))).isEqualTo("aA");
    assertThatThrownBy(() -> c.decode(Buffer.buffer("J\""))).isInstanceOf(RuntimeException.class);
  }

  @Test
  void buffersKeepTheirBytesUnderTheJsonCodec() {
    Buffer raw = Buffer.buffer(new byte[] {0, 'J', (byte) 0xFF, '{'});
    Object back = roundTrip(CacheCodec.json(), raw);
    assertThat(back).isInstanceOf(Buffer.class).isEqualTo(raw);
    // A string that looks like a tagged buffer stays a string.
    assertThat(roundTrip(CacheCodec.json(), "B\u0000")).isEqualTo("B\u0000");
  }

  @Test
  void jsonCodecRefusesOtherObjects() {
    assertThatThrownBy(() -> CacheCodec.json().encode(new User("a", 1, List.of())))
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining("must be a JSON value");
  }

  @Test
  void bufferCodecIsRaw() {
    Buffer raw = Buffer.buffer("abc");
    assertThat(CacheCodec.buffer().encode(raw)).isSameAs(raw);
    Buffer back = CacheCodec.buffer().decode(raw);
    assertThat(back).isEqualTo(raw).isNotSameAs(raw);
  }

  @Test
  void pojoCodecUsesVertxJsonMapping() {
    CacheCodec<User> c = CacheCodec.pojo(User.class);
    Buffer bytes = c.encode(new User("Ada", 36, List.of("math")));
    assertThat(new JsonObject(bytes)).isEqualTo(new JsonObject().put("name", "Ada").put("age", 36)
      .put("tags", new JsonArray().add("math")));
    User back = c.decode(bytes);
    assertThat(back.name).isEqualTo("Ada");
    assertThat(back.age).isEqualTo(36);
    assertThat(back.tags).containsExactly("math");
  }

  @Test
  void storedFormatCarriesExpiryFlagsAndLoadTime() {
    Buffer payload = CacheCodec.json().encode("v");
    Buffer stored = EntryFormat.encode(0, 1_700_000_000_123L, 5_000, 42, payload);
    assertThat(stored.length()).isEqualTo(EntryFormat.HEADER_BYTES + payload.length());
    EntryFormat.Entry e = EntryFormat.decode(stored);
    assertThat(e.freshUntil).isEqualTo(1_700_000_000_123L);
    assertThat(e.ttlMs).isEqualTo(5_000);
    assertThat(e.loadMs).isEqualTo(42);
    assertThat(e.isNull()).isFalse();
    assertThat(e.isFresh(1_700_000_000_122L)).isTrue();
    assertThat(e.isFresh(1_700_000_000_123L)).isFalse();
    assertThat(CacheCodec.json().decode(e.payload)).isEqualTo("v");

    EntryFormat.Entry absent = EntryFormat.decode(EntryFormat.encode(EntryFormat.FLAG_NULL, 1, 2, 3, null));
    assertThat(absent.isNull()).isTrue();
    assertThat(absent.payload.length()).isZero();
  }

  @Test
  void foreignValuesAreNotEntries() {
    assertThat(EntryFormat.decode(Buffer.buffer("hello"))).isNull();
    assertThat(EntryFormat.decode(Buffer.buffer(new byte[EntryFormat.HEADER_BYTES]))).as("wrong version").isNull();
    assertThat(EntryFormat.decode(null)).isNull();
  }

  @Test
  void resultJsonFollowsTheContract() {
    assertThat(CacheResult.miss().toJson()).isEqualTo(new JsonObject().put("found", false).put("source", "cache"));
    assertThat(new CacheResult<>(true, "v", true, 0).toJson())
      .isEqualTo(new JsonObject().put("found", true).put("value", "v").put("stale", true).put("ttlMs", 0L).put("source", "stale"));
    assertThat(new CacheResult<>(true, null, false, 5).source()).as("a cached absence").isEqualTo(CacheResult.Source.NEGATIVE);
    assertThat(new CacheResult<>(true, "v", false, 5).source()).isEqualTo(CacheResult.Source.CACHE);
    assertThat(CacheResult.loaded("v", 5).toJson().getString("source")).isEqualTo("loader");
    assertThat(CacheResult.loadedAbsent().toJson()).isEqualTo(new JsonObject().put("found", false).put("source", "loader"));
    assertThat(CacheResult.Source.fromJson("NEGATIVE")).isEqualTo(CacheResult.Source.NEGATIVE);
    assertThat(CacheResult.Source.fromJson("near")).isEqualTo(CacheResult.Source.NEAR);
    assertThat(CacheResult.Source.fromJson("tiered")).as("a value from a later version reads as cache").isEqualTo(CacheResult.Source.CACHE);
  }

  @Test
  void statsSnapshotRoundTrips() {
    CacheStats s = new CacheStats.Snapshot("ns", 3, 1, 0, 1, 0, 5, 0, 1, 0, 2, 0, 0, 0, 1, 7);
    assertThat(s.hitRatio()).isEqualTo(0.75);
    assertThat(CacheStats.fromJson(s.toJson())).isEqualTo(s);
    assertThat(new CacheStats.Snapshot("ns", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0).hitRatio()).isZero();
  }
}
