package dev.rediskit.web;

import dev.rediskit.config.RequestFields;
import dev.rediskit.ratelimit.Limit;
import dev.rediskit.ratelimit.RequestChecks;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * One limit the {@link RateLimitHandler} applies to each request, and what it is counted per:
 * the client IP, the caller's token, the route, or anything a function derives from the request.
 *
 * <p>The name appears in the {@code RateLimit-Policy} and {@code RateLimit} headers and in the
 * key, so policies of different names never share a quota: use letters, digits and {@code - _ .}.
 * The name is the counter: policies of the same name in other handlers (other routes, verticles or
 * instances sharing the Redis) count against one quota, and should have the same limit; a route
 * that needs a quota of its own needs a policy name of its own.
 */
public final class HttpRateLimitPolicy {

  /** What a policy counts per. */
  public enum KeyKind {
    /** The client IP ({@link ClientIpResolver}; IPv6 per network). */
    IP,
    /** The caller's token: the API-key header when configured and present, else the Authorization bearer token; hashed. */
    TOKEN,
    /**
     * The route the handler is on: its path pattern ({@code /users/:id}, {@code /api/*}), or the
     * request path for routes without one.
     */
    ROUTE,
    /** A key computed by a function of the request. */
    CUSTOM
  }

  /** Longest policy name, in characters: it is sent in every response's headers and is part of every key. */
  public static final int MAX_NAME_LENGTH = 64;

  private final String name;
  private final Limit limit;
  private final long cost;
  private final KeyKind kind;
  private final Function<RoutingContext, String> keyFunction;
  private final int maxConcurrent;
  private final Duration leaseTtl;
  private final boolean partitionKey;
  private Duration maxWait;
  private boolean plans;

  private HttpRateLimitPolicy(String name, Limit limit, long cost, KeyKind kind, Function<RoutingContext, String> keyFunction) {
    this(name, Objects.requireNonNull(limit, "limit"), cost, kind, keyFunction, 0, null, false);
  }

