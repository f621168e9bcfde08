package dev.rediskit.test;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Bounded polling for conditions that become true asynchronously (a server accepting connections, a cluster
 * converging, a sentinel noticing a failure).
 *
 * <p>Tests must never wait with a fixed sleep: a sleep is either too short on a loaded machine (flaky) or too long
 * on an idle one (slow). Polling returns as soon as the condition holds and fails with a clear message once the
 * deadline passes.
 */
public final class Await {

  /**
   * Default deadline. Deliberately generous: the build machine has two cores shared with other builds, so a
   * redis-server start, a replication sync or a cluster gossip round can stall for seconds without anything being
   * wrong. A passing run never waits this long, so the only cost of a long deadline is a slow failure.
   */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /** Short enough to notice a change quickly, long enough not to burn a core that the servers under test need. */
  static final long POLL_INTERVAL_MILLIS = 20;

  private Await() {
  }

  /**
   * A condition that may throw, so that checks can call Redis without wrapping checked exceptions. A thrown
   * exception counts as "not yet" and is reported as the cause if the deadline passes.
   */
  @FunctionalInterface
  public interface Condition {

    /**
     * Evaluates the condition once.
     *
     * @return {@code true} when the awaited state has been reached
     * @throws Exception when the state cannot be checked yet; polling goes on
     */
    boolean check() throws Exception;
  }

  /**
   * Polls until the condition holds, within {@link #DEFAULT_TIMEOUT}.
   *
   * @param condition the condition to poll
   * @param message   what was awaited, for the failure message
   * @throws AssertionError when the deadline passes first
   */
  public static void until(Condition condition, String message) {
    until(condition, DEFAULT_TIMEOUT, message);
  }

  /**
   * Polls until the condition holds.
   *
   * @param condition the condition to poll
   * @param timeout   how long to keep polling
   * @param message   what was awaited, for the failure message
   * @throws AssertionError when the deadline passes first
   */
  public static void until(Condition condition, Duration timeout, String message) {
    until(condition, timeout, () -> message);
  }

  /**
   * Polls until the condition holds; the message is built only on failure, so it can describe the final state.
   *
   * @param condition the condition to poll
   * @param timeout   how long to keep polling
   * @param message   builds the failure message
   * @throws AssertionError when the deadline passes first
   */
  public static void until(Condition condition, Duration timeout, Supplier<String> message) {
    Objects.requireNonNull(condition, "condition");
    value(condition::check, Boolean.TRUE::equals, timeout, message);
  }

  /**
   * Polls a value until it is accepted, and returns it.
   *
   * @param supplier produces the current value; an exception counts as "not yet"
   * @param accept   decides whether the value is the awaited one
   * @param timeout  how long to keep polling
   * @param message  what was awaited, for the failure message
   * @param <T>      the value type
   * @return the first accepted value
   * @throws AssertionError when the deadline passes first
   */
  public static <T> T value(Callable<T> supplier, Predicate<? super T> accept, Duration timeout, String message) {
    return value(supplier, accept, timeout, () -> message);
  }

  /**
   * Polls a value until it is accepted, and returns it; the message is built only on failure.
   *
   * @param supplier produces the current value; an exception counts as "not yet"
   * @param accept   decides whether the value is the awaited one
   * @param timeout  how long to keep polling
   * @param message  builds the failure message
   * @param <T>      the value type
   * @return the first accepted value
   * @throws AssertionError when the deadline passes first
   */
  public static <T> T value(Callable<T> supplier, Predicate<? super T> accept, Duration timeout,
      Supplier<String> message) {
    Objects.requireNonNull(supplier, "supplier");
    Objects.requireNonNull(accept, "accept");
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    Object last = null;
    boolean sawValue = false;
    Exception lastError = null;
    while (true) {
      try {
        T value = supplier.call();
        if (accept.test(value)) {
          return value;
        }
        last = value;
        sawValue = true;
        lastError = null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("Interrupted while waiting for: " + message.get(), e);
      } catch (Exception e) {
        lastError = e;
      }
      if (System.nanoTime() - deadline >= 0) {
        String detail = lastError != null
            ? "; last attempt failed: " + lastError
            : sawValue ? "; last value: " + last : "";
        AssertionError failure = new AssertionError("Timed out after "
            + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms waiting for: " + message.get() + detail);
        if (lastError != null) {
          failure.initCause(lastError);
        }
        throw failure;
      }
      try {
        Thread.sleep(POLL_INTERVAL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("Interrupted while waiting for: " + message.get(), e);
      }
    }
  }
}
