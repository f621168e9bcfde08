package dev.rediskit.eventbus;

import dev.rediskit.eventbus.impl.RateLimitClientImpl;
import dev.rediskit.ratelimit.Decision;
import dev.rediskit.ratelimit.LimitChange;
import dev.rediskit.ratelimit.Permit;
import dev.rediskit.ratelimit.RateLimitStats;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

import java.time.Duration;

/**
 * A typed client of the {@code ratelimit.*} addresses, for verticles (or nodes of a clustered
 * Vert.x) that do not own the limiter. Failures come back as the module's typed exceptions
 * ({@link FailureCodes#fromReply}): {@link dev.rediskit.error.InvalidRequestException} naming the field,
 * {@link dev.rediskit.error.RedisUnavailableException}, {@link dev.rediskit.error.RedisTimeoutException}.
 * No method throws for its arguments: a duration that does not fit in a long of milliseconds fails
 * the future with an {@code InvalidRequestException} naming the field ({@code windowMs},
 * {@code maxWaitMs}, {@code leaseTtlMs}) before anything is sent, and a missing one is the limiter's
 * to refuse, as any other field.
 *
 * <p>{@link #setLimits(LimitChange)} and {@link #limits()} use the privileged addresses
 * {@code ratelimit.limits.set} and {@code ratelimit.limits.get}: they answer only where the limiter
 * runs with {@code rateLimit.adminAddresses} on, and only to code in the same Vert.x instance (local
 * consumers); elsewhere they fail with a {@link dev.rediskit.error.RedisUnavailableException} saying so.
 *
 * <pre>{@code
 * RateLimitClient client = RateLimitClient.create(vertx, "");
 * client.check("user:42", 100, Duration.ofMinutes(1)).onSuccess(d -> log.info("allowed: " + d.allowed()));
 * }</pre>
 */
public interface RateLimitClient {

  /**
   * @param vertx the Vert.x instance
   * @param addressPrefix the prefix the consumers were registered with (may be empty)
   * @return the client, with default delivery options
   */
  static RateLimitClient create(Vertx vertx, String addressPrefix) {
    return create(vertx, addressPrefix, new DeliveryOptions());
  }

  /**
   * @param vertx the Vert.x instance
   * @param addressPrefix the prefix the consumers were registered with (may be empty)
   * @param options delivery options of every request (e.g. the send timeout)
   * @return the client
   */
  static RateLimitClient create(Vertx vertx, String addressPrefix, DeliveryOptions options) {
    return new RateLimitClientImpl(vertx, addressPrefix, options, false);
  }

  /**
   * @param fail when {@code true}, a request that Redis could not decide under a FAIL_CLOSED
   * policy fails with {@link dev.rediskit.error.RedisUnavailableException} instead of returning the
   * policy's rejection
   * @return a client asking so (this one is unchanged)
   */
  RateLimitClient failOnUnavailable(boolean fail);

  /**
   * @param key the key
   * @param limit units per window
   * @param window the window
   * @return the decision, as {@link dev.rediskit.ratelimit.RateLimiter#check(String, long, Duration)}
   */
  Future<Decision> check(String key, long limit, Duration window);

  /**
   * @param key the key
   * @param limit units per window
   * @param window the window
   * @param cost units the request takes
   * @return the decision
   */
  Future<Decision> check(String key, long limit, Duration window, long cost);

  /**
   * @param token the caller's token, or {@code null}
   * @param ip the caller's IP address, or {@code null}
   * @param endpoint the endpoint name
   * @return the strictest decision, as {@link dev.rediskit.ratelimit.RateLimiter#verifyAndLimit(String, String, String)}
   */
  Future<Decision> verifyAndLimit(String token, String ip, String endpoint);

  /**
   * @param token the token, or {@code null}
   * @param ip the client IP, or {@code null}
   * @param endpoint the endpoint
   * @return the strictest decision
   * @deprecated one name per operation, as in {@link dev.rediskit.ratelimit.RateLimiter}: use {@link #verifyAndLimit(String, String, String)}
   */
  @Deprecated
  default Future<Decision> verify(String token, String ip, String endpoint) {
    return verifyAndLimit(token, ip, endpoint);
  }

  /**
   * @param token the caller's token, or {@code null}
   * @param ip the caller's IP address, or {@code null}
   * @param endpoint the endpoint name
   * @param window the window to count over instead of the configured ones, or {@code null}
   * @return the strictest decision
   */
  Future<Decision> verifyAndLimit(String token, String ip, String endpoint, Duration window);

