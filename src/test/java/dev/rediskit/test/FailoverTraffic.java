package dev.rediskit.test;

import dev.rediskit.error.RedisUnavailableException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * A write every 10 ms through whatever a failover test exercises (a gateway, an event-bus client),
 * remembering when calls failed and succeeded, so the test can wait for recovery and report the
 * gap. Times are {@link System#nanoTime()}.
 */
public final class FailoverTraffic {

  /** When the first call failed, or 0. */
  public final AtomicLong firstFailure = new AtomicLong();
  /** When the last call failed. */
  public final AtomicLong lastFailure = new AtomicLong();
  /** When the last call succeeded, or 0. */
  public final AtomicLong lastSuccess = new AtomicLong();
  /** Successes since the first failure. */
  public final AtomicLong successesAfterFailure = new AtomicLong();
  /** Successes between the first and the last failure: calls that still worked during the gap. */
  public final AtomicLong successesWithinGap = new AtomicLong();
  /** Failures by kind ({@code 503 <reason>} or the exception's class). */
  public final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
  private final Vertx vertx;
  private final long timer;

  private FailoverTraffic(Vertx vertx, IntFunction<Future<?>> write) {
    this.vertx = vertx;
    long[] n = {0};
    this.timer = vertx.setPeriodic(10, id -> write.apply((int) (n[0]++ % 50)).onComplete(ar -> {
      long now = System.nanoTime();
      if (ar.succeeded()) {
        lastSuccess.set(now);
        if (firstFailure.get() != 0) {
          successesAfterFailure.incrementAndGet();
        }
      } else {
        firstFailure.compareAndSet(0, now);
        lastFailure.set(now);
        successesWithinGap.set(successesAfterFailure.get());
        Throwable cause = ar.cause();
        String kind = cause instanceof RedisUnavailableException u ? "503 " + u.reason() : cause.getClass().getSimpleName();
        failures.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
      }
    }));
  }

  /**
   * @param vertx the Vert.x whose timer drives the writes
   * @param write one write, given a key index cycling through 0 to 49
   * @return the running traffic
   */
  public static FailoverTraffic start(Vertx vertx, IntFunction<Future<?>> write) {
    return new FailoverTraffic(vertx, write);
  }

  /** Stops the writes. */
  public void stop() {
    vertx.cancelTimer(timer);
  }

  /** @return milliseconds from the first to the last failed call, 0 when none failed */
  public long gapMs() {
    return firstFailure.get() == 0 ? 0 : (lastFailure.get() - firstFailure.get()) / 1_000_000;
  }
}
