package dev.rediskit.web;

import dev.rediskit.ratelimit.Limit;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * One limit the {@link RateLimitHandler} applies to each request, and what it is counted per:
 * the client IP, the caller's token, the route, or anything a function derives from the request.
 *
 * <p>The name appears in the {@code RateLimit-Policy} and {@code RateLimit} headers and in the
 * key, so two policies never share a quota: use letters, digits and {@code - _ .}.
 */
public final class HttpRateLimitPolicy {

  /** What a policy counts per. */
  public enum KeyKind {
    /** The client IP ({@link ClientIpResolver}; IPv6 per network). */
    IP,
    /** The caller's token: the API-key header when configured and present, else the Authorization bearer token; hashed. */
    TOKEN,
    /** The route: its path pattern, or the request path for routes without one. */
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

  private HttpRateLimitPolicy(String name, Limit limit, long cost, KeyKind kind, Function<RoutingContext, String> keyFunction) {
    if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH
      || !name.chars().allMatch(c -> Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '_' || c == '.')) {
      throw new IllegalArgumentException("policy name: must be 1 to " + MAX_NAME_LENGTH
        + " letters, digits, '-', '_' or '.', was \"" + name + "\"");
    }
    if (cost < 1 || cost > limit.limit() || cost > limit.burst()) {
      throw new IllegalArgumentException("cost: must be between 1 and the limit (and burst), was " + cost);
    }
    this.name = name;
    this.limit = Objects.requireNonNull(limit, "limit");
    this.cost = cost;
    this.kind = kind;
    this.keyFunction = keyFunction;
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
   * @param limit the limit, e.g. with a GCRA burst
   * @return a copy with that limit
   */
  public HttpRateLimitPolicy withLimit(Limit limit) {
    return new HttpRateLimitPolicy(name, limit, cost, kind, keyFunction);
  }

  /**
   * @param cost units each request takes
   * @return a copy with that cost
   */
  public HttpRateLimitPolicy withCost(long cost) {
    return new HttpRateLimitPolicy(name, limit, cost, kind, keyFunction);
  }

  /** @return the name */
  public String name() {
    return name;
  }

  /** @return the limit */
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
    return "HttpRateLimitPolicy[" + name + ", " + kind + ", " + limit + (cost == 1 ? "" : ", cost " + cost) + "]";
  }
}
