package dev.rediskit.eventbus.impl;

import dev.rediskit.cache.CacheResult;
import dev.rediskit.cache.NearCacheOptions;
import dev.rediskit.config.ConfigurationException;
import dev.rediskit.test.LogCapture;
import ch.qos.logback.classic.Level;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The client near cache's rules without a service: the test plays the service's invalidation
 * stream message by message. Heartbeats carry the current time as their confirmation, so no
 * assertion depends on how fast the machine is (the bound is a minute).
 */
class ClientNearCacheTest {

  private static final String NS = "hot";
  private final ClientNearCache near = new ClientNearCache(new NearCacheOptions().setEnabled(true).setMaxStalenessMs(60_000));

  private long seq;

  private static JsonObject msg(String type, String service, long epoch, long seq) {
    return new JsonObject().put("type", type).put("service", service).put("epoch", epoch).put("seq", seq);
  }

  private void heartbeat(String service, long epoch) {
    near.handle(msg("heartbeat", service, epoch, seq).put("namespaces", new JsonArray().add(NS))
      .put("confirmedAtMs", System.currentTimeMillis()));
  }

  private void invalidate(String service, long epoch, String... keys) {
    near.handle(msg("invalidate", service, epoch, ++seq).put("namespace", NS).put("keys", new JsonArray(List.of((Object[]) keys))));
  }

  private static JsonObject reply(Object value, String service) {
    return new JsonObject().put("found", true).put("value", value).put("stale", false).put("ttlMs", 60_000)
      .put("source", "cache").put("service", service);
  }

  /** A read through the event bus, answered by {@code service} with {@code value}. */
  private void read(String key, Object value, String service) {
    near.fill(NS, key, near.begin(NS, key), reply(value, service));
  }

  private Object local(String key) {
    CacheResult<Object> r = near.hit(NS, key);
    return r == null ? null : r.value();
  }

  @Test
  void readsBypassUntilAHeartbeatConfirmsTheStream() {
    assertThat(near.begin(NS, "k")).isNull();
    assertThat(near.hit(NS, "k")).isNull();
    assertThat(near.bypasses()).as("counted by the read, not by the registration").isEqualTo(1);
    heartbeat("s1", 0);
    read("k", "v1", "s1");
    CacheResult<Object> hit = near.hit(NS, "k");
    assertThat(hit.value()).isEqualTo("v1");
    assertThat(hit.source()).isEqualTo(CacheResult.Source.NEAR);
    assertThat(near.hits()).isEqualTo(1);
    // A namespace the service does not track is never held.
    assertThat(near.begin("other", "k")).isNull();
  }

  @Test
  void anInvalidationDropsTheKeyAndOnlyIt() {
    heartbeat("s1", 0);
    read("a", 1, "s1");
    read("b", 2, "s1");
    invalidate("s1", 0, "a");
    assertThat(local("a")).isNull();
    assertThat(local("b")).isEqualTo(2);
    assertThat(near.invalidations()).isEqualTo(1);
  }

  @Test
  void aSequenceGapFlushesEverything() {
    heartbeat("s1", 0);
    read("a", 1, "s1");
    seq++; // message seq 1 lost
    invalidate("s1", 0, "unrelated");
    assertThat(local("a")).isNull();
    assertThat(near.flushes()).containsEntry(InvalidationStream.GAP, 1L);
    // The stream goes on from the message that showed the gap.
    read("a", 1, "s1");
    assertThat(local("a")).isEqualTo(1);
  }

  @Test
  void aHeartbeatWithAnotherSequenceNumberIsAGapToo() {
    heartbeat("s1", 0);
    read("a", 1, "s1");
    seq += 3;
    heartbeat("s1", 0);
    assertThat(local("a")).isNull();
    assertThat(near.flushes()).containsEntry(InvalidationStream.GAP, 1L);
  }

