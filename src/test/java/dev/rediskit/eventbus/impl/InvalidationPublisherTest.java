package dev.rediskit.eventbus.impl;

import dev.rediskit.cache.NearCacheTracking;
import dev.rediskit.eventbus.Addresses;
import dev.rediskit.test.Await;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cache service's relay without Redis: a tracking the test drives, the messages read back
 * from the (local) event bus. Waits are bounded polls; nothing depends on the machine's speed.
 */
class InvalidationPublisherTest {

  private final Vertx vertx = Vertx.vertx();
  private final List<JsonObject> published = new CopyOnWriteArrayList<>();
  private final List<String> refreshed = new CopyOnWriteArrayList<>();
  private final FakeTracking tracking = new FakeTracking();
  private InvalidationPublisher publisher;
  private Context context;

  static final class FakeTracking implements NearCacheTracking {
    volatile Listener listener;
    volatile long epoch;
    volatile long agoNanos = Long.MAX_VALUE;

    @Override
    public Set<String> namespaces() {
      return Set.of("hot");
    }

    @Override
    public long epoch() {
      return epoch;
    }

    @Override
    public long confirmedAgoNanos() {
      return agoNanos;
    }

    @Override
    public void addListener(Listener l) {
      listener = l;
    }

    @Override
    public void removeListener(Listener l) {
      listener = null;
    }
  }

  private void start() {
    vertx.eventBus().<JsonObject>consumer("p." + Addresses.CACHE_INVALIDATIONS, m -> published.add(m.body()))
      .completion().await();
    context = vertx.getOrCreateContext();
    onContext(() -> publisher = new InvalidationPublisher(context, "p.", refreshed::add, tracking));
  }

  private void onContext(Runnable r) {
    io.vertx.core.Future.<Void>future(p -> context.runOnContext(v -> {
      r.run();
      p.complete();
    })).await();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private List<JsonObject> ofType(String type) {
    return published.stream().filter(m -> type.equals(m.getString("type"))).toList();
  }

  @Test
  void changesAreNumberedBatchedPerTurnAndVouchedForByTheHeartbeat() {
    start();
    // One turn: two keys, one message; then a namespace flush, numbered next.
    onContext(() -> {
      tracking.listener.invalidated("hot", "a");
      tracking.listener.invalidated("hot", "b");
    });
    onContext(() -> tracking.listener.flushed("hot", "version"));
    Await.until(() -> published.stream().anyMatch(m -> "flush".equals(m.getString("type"))), Duration.ofSeconds(30),
      "the flush published");
    JsonObject inv = ofType("invalidate").get(0);
    assertThat(inv.getJsonArray("keys").getList()).containsExactly("a", "b");
    assertThat(inv.getLong("seq")).isEqualTo(1);
    assertThat(inv.getString("namespace")).isEqualTo("hot");
    JsonObject flush = ofType("flush").get(0);
    assertThat(flush.getLong("seq")).isEqualTo(2);
    assertThat(flush.getString("cause")).isEqualTo("version");
    assertThat(flush.getString("service")).isEqualTo(inv.getString("service")).isEqualTo(publisher.service());

    // Not confirmed: heartbeats without confirmedAtMs. Confirmed: with it, never in the future.
    Await.until(() -> !ofType("heartbeat").isEmpty(), Duration.ofSeconds(30), "a heartbeat");
    JsonObject hb = ofType("heartbeat").get(0);
    assertThat(hb.containsKey("confirmedAtMs")).isFalse();
    assertThat(hb.getLong("seq")).as("a heartbeat repeats the last number").isEqualTo(2);
    assertThat(hb.getJsonArray("namespaces").getList()).containsExactly("hot");
    assertThat(refreshed).as("versions refreshed on the heartbeat").contains("hot");
    tracking.agoNanos = 0;
    long before = System.currentTimeMillis();
    Await.until(() -> ofType("heartbeat").stream().anyMatch(m -> m.containsKey("confirmedAtMs")), Duration.ofSeconds(30),
      "a confirmed heartbeat");
    JsonObject confirmed = ofType("heartbeat").stream().filter(m -> m.containsKey("confirmedAtMs")).findFirst().orElseThrow();
    assertThat(confirmed.getLong("confirmedAtMs")).isLessThanOrEqualTo(System.currentTimeMillis()).isGreaterThanOrEqualTo(before - 1);
  }

  @Test
  void aFlushOfEverythingDropsTheWaitingKeysAndCarriesTheNewEpoch() {
    start();
    onContext(() -> {
      tracking.listener.invalidated("hot", "a");
      tracking.epoch = 1;
      tracking.listener.flushed(null, "link_lost");
    });
    onContext(() -> { });
    Await.until(() -> !ofType("flush").isEmpty(), Duration.ofSeconds(30), "the flush published");
    assertThat(ofType("invalidate")).as("the key learned in the old epoch is covered by the flush").isEmpty();
    JsonObject flush = ofType("flush").get(0);
    assertThat(flush.getLong("epoch")).isEqualTo(1);
    assertThat(flush.getLong("seq")).isEqualTo(1);
    assertThat(flush.containsKey("namespace")).isFalse();

    publisher.close();
    Await.until(() -> ofType("flush").stream().anyMatch(m -> "closed".equals(m.getString("cause"))), Duration.ofSeconds(30),
      "the last flush published");
    assertThat(tracking.listener).as("no longer listening").isNull();
  }
}
