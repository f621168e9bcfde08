package dev.rediskit.cache.impl;

import dev.rediskit.cache.CacheNames;
import dev.rediskit.cache.CompressionOptions;
import dev.rediskit.cache.CompressionOptions.Codec;
import dev.rediskit.cache.WriteOptions;
import dev.rediskit.cache.impl.EntryFormat.Entry;
import dev.rediskit.error.InvalidRequestException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The stored form of a tagged entry (format version 3), and the checks of tags. */
class TaggedEntryFormatTest {

  private static final int MAX = 1024 * 1024;

  private static Compression compression(Codec codec, int threshold) {
    return new Compression(new CompressionOptions().setCodec(codec).setThresholdBytes(threshold), MAX);
  }

  private static final TagStamp STAMP = new TagStamp(List.of("user:42", "tenant:é"), new long[]{0, 1_733_000_000_123L});

  @Test
  void aTaggedEntryKeepsItsTagsTheirVersionsAndItsPayload() {
    Buffer payload = Buffer.buffer("{\"name\":\"ada\"}");
    Buffer stored = compression(Codec.LZ4, 1024).encode(0, 5_000, 6, 7, payload, STAMP);
    assertThat(stored.getByte(0)).isEqualTo(EntryFormat.VERSION_TAGGED);
    Entry e = EntryFormat.decode(stored);
    assertThat(e.tags).containsExactly("user:42", "tenant:é");
    assertThat(e.tagVersions).containsExactly(0, 1_733_000_000_123L);
    assertThat(e.freshUntil).isEqualTo(5_000);
    assertThat(e.ttlMs).isEqualTo(6);
    assertThat(e.loadMs).isEqualTo(7);
    assertThat(e.compression).isZero();
    assertThat(e.payload.toString()).isEqualTo("{\"name\":\"ada\"}");
    Entry stale = e.invalidatedByTag();
    assertThat(stale.isFresh(1)).isFalse();
    assertThat(stale.tags).isSameAs(e.tags);
    assertThat(e.withPayload(Buffer.buffer("x")).tagVersions).isSameAs(e.tagVersions);
  }

  @Test
  void aLargeTaggedEntryIsCompressedAndDecompressesToItsPayload() {
    StringBuilder sb = new StringBuilder();
    while (sb.length() < 4096) {
      sb.append("{\"id\":").append(sb.length()).append(",\"active\":true},");
    }
    Buffer payload = Buffer.buffer(sb.toString().getBytes(StandardCharsets.UTF_8));
    Compression c = compression(Codec.LZ4, 1024);
    Buffer stored = c.encode(0, 5, 6, 7, payload, STAMP);
    assertThat(stored.length()).isLessThan(payload.length());
    Entry e = EntryFormat.decode(stored);
    assertThat(e.compression).isEqualTo(Compression.LZ4);
    assertThat(e.rawLength).isEqualTo(payload.length());
    assertThat(c.payload(e)).isEqualTo(payload);
    assertThat(c.payload(e.withPayload(Buffer.buffer(e.payload.getBytes())))).as("a near-cache copy").isEqualTo(payload);
  }

  @Test
  void aNegativeTaggedEntryHasNoPayload() {
    Entry e = EntryFormat.decode(compression(Codec.NONE, 1024).encode(EntryFormat.FLAG_NULL, 5, 6, 7, null, STAMP));
    assertThat(e.isNull()).isTrue();
    assertThat(e.payload.length()).isZero();
    assertThat(e.tags).hasSize(2);
  }

