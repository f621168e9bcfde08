package dev.rediskit.ratelimit;

import dev.rediskit.client.RedisGateway;
import dev.rediskit.ratelimit.impl.RateLimiterImpl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.Duration;

/**
 * A distributed rate limiter on Redis: each decision is one Lua script, one {@code EVALSHA}
 * round trip, timed by Redis {@code TIME} (never the client's clock), atomic, so that any number
 * of instances sharing the Redis grant exactly the limit between them.
 *
 * <p>Every method returns a future and never blocks. Invalid arguments fail the future with an
 * {@link dev.rediskit.error.InvalidRequestException} naming the argument, and nothing is sent to Redis.
 * Redis being unavailable, too slow (past {@link RateLimitOptions#getTimeoutMs()}) or failing
 * does not fail the future: the limiter's failure policy answers instead
 * ({@link Decision.Source#FALLBACK}).
 *
 * <p>Keys written to Redis start with {@code <keyPrefix>:rl:} and always carry a TTL: a key
 * disappears once its quota is full again (GCRA) or its window is over.
 *
 * <pre>{@code
 * RateLimiter limiter = RateLimiter.create(vertx, gateway);
 * limiter.check("user:42", 100, Duration.ofMinutes(1)).onSuccess(d -> {
 *   if (!d.allowed()) {
 *     // come back in d.retryAfterMs()
 *   }
 * });
 * }</pre>
 */
public interface RateLimiter {

  /** Name of a limiter created without one. */
  String DEFAULT_NAME = "default";

  /**
   * A limiter named {@value #DEFAULT_NAME} with the gateway's {@code rateLimit} settings.
   *
   * @param vertx the Vert.x instance
   * @param gateway the gateway to Redis
   * @return the limiter
   */
  static RateLimiter create(Vertx vertx, RedisGateway gateway) {
    RateLimitOptions section = gateway.options().section(RateLimitOptions.class);
    return create(vertx, gateway, DEFAULT_NAME, section != null ? section : new RateLimitOptions());
  }

  /**
   * @param vertx the Vert.x instance
   * @param gateway the gateway to Redis
   * @param name the limiter's name, for its statistics
   * @param options its settings (copied; validated)
   * @return the limiter
   * @throws dev.rediskit.config.ConfigurationException when the options are invalid
   */
  static RateLimiter create(Vertx vertx, RedisGateway gateway, String name, RateLimitOptions options) {
    return new RateLimiterImpl(vertx, gateway, name, options);
  }

  /**
   * Charges one unit against {@code key}.
   *
   * @param key the key, e.g. a user id (at most 1,024 characters)
   * @param limit units per window
   * @param window the window
   * @return the decision
   */
  Future<Decision> check(String key, long limit, Duration window);

  /**
   * Charges {@code cost} units against {@code key}; when they are not all available, none is
   * taken.
   *
   * @param key the key (at most 1,024 characters)
   * @param limit units per window
   * @param window the window
   * @param cost units this request takes: 1 to {@code limit}
   * @return the decision
   */
  Future<Decision> check(String key, long limit, Duration window, long cost);

  /**
   * Like {@link #check(String, long, Duration, long)}, with a limit that may carry a GCRA burst.
   *
   * @param key the key
   * @param limit the limit
   * @param cost units this request takes: 1 to the limit and its burst
   * @return the decision
   */
  Future<Decision> check(String key, Limit limit, long cost);

  /**
   * Like {@link #check(String, long, Duration)}, waiting for a slot when one is close: when the
   * request would be rejected now but its slot is at most {@code maxWait} away, Redis books that
   * slot in the same round trip, and the future completes when it is due (one timer, nothing
   * blocks), with {@link Decision#waitedMs()} set; a slot further away is rejected at once. A
   * booked slot counts against the limit like any other request, for every instance sharing the key.
   *
   * @param key the key
   * @param limit units per window
   * @param window the window
   * @param maxWait the most the request may wait, 0 to 1 hour; {@code null} or zero for no wait
   * @return the decision, once the request may proceed or is rejected
   */
  Future<Decision> check(String key, long limit, Duration window, Duration maxWait);

