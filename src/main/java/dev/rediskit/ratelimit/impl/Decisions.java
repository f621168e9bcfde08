package dev.rediskit.ratelimit.impl;

import dev.rediskit.ratelimit.Decision;
import dev.rediskit.ratelimit.Decision.Source;
import dev.rediskit.ratelimit.Limit;

import java.util.ArrayList;
import java.util.List;

/**
 * The named ways the limiter makes a {@link Decision}, so that no call site spells the record's
 * eleven components: each factory says which kind of answer it is and fills the rest the one way
 * that kind is always filled. They live here rather than on the record because the record is
 * public API and these are the limiter's own conventions (what a rejection for overload tells the
 * caller to wait, how a request's keys are combined into one answer).
 */
final class Decisions {

  private Decisions() {
  }

  /**
   * One key's state as a script reported it.
   *
   * @param allowed whether the key alone would let the request through
   * @param limit the key's limit
   * @param remaining units left
   * @param resetMs ms until the quota is full
   * @param retryMs ms until a request of the same cost would pass
   * @param policy which limit it is
   * @return the key's decision, from {@link Source#REDIS}
   */
  static Decision fromRedis(boolean allowed, Limit limit, long remaining, long resetMs, long retryMs, String policy) {
    return new Decision(allowed, limit.limit(), remaining, resetMs, retryMs, limit.windowMs(), policy, Source.REDIS,
      false, null, null);
  }

  /**
   * A rejection that asks the caller to wait a fixed time: nothing is known of the key's state.
   *
   * @param limit the key's limit
   * @param waitMs what the caller is told to wait, as both reset and retry-after
   * @param policy which limit it is
   * @param source who rejected ({@link Source#FALLBACK} for FAIL_CLOSED, {@link Source#OVERLOADED})
   * @return the key's decision
   */
  static Decision rejectedFor(Limit limit, long waitMs, String policy, Source source) {
    return new Decision(false, limit.limit(), 0, waitMs, waitMs, limit.windowMs(), policy, source, false, null, null);
  }

  /**
   * The FAIL_OPEN answer for one key: allowed, as if the quota were full before this request.
   *
   * @param limit the key's limit
   * @param cost the request's cost
   * @param policy which limit it is
   * @return the key's decision, from {@link Source#FALLBACK}
   */
  static Decision failOpen(Limit limit, long cost, String policy) {
    return new Decision(true, limit.limit(), Math.max(0, limit.limit() - cost), 0, 0, limit.windowMs(), policy,
      Source.FALLBACK, false, null, null);
  }

  /**
   * The LOCAL policy's answer for one key.
   *
   * @param r the in-memory GCRA's state of the key (its share of the limit)
   * @param policy which limit it is
   * @return the key's decision, from {@link Source#FALLBACK}
   */
  static Decision local(LocalGcra.KeyResult r, String policy) {
    return new Decision(r.allowed(), r.limit().limit(), r.remaining(), ceilMs(r.resetUs()), ceilMs(r.retryUs()),
      r.limit().windowMs(), policy, Source.FALLBACK, false, null, null);
  }

  /**
   * The deny cache's rejection of one key, times counted from {@code now}.
   *
   * @param limit the key's limit
   * @param blocked the cache's entry for the key
   * @param now {@link System#nanoTime()}
   * @param policy which limit it is
   * @param details for verifyAndLimit, the blocked key's own decision; {@code null} otherwise
   * @return the decision, from {@link Source#DENY_CACHE}; unlike a rejection by Redis it keeps the
   * units that were left, since that is all the cache knows of the key
   */
  static Decision denyCached(Limit limit, DenyCache.Blocked blocked, long now, String policy, List<Decision> details) {
    return new Decision(false, limit.limit(), blocked.remaining(), ceilNanosToMs(blocked.resetAtNanos() - now),
      ceilNanosToMs(blocked.untilNanos() - now), limit.windowMs(), policy, Source.DENY_CACHE, false, details, null);
  }

  /**
   * A request's decision from the decision of the key that speaks for it.
   *
   * @param allowed whether the request may proceed
   * @param pick the deciding key's decision
   * @param source where the request's decision came from
   * @param details the state of each key (verifyAndLimit), or {@code null}
   * @param failure why the fallback decided, or {@code null}
   * @return the request's decision (no units left when rejected)
   */
  static Decision of(boolean allowed, Decision pick, Source source, List<Decision> details, Throwable failure) {
    return new Decision(allowed, pick.limit(), allowed ? pick.remaining() : 0, pick.resetMs(), pick.retryAfterMs(),
      pick.windowMs(), pick.policy(), source, false, details, failure);
  }

  /**
   * @param d a decision
   * @param source the source it is to carry
   * @return {@code d} with that source
   */
  static Decision withSource(Decision d, Source source) {
    return d.source() == source ? d : new Decision(d.allowed(), d.limit(), d.remaining(), d.resetMs(), d.retryAfterMs(),
      d.windowMs(), d.policy(), source, false, null, null);
  }

  /**
   * @param d a rejection
   * @return what shadow mode answers instead: allowed, marked as a rejection that was let through
   */
  static Decision shadowed(Decision d) {
    return new Decision(true, d.limit(), d.remaining(), d.resetMs(), d.retryAfterMs(), d.windowMs(), d.policy(),
      d.source(), true, d.limits(), d.failure());
  }

  /**
   * The decision of the whole request from its keys' states: when rejected, the rejecting key
   * with the longest wait; when allowed, the key with the fewest units left (the longest reset on
   * a tie).
   *
   * @param call the request
   * @param allowed whether it may proceed
   * @param each per key its state
   * @param source where the decision came from
   * @param failure why the fallback decided, or {@code null}
   * @return the request's decision
   */
  static Decision combine(Call call, boolean allowed, Decision[] each, Source source, Throwable failure) {
    if (allowed && each.length == 1 && !call.verify && failure == null) {
      // The common case, a single key allowed by Redis: its state is the decision.
      return each[0];
    }
    Decision pick = null;
    for (Decision d : each) {
      if (pick == null) {
        pick = d;
      } else if (!allowed) {
        if (!d.allowed() && (pick.allowed() || d.retryAfterMs() > pick.retryAfterMs())) {
          pick = d;
        }
      } else if (d.remaining() < pick.remaining() || (d.remaining() == pick.remaining() && d.resetMs() > pick.resetMs())) {
        pick = d;
      }
    }
    List<Decision> details = null;
    if (call.verify) {
      details = new ArrayList<>(each.length);
      for (Decision d : each) {
        details.add(withSource(d, source));
      }
    }
    return of(allowed, pick, source, details, failure);
  }

  /** Microseconds rounded up to whole milliseconds, so that a caller who waits them out is never early. */
  static long ceilMs(long us) {
    return us <= 0 ? 0 : (us + 999) / 1000;
  }

  private static long ceilNanosToMs(long nanos) {
    return nanos <= 0 ? 0 : (nanos + 999_999) / 1_000_000;
  }
}
