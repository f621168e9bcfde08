package dev.rediskit.cache.impl;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The held versions of namespaces and tags: one read at a time per name, and which reading is held. */
class HeldVersionsTest {

  private final List<Promise<Long>> reads = new ArrayList<>();
  private final List<String> changes = new ArrayList<>();

  private HeldVersions<String> held(boolean onlyUp) {
    HeldVersions<String> h = new HeldVersions<>(60_000, name -> {
      Promise<Long> p = Promise.promise();
      reads.add(p);
      return p.future();
    }, (name, version) -> name + ":" + version, onlyUp, Integer.MAX_VALUE);
    h.onChange(changes::add);
    return h;
  }

  @Test
  void callersOfANameNotHeldJoinOneRead() {
    HeldVersions<String> h = held(true);
    Future<HeldVersions.Held<String>> a = h.get("ns");
    Future<HeldVersions.Held<String>> b = h.get("ns");
    assertThat(reads).hasSize(1);
    reads.get(0).complete(3L);
    assertThat(a.result().value()).isEqualTo("ns:3");
    assertThat(b.result()).isSameAs(a.result());
    assertThat(h.recent("ns").version()).isEqualTo(3);
    assertThat(changes).as("a first reading is no change").isEmpty();
    // Held and recent: no read at all.
    assertThat(h.get("ns").result().version()).isEqualTo(3);
    assertThat(reads).hasSize(1);
  }

  @Test
  void growingVersionsIgnoreALowerReadingAndReportARise() {
    HeldVersions<String> h = held(true);
    long t = System.nanoTime();
    h.update("ns", 5, t);
    h.update("ns", 4, t + 1);
    assertThat(h.any("ns").version()).isEqualTo(5);
    assertThat(h.any("ns").fetchedAtNanos()).as("the newer read still counts as fresh").isEqualTo(t + 1);
    h.update("ns", 6, t + 2);
    assertThat(h.any("ns").value()).isEqualTo("ns:6");
    assertThat(changes).containsExactly("ns");
  }

  @Test
  void otherwiseTheReadingSentLastIsHeldEvenALowerOne() {
    HeldVersions<String> h = held(false);
    long t = System.nanoTime();
    h.update("tag", 7, t + 2);
    h.update("tag", 9, t + 1); // sent earlier, answered later: not held
    assertThat(h.any("tag").version()).isEqualTo(7);
    h.update("tag", 0, t + 3); // the key expired: 0 replaces 7
    assertThat(h.any("tag").version()).isZero();
    assertThat(changes).containsExactly("tag");
  }

  @Test
  void aFailedReadIsPassedOnAndTheNextCallerReadsAgain() {
    HeldVersions<String> h = held(true);
    Future<HeldVersions.Held<String>> a = h.get("ns");
    reads.get(0).fail("down");
    assertThat(a.failed()).isTrue();
    assertThat(h.any("ns")).isNull();
    h.get("ns");
    assertThat(reads).hasSize(2);
  }
}
