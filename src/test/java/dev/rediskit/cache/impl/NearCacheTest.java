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

  private static Entry entry(String value, long ttlMs) {
    return EntryFormat.decode(EntryFormat.encode(0, System.currentTimeMillis() + ttlMs, ttlMs, 0,
      CacheCodec.json().encode(value)));
  }

  @Test
  void aFilledReplyIsServedLocally() {
    NearCache.Fill f = near.begin("k");
    near.fill("k", f, entry("v", 60_000), System.currentTimeMillis());
    CacheResult<Object> hit = near.hit("k", entries);
    assertThat(hit.value()).isEqualTo("v");
    assertThat(hit.source()).isEqualTo(CacheResult.Source.NEAR);
    assertThat(near.hits()).isEqualTo(1);
    assertThat(near.bytes()).isPositive();
  }

  @Test
  void anInvalidationWhileInFlightWins() {
    NearCache.Fill f = near.begin("k");
    near.invalidate("k");
    near.fill("k", f, entry("old", 60_000), System.currentTimeMillis());
    assertThat(near.hit("k", entries)).isNull();
    assertThat(near.rejectedFills()).isEqualTo(1);
  }

  @Test
  void aNewEpochOrALostConfirmationRejectsTheFill() {
    NearCache.Fill f = near.begin("k");
    link.epoch++;
    near.fill("k", f, entry("old", 60_000), System.currentTimeMillis());
    assertThat(near.entry("k")).isNull();
    NearCache.Fill g = near.begin("k");
    link.confirmed = false;
    near.fill("k", g, entry("old", 60_000), System.currentTimeMillis());
    assertThat(near.entry("k")).isNull();
    assertThat(near.begin("k")).isNull();
  }

  @Test
  void nothingIsServedWhileTheLinkIsUnconfirmed() {
    near.fill("k", near.begin("k"), entry("v", 60_000), System.currentTimeMillis());
    link.confirmed = false;
    assertThat(near.hit("k", entries)).isNull();
    assertThat(near.bypasses()).isEqualTo(1);
    link.confirmed = true;
    assertThat(near.hit("k", entries)).isNotNull();
  }

  @Test
  void staleAndAbsentEntriesAreNotCopiedAndFlushDropsAll() {
    near.fill("gone", near.begin("gone"), null, System.currentTimeMillis());
    near.fill("stale", near.begin("stale"), entry("v", -1), System.currentTimeMillis());
    assertThat(near.entries()).isZero();
    near.fill("k", near.begin("k"), entry("v", 60_000), System.currentTimeMillis());
    near.invalidateAll("link_lost");
    assertThat(near.entry("k")).isNull();
    assertThat(near.flushes().get("link_lost")).isEqualTo(1);
    assertThat(near.bytes()).isZero();
  }

  @Test
  void theEntryBoundHolds() {
    for (int i = 0; i < 1000; i++) {
      String k = "k" + i;
      near.fill(k, near.begin(k), entry("v", 60_000), System.currentTimeMillis());
    }
    near.cleanUp();
    assertThat(near.entries()).isLessThanOrEqualTo(100);
  }

  @Test
  void aCopyPastTheLocalTtlOrItsEntrysTtlIsNotServedAndIsDropped() {
    // Caffeine expires nothing: each copy's own end is checked on every read.
    NearCache quick = new NearCache("ns", new NearCacheOptions().setEnabled(true).setMaxEntries(100).setTtlMs(1), link);
    quick.fill("local", quick.begin("local"), entry("v", 60_000), System.currentTimeMillis());
    near.fill("entry", near.begin("entry"), entry("v", 1), System.currentTimeMillis());
    dev.rediskit.test.Await.until(() -> quick.hit("local", entries) == null && near.hit("entry", entries) == null,
      java.time.Duration.ofSeconds(30), "a copy was served past its end");
    assertThat(quick.entries()).isZero();
    assertThat(quick.bytes()).isZero();
    assertThat(quick.entry("local")).isNull();
    assertThat(near.entry("entry")).isNull();
    assertThat(near.bytes()).isZero();
  }

  @Test
  void hotCopiesOutliveAScanThoughOnlyASampleOfTheReadsIsRecorded() {
    for (int i = 0; i < 10; i++) {
      String k = "hot" + i;
      near.fill(k, near.begin(k), entry("h" + i, 60_000), System.currentTimeMillis());
    }
    // A scan of 1,000 keys read once each, the hot ones read on between: each of them read 1,000
    // times, about 250 of them recorded, far more than a key of the scan gets. Without any read
    // recorded, the scan evicts them.
    for (int i = 0; i < 1_000; i++) {
      String k = "cold" + i;
      near.fill(k, near.begin(k), entry("c" + i, 60_000), System.currentTimeMillis());
      near.hit(k, entries);
      for (int h = 0; h < 10; h++) {
        near.hit("hot" + h, entries);
      }
    }
    for (int i = 0; i < 10; i++) {
      CacheResult<Object> hit = near.hit("hot" + i, entries);
      assertThat(hit).as("hot%d", i).isNotNull();
      assertThat(hit.value()).isEqualTo("h" + i);
    }
    near.cleanUp();
    assertThat(near.entries()).isLessThanOrEqualTo(100);
  }
}