  /**
   * @param token the token, or {@code null}
   * @param ip the client IP, or {@code null}
   * @param endpoint the endpoint
   * @param window replaces the window of each applied limit
   * @return the strictest decision
   * @deprecated use {@link #verifyAndLimit(String, String, String, Duration)}
   */
  @Deprecated
  default Future<Decision> verify(String token, String ip, String endpoint, Duration window) {
    return verifyAndLimit(token, ip, endpoint, window);
  }

  /**
   * Charges one unit against a service's configured limit through {@code ratelimit.service}, as
   * {@link dev.rediskit.ratelimit.RateLimiter#serviceLimit(String)} does where the limiter runs: every
   * caller of a service name, on any node, shares its limit.
   *
   * @param service the service's name, one of {@code rateLimit.serviceLimits} (or of the stored limits)
   * @return the decision; failed with an {@link dev.rediskit.error.InvalidRequestException} on field
   * {@code service} when the limiter has no limit for it
   */
  Future<Decision> serviceLimit(String service);

  /**
   * The limiter's counters, as {@link dev.rediskit.ratelimit.RateLimiter#stats()} reads them on the
   * node that owns it: decisions by outcome and by source ({@code ratelimit.stats}).
   *
   * @return a snapshot of the counters
   */
  Future<RateLimitStats> stats();

  /**
   * Takes a place under a concurrency limit through {@code ratelimit.acquire}, as
   * {@link dev.rediskit.ratelimit.RateLimiter#acquire(String, int, Duration)}; the permit's
   * {@link Permit#release()} and {@link Permit#renew()} send {@code ratelimit.release} and
   * {@code ratelimit.renew}.
   *
   * @param key the key
   * @param maxConcurrent the most holders at once
   * @param leaseTtl how long the place is held without a renewal
   * @return the permit
   */
  Future<Permit> acquire(String key, int maxConcurrent, Duration leaseTtl);

  /**
   * A check that may wait for its slot ({@code ratelimit.check} with {@code maxWaitMs}), as
   * {@link dev.rediskit.ratelimit.RateLimiter#check(String, long, Duration, Duration)}: the reply
   * comes when the booked slot is due, so the request's send timeout is raised to cover the wait.
   *
   * @param key the key
   * @param limit units per window
   * @param window the window
   * @param maxWait the most the request may wait
   * @return the decision, once the request may proceed or is rejected
   */
  Future<Decision> check(String key, long limit, Duration window, Duration maxWait);

  /**
   * Stores a change of the limits for every instance sharing the limiter's Redis, through the
   * privileged {@code ratelimit.limits.set}, as {@link dev.rediskit.ratelimit.RateLimitAdmin#apply(LimitChange)}
   * does on the limiter's own instance: all of the change or nothing.
   *
   * <p>A change with problems this side can see (none given, no entry, more than
   * {@link LimitChange#MAX_ENTRIES}, entries its JSON reader could not read) is refused before
   * anything is sent, so that a change read from JSON never travels without its unreadable entries
   * and gets applied in part. The limiter checks the rest (what its algorithm can count).
   *
   * @param change the change
   * @return the stored limits' version after the change; failed with an
   * {@link dev.rediskit.ratelimit.InvalidLimitChangeException} listing every problem when refused
   * before sending (field {@code change}), an {@link dev.rediskit.error.InvalidRequestException} of
   * field {@code change} whose message names every problem when the limiter refused it (nothing was
   * applied either way), a {@link dev.rediskit.error.RedisUnavailableException} when no consumer
   * answers at the address in this Vert.x instance ({@code rateLimit.adminAddresses} off, or the
   * limiter in another instance) or Redis cannot take the change, a
   * {@link dev.rediskit.error.RedisTimeoutException} when no reply came in time
   */
  Future<Long> setLimits(LimitChange change);

  /**
   * Reads the stored limits and the answering limiter's view of them through the privileged
   * {@code ratelimit.limits.get}, as {@link dev.rediskit.ratelimit.RateLimitAdmin#stored()} and
   * {@link dev.rediskit.ratelimit.RateLimitAdmin#status()} do on the limiter's own instance.
   *
   * @return the report; failed like {@link #setLimits(LimitChange)} when no consumer answers, Redis
   * cannot be read, or no reply came in time
   */
  Future<LimitsReport> limits();
}
