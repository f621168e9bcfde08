package dev.rediskit.ratelimit.impl;

import dev.rediskit.client.StandingRefusal;
import dev.rediskit.error.RedisPermissionException;
import dev.rediskit.ratelimit.Decision;
import dev.rediskit.ratelimit.Decision.Source;
import dev.rediskit.ratelimit.Limit;
import dev.rediskit.ratelimit.RateLimitOptions.FailurePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failure policy: what the limiter answers when Redis cannot decide (unavailable, too slow,
 * or replying nonsense), or refuses to for lack of permission (then loudly, see {@link StandingRefusal}).
 * FAIL_OPEN lets the request through, FAIL_CLOSED rejects it for {@link #FAIL_CLOSED_RETRY_MS},
 * LOCAL decides it with an in-memory GCRA holding this instance's share of the limit. Not for the limiter's own back-pressure, which {@link Admission} rejects
 * whatever the policy.
 *
 * <p>Thread-safe: the LOCAL state is lock-free and the switch is counted atomically.
 */
final class Fallback {

  private static final Logger LOG = LoggerFactory.getLogger(dev.rediskit.ratelimit.RateLimiter.class);
  /** What a FAIL_CLOSED rejection tells the caller to wait: long enough not to hammer, short enough to notice recovery. */
  static final long FAIL_CLOSED_RETRY_MS = 1000;

  private final String limiter;
  private final FailurePolicy policy;
  private final LocalGcra local;
  private final Counters counters;
  private final StandingRefusal refusal;

  /**
   * @param limiter the limiter's name, for the log
   * @param policy the policy
   * @param localKeys for LOCAL: keys the in-memory GCRA remembers at most
   * @param localSharePercent for LOCAL: this instance's share of each limit
   * @param counters where the switch to the policy is counted
   * @param refusal what makes a permission refusal loud
   */
  Fallback(String limiter, FailurePolicy policy, int localKeys, int localSharePercent, Counters counters, StandingRefusal refusal) {
    this.limiter = limiter;
    this.policy = policy;
    this.local = policy == FailurePolicy.LOCAL
      ? new LocalGcra(localKeys, localSharePercent, () -> System.nanoTime() / 1000)
      : null;
    this.counters = counters;
    this.refusal = refusal;
  }

  /** Redis decided a call: a standing permission refusal, or the policy's turn, is over, and the log says which. */
  void redisDecided() {
    boolean refusalOver = refusal.answered();
    if (counters.redisAnswered() && !refusalOver) {
      LOG.info("rate limiter " + limiter + ": Redis decides again");
    }
  }

  /**
   * @param call a call Redis could not decide
   * @param cause why
   * @return the policy's decision, from {@link Source#FALLBACK}, carrying the cause (not yet counted)
   */
  Decision decide(Call call, Throwable cause) {
    boolean refused = cause instanceof RedisPermissionException;
    if (refused) {
      // A misconfiguration, not an outage: the policy still answers (rejecting everything would be one), but loudly.
      counters.permissionRefused();
      refusal.refused((RedisPermissionException) cause);
    }
    // A permission refusal has its ERROR lines of its own (StandingRefusal): this WARN is for Redis unavailable.
    if (counters.fallbackUsed() && !refused) {
      LOG.warn("rate limiter " + limiter + ": Redis cannot decide (" + cause.getMessage()
        + "); the " + policy + " policy decides until it can");
    }
    int n = call.keys.length;
    Decision[] each = new Decision[n];
    boolean allowed;
    switch (policy) {
      case FAIL_OPEN -> {
        allowed = true;
        for (int i = 0; i < n; i++) {
          each[i] = Decisions.failOpen(call.limits[i], call.cost, call.policies[i]);
        }
      }
      case FAIL_CLOSED -> {
        allowed = false;
        for (int i = 0; i < n; i++) {
          Limit l = call.limits[i];
          each[i] = Decisions.rejectedFor(l, FAIL_CLOSED_RETRY_MS, call.policies[i], Source.FALLBACK);
        }
      }
      default -> {
        LocalGcra.KeyResult[] results = local.acquire(call.keys, call.limits, call.cost);
        allowed = true;
        for (int i = 0; i < n; i++) {
          allowed &= results[i].allowed();
          each[i] = Decisions.local(results[i], call.policies[i]);
        }
      }
    }
    return Decisions.combine(call, allowed, each, Source.FALLBACK, cause);
  }
}