  /**
   * Like {@link #check(String, Limit, long)}, waiting for a slot at most {@code maxWait} away
   * ({@link #check(String, long, Duration, Duration)}). Reservations need the GCRA algorithm.
   *
   * @param key the key
   * @param limit the limit
   * @param cost units this request takes
   * @param maxWait the most the request may wait, or {@code null} for no wait
   * @return the decision, once the request may proceed or is rejected
   */
  Future<Decision> check(String key, Limit limit, long cost, Duration maxWait);

  /**
   * Charges one unit against a configured service limit ({@link RateLimits#service(String)}), for
   * internal work such as a background job's calls to a partner API. Service limits have a key
   * space of their own.
   *
   * @param service the service's name
   * @return the decision; fails with an {@link dev.rediskit.error.InvalidRequestException} on field
   * {@code service} when no limit is configured for it
   */
  Future<Decision> serviceLimit(String service);

  /**
   * Charges one unit against a service limit given here.
   *
   * @param service the service's name (errors name this field {@code service})
   * @param limit units per window
   * @param window the window
   * @return the decision
   */
  Future<Decision> serviceLimit(String service, long limit, Duration window);

  /**
   * Applies the limits configured for {@code endpoint} ({@link RateLimits#endpoint(String)}) to a
   * request: the token's, the client IP's and the endpoint's as a whole, all or nothing: when one
   * rejects, none is consumed. The decision is the strictest: the rejecting limit with the longest
   * wait, or, when allowed, the one with the fewest units left; {@link Decision#policy()} names it
   * ({@code token}, {@code ip} or {@code endpoint}) and {@link Decision#limits()} lists them all.
   *
   * <p>A limit applies when it is configured and, for the token and IP limits, when the
   * identifier is given. Tokens are hashed ({@link TokenHash}) before they enter a key; IPv6
   * addresses count per network ({@link RateLimitOptions#getIpv6PrefixLength()}). The token and IP
   * quotas are per endpoint: on a Redis Cluster all keys of a decision must share a hash slot, so
   * they are tagged by endpoint (see docs/RATE_LIMITING.md).
   *
   * @param token the caller's API token, or {@code null}
   * @param ip the caller's IP address literal, or {@code null}
   * @param endpoint the endpoint name (at most 256 characters)
   * @return the decision; fails with an {@link dev.rediskit.error.InvalidRequestException} when no limit
   * applies (field {@code endpoint}), or the IP is not an address literal (field {@code ip})
   */
  Future<Decision> verifyAndLimit(String token, String ip, String endpoint);

  /**
   * Like {@link #verifyAndLimit(String, String, String)}, with every applied limit counted over
   * {@code window} instead of its configured window (the quotas stay).
   *
   * @param token the caller's API token, or {@code null}
   * @param ip the caller's IP address literal, or {@code null}
   * @param endpoint the endpoint name
   * @param window the window to count over, or {@code null} for the configured ones
   * @return the decision
   */
  Future<Decision> verifyAndLimit(String token, String ip, String endpoint, Duration window);

  /**
   * Takes one of at most {@code maxConcurrent} places of {@code key} (a concurrency limit: "at
   * most 20 reports in flight per tenant"), exact across every instance sharing the Redis. The
   * place is a lease in Redis that ends {@code leaseTtl} after it was taken or last renewed, by
   * Redis' clock: release it with {@link Permit#release()} when the work is done; a holder that
   * dies gives it back when the lease ends.
   *
   * @param key the key (at most 1,024 characters); concurrency keys have a key space of their own
   * @param maxConcurrent the most holders at once, 1 to 1,000,000
   * @param leaseTtl how long the place is held without a renewal, 1 ms to 1 day
   * @return the permit; {@link Permit#acquired()} says whether a place was free
   */
  Future<Permit> acquire(String key, int maxConcurrent, Duration leaseTtl);

