package dev.rediskit.ratelimit.impl;

import dev.rediskit.ratelimit.Decision.Source;
import dev.rediskit.ratelimit.RateLimitStats;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The counters behind {@link RateLimitStats}: {@link LongAdder}s, since decisions are counted on
 * every event loop that calls the limiter and a contended atomic would cost more than the count.
 */
final class Counters implements RateLimitStats {

  private final String limiter;
  private final LongAdder[] outcomes = new LongAdder[Outcome.values().length];
  private final LongAdder[] sources = new LongAdder[Source.values().length];
  private final LongAdder denyCacheHits = new LongAdder();
  private final LongAdder toFallback = new LongAdder();
  private final LongAdder toRedis = new LongAdder();
  private final AtomicBoolean fallbackActive = new AtomicBoolean();
  private final LongSupplier denyCacheSize;
  private final LongAdder reserved = new LongAdder();
  private final LongAdder permitsAcquired = new LongAdder();
  private final LongAdder permitsRejected = new LongAdder();
  private final LongAdder permitsFallbackGranted = new LongAdder();
  private final LongAdder permitsReleased = new LongAdder();
  private final LongAdder permitsReleasedAfterLease = new LongAdder();
  /** Releases of places taken in Redis (live or not): what {@link #permitsHeld()} subtracts. */
  private final LongAdder redisPermitsReleased = new LongAdder();
  private volatile LongSupplier localPermitsHeld = () -> 0;
  private final LongAdder[] limitChanges = new LongAdder[LimitChangeOutcome.values().length];
  private final LongAdder limitRefreshFailures = new LongAdder();
  private final LongAdder planFailures = new LongAdder();
  private final LongAdder permissionRefusals = new LongAdder();

  Counters(String limiter, LongSupplier denyCacheSize) {
    this.limiter = limiter;
    this.denyCacheSize = denyCacheSize;
    for (int i = 0; i < outcomes.length; i++) {
      outcomes[i] = new LongAdder();
    }
    for (int i = 0; i < sources.length; i++) {
      sources[i] = new LongAdder();
    }
    for (int i = 0; i < limitChanges.length; i++) {
      limitChanges[i] = new LongAdder();
    }
  }

  void limitChange(LimitChangeOutcome outcome) {
    limitChanges[outcome.ordinal()].increment();
  }

  void limitRefreshFailed() {
    limitRefreshFailures.increment();
  }

  void planFailed() {
    planFailures.increment();
  }

  /** A decision Redis refused for lack of permission (also counted in its fallback outcome). */
  void permissionRefused() {
    permissionRefusals.increment();
  }

  @Override
  public long permissionRefusals() {
    return permissionRefusals.sum();
  }

  @Override
  public long permits(PermitOutcome outcome) {
    return switch (outcome) {
      case ACQUIRED -> permitsAcquired.sum();
      case REJECTED -> permitsRejected.sum();
      case FALLBACK_GRANTED -> permitsFallbackGranted.sum();
      case RELEASED -> permitsReleased.sum();
      case EXPIRED -> permitsReleasedAfterLease.sum();
    };
  }

  @Override
  public long permitsHeld() {
    long inRedis = permitsAcquired.sum() - redisPermitsReleased.sum();
    return Math.max(0, inRedis) + localPermitsHeld.getAsLong();
  }

  /** @param held the LOCAL policy's places held now */
  void localPermitsHeld(LongSupplier held) {
    this.localPermitsHeld = held;
  }

  @Override
  public long limitChanges(LimitChangeOutcome outcome) {
    return limitChanges[outcome.ordinal()].sum();
  }

  @Override
  public long limitRefreshFailures() {
    return limitRefreshFailures.sum();
  }

  @Override
  public long planFailures() {
    return planFailures.sum();
  }

  void count(Outcome outcome, Source source) {
    outcomes[outcome.ordinal()].increment();
    sources[source.ordinal()].increment();
  }

  void reserved() {
    reserved.increment();
  }

  void permitAcquired() {
    permitsAcquired.increment();
  }

  void permitRejected() {
    permitsRejected.increment();
  }

  void permitFallbackGranted() {
    permitsFallbackGranted.increment();
  }

  void permitReleased(boolean live) {
    (live ? permitsReleased : permitsReleasedAfterLease).increment();
    redisPermitsReleased.increment();
  }

  /** A LOCAL place given back: counted as released, but it never was in Redis. */
  void localPermitReleased(boolean live) {
    (live ? permitsReleased : permitsReleasedAfterLease).increment();
  }

  void denyCacheHit() {
    denyCacheHits.increment();
  }

  /** @return true when this call switched the limiter to its failure policy */
  boolean fallbackUsed() {
    if (!fallbackActive.get() && fallbackActive.compareAndSet(false, true)) {
      toFallback.increment();
      return true;
    }
    return false;
  }

  /** @return true when this call switched the limiter back to Redis */
  boolean redisAnswered() {
    // A plain read first: the hot path must not write a shared cache line on every decision.
    if (fallbackActive.get() && fallbackActive.compareAndSet(true, false)) {
      toRedis.increment();
      return true;
    }
    return false;
  }

  @Override
  public String limiter() {
    return limiter;
  }

  @Override
  public long decisions(Outcome outcome) {
    return outcomes[outcome.ordinal()].sum();
  }

  @Override
  public long decisions(Source source) {
    return sources[source.ordinal()].sum();
  }

  @Override
  public long denyCacheHits() {
    return denyCacheHits.sum();
  }

  @Override
  public long switchesToFallback() {
    return toFallback.sum();
  }

  @Override
  public long switchesToRedis() {
    return toRedis.sum();
  }

  @Override
  public boolean fallbackActive() {
    return fallbackActive.get();
  }

  @Override
  public long denyCacheSize() {
    return denyCacheSize.getAsLong();
  }

  /** Adds the reservations (allowed decisions that waited for their slot) and the concurrency limits' counters. */
  @Override
  public JsonObject toJson() {
    return RateLimitStats.super.toJson().put("reserved", reserved.sum()).put("permits", new JsonObject()
      .put("acquired", permitsAcquired.sum())
      .put("rejected", permitsRejected.sum())
      .put("fallbackGranted", permitsFallbackGranted.sum())
      .put("released", permitsReleased.sum())
      .put("releasedAfterLease", permitsReleasedAfterLease.sum())
      .put("held", permitsHeld()))
      .put("limitChanges", new JsonObject()
        .put("applied", limitChanges(LimitChangeOutcome.APPLIED))
        .put("refused", limitChanges(LimitChangeOutcome.REFUSED))
        .put("failed", limitChanges(LimitChangeOutcome.FAILED)))
      .put("limitRefreshFailures", limitRefreshFailures.sum())
      .put("planFailures", planFailures.sum())
      .put("permissionRefusals", permissionRefusals.sum());
  }

  @Override
  public String toString() {
    return "RateLimitStats" + toJson().encode();
  }
}
