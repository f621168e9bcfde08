package dev.rediskit.ratelimit.impl;

import dev.rediskit.client.DeadlineQueue;
import dev.rediskit.error.RedisTimeoutException;
import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.ratelimit.Decision;
import dev.rediskit.ratelimit.Decision.Source;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Response;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The limiter's admission to Redis: at most {@code maxInFlight} decisions are at Redis at once;
 * the others wait, at most {@code maxQueued} of them, for at most the limiter's timeout. A waiting
 * call asks the deny cache again when its turn comes, so a burst on one key drains at memory speed
 * once Redis has rejected the key. A call that finds the queue full, waits past its timeout, or is
 * refused by the gateway as {@code OVERLOADED} is rejected with source {@link Source#OVERLOADED}:
 * the failure policy is for Redis being unavailable, and taking it on the limiter's own
 * back-pressure would let a burst on a healthy Redis through.
 *
 * <p>The limiter's own timeout costs no timer per call. When it is at least the gateway's command
 * timeout, the gateway's deadline (which fails every command in time) is all that is needed. When
 * it is shorter, sent calls join a {@link DeadlineQueue} whose expired heads the periodic
 * {@link #tick} answers; the same tick rejects queued calls that waited too long. Whichever comes
 * first, the reply or the tick, wins the call's flag; the other is ignored. As the gateway does
 * with its own deadline, a sent call past its deadline while the gateway keeps receiving replies
 * is late behind them (a burst in the pipeline, an event loop reading late on a busy machine), not
 * unanswered: it waits up to one more timeout for its reply before the failure policy decides it,
 * which under {@code FAIL_OPEN} would let such a burst on a healthy Redis past the limit.
 *
 * <p>Not thread-safe: everything here runs on the gateway's context (the limiter hops there).
 */
final class Admission {

  /**
   * What admission needs of the limiter: the deny cache, Redis, the reading of replies, the
   * failure policy and the counting of decisions.
   */
  interface Decider {

    /**
     * @param call a call whose turn has come
     * @return the deny cache's answer, counted and final, or {@code null} when no key is blocked
     */
    Decision cached(Call call);

    /**
     * @param call a call admitted to Redis
     * @return the script's reply
     */
    Future<Response> eval(Call call);

    /**
     * @param call a sent call
     * @param reply Redis's reply, or why there is none
     * @return the final decision
     */
    Decision answer(Call call, AsyncResult<Response> reply);

    /**
     * @param call a call Redis could not decide
     * @param cause why
     * @return the failure policy's final decision
     */
    Decision fallback(Call call, Throwable cause);

    /**
     * @param decision a decision made here
     * @return it counted, and let through in shadow mode
     */
    Decision finish(Decision decision);
  }

  private static final Logger LOG = LoggerFactory.getLogger(dev.rediskit.ratelimit.RateLimiter.class);
  /** What an OVERLOADED rejection tells the caller to wait: the limiter's queue drains within its timeout. */
  static final long OVERLOADED_RETRY_MS = 1000;
  /** At most one warning about rejections for overload per this many nanoseconds. */
  private static final long OVERLOAD_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final String limiter;
  private final Decider decider;
  private final int maxInFlight;
  private final int maxQueued;
  private final long timeoutMs;
  private int inFlight;
  /** How long a call may wait in either queue, in nanoseconds: the timeout, a tick early. */
  private final long waitNanos;
  private final DeadlineQueue<Call> queued;
  /** Sent calls, oldest first, or {@code null} when the gateway's deadline is enough. */
  private final DeadlineQueue<Call> sent;
  /** The gateway's count of replies received, sampled at each tick. */
  private final LongSupplier replies;
  private long repliesAtLastTick;
  /** When a tick last saw the count move: Redis answered between it and the tick before. */
  private long lastProgressNanos;
  /**
   * How recent that must be for Redis to count as answering: half the timeout, less a tick for
   * the sampling. A sent call expires at least half the timeout after it was sent, so a reply
   * seen this recently came after it left: a lone call's reply is never waited for past its deadline.
   */
  private final long answeringNanos;
  private final long timeoutNanos;
  private long lastOverloadLog;

  /**
   * @param limiter the limiter's name, for messages
   * @param maxInFlight decisions at Redis at once at most
   * @param maxQueued decisions waiting for a place at most
   * @param timeoutMs the limiter's timeout
   * @param commandTimeoutMs the gateway's command timeout: when it is not longer, no deadline of the limiter's own is kept
   * @param replies the gateway's count of replies received ({@link dev.rediskit.client.RedisGateway#replies()})
   * @param decider the limiter
   */
  Admission(String limiter, int maxInFlight, int maxQueued, long timeoutMs, long commandTimeoutMs,
            LongSupplier replies, Decider decider) {
    this.limiter = limiter;
    this.decider = decider;
    this.maxInFlight = maxInFlight;
    this.maxQueued = maxQueued;
    this.timeoutMs = timeoutMs;
    // The tick fires every tickMs, so a call is answered between its deadline and one tick later:
    // deadlines are set a tick early (but not before half the timeout) to answer within the timeout.
    long early = TimeUnit.MILLISECONDS.toNanos(Math.max(timeoutMs - tickMs(timeoutMs), timeoutMs / 2));
    this.waitNanos = early;
    this.queued = new DeadlineQueue<>(Call::answered);
    this.sent = timeoutMs < commandTimeoutMs ? new DeadlineQueue<>(Call::answered) : null;
    this.replies = replies;
    this.repliesAtLastTick = replies.getAsLong();
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    this.answeringNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, timeoutMs / 2 - tickMs(timeoutMs)));
    this.lastProgressNanos = System.nanoTime() - answeringNanos - 1;
  }

  /**
   * @param timeoutMs the limiter's timeout
   * @return how often {@link #tick} must run: a tenth of the timeout, within 5 to 50 ms
   */
  static long tickMs(long timeoutMs) {
    return Math.max(5, Math.min(50, timeoutMs / 10));
  }

  /**
   * Sends the call if a place at Redis is free, else queues it or rejects it.
   *
   * @param call a call the deny cache did not answer
   * @return its decision
   */
  Future<Decision> admit(Call call) {
    if (inFlight < maxInFlight) {
      return send(call);
    }
    if (queued.size() >= maxQueued) {
      return Future.succeededFuture(overloaded(call, maxQueued + " decisions already wait for a place at Redis (rateLimit.maxQueued)"));
    }
    call.promise = Promise.promise();
    queued.add(call, System.nanoTime() + waitNanos);
    return call.promise.future();
  }

  private Future<Decision> send(Call call) {
    inFlight++;
    Future<Response> reply = decider.eval(call);
    if (sent == null) {
      return reply.transform(ar -> {
        released();
        return Future.succeededFuture(decider.answer(call, ar));
      });
    }
    if (call.promise == null) {
      call.promise = Promise.promise();
    }
    // From the moment Redis is asked: time spent waiting in the queue is the limiter's own, never
    // a reason for the failure policy.
    sent.add(call, System.nanoTime() + waitNanos);
    call.admission = this;
    reply.onComplete(call);
    return call.promise.future();
  }

  /**
   * The reply to a call sent with a deadline of the limiter's own.
   *
   * @param call the call
   * @param reply the reply, or why there is none
   */
  void replied(Call call, AsyncResult<Response> reply) {
    // Its place at Redis is free only now, even when the deadline answered the caller earlier.
    released();
    if (call.claim()) {
      call.promise.complete(decider.answer(call, reply));
    }
  }

  /** A place at Redis came free: the next waiting calls take it, or the deny cache answers them. */
  private void released() {
    inFlight--;
    Call next;
    while (inFlight < maxInFlight && (next = queued.poll()) != null) {
      if (next.answered()) {
        continue;
      }
      Decision cached = decider.cached(next);
      if (cached != null) {
        next.set(true);
        next.promise.complete(cached);
        continue;
      }
      Future<Decision> answer = send(next);
      if (answer != next.promise.future()) {
        answer.onComplete(next.promise);
      }
    }
  }

  /**
   * Rejects the calls that waited too long for a place, and answers the sent ones past their deadline.
   *
   * @param now {@link System#nanoTime()}
   */
  void tick(long now) {
    queued.expire(now, c -> {
      if (c.claim()) {
        waitedTooLong(c);
      }
    });
    if (sent != null) {
      long count = replies.getAsLong();
      if (count != repliesAtLastTick) {
        repliesAtLastTick = count;
        lastProgressNanos = now;
      }
      boolean answering = now - lastProgressNanos < answeringNanos;
      sent.expire(answering ? now - timeoutNanos : now, c -> {
        if (c.claim()) {
          timedOut(c);
        }
      });
    }
  }

  private void waitedTooLong(Call call) {
    call.promise.complete(overloaded(call, "waited " + timeoutMs + " ms for a place at Redis (rateLimit.timeoutMs)"));
  }

  private void timedOut(Call call) {
    call.promise.complete(decider.fallback(call, new RedisTimeoutException(
      "rate limiter " + limiter + ": Redis did not answer within " + timeoutMs + " ms (rateLimit.timeoutMs)")));
  }

  /** Answers the waiting calls with the failure policy: once closed, nobody will free a place for them. */
  void close() {
    Call c;
    while ((c = queued.poll()) != null) {
      if (c.claim()) {
        c.promise.complete(decider.fallback(c, new RedisUnavailableException(RedisUnavailableException.Reason.CLOSED,
          "rate limiter " + limiter + " was closed", null)));
      }
    }
  }

  /**
   * Rejects a call the limiter could not take to Redis in time although Redis may be healthy.
   *
   * @param call the call
   * @param why what was full or late, for the log
   * @return the final rejection, from {@link Source#OVERLOADED}
   */
  Decision overloaded(Call call, String why) {
    long now = System.nanoTime();
    if (lastOverloadLog == 0 || now - lastOverloadLog >= OVERLOAD_LOG_INTERVAL_NANOS) {
      lastOverloadLog = now;
      LOG.warn("rate limiter " + limiter + ": rejecting decisions without asking Redis, "
        + "the limiter is saturated (" + why + "); not the failure policy: Redis may be healthy");
    }
    int n = call.keys.length;
    Decision[] each = new Decision[n];
    for (int i = 0; i < n; i++) {
      each[i] = Decisions.rejectedFor(call.limits[i], OVERLOADED_RETRY_MS, call.policies[i], Source.OVERLOADED);
    }
    return decider.finish(Decisions.combine(call, false, each, Source.OVERLOADED, null));
  }
}