  /**
   * Releases a permit by its id, for a holder that kept only the id (e.g. behind the event bus).
   *
   * @param key the permit's key
   * @param permitId {@link Permit#id()}
   * @return {@code true} when a live lease was removed, {@code false} when there was none
   */
  Future<Boolean> release(String key, String permitId);

  /**
   * Extends a permit's lease by its id.
   *
   * @param key the permit's key
   * @param permitId {@link Permit#id()}
   * @param leaseTtl the new lease, from now
   * @return {@code true} when renewed, {@code false} when the lease had ended or been released
   */
  Future<Boolean> renew(String key, String permitId, Duration leaseTtl);

  /** @return the named limits, changeable at run time (on this instance; {@link #admin()} changes them for all) */
  RateLimits limits();

  /**
   * Sets the hook that maps a token to its plan: {@link #verifyAndLimit} then applies the plan's
   * per-token limit ({@link RateLimits#plan(String)}) where the endpoint has no token limit of its
   * own. Answers are kept for {@link RateLimitOptions#getPlanCacheMs()}.
   *
   * <p>The limiter of {@code RedisKit.create} and {@code RedisKitVerticle} starts with the resolver
   * of {@link RateLimitOptions#getPlanAddress() rateLimit.planAddress} when it is set; a call of this
   * method replaces that one (the last resolver set wins, {@code null} included) and forgets the
   * plans kept so far.
   *
   * @param resolver the hook, or {@code null} for no plans
   * @return this
   */
  RateLimiter planResolver(PlanResolver resolver);

  /**
   * @param token an API token, or {@code null}
   * @return its plan from the {@link #planResolver resolver} (cached), or {@code null} when there is
   * no resolver, no token, no plan, or the resolver failed (counted in
   * {@link RateLimitStats#planFailures()})
   */
  Future<String> plan(String token);

  /**
   * @return the admin that changes this limiter's stored limits for every instance
   * @throws IllegalStateException when {@link RateLimitOptions#isRuntimeLimits() runtime limits} are off
   */
  RateLimitAdmin admin();

  /**
   * Turns shadow mode on or off at run time: in shadow mode every decision is made and counted,
   * but none rejects ({@link Decision#shadowRejected()} tells which would have).
   *
   * @param on whether to run in shadow mode
   * @return this
   */
  RateLimiter shadowMode(boolean on);

  /** @return whether shadow mode is on */
  boolean shadowMode();

  /** @return the live counters of this limiter */
  RateLimitStats stats();

  /** @return the limiter's name */
  String name();

  /** @return the settings in use (a copy: changing it changes nothing) */
  RateLimitOptions options();

  /**
   * Checks once that Redis lets this limiter run what it sends: its decision script, by {@code EVAL} and by
   * {@code EVALSHA}, on a probe key of its own key family ({@code <keyPrefix>:rl:<algorithm>:probe}, which no
   * request can produce, and that expires within 2 s; for GCRA the whole-millisecond script too, so that every
   * command a decision can call is asked), and with {@code runtimeLimits} the stored limits' read
   * script on {@code <keyPrefix>:rl:l::probe} (a read only). {@link dev.rediskit.RedisKit} and
   * {@link dev.rediskit.RedisKitVerticle} call it at start-up; a limiter made with {@link #create} can call it
   * itself. Pipelined: one round trip.
   *
   * @return a future failed with a {@link dev.rediskit.error.RedisPermissionException} when Redis refuses the
   * command or the key (its message names the limiter, what Redis refused, and what to grant the ACL user);
   * succeeded otherwise, also when Redis cannot be asked (unavailable, too slow: that is the failure policy's case)
   */
  Future<Void> verifyAccess();

  /**
   * Stops the limiter's timer and forgets the deny cache. The gateway is not closed: it may be
   * shared.
   *
   * @return completion
   */
  Future<Void> close();
}
