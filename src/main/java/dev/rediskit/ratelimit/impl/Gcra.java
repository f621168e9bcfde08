package dev.rediskit.ratelimit.impl;

import dev.rediskit.ratelimit.Limit;

/**
 * The GCRA arithmetic shared by the client side of {@code gcra.lua} and {@link LocalGcra}, in
 * integer microseconds: a limit of L units per window W has an emission interval T = W / L
 * (whole microseconds, which is why a limit may not exceed one per microsecond of its window)
 * and a delay tolerance of T x burst.
 */
final class Gcra {

  private Gcra() {
  }

  static long interval(Limit limit) {
    return Math.max(1, limit.windowMs() * 1000 / limit.limit());
  }

  static long tolerance(Limit limit) {
    return interval(limit) * limit.burst();
  }

  static long increment(Limit limit, long cost) {
    return interval(limit) * cost;
  }

  /**
   * Whether the limit's emission interval is a whole number of milliseconds, so that Redis can
   * keep its state at millisecond precision in a key's expiry ({@code gcra_ms.lua}).
   */
  static boolean wholeMillis(Limit limit) {
    return interval(limit) % 1000 == 0;
  }
}
