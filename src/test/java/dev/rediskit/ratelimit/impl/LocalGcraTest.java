package dev.rediskit.ratelimit.impl;

import dev.rediskit.ratelimit.Limit;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The LOCAL policy's in-memory GCRA, on a clock the test moves. */
class LocalGcraTest {

  private long now = 1_000_000_000L;

  private LocalGcra gcra(int sharePercent) {
    return new LocalGcra(1000, sharePercent, () -> now);
  }

  private static boolean allowed(LocalGcra.KeyResult[] results) {
    for (LocalGcra.KeyResult r : results) {
      if (!r.allowed()) {
        return false;
      }
    }
    return true;
  }

  @Test
  void aBurstThenOneUnitPerInterval() {
    LocalGcra g = gcra(100);
    Limit l = Limit.of(10, 1_000);
    for (int i = 0; i < 10; i++) {
      assertThat(allowed(g.acquire(new String[] {"k"}, new Limit[] {l}, 1))).isTrue();
    }
    LocalGcra.KeyResult[] denied = g.acquire(new String[] {"k"}, new Limit[] {l}, 1);
    assertThat(allowed(denied)).isFalse();
    assertThat(denied[0].retryUs()).isEqualTo(100_000);
    assertThat(denied[0].resetUs()).isEqualTo(1_000_000);
    now += 99_999;
    assertThat(allowed(g.acquire(new String[] {"k"}, new Limit[] {l}, 1))).isFalse();
    now += 1;
    LocalGcra.KeyResult[] again = g.acquire(new String[] {"k"}, new Limit[] {l}, 1);
    assertThat(allowed(again)).isTrue();
    assertThat(again[0].remaining()).isZero();
  }

  @Test
  void holdsOnlyItsShareOfTheQuota() {
    LocalGcra g = gcra(25);
    Limit l = Limit.of(10, 1_000);
    assertThat(g.share(l)).isEqualTo(new Limit(3, 1_000, 3));
    int passed = 0;
    for (int i = 0; i < 10; i++) {
      passed += allowed(g.acquire(new String[] {"k"}, new Limit[] {l}, 1)) ? 1 : 0;
    }
    assertThat(passed).isEqualTo(3);
    assertThat(gcra(1).share(Limit.of(10, 1_000)).limit()).isEqualTo(1);
  }

  @Test
  void severalKeysAreAllOrNothing() {
    LocalGcra g = gcra(100);
    String[] keys = {"token", "ip"};
    Limit[] limits = {Limit.of(5, 1_000), Limit.of(1, 1_000)};
    assertThat(allowed(g.acquire(keys, limits, 1))).isTrue();
    LocalGcra.KeyResult[] second = g.acquire(keys, limits, 1);
    assertThat(allowed(second)).isFalse();
    assertThat(second[0].allowed()).isTrue();
    assertThat(second[1].allowed()).isFalse();
    // The token key was not charged by the rejected request: 4 left.
    assertThat(second[0].remaining()).isEqualTo(4);
  }

  @Test
  void costTakesSeveralUnits() {
    LocalGcra g = gcra(100);
    Limit l = Limit.of(10, 1_000);
    assertThat(g.acquire(new String[] {"k"}, new Limit[] {l}, 7)[0].remaining()).isEqualTo(3);
    assertThat(allowed(g.acquire(new String[] {"k"}, new Limit[] {l}, 4))).isFalse();
    assertThat(allowed(g.acquire(new String[] {"k"}, new Limit[] {l}, 3))).isTrue();
  }
}
