package dev.rediskit.client;

import dev.rediskit.error.RedisPermissionException;
import org.slf4j.Logger;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * A permission refusal that stands for one component (a rate limiter's decisions, its permits, its
 * stored limits, a cache): Redis is up but refuses the component's commands or keys, because its
 * ACL user changed while the application runs. The component tells it of each refused call and of
 * each call Redis serves; the refusal is made loud once rather than per call: an ERROR when it
 * starts and at most once a {@link #LOG_INTERVAL_NANOS minute} while it lasts, an entry on the
 * gateway's {@link PermissionRefusals} board (so the health check shows it), and an INFO when Redis
 * serves the component again. What the component does meanwhile (a failure policy answers, calls
 * fail) is its own; this only says so.
 *
 * <p>Thread-safe and cheap while nothing is refused: {@link #answered()} reads one volatile field.
 */
public final class StandingRefusal {

  /** How often a standing refusal is logged again, in nanoseconds: often enough to be seen, rarely enough not to flood. */
  public static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final String component;
  private final String grant;
  private final PermissionRefusals board;
  private final Logger log;
  private final String meanwhile;
  private final String servedAgain;
  private final LongSupplier nanoClock;
  private final AtomicBoolean standing = new AtomicBoolean();
  private final AtomicLong nextLog = new AtomicLong();
  /** Refused calls since the last ERROR line. */
  private final LongAdder sinceLog = new LongAdder();

  /**
   * @param component the component as the log and the health check name it, e.g. {@code "rate limiter default"}
   * @param grant what the ACL user needs, named in the log and the health check
   * @param board where the refusal is reported while it stands (the gateway's {@link RedisGateway#refusals()})
   * @param log the component's logger
   * @param meanwhile what the component does while refused, as a sentence without its period, e.g.
   *     {@code "The FAIL_OPEN failure policy decides"}; the log adds " until the permission is granted again"
   * @param servedAgain what the INFO says when the refusal is over, e.g. {@code "Redis runs the limiter's commands again"}
   * @param nanoClock {@link System#nanoTime()}, or a test's clock
   */
  public StandingRefusal(String component, String grant, PermissionRefusals board, Logger log, String meanwhile,
                         String servedAgain, LongSupplier nanoClock) {
    this.component = component;
    this.grant = grant;
    this.board = board;
    this.log = log;
    this.meanwhile = meanwhile;
    this.servedAgain = servedAgain;
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
  public static String describe(String component, RedisPermissionException refusal, String grant) {
    return component + ": Redis refuses " + RedisPermissionException.refused(refusal.getMessage()) + " (" + refusal.getMessage()
      + "); grant the ACL user " + grant;
  }

  /** @return the component's name, as the board and the log carry it */
  public String component() {
    return component;
  }

  /** @param refusal a call (a decision, a permit, a cache read...) Redis refused for lack of permission */
  public void refused(RedisPermissionException refusal) {
    sinceLog.increment();
    long now = nanoClock.getAsLong();
    if (!standing.get() && standing.compareAndSet(false, true)) {
      String line = describe(component, refusal, grant);
      board.report(component, line);
      nextLog.set(now + LOG_INTERVAL_NANOS);
      sinceLog.reset();
      log.error(line + ". " + meanwhile + " until the permission is granted again");
      return;
    }
    long next = nextLog.get();
    if (now - next >= 0 && nextLog.compareAndSet(next, now + LOG_INTERVAL_NANOS)) {
      String line = describe(component, refusal, grant);
      // Refreshed too: the last refusal says best what is refused now.
      board.report(component, line);
      log.error(line + ". Still refused: " + sinceLog.sumThenReset() + " calls since the last report. " + meanwhile
        + " until the permission is granted again");
    }
  }

  /**
   * Redis served the component: a standing refusal is over.
   *
   * @return whether this call ended a standing refusal (and logged so)
   */
  public boolean answered() {
    if (standing.get() && standing.compareAndSet(true, false)) {
      board.clear(component);
      log.info(component + ": " + servedAgain + " (the permission refusal is over)");
      return true;
    }
    return false;
  }

  /** @return whether a refusal stands now */
  public boolean standing() {
    return standing.get();
  }
}
