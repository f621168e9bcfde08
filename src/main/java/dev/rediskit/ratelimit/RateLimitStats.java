package dev.rediskit.ratelimit;

import io.vertx.core.json.JsonObject;

/**
 * Live counters of one limiter, cheap to read at any time from any thread: what a metrics layer
 * binds to (one function counter per outcome, tagged with {@link #limiter()}).
 */
public interface RateLimitStats {

  /** How a decision ended. Every decision counts exactly once. */
  enum Outcome {
    /** Allowed by Redis. */
    ALLOWED,
    /** Rejected, by Redis or by the deny cache. */
    REJECTED,
    /** Would have been rejected (by any source), let through because shadow mode is on. */
    SHADOW_REJECTED,
    /** Allowed by the failure policy while Redis could not decide. */
    FALLBACK_ALLOWED,
    /** Rejected by the failure policy while Redis could not decide. */
    FALLBACK_REJECTED,
    /** Rejected without asking Redis because the limiter was saturated ({@link dev.rediskit.ratelimit.Decision.Source#OVERLOADED}). */
    OVERLOADED_REJECTED
  }

  /** How a change of the stored limits ({@link RateLimitAdmin#apply}) ended. */
  enum LimitChangeOutcome {
    /** Written to Redis and applied. */
    APPLIED,
    /** Refused by validation: nothing was written. */
    REFUSED,
    /** Redis could not take it: nothing was written. */
    FAILED;

    /** @return the name used in metrics and JSON: the constant in lower case */
    public String tagName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** How a concurrency permit's acquire or release ended ({@link RateLimiter#acquire}). */
  enum PermitOutcome {
    /** A place taken in Redis. */
    ACQUIRED,
    /** Refused: every place taken, the failure policy refused, or the limiter was saturated. */
    REJECTED,
    /** Granted by the failure policy while Redis could not answer (FAIL_OPEN, or LOCAL within its share). */
    FALLBACK_GRANTED,
    /** Released while its lease was live. */
    RELEASED,
    /** Released after its lease had ended (the place had already come back by itself). */
    EXPIRED;

    /** @return the name used in metrics and JSON: the constant in lower case */
    public String tagName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** @return the limiter's name */
  String limiter();

  /**
   * @param outcome an outcome
   * @return how many permit acquires or releases ended that way since the limiter started
   */
  default long permits(PermitOutcome outcome) {
    return 0;
  }

  /**
   * @return permits this instance holds now: places taken in Redis and not released yet (a holder
   * that never releases stays counted), plus the LOCAL policy's local places
   */
  default long permitsHeld() {
    return 0;
  }

  /**
   * @param outcome an outcome
   * @return how many changes of the stored limits made through this limiter ended that way
   */
  default long limitChanges(LimitChangeOutcome outcome) {
    return 0;
  }

  /** @return reads of the stored limits that failed (the last known limits stayed in force) */
  default long limitRefreshFailures() {
    return 0;
  }

  /** @return plan lookups that failed (those decisions used the ordinary per-token limits) */
  default long planFailures() {
    return 0;
  }

  /**
   * @return decisions Redis refused to run for lack of permission ({@link dev.rediskit.error.RedisPermissionException}:
   * the ACL user lacks a command or key pattern the limiter needs); the failure policy decided them, so they are
   * counted in {@link Outcome#FALLBACK_ALLOWED} or {@link Outcome#FALLBACK_REJECTED} too
   */
  default long permissionRefusals() {
    return 0;
  }

  /**
   * @param outcome an outcome
   * @return how many decisions ended that way since the limiter started
   */
  long decisions(Outcome outcome);

  /** @return decisions answered by the deny cache without asking Redis (also counted in their outcome) */
  long denyCacheHits();

  /** @return how often the limiter switched from Redis to its failure policy */
  long switchesToFallback();

  /** @return how often the limiter switched back from its failure policy to Redis */
  long switchesToRedis();

  /** @return switches in either direction, the total a metrics layer reports as policy switches */
  default long policySwitches() {
    return switchesToFallback() + switchesToRedis();
  }

  /** @return whether the failure policy decides right now (the last answer did not come from Redis) */
  boolean fallbackActive();

  /** @return entries in the deny cache right now (approximate) */
  long denyCacheSize();

  /**
   * Decisions by where they came from, whatever their outcome: with {@link #decisions(Outcome)}
   * this tells how much of the traffic Redis decides, how much the deny cache answers locally,
   * and how much the failure policy or the limiter's own back-pressure handles.
   *
   * @param source a source
   * @return how many decisions came from it since the limiter started
   */
  default long decisions(Decision.Source source) {
    return 0;
  }

  /**
   * A snapshot of counters read from {@link #toJson()}, e.g. the reply of the {@code ratelimit.stats}
   * address: the values stay as they were when the JSON was written.
   *
   * @param json what {@link #toJson()} returned
   * @return the snapshot
   */
  static RateLimitStats fromJson(JsonObject json) {
    return new StatsSnapshot(json);
  }

  /**
   * @return a snapshot: {@code {limiter, allowed, rejected, shadowRejected, fallbackAllowed,
   * fallbackRejected, overloadedRejected, denyCacheHits, denyCacheSize, switchesToFallback, switchesToRedis, fallbackActive,
   * bySource: {redis, denyCache, fallback, overloaded}}}; shadow mode's let-through rejections are {@code shadowRejected}
   */
  default JsonObject toJson() {
    return new JsonObject()
      .put("limiter", limiter())
      .put("allowed", decisions(Outcome.ALLOWED))
      .put("rejected", decisions(Outcome.REJECTED))
      .put("shadowRejected", decisions(Outcome.SHADOW_REJECTED))
      .put("fallbackAllowed", decisions(Outcome.FALLBACK_ALLOWED))
      .put("fallbackRejected", decisions(Outcome.FALLBACK_REJECTED))
      .put("overloadedRejected", decisions(Outcome.OVERLOADED_REJECTED))
      .put("denyCacheHits", denyCacheHits())
      .put("denyCacheSize", denyCacheSize())
      .put("switchesToFallback", switchesToFallback())
      .put("switchesToRedis", switchesToRedis())
      .put("fallbackActive", fallbackActive())
      .put("bySource", new JsonObject()
        .put("redis", decisions(Decision.Source.REDIS))
        .put("denyCache", decisions(Decision.Source.DENY_CACHE))
        .put("fallback", decisions(Decision.Source.FALLBACK))
        .put("overloaded", decisions(Decision.Source.OVERLOADED)));
  }
}
