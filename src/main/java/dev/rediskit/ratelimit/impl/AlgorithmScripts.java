package dev.rediskit.ratelimit.impl;

import dev.rediskit.config.KeyFamily;
import dev.rediskit.ratelimit.Limit;
import dev.rediskit.ratelimit.RateLimitOptions.Algorithm;

/**
 * What an algorithm means for the limiter: the family of its keys (each algorithm keeps state of
 * another shape, so their keys must never meet) and the script for each call. This is the one
 * place that switches on the algorithm; a limiter makes its own, so that the argument reuse of
 * {@link GcraScript} is per limiter.
 */
final class AlgorithmScripts {

  private final KeyFamily family;
  /** For one key. */
  private final LimiterScript one;
  /** For one key whose limit's emission interval is whole milliseconds, or {@code null} when the algorithm has no such script. */
  private final LimiterScript oneMillis;
  /** For several keys. */
  private final LimiterScript several;

  private AlgorithmScripts(KeyFamily family, LimiterScript one, LimiterScript oneMillis, LimiterScript several) {
    this.family = family;
    this.one = one;
    this.oneMillis = oneMillis;
    this.several = several;
  }

  /**
   * @param algorithm an algorithm
   * @return its key family and scripts, new for one limiter
   */
  static AlgorithmScripts of(Algorithm algorithm) {
    return switch (algorithm) {
      case GCRA -> new AlgorithmScripts(KeyFamily.RATE_LIMIT_GCRA, GcraScript.micros(), GcraScript.millis(),
        new GcraMultiScript());
      case FIXED_WINDOW -> {
        FixedWindowScript s = new FixedWindowScript();
        yield new AlgorithmScripts(KeyFamily.RATE_LIMIT_FIXED, s, null, s);
      }
      case SLIDING_WINDOW -> {
        SlidingWindowScript s = new SlidingWindowScript();
        yield new AlgorithmScripts(KeyFamily.RATE_LIMIT_SLIDING, s, null, s);
      }
    };
  }

  /** @return the family of the algorithm's keys */
  KeyFamily family() {
    return family;
  }

  /**
   * @param limits the limits of a call's keys, one per key
   * @return the script that decides the call
   */
  LimiterScript forLimits(Limit[] limits) {
    if (limits.length > 1) {
      return several;
    }
    return oneMillis != null && Gcra.wholeMillis(limits[0]) ? oneMillis : one;
  }
}