  private HttpRateLimitPolicy(String name, Limit limit, long cost, KeyKind kind, Function<RoutingContext, String> keyFunction,
                              int maxConcurrent, Duration leaseTtl, boolean partitionKey) {
    if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH
      || !name.chars().allMatch(c -> Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '_' || c == '.')) {
      throw new IllegalArgumentException("policy name: must be 1 to " + MAX_NAME_LENGTH
        + " letters, digits, '-', '_' or '.', was \"" + name + "\"");
    }
    if (limit != null && (cost < 1 || cost > limit.limit() || cost > limit.burst())) {
      throw new IllegalArgumentException("cost: must be between 1 and the limit (and burst), was " + cost);
    }
    if (limit == null) {
      if (maxConcurrent < 1 || maxConcurrent > RequestChecks.MAX_CONCURRENT) {
        throw new IllegalArgumentException("maxConcurrent: must be between 1 and " + RequestChecks.MAX_CONCURRENT
          + ", was " + maxConcurrent);
      }
      long ms = leaseTtl == null ? 0 : RequestFields.saturatedMillis(leaseTtl);
      if (ms < 1 || ms > RequestChecks.MAX_LEASE_TTL_MS) {
        throw new IllegalArgumentException("leaseTtl: must be between 1 ms and 1 day, was " + leaseTtl);
      }
    }
    this.name = name;
    this.limit = limit;
    this.cost = cost;
    this.kind = kind;
    this.keyFunction = keyFunction;
    this.maxConcurrent = maxConcurrent;
    this.leaseTtl = leaseTtl;
    this.partitionKey = partitionKey;
  }

  /**
   * @param name the policy's name
   * @param limit requests per window
   * @param window the window
   * @return a policy per client IP
   */
  public static HttpRateLimitPolicy perIp(String name, long limit, Duration window) {
    return new HttpRateLimitPolicy(name, Limit.of(limit, window), 1, KeyKind.IP, null);
  }

  /**
   * Per token: requests without a token are not counted by this policy (combine it with a
   * per-IP policy to cover them).
   *
   * @param name the policy's name
   * @param limit requests per window
   * @param window the window
   * @return a policy per caller token
   */
  public static HttpRateLimitPolicy perToken(String name, long limit, Duration window) {
    return new HttpRateLimitPolicy(name, Limit.of(limit, window), 1, KeyKind.TOKEN, null);
  }

  /**
   * @param name the policy's name
   * @param limit requests per window, all callers together
   * @param window the window
   * @return a policy per route
   */
  public static HttpRateLimitPolicy perRoute(String name, long limit, Duration window) {
    return new HttpRateLimitPolicy(name, Limit.of(limit, window), 1, KeyKind.ROUTE, null);
  }

  /**
   * @param name the policy's name
   * @param limit requests per window
   * @param window the window
   * @param key derives the key from the request; {@code null} leaves the request uncounted by this policy
   * @return a policy per computed key
   */
  public static HttpRateLimitPolicy perKey(String name, long limit, Duration window, Function<RoutingContext, String> key) {
    return new HttpRateLimitPolicy(name, Limit.of(limit, window), 1, KeyKind.CUSTOM, Objects.requireNonNull(key, "key"));
  }

  /**
   * A concurrency limit: at most {@code maxConcurrent} requests with the same key in flight at
   * once, across every instance sharing the Redis. The handler takes a permit before the route
   * ({@link dev.rediskit.ratelimit.RateLimiter#acquire}) and releases it when the response ends,
   * fails or the connection closes, renewing it every half lease while the request is in flight;
   * a node that dies with requests in flight gives their places back when the lease ends.
   *
   * @param name the policy's name
   * @param kind what the requests are counted per ({@link KeyKind#CUSTOM} needs {@link #concurrentPerKey})
   * @param maxConcurrent the most requests in flight per key
   * @param leaseTtl how long a place is held if its node stops renewing it
   * @return the policy
   */
  public static HttpRateLimitPolicy concurrent(String name, KeyKind kind, int maxConcurrent, Duration leaseTtl) {
    if (Objects.requireNonNull(kind, "kind") == KeyKind.CUSTOM) {
      throw new IllegalArgumentException("kind: CUSTOM needs a key function, use concurrentPerKey");
    }
    return new HttpRateLimitPolicy(name, null, 1, kind, null, maxConcurrent, leaseTtl, false);
  }

  /**
   * @param name the policy's name
   * @param maxConcurrent the most requests in flight per key
   * @param leaseTtl how long a place is held if its node stops renewing it
   * @param key derives the key from the request; {@code null} leaves the request uncounted by this policy
   * @return a concurrency limit per computed key
   */
  public static HttpRateLimitPolicy concurrentPerKey(String name, int maxConcurrent, Duration leaseTtl,
                                                     Function<RoutingContext, String> key) {
    return new HttpRateLimitPolicy(name, null, 1, KeyKind.CUSTOM, Objects.requireNonNull(key, "key"), maxConcurrent, leaseTtl,
      false);
  }

  /**
   * @param limit the limit, e.g. with a GCRA burst
   * @return a copy with that limit
   */
  public HttpRateLimitPolicy withLimit(Limit limit) {
    requireRate("withLimit");
    HttpRateLimitPolicy copy = new HttpRateLimitPolicy(name, Objects.requireNonNull(limit, "limit"), cost, kind, keyFunction, 0,
      null, partitionKey);
    copy.maxWait = maxWait;
    copy.plans = plans;
    return copy;
  }

  /**
   * @param cost units each request takes
   * @return a copy with that cost
   */
  public HttpRateLimitPolicy withCost(long cost) {
    requireRate("withCost");
    HttpRateLimitPolicy copy = new HttpRateLimitPolicy(name, limit, cost, kind, keyFunction, 0, null, partitionKey);
    copy.maxWait = maxWait;
    copy.plans = plans;
    return copy;
  }

  /**
   * Lets a request over the limit wait for its slot when it is at most {@code maxWait} away
   * ({@link dev.rediskit.ratelimit.RateLimiter#check(String, Limit, long, Duration)}): the handler
   * holds the request (paused, no thread blocked) until the slot Redis booked is due, then passes
   * it on; a slot further away is rejected at once. Needs a GCRA limiter.
   *
   * @param maxWait the most a request waits, up to 1 hour
   * @return a copy that waits
   */
  public HttpRateLimitPolicy withMaxWait(Duration maxWait) {
    requireRate("withMaxWait");
    long ms = RequestFields.saturatedMillis(Objects.requireNonNull(maxWait, "maxWait"));
    if (ms < 0 || ms > RequestChecks.MAX_WAIT_MS) {
      throw new IllegalArgumentException("maxWait: must be between 0 and 1 hour, was " + maxWait);
    }
    HttpRateLimitPolicy copy = new HttpRateLimitPolicy(name, limit, cost, kind, keyFunction, 0, null, partitionKey);
    copy.maxWait = ms == 0 ? null : maxWait;
    copy.plans = plans;
    return copy;
  }

  /** @return how long a request may wait for its slot, or {@code null} for no wait */
  public Duration maxWait() {
    return maxWait;
  }

  /**
   * Sends the draft's partition key ({@code pk}) with this policy's items: the first 16 bytes of
   * the SHA-256 of the policy's key (the IP or /64 network, the token's hash, the route, or the
   * custom key), as a structured-field byte sequence. It lets a client that acts for several
   * partitions tell their quotas apart without seeing the key itself.
   *
   * @return a copy that sends {@code pk}
   */
  public HttpRateLimitPolicy withPartitionKey() {
    HttpRateLimitPolicy copy = new HttpRateLimitPolicy(name, limit, cost, kind, keyFunction, maxConcurrent, leaseTtl, true);
    copy.maxWait = maxWait;
    copy.plans = plans;
    return copy;
  }

  /**
   * Counts each token against its plan's limit: the handler asks the limiter for the token's plan
   * ({@link dev.rediskit.ratelimit.RateLimiter#plan}, cached) and, when the plan has a limit
   * ({@link dev.rediskit.ratelimit.RateLimits#plan}, configured or stored at run time), applies it
   * instead of this policy's own, which stays for tokens without a plan. The headers show the
   * limit applied. Only for a per-token rate policy ({@link #perToken}).
   *
   * @return a copy that applies plan limits
   * @throws IllegalStateException when this is not a per-token rate policy
   */
  public HttpRateLimitPolicy withPlans() {
    requireRate("withPlans");
    if (kind != KeyKind.TOKEN) {
      throw new IllegalStateException("withPlans: only for a per-token policy, this one counts per " + kind);
    }
    HttpRateLimitPolicy copy = new HttpRateLimitPolicy(name, limit, cost, kind, keyFunction, 0, null, partitionKey);
    copy.maxWait = maxWait;
    copy.plans = true;
    return copy;
  }

  /** @return whether tokens are counted against their plan's limit ({@link #withPlans()}) */
  public boolean usesPlans() {
    return plans;
  }

  private void requireRate(String method) {
    if (limit == null) {
      throw new IllegalStateException(method + ": not for a concurrency limit");
    }
  }

  /** @return whether this is a concurrency limit ({@link #concurrent}) rather than a rate limit */
  public boolean isConcurrency() {
    return limit == null;
  }

  /** @return the most requests in flight per key of a concurrency limit, else 0 */
  public int maxConcurrent() {
    return maxConcurrent;
  }

  /** @return the lease of a concurrency limit's permits, else {@code null} */
  public Duration leaseTtl() {
    return leaseTtl;
  }

  /** @return whether the items carry the draft's partition key */
  public boolean partitionKey() {
    return partitionKey;
  }

  /** @return the name */
  public String name() {
    return name;
  }

  /** @return the limit; {@code null} for a concurrency limit */
  public Limit limit() {
    return limit;
  }

  /** @return units each request takes */
  public long cost() {
    return cost;
  }

  /** @return what the policy counts per */
  public KeyKind kind() {
    return kind;
  }

  /** @return the key function of a {@link KeyKind#CUSTOM} policy, else {@code null} */
  public Function<RoutingContext, String> keyFunction() {
    return keyFunction;
  }

  @Override
  public String toString() {
    return "HttpRateLimitPolicy[" + name + ", " + kind + ", "
      + (limit == null ? "at most " + maxConcurrent + " in flight, lease " + leaseTtl.toMillis() + " ms" : limit)
      + (cost == 1 ? "" : ", cost " + cost) + (maxWait == null ? "" : ", waits up to " + maxWait.toMillis() + " ms")
      + (partitionKey ? ", pk" : "") + (plans ? ", plans" : "") + "]";
  }
}
