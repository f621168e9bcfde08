package dev.rediskit.ratelimit;

import io.vertx.core.Future;

/**
 * Maps an API token to the plan its owner is on ({@code "free"}, {@code "pro"}), so that
 * {@link RateLimiter#verifyAndLimit} and the web handler's plan policies apply that plan's
 * per-token limit ({@link RateLimits#plan(String)}). Set with {@link RateLimiter#planResolver}, or,
 * for the limiter of {@code RedisKit.create} and {@code RedisKitVerticle}, configured as an
 * event-bus address ({@link RateLimitOptions#getPlanAddress() rateLimit.planAddress}).
 *
 * <p>The limiter keeps each answer for {@link RateLimitOptions#getPlanCacheMs()} (at most
 * {@link RateLimitOptions#getPlanCacheSize()} tokens), so the resolver is asked about once per
 * token and period, not per request. It is called on the caller's event loop and must not block:
 * a lookup in a blocking store belongs in {@code vertx.executeBlocking} or on a worker.
 *
 * <p>A {@code null} plan, or one without a limit, means the ordinary per-token limits. A failed
 * future is not cached; that decision uses the ordinary limits and the failure is counted and
 * logged (a plan store being down must neither lift nor close every limit).
 */
@FunctionalInterface
public interface PlanResolver {

  /**
   * @param token the API token as the caller presented it (never {@code null})
   * @return its plan's name, or {@code null} for none
   */
  Future<String> plan(String token);
}
