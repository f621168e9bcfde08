package dev.rediskit.client.impl;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The wait between connect attempts. */
class BackoffTest {

  @Test
  void doublesUpToTheCeilingAndStartsOverAfterReset() {
    Backoff b = new Backoff(50, 300);
    assertThat(b.next()).isEqualTo(50);
    assertThat(b.next()).isEqualTo(100);
    assertThat(b.next()).isEqualTo(200);
    assertThat(b.next()).isEqualTo(300);
    assertThat(b.next()).isEqualTo(300);
    assertThat(b.maxMs()).isEqualTo(300);
    b.reset();
    assertThat(b.next()).isEqualTo(50);
  }

  @Test
  void aCeilingBelowTheFirstWaitCapsTheSecond() {
    Backoff b = new Backoff(50, 20);
    assertThat(b.next()).isEqualTo(50);
    assertThat(b.next()).isEqualTo(20);
  }
}
