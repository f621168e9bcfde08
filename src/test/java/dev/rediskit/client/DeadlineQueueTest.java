package dev.rediskit.client;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The send-ordered queue whose heads one tick expires. */
class DeadlineQueueTest {

  /** An entry answered or not; the queue only asks. */
  static final class Entry {
    final String name;
    boolean settled;

    Entry(String name) {
      this.name = name;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private final DeadlineQueue<Entry> queue = new DeadlineQueue<>(e -> e.settled);

  private Entry add(String name, long deadline) {
    Entry e = new Entry(name);
    queue.add(e, deadline);
    return e;
  }

  @Test
  void expiresTheHeadsWhoseDeadlineIsReachedAndStopsAtTheFirstInTime() {
    add("a", 10);
    add("b", 20);
    add("c", 30);
    List<Entry> expired = new ArrayList<>();
    assertThat(queue.expire(19, expired::add)).isEqualTo(1);
    assertThat(expired).extracting(e -> e.name).containsExactly("a");
    // A deadline equal to now has expired.
    assertThat(queue.expire(20, expired::add)).isEqualTo(1);
    assertThat(expired).extracting(e -> e.name).containsExactly("a", "b");
    assertThat(queue.size()).isEqualTo(1);
    assertThat(queue.expire(29, expired::add)).isZero();
    assertThat(queue.poll().name).isEqualTo("c");
    assertThat(queue.isEmpty()).isTrue();
  }

  @Test
  void settledEntriesAreDroppedWithoutBeingHandedOver() {
    Entry a = add("a", 10);
    add("b", 20);
    Entry c = add("c", 30);
    a.settled = true;
    c.settled = true;
    List<Entry> expired = new ArrayList<>();
    assertThat(queue.expire(100, expired::add)).isEqualTo(1);
    assertThat(expired).extracting(e -> e.name).containsExactly("b");
    assertThat(queue.isEmpty()).isTrue();
  }

  @Test
  void aSettledHeadStillInTimeIsDroppedSoTheQueueEmpties() {
    Entry a = add("a", 50);
    a.settled = true;
    assertThat(queue.expire(0, e -> { })).isZero();
    assertThat(queue.isEmpty()).isTrue();
  }

  @Test
  void anEntryOutOfDeadlineOrderWaitsForTheOnesBeforeIt() {
    add("late", 100);
    add("early", 10);
    List<Entry> expired = new ArrayList<>();
    assertThat(queue.expire(50, expired::add)).isZero();
    assertThat(queue.expire(100, expired::add)).isEqualTo(2);
    assertThat(expired).extracting(e -> e.name).containsExactly("late", "early");
  }

  @Test
  void keepsOrderAndDeadlinesAcrossGrowthAndWrapAround() {
    for (int i = 0; i < 10; i++) {
      add("e" + i, i);
    }
    for (int i = 0; i < 5; i++) {
      assertThat(queue.poll().name).isEqualTo("e" + i);
    }
    // The ring now starts mid-array; adding past its capacity wraps, then grows.
    for (int i = 10; i < 50; i++) {
      add("e" + i, i);
    }
    assertThat(queue.size()).isEqualTo(45);
    List<Entry> expired = new ArrayList<>();
    assertThat(queue.expire(29, expired::add)).isEqualTo(25);
    for (int i = 0; i < 25; i++) {
      assertThat(expired.get(i).name).isEqualTo("e" + (i + 5));
    }
    assertThat(queue.poll().name).isEqualTo("e30");
  }

  @Test
  void deadlinesCompareAcrossTheClockWrapping() {
    long now = Long.MAX_VALUE - 5;
    add("a", now + 10);   // wraps to a negative value
    List<Entry> expired = new ArrayList<>();
    assertThat(queue.expire(now, expired::add)).isZero();
    assertThat(queue.expire(now + 10, expired::add)).isEqualTo(1);
  }

  @Test
  void drainHandsOverTheUnsettledOldestFirstIncludingOnesAddedMeanwhile() {
    add("a", 1);
    add("b", 2).settled = true;
    add("c", 3);
    List<String> seen = new ArrayList<>();
    queue.drain(e -> {
      seen.add(e.name);
      if (e.name.equals("a")) {
        add("d", 4);
      }
    });
    assertThat(seen).containsExactly("a", "c", "d");
    assertThat(queue.isEmpty()).isTrue();
    assertThat(queue.poll()).isNull();
  }

  @Test
  void entriesAddedByAnExpiryCallbackAreKept() {
    add("a", 1);
    List<String> seen = new ArrayList<>();
    queue.expire(5, e -> {
      seen.add(e.name);
      add("b", 100);
    });
    assertThat(seen).containsExactly("a");
    assertThat(queue.size()).isEqualTo(1);
    assertThat(queue.poll().name).isEqualTo("b");
  }

  @Test
  void nullsAreRefusedWithTheirName() {
    assertThatThrownBy(() -> queue.add(null, 1)).isInstanceOf(NullPointerException.class).hasMessage("entry");
    assertThatThrownBy(() -> new DeadlineQueue<Entry>(null)).isInstanceOf(NullPointerException.class).hasMessage("settled");
  }
}
