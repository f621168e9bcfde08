package dev.rediskit.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Unit test of the polling helper; needs no Redis, so surefire runs it. */
class AwaitTest {

  @Test
  void returnsAsSoonAsTheConditionHolds() {
    AtomicInteger calls = new AtomicInteger();
    Await.until(() -> calls.incrementAndGet() >= 3, Duration.ofSeconds(10), "three calls");
    assertThat(calls).hasValue(3);
  }

  @Test
  void failsWithTheMessageAndTheLastErrorAfterTheTimeout() {
    assertThatThrownBy(() -> Await.until(() -> {
      throw new IllegalStateException("not yet");
    }, Duration.ofMillis(100), "the impossible"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("the impossible")
        .hasMessageContaining("not yet")
        .hasCauseInstanceOf(IllegalStateException.class);
  }

  @Test
  void valueReturnsTheAcceptedValueAndReportsTheLastRejected() {
    AtomicInteger counter = new AtomicInteger();
    assertThat(Await.value(counter::incrementAndGet, v -> v == 5, Duration.ofSeconds(10), "five")).isEqualTo(5);
    assertThatThrownBy(() -> Await.value(() -> "nope", v -> false, Duration.ofMillis(50), "a yes"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("last value: nope");
  }
}
