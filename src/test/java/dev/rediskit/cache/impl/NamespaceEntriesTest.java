package dev.rediskit.cache.impl;

import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.error.ValueTooLargeException;
import dev.rediskit.cache.CacheCodec;
import dev.rediskit.cache.CacheOptions;
import dev.rediskit.cache.CompressionOptions;
import dev.rediskit.cache.CacheResult;
import dev.rediskit.cache.impl.EntryFormat.Entry;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NamespaceEntriesTest {

  private static final long NOW = 1_700_000_000_000L;

  private final StatsImpl stats = new StatsImpl("ns");
  private final NamespaceEntries<Object> entries =
    new NamespaceEntries<>(CacheCodec.json(), stats, new TtlRules(new CacheOptions()), 32,
      new Compression(new CompressionOptions(), 32));

  private static Entry stored(long freshUntil, Buffer payload) {
    Buffer bytes = EntryFormat.encode(payload == null ? EntryFormat.FLAG_NULL : 0, freshUntil, 1_000, 0, payload);
    return EntryFormat.decode(bytes);
  }

  private Entry stored(long freshUntil, Object value) {
    return stored(freshUntil, entries.encode("value", value));
  }

  @Test
  void noEntryIsAMiss() {
    assertThat(entries.toResult((Entry) null, NOW, true)).isEqualTo(CacheResult.miss());
    assertThat(stats.misses()).isEqualTo(1);
    assertThat(stats.hits()).isZero();
  }

  @Test
  void aFreshEntryIsAHitWithTheTimeItHasLeft() {
    CacheResult<Object> r = entries.toResult(stored(NOW + 250, (Object) "v"), NOW, false);
    assertThat(r).isEqualTo(new CacheResult<>(true, "v", false, 250));
    assertThat(r.source()).isEqualTo(CacheResult.Source.CACHE);
    assertThat(stats.hits()).isEqualTo(1);
  }

  @Test
  void aStaleEntryIsAStaleHitOnlyWhenAsked() {
    Entry stale = stored(NOW, (Object) "old");
    assertThat(entries.toResult(stale, NOW, false)).isEqualTo(CacheResult.miss());
    assertThat(stats.misses()).isEqualTo(1);

    CacheResult<Object> served = entries.toResult(stale, NOW, true);
    assertThat(served).isEqualTo(new CacheResult<>(true, "old", true, 0));
    assertThat(served.source()).isEqualTo(CacheResult.Source.STALE);
    assertThat(stats.staleHits()).isEqualTo(1);
  }

  @Test
  void aCachedAbsenceIsFoundWithoutAValue() {
    CacheResult<Object> r = entries.toResult(stored(NOW + 10, (Buffer) null), NOW, false);
    assertThat(r.found()).isTrue();
    assertThat(r.value()).isNull();
    assertThat(r.source()).isEqualTo(CacheResult.Source.NEGATIVE);
  }

  @Test
  void anUndecodableEntryIsAMissAndAnError() {
    Entry garbage = stored(NOW + 10, Buffer.buffer(new byte[] {42, 1, 2}));
    assertThat(entries.toResult(garbage, NOW, true)).isEqualTo(CacheResult.miss());
    assertThat(stats.misses()).isEqualTo(1);
    assertThat(stats.errors()).isEqualTo(1);
  }

  @Test
  void freshOrNullCountsNothing() {
    assertThat(entries.freshOrNull(stored(NOW + 5, (Object) "v"), NOW)).isEqualTo(new CacheResult<>(true, "v", false, 5));
    assertThat(entries.freshOrNull(stored(NOW, (Object) "v"), NOW)).isNull();
    assertThat(entries.freshOrNull(null, NOW)).isNull();
    assertThat(entries.freshOrNull(stored(NOW + 5, Buffer.buffer(new byte[] {42})), NOW)).isNull();
    assertThat(stats.hits() + stats.misses() + stats.errors()).isZero();
  }

  @Test
  void encodingRefusesNullUnencodableAndTooLargeValues() {
    assertThatThrownBy(() -> entries.encode("entries.a", null)).isInstanceOf(InvalidRequestException.class)
      .hasMessage("entries.a: is required (null is not a value; getOrLoad can cache absence)");
    assertThatThrownBy(() -> entries.encode("value", new Object())).isInstanceOf(InvalidRequestException.class)
      .hasMessageStartingWith("value: must be a JSON value");
    assertThatThrownBy(() -> entries.encode("value", "x".repeat(40))).isInstanceOf(ValueTooLargeException.class)
      .hasMessageStartingWith("value: encoded value is ").hasMessageEndingWith("larger than the maximum of 32 bytes");
    assertThat(entries.encode("value", "x".repeat(10)).length()).isLessThanOrEqualTo(32);
  }
}
