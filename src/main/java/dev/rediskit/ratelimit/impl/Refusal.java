package dev.rediskit.ratelimit.impl;

import dev.rediskit.client.PermissionRefusals;
import dev.rediskit.error.RedisPermissionException;
import dev.rediskit.ratelimit.RateLimitOptions.FailurePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * A permission refusal that stands: Redis is up but refuses the limiter's commands or keys (its ACL
 * user changed while the application runs). The failure policy still answers, since rejecting
 * everything over a misconfiguration would be an outage, but the refusal is made loud: an ERROR when
 * it starts and at most once a {@link #LOG_INTERVAL_NANOS minute} while it lasts, the gateway's
 * {@link PermissionRefusals} board (so the health check shows it), and an INFO when Redis runs the
 * limiter's script again.
 *
 * <p>Thread-safe and cheap while nothing is refused: {@link #answered()} reads one volatile field.
 */
final class Refusal {

  private static final Logger LOG = LoggerFactory.getLogger(dev.rediskit.ratelimit.RateLimiter.class);
  /** How often a standing refusal is logged again: often enough to be seen, rarely enough not to flood. */
  static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final String component;
  private final FailurePolicy policy;
  private final String grant;
  private final PermissionRefusals board;
  private final LongSupplier nanoClock;
  private final AtomicBoolean standing = new AtomicBoolean();
  private final AtomicLong nextLog = new AtomicLong();
  /** Refused calls since the last ERROR line. */
  private final LongAdder sinceLog = new LongAdder();

  /**
   * @param component the limiter as the log and the health check name it, e.g. {@code "rate limiter default"}
   * @param policy the failure policy, named in the log
   * @param grant what the ACL user needs, named in the log and the health check
   * @param board where the refusal is reported while it stands
   * @param nanoClock {@link System#nanoTime()}, or a test's clock
   */
  Refusal(String component, FailurePolicy policy, String grant, PermissionRefusals board, LongSupplier nanoClock) {
    this.component = component;
    this.policy = policy;
    this.grant = grant;
    this.board = board;
    this.nanoClock = nanoClock;
  }

  /**
   * What a refusal tells the reader: what Redis refused, its own words, and what to grant.
   *
   * @param component the refused component
   * @param refusal Redis's refusal
   * @param grant what the ACL user needs
   * @return one line
   */
  static String describe(String component, RedisPermissionException refusal, String grant) {
    return component + ": Redis refuses " + RedisPermissionException.refused(refusal.getMessage()) + " (" + refusal.getMessage()
      + "); grant the ACL user " + grant;
  }

  /** @param refusal a call (a decision, a permit) Redis refused for lack of permission */
  void refused(RedisPermissionException refusal) {
    sinceLog.increment();
    long now = nanoClock.getAsLong();
    String line = describe(component, refusal, grant);
    if (!standing.get() && standing.compareAndSet(false, true)) {
      board.report(component, line);
      nextLog.set(now + LOG_INTERVAL_NANOS);
      sinceLog.reset();
      LOG.error(line + ". The " + policy + " failure policy decides until the permission is granted again");
      return;
    }
    long next = nextLog.get();
    if (now - next >= 0 && nextLog.compareAndSet(next, now + LOG_INTERVAL_NANOS)) {
      // Refreshed too: the last refusal says best what is refused now.
      board.report(component, line);
      LOG.error(line + ". Still refused: " + sinceLog.sumThenReset() + " calls answered by the " + policy
        + " failure policy since the last report");
    }
  }

  /**
   * Redis decided: a standing refusal is over.
   *
   * @return whether this call ended a standing refusal (and logged so)
   */
  boolean answered() {
    if (standing.get() && standing.compareAndSet(true, false)) {
      board.clear(component);
      LOG.info(component + ": Redis runs the limiter's commands again (the permission refusal is over)");
      return true;
    }
    return false;
  }

  /** @return whether a refusal stands now */
  boolean standing() {
    return standing.get();
  }
}
