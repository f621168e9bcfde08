package dev.rediskit.ratelimit.impl;

import dev.rediskit.error.InvalidRequestException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The window a verifyAndLimit call counts over instead of the configured ones: whole milliseconds, as Limit's. */
class VerifyCallsTest {

  @Test
  void aWindowIsWholeMillisecondsNeverTruncated() {
    assertThat(VerifyCalls.windowMillis(Duration.ofSeconds(60))).isEqualTo(60_000);
    assertThatThrownBy(() -> VerifyCalls.windowMillis(Duration.ofNanos(1)))
      .isInstanceOf(InvalidRequestException.class)
      .hasMessage("window: must be a whole number of milliseconds, was PT0.000000001S");
    assertThatThrownBy(() -> VerifyCalls.windowMillis(Duration.ofMillis(1).plusNanos(500_000)))
      .hasMessage("window: must be a whole number of milliseconds, was PT0.0015S");
    assertThatThrownBy(() -> VerifyCalls.windowMillis(Duration.ZERO)).hasMessage("window: must be > 0, was 0 ms");
    assertThatThrownBy(() -> VerifyCalls.windowMillis(Duration.ofDays(400)))
      .hasMessage("window: must be at most 31622400000 (366 days), was 34560000000");
    // Too long to count in milliseconds at all: the bound, not an overflow.
    assertThatThrownBy(() -> VerifyCalls.windowMillis(Duration.ofSeconds(Long.MAX_VALUE)))
      .hasMessageStartingWith("window: must be at most 31622400000 (366 days), was ");
  }
}
