package dev.rediskit.ratelimit.impl;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The limiter's deadline FIFO, on times the test gives. */
class DeadlineFifoTest {

  /** An entry as simple as the queue allows: a deadline and a flag. */
  private static class Entry implements DeadlineFifo.Entry {
    final String name;
    long deadline;
    boolean answered;

    Entry(String name) {
      this.name = name;
    }

    @Override
    public long deadline() {
      return deadline;
    }

    @Override
    public void deadline(long nanos) {
      deadline = nanos;
    }

    @Override
    public boolean answered() {
      return answered;
    }

    @Override
    public boolean claim() {
      if (answered) {
        return false;
      }
      answered = true;
      return true;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private final List<Entry> expired = new ArrayList<>();
  private final DeadlineFifo<Entry> fifo = new DeadlineFifo<>(100, expired::add);

  @Test
  void eachEntryGetsTheSharedTimeoutFromWhenItWasAdded() {
    Entry a = new Entry("a");
    Entry b = new Entry("b");
    fifo.add(a, 1_000);
    fifo.add(b, 1_050);
    assertThat(a.deadline()).isEqualTo(1_100);
    assertThat(b.deadline()).isEqualTo(1_150);
  }

  @Test
  void expiresTheHeadsWhoseDeadlineHasComeAndNoOther() {
    Entry a = new Entry("a");
    Entry b = new Entry("b");
    Entry c = new Entry("c");
    fifo.add(a, 0);
    fifo.add(b, 10);
    fifo.add(c, 20);
    fifo.expire(99);
    assertThat(expired).isEmpty();
    fifo.expire(110);
    assertThat(expired).containsExactly(a, b);
    assertThat(fifo.size()).isEqualTo(1);
    assertThat(c.answered()).isFalse();
  }

  @Test
  void dropsAnsweredHeadsWithoutHandingThemOn() {
    Entry a = new Entry("a");
    Entry b = new Entry("b");
    fifo.add(a, 0);
    fifo.add(b, 50);
    a.claim();
    fifo.expire(10);
    // a was answered by someone else: gone, but b's deadline has not come.
    assertThat(expired).isEmpty();
    assertThat(fifo.size()).isEqualTo(1);
    fifo.expire(150);
    assertThat(expired).containsExactly(b);
  }

  @Test
  void anExpiredEntryWhoseFlagIsLostIsDroppedUnanswered() {
    Entry a = new Entry("a") {
      @Override
      public boolean answered() {
        // Looks open at the first look, but the reply wins the flag just before the tick does.
        return false;
      }

      @Override
      public boolean claim() {
        return false;
      }
    };
    fifo.add(a, 0);
    fifo.expire(500);
    assertThat(expired).isEmpty();
    assertThat(fifo.size()).isZero();
  }

  @Test
  void pollsOldestFirst() {
    Entry a = new Entry("a");
    Entry b = new Entry("b");
    fifo.add(a, 0);
    fifo.add(b, 0);
    assertThat(fifo.poll()).isSameAs(a);
    assertThat(fifo.poll()).isSameAs(b);
    assertThat(fifo.poll()).isNull();
  }
}
