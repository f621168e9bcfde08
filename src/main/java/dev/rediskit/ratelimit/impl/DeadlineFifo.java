package dev.rediskit.ratelimit.impl;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Entries that all wait the same time, oldest first: since every entry gets the same timeout
 * when it is added, the head is always the first to expire, and one periodic tick that looks at
 * the heads answers every expired entry without a timer per entry.
 *
 * <p>The limiter uses two: calls waiting for a place at Redis, and calls sent to Redis when the
 * limiter's timeout is shorter than the gateway's. It is the limiter's own copy of what the
 * gateway does for its commands, kept behind this small surface so that a shared deadline queue can
 * take its place. Not thread-safe: used on the gateway's context only.
 *
 * @param <T> the entries
 */
final class DeadlineFifo<T extends DeadlineFifo.Entry> {

  /** What the queue needs of an entry: a deadline it sets, and a flag won by whoever answers first. */
  interface Entry {

    /** @return its deadline ({@link System#nanoTime()}) */
    long deadline();

    /** @param nanos its deadline ({@link System#nanoTime()}) */
    void deadline(long nanos);

    /** @return whether it was answered (by whoever won its flag) */
    boolean answered();

    /** @return whether this caller won its flag and is now the one to answer it */
    boolean claim();
  }

  private final ArrayDeque<T> entries = new ArrayDeque<>();
  private final long timeoutNanos;
  private final Consumer<T> onExpired;

  /**
   * @param timeoutNanos how long every entry may wait
   * @param onExpired answers an expired entry, once its flag is won
   */
  DeadlineFifo(long timeoutNanos, Consumer<T> onExpired) {
    this.timeoutNanos = timeoutNanos;
    this.onExpired = onExpired;
  }

  /**
   * @param entry an entry, given the deadline {@code now} plus the timeout
   * @param now {@link System#nanoTime()}
   */
  void add(T entry, long now) {
    entry.deadline(now + timeoutNanos);
    entries.addLast(entry);
  }

  /** @return the oldest entry, removed, or {@code null} when there is none */
  T poll() {
    return entries.pollFirst();
  }

  /** @return the entries held, answered ones not yet dropped included */
  int size() {
    return entries.size();
  }

  /**
   * Drops the answered heads and hands each expired one whose flag it wins to the expiry handler.
   *
   * @param now {@link System#nanoTime()}
   */
  void expire(long now) {
    T head;
    while ((head = entries.peekFirst()) != null) {
      if (!head.answered() && head.deadline() - now > 0) {
        return;
      }
      entries.pollFirst();
      if (head.claim()) {
        onExpired.accept(head);
      }
    }
  }
}
