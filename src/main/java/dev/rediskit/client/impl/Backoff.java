package dev.rediskit.client.impl;

/**
 * The wait before the next connect attempt: doubling from an initial delay up to a ceiling, and
 * back to the initial delay once a connection is up. Touched only on the gateway's event loop.
 */
final class Backoff {

  private final long initialMs;
  private final long maxMs;
  private long nextMs;

  /**
   * @param initialMs the first wait
   * @param maxMs the ceiling the doubling stops at
   */
  Backoff(long initialMs, long maxMs) {
    this.initialMs = initialMs;
    this.maxMs = maxMs;
    this.nextMs = initialMs;
  }

  /**
   * @return the wait before this attempt; the one after will be twice as long, up to the ceiling
   */
  long next() {
    long delay = nextMs;
    nextMs = Math.min(maxMs, nextMs * 2);
    return delay;
  }

  /** @return the ceiling */
  long maxMs() {
    return maxMs;
  }

  /** A connection is up: the next outage starts from the initial wait again. */
  void reset() {
    nextMs = initialMs;
  }
}