  @Test
  void aNewEpochOfTheServicesTrackingFlushesByTheCauseItNames() {
    heartbeat("s1", 0);
    read("a", 1, "s1");
    near.handle(msg("flush", "s1", 1, ++seq).put("cause", "link_lost"));
    assertThat(local("a")).isNull();
    assertThat(near.flushes()).containsEntry("link_lost", 1L);
    // Not confirmed again until the new epoch's heartbeat.
    assertThat(near.begin(NS, "a")).isNull();
    heartbeat("s1", 1);
    read("a", 2, "s1");
    assertThat(local("a")).isEqualTo(2);
    // A heartbeat of yet another epoch, its flush message lost: the epoch alone flushes.
    heartbeat("s1", 2);
    assertThat(local("a")).isNull();
    assertThat(near.flushes()).containsEntry(InvalidationStream.EPOCH, 1L);
  }

  @Test
  void anInvalidationWhileTheReadIsInFlightWins() {
    heartbeat("s1", 0);
    ClientNearCache.Fill token = near.begin(NS, "k");
    invalidate("s1", 0, "k");
    near.fill(NS, "k", token, reply("old", "s1"));
    assertThat(local("k")).isNull();
    assertThat(near.rejectedFills()).isEqualTo(1);
    // A flush in flight wins too.
    token = near.begin(NS, "k");
    near.handle(msg("flush", "s1", 0, ++seq).put("namespace", NS).put("cause", "namespace"));
    near.fill(NS, "k", token, reply("old", "s1"));
    assertThat(local("k")).isNull();
  }

  @Test
  void onlyTheFollowedInstancesRepliesAreStoredButEveryInstancesInvalidationsApply() {
    heartbeat("s1", 0);
    read("k", "from s2", "s2");
    assertThat(local("k")).isNull();
    read("k", "from s1", "s1");
    assertThat(local("k")).isEqualTo("from s1");
    // s2 is heard, but s1 is followed while it is confirmed; s2's invalidations count.
    long s1seq = seq;
    seq = 40;
    heartbeat("s2", 7);
    invalidate("s2", 7, "k");
    assertThat(local("k")).isNull();
    seq = s1seq;
    read("k", "again", "s1");
    assertThat(local("k")).isEqualTo("again");
  }

  @Test
  void aHeartbeatOlderThanTheBoundDoesNotConfirm() {
    ClientNearCache strict = new ClientNearCache(new NearCacheOptions().setEnabled(true).setMaxStalenessMs(1_000));
    strict.handle(msg("heartbeat", "s1", 0, 0).put("namespaces", new JsonArray().add(NS))
      .put("confirmedAtMs", System.currentTimeMillis() - 10_000));
    assertThat(strict.begin(NS, "k")).isNull();
    // And one without a confirmation (the service's link is down) neither.
    strict.handle(msg("heartbeat", "s1", 0, 0).put("namespaces", new JsonArray().add(NS)));
    assertThat(strict.isConfirmed()).isFalse();
  }

  @Test
  void theServiceClosingFlushesAndStopsTheLocalReads() {
    heartbeat("s1", 0);
    read("k", 1, "s1");
    near.handle(msg("flush", "s1", 0, ++seq).put("cause", "closed"));
    assertThat(near.hit(NS, "k")).isNull();
    assertThat(near.isConfirmed()).isFalse();
    assertThat(near.flushes()).containsEntry("closed", 1L);
    // Another instance is followed from its first heartbeat.
    seq = 0;
    heartbeat("s2", 0);
    read("k", 2, "s2");
    assertThat(local("k")).isEqualTo(2);
  }

  @Test
  void ownWritesDropAtOnceAndObjectsAreHandedOutAsCopies() {
    heartbeat("s1", 0);
    read("o", new JsonObject().put("n", 1), "s1");
    ((JsonObject) local("o")).put("n", 2);
    assertThat(local("o")).isEqualTo(new JsonObject().put("n", 1));
    near.dropLocal(NS, List.of("o"));
    assertThat(local("o")).isNull();
    read("p", 1, "s1");
    near.dropNamespace(NS);
    assertThat(local("p")).isNull();
  }

