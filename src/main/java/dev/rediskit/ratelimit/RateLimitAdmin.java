package dev.rediskit.ratelimit;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Changes the limits of a limiter at run time, for every instance and node sharing its Redis:
 * endpoint, service and plan limits are stored in Redis (in a key family of their own, which no
 * request can name) and win over the configured ones of the same name, which stay the defaults.
 * Needs {@link RateLimitOptions#setRuntimeLimits(boolean) runtime limits}.
 *
 * <p>Every limiter with runtime limits follows the stored limits: Redis notifies it of a change
 * (client-side tracking of the limits key), and it reads them again every
 * {@link RateLimitOptions#getLimitsRefreshMs()} in case a notification was lost with its
 * connection. A change is enforced everywhere within milliseconds normally, and at the latest
 * after {@code limitsRefreshMs} plus one Redis read. While Redis cannot be read, each instance
 * keeps the limits it knew last, and reports the failure (a log line, {@link #status()}, the
 * {@code rediskit.ratelimit.limits.refresh.failures} meter).
 *
 * <p>This is a privileged operation: whoever can call it can lift any limit. Keep it to
 * operators' code; the event-bus addresses for it are off by default and, when on, local
 * consumers only.
 *
 * <pre>{@code
 * RateLimitAdmin admin = RateLimitAdmin.create(limiter);
 * admin.apply(new LimitChange().setPlan("pro", Limit.parse("5000/1m"))
 *   .setEndpoint("/login", new EndpointLimits(Limit.parse("5/1m"), null, null)));
 * }</pre>
 */
public interface RateLimitAdmin {

  /**
   * @param limiter a limiter with runtime limits
   * @return its admin
   * @throws IllegalStateException when the limiter's runtime limits are off
   */
  static RateLimitAdmin create(RateLimiter limiter) {
    return limiter.admin();
  }

  /**
   * Validates the change (every problem at once: nothing is written when there is one), writes
   * all its entries in one atomic script, and applies them to this limiter at once; the other
   * instances follow within the bound above.
   *
   * @param change the change
   * @return the stored limits' version after the change; failed with an
   * {@link InvalidLimitChangeException} listing every problem, or with the Redis error (then
   * nothing was written)
   */
  Future<Long> apply(LimitChange change);

  /**
   * @return what Redis stores now, read from it: {@code {version, endpoints, services, plans}} in
   * the form of {@link LimitChange#toJson()}
   */
  Future<JsonObject> stored();

  /**
   * Reads the stored limits now rather than at the next notification or refresh.
   *
   * @return completion; failed with the Redis error (the last known limits stay in force)
   */
  Future<Void> refresh();

  /**
   * @return this instance's view: {@code {version, lastReadAgoMs, refreshes, refreshFailures,
   * lastError?, changes: {applied, refused, failed}, effective: {endpoints, services, plans}}}
   */
  JsonObject status();
}
