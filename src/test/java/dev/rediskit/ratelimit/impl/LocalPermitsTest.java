package dev.rediskit.ratelimit.impl;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The LOCAL policy's places of concurrency limits: this instance's share, leases that end, a bounded key count. */
class LocalPermitsTest {

  private static final long MS = 1_000_000;

  @Test
  void grantsThisInstancesShareOfEachKeyAndNoMore() {
    LocalPermits p = new LocalPermits(50, 100);
    assertThat(p.share(10)).isEqualTo(5);
    assertThat(p.share(1)).as("at least one place").isEqualTo(1);
    for (int i = 1; i <= 5; i++) {
      assertThat(p.acquire("k", "id" + i, 10, 1_000, 0)).isEqualTo(i);
    }
    assertThat(p.acquire("k", "id6", 10, 1_000, 0)).isEqualTo(-1);
    assertThat(p.acquire("other", "o1", 10, 1_000, 0)).as("keys are counted apart").isEqualTo(1);
    assertThat(p.held()).isEqualTo(6);
    assertThat(p.release("k", "id1", 10 * MS)).isTrue();
    assertThat(p.release("k", "id1", 10 * MS)).as("a second release").isFalse();
    assertThat(p.acquire("k", "id7", 10, 1_000, 10 * MS)).isEqualTo(5);
    assertThat(p.held()).isEqualTo(6);
  }

  @Test
  void aLeaseEndsByItselfAndARenewalExtendsIt() {
    LocalPermits p = new LocalPermits(100, 100);
    assertThat(p.acquire("k", "a", 1, 100, 0)).isEqualTo(1);
    assertThat(p.acquire("k", "b", 1, 100, 50 * MS)).isEqualTo(-1);
    assertThat(p.renew("k", "a", 100, 90 * MS)).isTrue();
    assertThat(p.acquire("k", "b", 1, 100, 150 * MS)).as("renewed until 190 ms").isEqualTo(-1);
    assertThat(p.acquire("k", "b", 1, 100, 190 * MS)).as("the lease ended").isEqualTo(1);
    assertThat(p.held()).isEqualTo(1);
    assertThat(p.renew("k", "a", 100, 200 * MS)).as("an ended lease is not renewed").isFalse();
    assertThat(p.release("k", "b", 400 * MS)).as("released after its lease: not live").isFalse();
    assertThat(p.held()).isZero();
  }

  @Test
  void theNumberOfKeysIsBounded() {
    LocalPermits p = new LocalPermits(100, 3);
    for (int i = 0; i < 10; i++) {
      assertThat(p.acquire("k" + i, "id" + i, 1, 60_000, 0)).isEqualTo(1);
    }
    assertThat(p.held()).as("the oldest keys were dropped with their places").isEqualTo(3);
    assertThat(p.release("k0", "id0", 0)).isFalse();
    assertThat(p.release("k9", "id9", 0)).isTrue();
  }
}