  @Test
  void staleAbsentOrExpiringRepliesAreNotStored() {
    heartbeat("s1", 0);
    near.fill(NS, "s", near.begin(NS, "s"), reply(1, "s1").put("stale", true));
    near.fill(NS, "a", near.begin(NS, "a"), new JsonObject().put("found", false).put("service", "s1"));
    near.fill(NS, "t", near.begin(NS, "t"), reply(1, "s1").put("ttlMs", 0));
    assertThat(near.entries()).isZero();
  }

  @Test
  void aTaggedEntryIsNeverStoredBecauseNoKeyChangesWhenItsTagIsInvalidated() {
    heartbeat("s1", 0);
    near.fill(NS, "tagged", near.begin(NS, "tagged"), reply(1, "s1").put("tags", new io.vertx.core.json.JsonArray().add("t")));
    near.fill(NS, "plain", near.begin(NS, "plain"), reply(2, "s1"));
    assertThat(near.hit(NS, "tagged")).isNull();
    assertThat(near.hit(NS, "plain").value()).isEqualTo(2);
    assertThat(near.entries()).isEqualTo(1);
  }

  @Test
  void theBytesEstimateFollowsTheEntries() {
    heartbeat("s1", 0);
    read("k", "x".repeat(100), "s1");
    assertThat(near.bytes()).isGreaterThan(200);
    near.dropLocal(NS, List.of("k"));
    assertThat(near.bytes()).isZero();
  }

  @Test
  void theEntriesAndBytesBoundsHoldOverManyDistinctKeys() {
    // Caffeine expires nothing here: its size bound alone keeps the copies nobody reads in check.
    ClientNearCache byEntries = new ClientNearCache(new NearCacheOptions().setEnabled(true).setMaxEntries(100)
      .setMaxStalenessMs(60_000));
    ClientNearCache byBytes = new ClientNearCache(new NearCacheOptions().setEnabled(true).setMaxBytes(64 * 1024)
      .setMaxStalenessMs(60_000));
    for (ClientNearCache c : List.of(byEntries, byBytes)) {
      c.handle(msg("heartbeat", "s1", 0, 0).put("namespaces", new JsonArray().add(NS))
        .put("confirmedAtMs", System.currentTimeMillis()));
      for (int i = 0; i < 5_000; i++) {
        String k = "k" + i;
        c.fill(NS, k, c.begin(NS, k), reply("x".repeat(100), "s1"));
        c.hitValue(NS, k);
      }
    }
    assertThat(byEntries.entries()).isLessThanOrEqualTo(100).isPositive();
    assertThat(byBytes.bytes()).isLessThanOrEqualTo(64 * 1024).isPositive();
  }

  @Test
  void hotCopiesOutliveAScanThoughOnlyASampleOfTheReadsIsRecorded() {
    ClientNearCache small = new ClientNearCache(new NearCacheOptions().setEnabled(true).setMaxEntries(100)
      .setMaxStalenessMs(60_000));
    small.handle(msg("heartbeat", "s1", 0, 0).put("namespaces", new JsonArray().add(NS))
      .put("confirmedAtMs", System.currentTimeMillis()));
    for (int i = 0; i < 10; i++) {
      String k = "hot" + i;
      small.fill(NS, k, small.begin(NS, k), reply(i, "s1"));
    }
    // A scan of 1,000 keys read once each, the hot ones read on between: each of them read 1,000
    // times, about 250 of them recorded, far more than a key of the scan gets. Without any read
    // recorded, the scan evicts them.
    for (int i = 0; i < 1_000; i++) {
      String k = "cold" + i;
      small.fill(NS, k, small.begin(NS, k), reply(i, "s1"));
      small.hitValue(NS, k);
      for (int h = 0; h < 10; h++) {
        small.hitValue(NS, "hot" + h);
      }
    }
    for (int i = 0; i < 10; i++) {
      assertThat(small.hitValue(NS, "hot" + i)).as("hot%d", i).isEqualTo(i);
    }
    assertThat(small.entries()).isLessThanOrEqualTo(100);
  }

