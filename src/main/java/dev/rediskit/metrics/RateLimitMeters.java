package dev.rediskit.metrics;

import dev.rediskit.ratelimit.RateLimitStats;
import dev.rediskit.ratelimit.RateLimiter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.Collection;
import java.util.function.ToLongFunction;

/** Rate-limit meters, each the sum over the limiters' stats at scrape time. */
final class RateLimitMeters extends Binding {
  final Collection<? extends RateLimiter> limiters;

  RateLimitMeters(RedisKitMetricsImpl owner, MeterRegistry registry, String name, Collection<? extends RateLimiter> limiters) {
    super(owner, registry);
    this.limiters = limiters;
    Tags tags = Tags.of(MeterNames.TAG_LIMITER, name);
    for (RateLimitStats.Outcome o : RateLimitStats.Outcome.values()) {
      counter(MeterNames.RATELIMIT_DECISIONS, tags.and(MeterNames.TAG_OUTCOME, tagValue(o)), this, b -> b.sum(s -> s.decisions(o)));
    }
    counter(MeterNames.RATELIMIT_DENY_CACHE_HITS, tags, this, b -> b.sum(RateLimitStats::denyCacheHits));
    counter(MeterNames.RATELIMIT_POLICY_SWITCHES, tags, this, b -> b.sum(RateLimitStats::policySwitches));
    for (RateLimitStats.PermitOutcome o : RateLimitStats.PermitOutcome.values()) {
      counter(MeterNames.RATELIMIT_PERMITS, tags.and(MeterNames.TAG_OUTCOME, o.tagName()), this, b -> b.sum(s -> s.permits(o)));
    }
    add(Gauge.builder(MeterNames.RATELIMIT_PERMITS_HELD, this, b -> b.sum(RateLimitStats::permitsHeld)).tags(tags)
      .description(description(MeterNames.RATELIMIT_PERMITS_HELD)).register(registry));
    for (RateLimitStats.LimitChangeOutcome o : RateLimitStats.LimitChangeOutcome.values()) {
      counter(MeterNames.RATELIMIT_LIMIT_CHANGES, tags.and(MeterNames.TAG_OUTCOME, o.tagName()), this,
        b -> b.sum(s -> s.limitChanges(o)));
    }
    counter(MeterNames.RATELIMIT_LIMIT_REFRESH_FAILURES, tags, this, b -> b.sum(RateLimitStats::limitRefreshFailures));
    counter(MeterNames.RATELIMIT_PLAN_FAILURES, tags, this, b -> b.sum(RateLimitStats::planFailures));
    counter(MeterNames.RATELIMIT_PERMISSION_REFUSALS, tags, this, b -> b.sum(RateLimitStats::permissionRefusals));
  }

  private long sum(ToLongFunction<RateLimitStats> count) {
    long sum = 0;
    for (RateLimiter limiter : limiters) {
      sum += count.applyAsLong(limiter.stats());
    }
    return sum;
  }

static String tagValue(RateLimitStats.Outcome outcome) {
  return switch (outcome) {
    case ALLOWED -> MeterNames.DECISION_ALLOWED;
    case REJECTED -> MeterNames.DECISION_REJECTED;
    case SHADOW_REJECTED -> MeterNames.DECISION_SHADOW_REJECTED;
    case FALLBACK_ALLOWED -> MeterNames.DECISION_FALLBACK_ALLOWED;
    case FALLBACK_REJECTED -> MeterNames.DECISION_FALLBACK_REJECTED;
    case OVERLOADED_REJECTED -> MeterNames.DECISION_OVERLOADED_REJECTED;
  };
}
}
