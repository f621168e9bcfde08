package dev.rediskit.cache.impl;

import dev.rediskit.cache.CacheCodec;
import dev.rediskit.cache.CacheOptions;
import dev.rediskit.cache.CacheResult;
import dev.rediskit.cache.NearCacheOptions;
import dev.rediskit.cache.impl.EntryFormat.Entry;
import dev.rediskit.client.TrackingLink;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The near cache's rules without Redis: a link whose confirmation and epoch the test sets. */
class NearCacheTest {

  static final class FakeLink implements TrackingLink {
    volatile boolean confirmed = true;
    volatile long epoch;

    @Override
    public long epoch() {
      return epoch;
    }

    @Override
    public boolean confirmedWithin(long maxAgeNanos) {
      return confirmed;
    }

    @Override
    public long confirmedAgoNanos() {
      return confirmed ? 0 : Long.MAX_VALUE;
    }

    @Override
    public State state() {
      return confirmed ? State.CONFIRMED : State.CONNECTING;
    }

    @Override
    public JsonObject status() {
      return new JsonObject();
    }

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }
  }

  private final FakeLink link = new FakeLink();
  private final NearCache near = new NearCache("ns", new NearCacheOptions().setEnabled(true).setMaxEntries(100), link);
  private final NamespaceEntries<Object> entries = new NamespaceEntries<>(CacheCodec.json(), new StatsImpl("ns"),
    new TtlRules(new CacheOptions()), 1 << 20, new Compression(new CacheOptions().getCompression(), 1 << 20));

  private static final CacheCodec<Object> CODEC = CacheCodec.json();

  /** The start of the namespace's Redis keys at version 0. */
  private static final String START = "rediskit:c:ns:0:";

  private static Entry entry(String value, long ttlMs) {
    return EntryFormat.decode(EntryFormat.encode(0, System.currentTimeMillis() + ttlMs, ttlMs, 0,
      CacheCodec.json().encode(value)));
  }

  @Test
  void aFilledReplyIsServedLocally() {
    NearCache.Fill f = near.begin("k");
    near.fill(START, "k", f, entry("v", 60_000), System.currentTimeMillis(), CODEC);
    CacheResult<Object> hit = near.hit(START, "k", entries);
    assertThat(hit.value()).isEqualTo("v");
    assertThat(hit.source()).isEqualTo(CacheResult.Source.NEAR);
    assertThat(near.hits()).isEqualTo(1);
    assertThat(near.bytes()).isPositive();
  }

  @Test
  void anInvalidationWhileInFlightWins() {
    NearCache.Fill f = near.begin("k");
    near.invalidate("k");
    near.fill(START, "k", f, entry("old", 60_000), System.currentTimeMillis(), CODEC);
    assertThat(near.hit(START, "k", entries)).isNull();
    assertThat(near.rejectedFills()).isEqualTo(1);
  }

  @Test
  void aNewEpochOrALostConfirmationRejectsTheFill() {
    NearCache.Fill f = near.begin("k");
    link.epoch++;
    near.fill(START, "k", f, entry("old", 60_000), System.currentTimeMillis(), CODEC);
    assertThat(near.entry(START, "k")).isNull();
    NearCache.Fill g = near.begin("k");
    link.confirmed = false;
    near.fill(START, "k", g, entry("old", 60_000), System.currentTimeMillis(), CODEC);
    assertThat(near.entry(START, "k")).isNull();
    assertThat(near.begin("k")).isNull();
  }

  @Test
  void nothingIsServedWhileTheLinkIsUnconfirmed() {
    near.fill(START, "k", near.begin("k"), entry("v", 60_000), System.currentTimeMillis(), CODEC);
    link.confirmed = false;
    assertThat(near.hit(START, "k", entries)).isNull();
    assertThat(near.bypasses()).isEqualTo(1);
    link.confirmed = true;
    assertThat(near.hit(START, "k", entries)).isNotNull();
  }

  @Test
  void staleAndAbsentEntriesAreNotCopiedAndFlushDropsAll() {
    near.fill(START, "gone", near.begin("gone"), null, System.currentTimeMillis(), CODEC);
    near.fill(START, "stale", near.begin("stale"), entry("v", -1), System.currentTimeMillis(), CODEC);
    assertThat(near.entries()).isZero();
    near.fill(START, "k", near.begin("k"), entry("v", 60_000), System.currentTimeMillis(), CODEC);
    near.invalidateAll("link_lost");
    assertThat(near.entry(START, "k")).isNull();
    assertThat(near.flushes().get("link_lost")).isEqualTo(1);
    assertThat(near.bytes()).isZero();
  }

  @Test
  void theEntryBoundHolds() {
    for (int i = 0; i < 1000; i++) {
      String k = "k" + i;
      near.fill(START, k, near.begin(k), entry("v", 60_000), System.currentTimeMillis(), CODEC);
    }
    near.cleanUp();
    assertThat(near.entries()).isLessThanOrEqualTo(100);
  }

  @Test
  void aCopyPastTheLocalTtlOrItsEntrysTtlIsNotServedAndIsDropped() {
    // Caffeine expires nothing: each copy's own end is checked on every read.
    NearCache quick = new NearCache("ns", new NearCacheOptions().setEnabled(true).setMaxEntries(100).setTtlMs(1), link);
    quick.fill(START, "local", quick.begin("local"), entry("v", 60_000), System.currentTimeMillis(), CODEC);
    near.fill(START, "entry", near.begin("entry"), entry("v", 1), System.currentTimeMillis(), CODEC);
    dev.rediskit.test.Await.until(() -> quick.hit(START, "local", entries) == null && near.hit(START, "entry", entries) == null,
      java.time.Duration.ofSeconds(30), "a copy was served past its end");
    assertThat(quick.entries()).isZero();
    assertThat(quick.bytes()).isZero();
    assertThat(quick.entry(START, "local")).isNull();
    assertThat(near.entry(START, "entry")).isNull();
    assertThat(near.bytes()).isZero();
  }

  @Test
  void hotCopiesOutliveAScanThoughOnlyASampleOfTheReadsIsRecorded() {
    for (int i = 0; i < 10; i++) {
      String k = "hot" + i;
      near.fill(START, k, near.begin(k), entry("h" + i, 60_000), System.currentTimeMillis(), CODEC);
    }
    // A scan of 1,000 keys read once each, the hot ones read on between: each of them read 1,000
    // times, about 250 of them recorded, far more than a key of the scan gets. Without any read
    // recorded, the scan evicts them.
    for (int i = 0; i < 1_000; i++) {
      String k = "cold" + i;
      near.fill(START, k, near.begin(k), entry("c" + i, 60_000), System.currentTimeMillis(), CODEC);
      near.hit(START, k, entries);
      for (int h = 0; h < 10; h++) {
        near.hit(START, "hot" + h, entries);
      }
    }
    for (int i = 0; i < 10; i++) {
      CacheResult<Object> hit = near.hit(START, "hot" + i, entries);
      assertThat(hit).as("hot%d", i).isNotNull();
      assertThat(hit.value()).isEqualTo("h" + i);
    }
    near.cleanUp();
    assertThat(near.entries()).isLessThanOrEqualTo(100);
  }

  @Test
  void aCopyReadAtAnOlderVersionIsNotServedAtANewOneAndIsDropped() {
    near.fill(START, "k", near.begin("k"), entry("v0", 60_000), System.currentTimeMillis(), CODEC);
    String next = "rediskit:c:ns:1:";
    assertThat(near.hit(next, "k", entries)).isNull();
    assertThat(near.entries()).isZero();
    assertThat(near.bytes()).isZero();
    near.fill(next, "k", near.begin("k"), entry("v1", 60_000), System.currentTimeMillis(), CODEC);
    assertThat(near.hit(next, "k", entries).value()).isEqualTo("v1");
    assertThat(near.hit(START, "k", entries)).as("nor the other way round").isNull();
  }

  @Test
  void theStartIsComparedByValueNotOnlyByInstance() {
    near.fill(START, "k", near.begin("k"), entry("v", 60_000), System.currentTimeMillis(), CODEC);
    assertThat(near.hit(new String("rediskit:c:ns:0:"), "k", entries).value()).isEqualTo("v");
  }

  @Test
  void anInvalidationDropsTheKeysCopyAtWhateverVersion() {
    near.fill("rediskit:c:ns:7:", "k", near.begin("k"), entry("v", 60_000), System.currentTimeMillis(), CODEC);
    near.invalidate("k");
    assertThat(near.entry("rediskit:c:ns:7:", "k")).isNull();
    assertThat(near.invalidations()).isEqualTo(1);
    assertThat(near.bytes()).isZero();
  }

  @Test
  void anUncheckedReadCountsOnlyAHitAndDropsNothing() {
    assertThat(near.hitUnchecked(START, "absent", entries)).isNull();
    near.fill(START, "k", near.begin("k"), entry("v", 60_000), System.currentTimeMillis(), CODEC);
    assertThat(near.hitUnchecked("rediskit:c:ns:1:", "k", entries)).as("another version").isNull();
    assertThat(near.entries()).as("not dropped").isOne();
    link.confirmed = false;
    assertThat(near.hitUnchecked(START, "k", entries)).isNull();
    assertThat(near.misses()).isZero();
    assertThat(near.bypasses()).isZero();
    link.confirmed = true;
    assertThat(near.hitUnchecked(START, "k", entries).value()).isEqualTo("v");
    assertThat(near.hits()).isOne();
  }

  @Test
  void eachCodecDecodesItsOwnValueOnceAndAnAbsentValueIsServedAsNull() {
    near.fill(START, "k", near.begin("k"), entry("v", 60_000), System.currentTimeMillis(), CODEC);
    NamespaceEntries<io.vertx.core.buffer.Buffer> bytes = new NamespaceEntries<>(CacheCodec.buffer(), new StatsImpl("ns"),
      new TtlRules(new CacheOptions()), 1 << 20, new Compression(new CacheOptions().getCompression(), 1 << 20));
    Object first = near.hit(START, "k", entries).value();
    assertThat(first).isEqualTo("v");
    assertThat(near.hit(START, "k", entries).value()).as("decoded once").isSameAs(first);
    io.vertx.core.buffer.Buffer raw = near.hit(START, "k", bytes).value();
    assertThat(raw.toString()).isEqualTo(CODEC.encode("v").toString());
    assertThat(near.hit(START, "k", bytes).value()).isSameAs(raw);
    assertThat(near.hit(START, "k", entries).value()).isSameAs(first);

    Entry absent = EntryFormat.decode(EntryFormat.encode(EntryFormat.FLAG_NULL, System.currentTimeMillis() + 60_000, 60_000, 0,
      io.vertx.core.buffer.Buffer.buffer()));
    near.fill(START, "none", near.begin("none"), absent, System.currentTimeMillis(), CODEC);
    CacheResult<Object> hit = near.hit(START, "none", entries);
    assertThat(hit.found()).isTrue();
    assertThat(hit.value()).isNull();
  }
}
