package dev.rediskit.cache.impl;

import dev.rediskit.cache.impl.EntryFormat.Entry;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RefresherTest {

  private static final long NOW = 1_000_000;

  private static Entry entry(long freshForMs, long ttlMs, int loadMs) {
    return new Entry(0, NOW + freshForMs, ttlMs, loadMs, Buffer.buffer());
  }

  @Test
  void byFractionTheLastPartOfTheLifetimeIsDue() {
    assertThat(Refresher.dueByFraction(0.2, entry(300, 1_000, 0), NOW)).isFalse();
    assertThat(Refresher.dueByFraction(0.2, entry(200, 1_000, 0), NOW)).isTrue();
    assertThat(Refresher.dueByFraction(0.2, entry(1, 1_000, 0), NOW)).isTrue();
  }

  @Test
  void byXFetchSlowLoadersAreRefreshedEarlier() {
    // -ln(u) = 2: a read refreshes once less than loadMs * beta * 2 of freshness is left.
    double u = Math.exp(-2);
    assertThat(Refresher.dueByXFetch(1, entry(500, 10_000, 300), NOW, u)).isTrue();
    assertThat(Refresher.dueByXFetch(1, entry(500, 10_000, 200), NOW, u)).isFalse();
    assertThat(Refresher.dueByXFetch(2, entry(500, 10_000, 200), NOW, u)).isTrue();
    // A loader measured at 0 ms still counts as 1 ms, so XFetch never switches itself off.
    assertThat(Refresher.dueByXFetch(1, entry(1, 10_000, 0), NOW, u)).isTrue();
  }

  @Test
  void byXFetchTheLuckiestDrawNeverRefreshesAFreshEntry() {
    assertThat(Refresher.dueByXFetch(10, entry(1, 10_000, 1_000_000), NOW, 1.0)).isFalse();
  }

  @Test
  void theFractionDecidesWhenItIsSet() {
    LoadSettings byFraction = new LoadSettings(1_000, 0, 0.5, 0, false, 1_000, 0, java.util.List.of());
    assertThat(Refresher.isDue(byFraction, entry(400, 1_000, 0), NOW)).isTrue();
    assertThat(Refresher.isDue(byFraction, entry(600, 1_000, 0), NOW)).isFalse();
  }
}
