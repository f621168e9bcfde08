package dev.rediskit.ratelimit.impl;

import dev.rediskit.ratelimit.Decision;
import dev.rediskit.ratelimit.Limit;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.redis.client.Response;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One decision on its way: its keys, limits and script, and once queued or sent, its promise and
 * deadline. The flag is set by whoever answers first (the reply, the deadline tick, or closing);
 * the others see it set and leave the call alone.
 *
 * <p>It is its own reply handler, so that sending a call with a deadline of the limiter's own
 * allocates nothing more than the call itself.
 */
final class Call extends AtomicBoolean implements Handler<AsyncResult<Response>> {

  final String[] keys;
  final Limit[] limits;
  final String[] policies;
  final long cost;
  /** A verifyAndLimit call: its decision lists each key's state. */
  final boolean verify;
  /** How Redis decides it: chosen once from the algorithm and the limits. */
  final LimiterScript script;
  final long start = System.nanoTime();
  /** Per key, the exact wait Redis implies (the decision rounds it up to ms), for the deny cache. */
  final long[] retryUs;
  /** For a reservation ({@link GcraReserveScript}): the most it may wait for its slot, in us; 0 for none. */
  long maxWaitUs;
  /** For a reservation: the wait Redis booked, in us (0: allowed at once). */
  long waitUs;
  Promise<Decision> promise;
  /** Where its reply goes: set when it is sent with a deadline of the limiter's own. */
  Admission admission;

  Call(String[] keys, Limit[] limits, String[] policies, long cost, boolean verify, LimiterScript script) {
    this.keys = keys;
    this.limits = limits;
    this.policies = policies;
    this.cost = cost;
    this.verify = verify;
    this.script = script;
    this.retryUs = new long[keys.length];
  }

  @Override
  public void handle(AsyncResult<Response> ar) {
    admission.replied(this, ar);
  }

  /** @return whether it was answered (by whoever won its flag) */
  boolean answered() {
    return get();
  }

  /** @return whether this caller won its flag and is now the one to answer it */
  boolean claim() {
    return compareAndSet(false, true);
  }
}
