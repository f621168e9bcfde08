package dev.rediskit.client;

import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Entries kept in the order they were added, each with a deadline, for an owner that answers the
 * expired ones from one periodic tick instead of a timer per entry.
 *
 * <p>When every entry gets the same timeout and is added as it is sent, the oldest entry always has
 * the earliest deadline, so {@link #expire} looks at the head only and stops at the first entry still
 * in time: a tick costs what expired, not what is queued. An entry added out of deadline order is
 * not lost: it expires no earlier than its own deadline and no earlier than every entry before it.
 *
 * <p>Entries are usually answered by something else first (a reply): the queue does not remove them
 * then, which would cost a search; it asks the {@code settled} test given at construction, and
 * drops settled entries as they reach the head.
 *
 * <p>Not thread-safe: an owner uses it from one thread (its event loop). The owner may add entries
 * from inside the callbacks of {@link #expire} and {@link #drain}; those see them too. Deadlines are
 * {@link System#nanoTime()} values, compared by difference so that the clock may wrap.
 *
 * @param <E> what is queued
 */
public final class DeadlineQueue<E> {

  private static final int INITIAL_CAPACITY = 16;

  private final Predicate<? super E> settled;
  /** A ring: {@code size} entries from {@code head}, wrapping; the length is a power of two. */
  private Object[] entries = new Object[INITIAL_CAPACITY];
  private long[] deadlines = new long[INITIAL_CAPACITY];
  private int head;
  private int size;

  /**
   * @param settled whether an entry was already answered by other means; such entries are dropped
   *                without being handed to {@link #expire}'s or {@link #drain}'s callback
   */
  public DeadlineQueue(Predicate<? super E> settled) {
    this.settled = Objects.requireNonNull(settled, "settled");
  }

  /**
   * Appends an entry.
   *
   * @param entry the entry, not null
   * @param deadlineNanos when it expires, a {@link System#nanoTime()} value
   */
  public void add(E entry, long deadlineNanos) {
    Objects.requireNonNull(entry, "entry");
    if (size == entries.length) {
      grow();
    }
    int i = (head + size) & (entries.length - 1);
    entries[i] = entry;
    deadlines[i] = deadlineNanos;
    size++;
  }

  /**
   * Removes the oldest entry, settled or not.
   *
   * @return the oldest entry, or {@code null} when the queue is empty
   */
  @SuppressWarnings("unchecked")
  public E poll() {
    if (size == 0) {
      return null;
    }
    E e = (E) entries[head];
    entries[head] = null;
    head = (head + 1) & (entries.length - 1);
    size--;
    return e;
  }

  /**
   * Removes the expired entries at the head, and the settled ones before them.
   *
   * @param nowNanos the time to compare the deadlines with, a {@link System#nanoTime()} value
   * @param onExpired called with each unsettled entry whose deadline is at or before {@code nowNanos},
   *                  oldest first, after it was removed
   * @return how many entries were handed to {@code onExpired}
   */
  @SuppressWarnings("unchecked")
  public int expire(long nowNanos, Consumer<? super E> onExpired) {
    int expired = 0;
    while (size > 0) {
      E e = (E) entries[head];
      if (settled.test(e)) {
        poll();
        continue;
      }
      if (deadlines[head] - nowNanos > 0) {
        break;
      }
      poll();
      expired++;
      onExpired.accept(e);
    }
    return expired;
  }

  /**
   * Removes every entry.
   *
   * @param each called with each unsettled entry, oldest first, after it was removed
   */
  public void drain(Consumer<? super E> each) {
    E e;
    while ((e = poll()) != null) {
      if (!settled.test(e)) {
        each.accept(e);
      }
    }
  }

  /**
   * @return how many entries are queued, the settled ones not yet dropped included
   */
  public int size() {
    return size;
  }

  /**
   * @return whether nothing is queued, not even a settled entry not yet dropped
   */
  public boolean isEmpty() {
    return size == 0;
  }

  private void grow() {
    int n = entries.length;
    Object[] e = new Object[n * 2];
    long[] d = new long[n * 2];
    int first = n - head;
    System.arraycopy(entries, head, e, 0, first);
    System.arraycopy(entries, 0, e, first, head);
    System.arraycopy(deadlines, head, d, 0, first);
    System.arraycopy(deadlines, 0, d, first, head);
    entries = e;
    deadlines = d;
    head = 0;
  }
}
