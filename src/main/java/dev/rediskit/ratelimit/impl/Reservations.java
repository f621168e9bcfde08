package dev.rediskit.ratelimit.impl;

import dev.rediskit.config.RequestFields;
import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.ratelimit.Decision;
import dev.rediskit.ratelimit.RateLimitOptions.Algorithm;
import dev.rediskit.ratelimit.RequestChecks;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.time.Duration;

/**
 * Reservations: a check that may wait for its slot. Redis books the slot in the decision's own
 * script ({@link GcraReserveScript}); here the granted decision is held back until the slot is due,
 * by one timer per waiting request (no polling, nothing blocks), and its times then count from that
 * moment.
 */
final class Reservations {

  private Reservations() {
  }

  /**
   * @param maxWait the most a request may wait, or {@code null} for none
   * @param algorithm the limiter's algorithm
   * @return the wait in microseconds, 0 for none
   * @throws InvalidRequestException when out of range, or asked of an algorithm that cannot book a future slot
   */
  static long maxWaitUs(Duration maxWait, Algorithm algorithm) {
    if (maxWait == null) {
      return 0;
    }
    if (maxWait.isNegative()) {
      throw new InvalidRequestException("maxWait", "must be between 0 and " + RequestChecks.MAX_WAIT_MS + " (1 hour), was "
        + RequestFields.saturatedMillis(maxWait));
    }
    long ms = RequestFields.saturatedMillis(maxWait);
    RequestChecks.maxWaitMs("maxWait", ms);
    if (ms > 0 && algorithm != Algorithm.GCRA) {
      throw new InvalidRequestException("maxWait", "reservations need the GCRA algorithm, this limiter uses " + algorithm);
    }
    return ms * 1000;
  }

  /**
   * @param vertx the Vert.x instance, for the timer
   * @param call the decided call
   * @param d its decision
   * @param counters where a reservation is counted
   * @return the decision, at once when it need not wait, else when its slot is due
   */
  static Future<Decision> await(Vertx vertx, Call call, Decision d, Counters counters) {
    if (!d.allowed() || call.waitUs <= 0 || d.source() != Decision.Source.REDIS) {
      return Future.succeededFuture(d);
    }
    counters.reserved();
    // Rounded up and counted from the reply's arrival, after Redis decided: the request never goes early.
    long waitMs = Decisions.ceilMs(call.waitUs);
    Promise<Decision> due = Promise.promise();
    vertx.setTimer(waitMs, id -> due.complete(new Decision(true, d.limit(), 0, Math.max(0, d.resetMs() - waitMs),
      Math.max(0, d.retryAfterMs() - waitMs), d.windowMs(), d.policy(), d.source(), false, d.limits(), null, waitMs)));
    return due.future();
  }
}