  @Test
  void aCopyPastItsEntrysTtlIsNotServedAndIsDropped() {
    heartbeat("s1", 0);
    near.fill(NS, "k", near.begin(NS, "k"), reply("v", "s1").put("ttlMs", 1));
    dev.rediskit.test.Await.until(() -> near.hitValue(NS, "k") == null, java.time.Duration.ofSeconds(30), "never expired");
    assertThat(near.entries()).isZero();
    assertThat(near.bytes()).isZero();
  }

  @Test
  void theSameKeyInTwoNamespacesIsTwoCopies() {
    near.handle(msg("heartbeat", "s1", 0, seq).put("namespaces", new JsonArray().add(NS).add("other"))
      .put("confirmedAtMs", System.currentTimeMillis()));
    read("k", 1, "s1");
    near.fill("other", "k", near.begin("other", "k"), reply(2, "s1"));
    assertThat(near.hitValue(NS, "k")).isEqualTo(1);
    assertThat(near.hitValue("other", "k")).isEqualTo(2);
    near.dropNamespace("other");
    assertThat(near.hitValue("other", "k")).isNull();
    assertThat(near.hitValue(NS, "k")).isEqualTo(1);
  }

  @Test
  void aNullKeyIsNeverServedLocally() {
    heartbeat("s1", 0);
    read("null", 1, "s1");
    assertThat(near.hitValue(NS, "null")).isEqualTo(1);
    assertThat(near.hitValue(NS, null)).as("the service refuses it; never the copy of \"null\"").isNull();
    assertThat(near.begin(NS, null)).isNull();
    near.dropLocal(NS, java.util.Arrays.asList((String) null));
    assertThat(near.hitValue(NS, "null")).as("a drop of it drops more, never fails").isNull();
  }

  @Test
  void aShortSilenceOnlyStopsLocalReadsUntilTheStreamGoesOnWithoutAGap() {
    ClientNearCache quick = new ClientNearCache(new NearCacheOptions().setEnabled(true).setMaxStalenessMs(250));
    JsonObject hb = msg("heartbeat", "s1", 0, 0).put("namespaces", new JsonArray().add(NS));
    quick.handle(hb.copy().put("confirmedAtMs", System.currentTimeMillis()));
    quick.fill(NS, "k", quick.begin(NS, "k"), reply(1, "s1"));
    dev.rediskit.test.Await.until(() -> !quick.isConfirmed(), java.time.Duration.ofSeconds(30), "never unconfirmed");
    assertThat(quick.hit(NS, "k")).isNull();
    // No tick ran, so however long that took, the service is not lost; its next heartbeat confirms again.
    quick.handle(hb.copy().put("confirmedAtMs", System.currentTimeMillis()));
    assertThat(quick.hit(NS, "k").value()).isEqualTo(1);
    assertThat(quick.flushes().values().stream().mapToLong(Long::longValue).sum()).as("only the first follow flushed").isEqualTo(1);
    assertThat(quick.flushes()).containsEntry(InvalidationStream.SERVICE_CHANGED, 1L);
  }

  @Test
  void aServiceSilentPastTheBoundIsLost() {
    ClientNearCache quick = new ClientNearCache(new NearCacheOptions().setEnabled(true).setMaxStalenessMs(250));
    quick.handle(msg("heartbeat", "s1", 0, 0).put("namespaces", new JsonArray().add(NS))
      .put("confirmedAtMs", System.currentTimeMillis()));
    quick.fill(NS, "k", quick.begin(NS, "k"), reply(1, "s1"));
    assertThat(quick.entries()).isEqualTo(1);
    // Past the staleness bound the copy is not served, but kept.
    dev.rediskit.test.Await.until(() -> !quick.isConfirmed(), java.time.Duration.ofSeconds(30), "never unconfirmed");
    quick.tick();
    assertThat(quick.hit(NS, "k")).isNull();
    // Ticks until the silence counts as a loss (5 s at least), however slow the machine.
    dev.rediskit.test.Await.until(() -> {
      quick.tick();
      return quick.flushes().get(InvalidationStream.SERVICE_LOST) > 0;
    }, java.time.Duration.ofSeconds(60), "silence never noticed");
    assertThat(quick.entries()).isZero();
    assertThat(quick.isConfirmed()).isFalse();
  }

