package dev.rediskit.metrics;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Where a rate limiter's meters read their counts, for {@link RedisKitMetrics#bindRateLimiter}.
 * Each count is a {@link LongSupplier} of a monotonic total the limiter keeps (a
 * {@code LongAdder::sum}), read when the registry is scraped, so a decision costs no meter update.
 * Counts left unset are not registered.
 *
 * <pre>{@code
 * RateLimitMeterSource.Builder b = RateLimitMeterSource.builder();
 * for (RateLimitMeterSource.Outcome o : RateLimitMeterSource.Outcome.values()) {
 *   b.decisions(o, () -> counters.get(o).sum());
 * }
 * metrics.bindRateLimiter("api", b.denyCacheHits(denyHits::sum).policySwitches(switches::sum).build());
 * }</pre>
 */
public final class RateLimitMeterSource {

  /** How a decision ended, the {@value MeterNames#TAG_OUTCOME} tag of {@value MeterNames#RATELIMIT_DECISIONS}. */
  public enum Outcome {
    /** Within the limit. */
    ALLOWED(MeterNames.DECISION_ALLOWED),
    /** Over the limit, refused. */
    REJECTED(MeterNames.DECISION_REJECTED),
    /** Over the limit but let through: the limiter only observes (shadow mode). */
    SHADOW_REJECTED(MeterNames.DECISION_SHADOW_REJECTED),
    /** Redis unavailable; the failure policy allowed it. */
    FALLBACK_ALLOWED(MeterNames.DECISION_FALLBACK_ALLOWED),
    /** Redis unavailable; the failure policy refused it. */
    FALLBACK_REJECTED(MeterNames.DECISION_FALLBACK_REJECTED),
    /** Refused without asking Redis: the limiter was saturated (its own back-pressure, never the failure policy). */
    OVERLOADED_REJECTED(MeterNames.DECISION_OVERLOADED_REJECTED);

    private final String tagValue;

    Outcome(String tagValue) {
      this.tagValue = tagValue;
    }

    /** @return the tag value */
    public String tagValue() {
      return tagValue;
    }
  }

  final Map<Outcome, LongSupplier> decisions;
  final LongSupplier denyCacheHits;
  final LongSupplier policySwitches;

  private RateLimitMeterSource(Builder b) {
    this.decisions = Collections.unmodifiableMap(new EnumMap<>(b.decisions));
    this.denyCacheHits = b.denyCacheHits;
    this.policySwitches = b.policySwitches;
  }

  /** @return a builder with no count set */
  public static Builder builder() {
    return new Builder();
  }

  /** Collects the counts; each setter replaces an earlier one. */
  public static final class Builder {
    private final Map<Outcome, LongSupplier> decisions = new EnumMap<>(Outcome.class);
    private LongSupplier denyCacheHits;
    private LongSupplier policySwitches;

    private Builder() {
    }

    /**
     * @param outcome the outcome counted
     * @param count decisions with that outcome so far
     * @return this
     */
    public Builder decisions(Outcome outcome, LongSupplier count) {
      decisions.put(Objects.requireNonNull(outcome, "outcome"), Objects.requireNonNull(count, "count"));
      return this;
    }

    /**
     * @param count decisions answered from the deny cache so far
     * @return this
     */
    public Builder denyCacheHits(LongSupplier count) {
      this.denyCacheHits = Objects.requireNonNull(count, "count");
      return this;
    }

    /**
     * @param count switches between Redis and the failure policy so far
     * @return this
     */
    public Builder policySwitches(LongSupplier count) {
      this.policySwitches = Objects.requireNonNull(count, "count");
      return this;
    }

    /** @return the source */
    public RateLimitMeterSource build() {
      return new RateLimitMeterSource(this);
    }
  }
}
