package dev.rediskit.web;

import dev.rediskit.ratelimit.RateLimiter;
import dev.rediskit.web.impl.RateLimitHandlerImpl;
import io.vertx.ext.web.handler.PlatformHandler;

/**
 * A Vert.x Web handler that rate-limits requests with a {@link RateLimiter}, mountable on any
 * route or router, before the handlers it protects. It is a {@link PlatformHandler}: on one route
 * it comes first, before a body handler (so a rejected request's body is never read) and before
 * authentication (it reads the token header itself, hashed). The request is paused while Redis
 * decides, so the body is not lost.
 *
 * <p>Every response carries the fields of draft-ietf-httpapi-ratelimit-headers-11, one item per
 * policy that counted the request:
 * <pre>
 * RateLimit-Policy: "per-ip";q=100;w=60, "per-token";q=1000;w=3600
 * RateLimit: "per-ip";r=42;t=60, "per-token";r=998;t=3600
 * </pre>
 * where {@code q} is the quota, {@code w} the window and {@code t} the seconds until the quota is
 * full again (on a rejected response: until the request would pass), all rounded up; and,
 * optionally, the older {@code RateLimit-Limit/Remaining/Reset} or {@code X-RateLimit-*}.
 *
 * <p>A rejected request gets {@code 429 Too Many Requests} with {@code Retry-After} (seconds,
 * rounded up, never before any {@code t} of the response) and an {@code application/problem+json}
 * body (RFC 9457, the draft's {@code quota-exceeded} type, listing the {@code violated-policies}).
 * When the limiter could not reach Redis and its policy is FAIL_CLOSED, the answer is
 * {@code 503 Service Unavailable} with the {@code temporary-reduced-capacity} type instead.
 *
 * <pre>{@code
 * router.route("/api/*").handler(RateLimitHandler.create(limiter, new RateLimitHandlerOptions()
 *   .addPolicy(HttpRateLimitPolicy.perIp("per-ip", 100, Duration.ofMinutes(1)))
 *   .addPolicy(HttpRateLimitPolicy.perToken("per-token", 1000, Duration.ofHours(1)))
 *   .setClientIpResolver(ClientIpResolver.create(ClientIpResolver.ForwardedHeader.X_FORWARDED_FOR, List.of("10.0.0.0/8")))));
 * }</pre>
 *
 * <p>Policies are checked together (one round trip each, in parallel); each one that allows
 * the request consumes from its quota even when another rejects it. For all-or-nothing use
 * {@link RateLimiter#verifyAndLimit} from a handler of your own.
 */
public interface RateLimitHandler extends PlatformHandler {

  /**
   * @param limiter the limiter to decide with
   * @param options the policies and header settings
   * @return the handler
   * @throws IllegalArgumentException when no policy is given
   */
  static RateLimitHandler create(RateLimiter limiter, RateLimitHandlerOptions options) {
    return new RateLimitHandlerImpl(limiter, options);
  }

  /**
   * @param limiter the limiter to decide with
   * @param policies the policies, with default settings otherwise (client IP from the TCP peer,
   * bearer tokens, no legacy headers)
   * @return the handler
   */
  static RateLimitHandler create(RateLimiter limiter, HttpRateLimitPolicy... policies) {
    RateLimitHandlerOptions options = new RateLimitHandlerOptions();
    for (HttpRateLimitPolicy p : policies) {
      options.addPolicy(p);
    }
    return create(limiter, options);
  }
}