  @Test
  void truncatedTagsAreAMiss() {
    Buffer stored = compression(Codec.NONE, 1024).encode(0, 5, 6, 7, Buffer.buffer("v"), STAMP);
    byte[] bytes = stored.getBytes();
    for (int cut = EntryFormat.TAGGED_HEADER_BYTES; cut < bytes.length - 1; cut += 3) {
      Buffer truncated = Buffer.buffer(Arrays.copyOf(bytes, cut));
      Entry e = EntryFormat.decode(truncated);
      if (e != null) {
        // A cut inside the payload still parses the tags: only the payload is shorter.
        assertThat(e.tags).containsExactly("user:42", "tenant:é");
      }
    }
    byte[] noTags = Arrays.copyOf(bytes, bytes.length);
    noTags[EntryFormat.COMPRESSED_HEADER_BYTES] = 0;
    assertThat(EntryFormat.decode(Buffer.buffer(noTags))).as("a tagged entry without tags is not this format").isNull();
    assertThat(EntryFormat.decode(Buffer.buffer(Arrays.copyOf(bytes, EntryFormat.TAGGED_HEADER_BYTES + 1)))).isNull();
  }

  @Test
  void tagsAreCheckedAndRepeatsDropped() {
    assertThat(CacheNames.checkTags(null)).isEmpty();
    assertThat(CacheNames.checkTags(List.of("a", "b", "a"))).containsExactly("a", "b");
    assertThatThrownBy(() -> CacheNames.checkTags(List.of("a", "")))
      .isInstanceOf(InvalidRequestException.class).hasMessageStartingWith("tags[1]: must not be empty");
    assertThatThrownBy(() -> CacheNames.checkTags(List.of("x\ny")))
      .isInstanceOf(InvalidRequestException.class).hasMessageStartingWith("tags[0]: must not contain control characters");
    assertThatThrownBy(() -> CacheNames.checkTag("tag", "t".repeat(CacheNames.MAX_TAG_LENGTH + 1)))
      .isInstanceOf(InvalidRequestException.class).hasMessageStartingWith("tag: must be at most 256 characters");
    List<String> many = java.util.stream.IntStream.range(0, CacheNames.MAX_TAGS + 1).mapToObj(i -> "t" + i).toList();
    assertThatThrownBy(() -> CacheNames.checkTags(many))
      .isInstanceOf(InvalidRequestException.class).hasMessageStartingWith("tags: must hold at most 32 tags, was 33");
  }

  @Test
  void writeOptionsRoundTripThroughJson() {
    WriteOptions o = new WriteOptions().setTtl(Duration.ofSeconds(5)).setIdleTtl(Duration.ofSeconds(2)).setTags(List.of("a", "b"));
    JsonObject json = o.toJson();
    assertThat(json).isEqualTo(new JsonObject().put("ttlMs", 5000L).put("idleTtlMs", 2000L).put("tags", new io.vertx.core.json.JsonArray().add("a").add("b")));
    WriteOptions back = new WriteOptions(json);
    assertThat(back.toJson()).isEqualTo(json);
    assertThat(new WriteOptions(back).getTags()).containsExactly("a", "b");
    assertThat(new WriteOptions().toJson()).isEmpty();
  }

  @Test
  void aNamespaceEntryReadsItsDefaultTagsAndReportsBadOnes() {
    dev.rediskit.cache.NamespaceOptions ok = new dev.rediskit.cache.NamespaceOptions(
      new JsonObject().put("tags", new io.vertx.core.json.JsonArray().add("tenant:7")).put("idleTtlMs", 60_000));
    assertThat(ok.getLoadOptions().getTags()).containsExactly("tenant:7");
    assertThat(ok.getLoadOptions().getIdleTtl()).isEqualTo(Duration.ofMinutes(1));
    assertThat(ok.problems(dev.rediskit.cache.CacheOptions.DEFAULT_MAX_TTL_MS)).isEmpty();
    assertThat(new dev.rediskit.cache.NamespaceOptions(ok.toJson()).getLoadOptions().getTags()).containsExactly("tenant:7");
    dev.rediskit.cache.NamespaceOptions bad = new dev.rediskit.cache.NamespaceOptions(
      new JsonObject().put("tags", new io.vertx.core.json.JsonArray().add("a").add("")));
    assertThat(bad.problems(dev.rediskit.cache.CacheOptions.DEFAULT_MAX_TTL_MS)).singleElement().asString().startsWith("tags[1]:");
  }
}
