package dev.rediskit.ratelimit.impl;

import dev.rediskit.ratelimit.Limit;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** When a request fits again under the sliding-window counter, as the limiter computes it from the script's counts. */
class SlidingWindowMathTest {

  static final Limit TEN_PER_SECOND = Limit.of(10, 1_000);

  @Test
  void fitsNow() {
    assertThat(SlidingWindowScript.slidingWait(TEN_PER_SECOND, 1, 5, 0, 100)).isZero();
    // 10 in the previous window, half of it still covered: 5 + 4 + 1 = 10 fits.
    assertThat(SlidingWindowScript.slidingWait(TEN_PER_SECOND, 1, 4, 10, 500)).isZero();
  }

  @Test
  void waitsForThePreviousWindowToSlideOut() {
    // 10 before, 5 now, 400 ms in: 10 * 0.6 + 5 = 11. Needs 10 * (1 - e) + 6 <= 10: e >= 0.6, 200 ms more.
    assertThat(SlidingWindowScript.slidingWait(TEN_PER_SECOND, 1, 5, 10, 400)).isEqualTo(200);
  }

  @Test
  void waitsForTheNextWindowWhenThisOneIsFull() {
    // 10 now, 300 ms in: next window starts in 700 ms, where 10 * (1 - e) + 1 <= 10 needs e >= 100 ms.
    assertThat(SlidingWindowScript.slidingWait(TEN_PER_SECOND, 1, 10, 0, 300)).isEqualTo(800);
    // A cost of the whole limit needs the previous window gone entirely.
    assertThat(SlidingWindowScript.slidingWait(TEN_PER_SECOND, 10, 10, 0, 300)).isEqualTo(1_700);
  }
}
