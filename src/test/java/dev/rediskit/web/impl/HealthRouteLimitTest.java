package dev.rediskit.web.impl;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The health routes' in-memory cap, on a clock of the test's own. */
class HealthRouteLimitTest {

  private final AtomicLong now = new AtomicLong(5_000_000_000L);

  @Test
  void passesTheLimitInASecondThenRefusesUntilTheNextOne() {
    HealthRouteLimit limit = new HealthRouteLimit(3, now::get);
    assertThat(limit.tryPass()).isTrue();
    assertThat(limit.tryPass()).isTrue();
    assertThat(limit.tryPass()).isTrue();
    assertThat(limit.tryPass()).isFalse();
    now.addAndGet(999_000_000L);
    assertThat(limit.tryPass()).as("same second").isFalse();
    now.addAndGet(1_000_000L);
    assertThat(limit.tryPass()).as("the next second").isTrue();
    assertThat(limit.tryPass()).isTrue();
    assertThat(limit.tryPass()).isTrue();
    assertThat(limit.tryPass()).isFalse();
  }

  @Test
  void concurrentCallersNeverPassMoreThanTheLimitInOneSecond() throws Exception {
    HealthRouteLimit limit = new HealthRouteLimit(1_000, now::get);
    AtomicLong passed = new AtomicLong();
    Thread[] threads = new Thread[4];
    for (int t = 0; t < threads.length; t++) {
      threads[t] = new Thread(() -> {
        for (int i = 0; i < 10_000; i++) {
          if (limit.tryPass()) {
            passed.incrementAndGet();
          }
        }
      });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(passed).hasValue(1_000);
  }

  @Test
  void zeroOrLessIsNotALimit() {
    assertThatThrownBy(() -> new HealthRouteLimit(0)).isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining("health.maxRequestsPerSecond");
  }
}