  @Test
  void aReadOfANamespaceTheServiceDoesNotTrackIsABypassAndWarnsOncePerNamespace() {
    try (LogCapture log = LogCapture.of(dev.rediskit.eventbus.CacheClient.class.getName())) {
      // Before any heartbeat the namespaces are unknown: a bypass, and no warning.
      assertThat(near.hit("cold", "k")).isNull();
      assertThat(near.bypasses()).isEqualTo(1);
      heartbeat("s1", 0);
      for (int i = 0; i < 5; i++) {
        assertThat(near.hit("cold", "k")).isNull();
        assertThat(near.hitValue("other", "k")).isNull();
      }
      assertThat(near.bypasses()).isEqualTo(11);
      assertThat(near.misses()).as("never a miss: no copy could have been there").isZero();
      assertThat(log.messages(Level.WARN, "does not track namespace")).hasSize(2);
      assertThat(log.messages(Level.WARN, "does not track namespace \"cold\"")).singleElement().asString()
        .contains("s1").contains("cache.namespaces.cold.nearCache.enabled=true");
      assertThat(log.messages(Level.WARN, "does not track namespace \"other\"")).hasSize(1);
      // The tracked namespace is untouched by it.
      read("k", "v", "s1");
      assertThat(local("k")).isEqualTo("v");
    }
  }

  @Test
  void aClientThatHearsNoStreamPastTheSilenceBoundWarnsOnceAndOneThatHeardOneNever() {
    try (LogCapture log = LogCapture.of(dev.rediskit.eventbus.CacheClient.class.getName())) {
      ClientNearCache heard = new ClientNearCache(new NearCacheOptions().setEnabled(true).setMaxStalenessMs(250), "p.cache.invalidations");
      heard.handle(msg("heartbeat", "s1", 0, 0).put("namespaces", new JsonArray().add(NS))
        .put("confirmedAtMs", System.currentTimeMillis()));
      // Created after the other: when this one has been silent long enough, the other has too.
      ClientNearCache unheard = new ClientNearCache(new NearCacheOptions().setEnabled(true).setMaxStalenessMs(250), "p.cache.invalidations");
      dev.rediskit.test.Await.until(() -> {
        heard.tick();
        unheard.tick();
        return !log.messages(Level.WARN, "no invalidation stream heard").isEmpty();
      }, java.time.Duration.ofSeconds(60), "the silence was never reported");
      for (int i = 0; i < 50; i++) {
        heard.tick();
        unheard.tick();
      }
      assertThat(log.messages(Level.WARN, "no invalidation stream heard")).singleElement().asString()
        .contains("p.cache.invalidations").contains("5000 ms").contains("cache.namespaces.<ns>.nearCache.enabled");
      assertThat(unheard.hit(NS, "k")).isNull();
      assertThat(unheard.bypasses()).isEqualTo(1);
    }
  }

  @Test
  void invalidOptionsAreRefusedNamingTheField() {
    Vertx vertx = Vertx.vertx();
    try {
      NearCacheOptions bad = new NearCacheOptions(new JsonObject().put("enabled", true).put("maxStalenessMs", 10));
      assertThatThrownBy(() -> new CacheClientImpl(vertx, "", "", null, bad))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("nearCache.maxStalenessMs");
    } finally {
      vertx.close();
    }
  }
}
