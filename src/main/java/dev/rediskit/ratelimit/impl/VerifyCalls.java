package dev.rediskit.ratelimit.impl;

import dev.rediskit.config.RequestFields;
import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.ratelimit.EndpointLimits;
import dev.rediskit.ratelimit.Limit;
import dev.rediskit.ratelimit.RateLimitOptions.Algorithm;
import dev.rediskit.ratelimit.RateLimits;
import dev.rediskit.ratelimit.RequestChecks;

import dev.rediskit.ratelimit.Decision;
import io.vertx.core.Future;

import java.time.Duration;
import java.util.function.Function;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the call of a {@code verifyAndLimit}: the token's plan (when a resolver is set), the
 * endpoint's applied limits, their keys under one hash tag, checked.
 */
final class VerifyCalls {

  private final LimiterKeys keys;
  private final RateLimits limits;
  private final Algorithm algorithm;
  private final AlgorithmScripts scripts;
  private final int ipv6PrefixLength;
  private final Plans plans;

  VerifyCalls(LimiterKeys keys, RateLimits limits, Algorithm algorithm, AlgorithmScripts scripts, int ipv6PrefixLength,
              Plans plans) {
    this.keys = keys;
    this.limits = limits;
    this.algorithm = algorithm;
    this.scripts = scripts;
    this.ipv6PrefixLength = ipv6PrefixLength;
    this.plans = plans;
  }

  /** Checks the arguments, looks the token's plan up (before: bad input never reaches the resolver), decides. */
  Future<Decision> decide(String token, String ip, String endpoint, Duration window, Function<Call, Future<Decision>> decide) {
    if (token == null || !plans.active()) {
      if (token != null) {
        plans.unresolved();
      }
      return decide(token, ip, endpoint, window, null, decide);
    }
    try {
      checkArguments(token, ip, endpoint, window, ipv6PrefixLength);
    } catch (InvalidRequestException e) {
      return Future.failedFuture(e);
    }
    Future<String> plan = plans.plan(token);
    if (plan.succeeded()) {
      // The plan was known: no extra turn of the event loop on the hot path.
      return decide(token, ip, endpoint, window, plan.result(), decide);
    }
    return plan.compose(p -> decide(token, ip, endpoint, window, p, decide));
  }

  private Future<Decision> decide(String token, String ip, String endpoint, Duration window, String plan,
                                  Function<Call, Future<Decision>> decide) {
    Call call;
    try {
      call = of(keys, limits, algorithm, scripts, ipv6PrefixLength, token, ip, endpoint, window, plan);
    } catch (InvalidRequestException e) {
      return Future.failedFuture(e);
    }
    return decide.apply(call);
  }

  static Call of(LimiterKeys keys, RateLimits limits, Algorithm algorithm, AlgorithmScripts scripts, int ipv6PrefixLength,
                 String token, String ip, String endpoint, Duration window, String plan) {
    RequestChecks.name("endpoint", endpoint);
    RequestChecks.token("token", token);
    String ipKey = RequestChecks.ip("ip", ip, ipv6PrefixLength);
    long windowMs = window == null ? 0 : windowMillis(window);
    EndpointLimits el = limits.endpoint(endpoint, token == null ? null : plan);
    String base = keys.verify(endpoint);
    List<String> ks = new ArrayList<>(3);
    List<Limit> ls = new ArrayList<>(3);
    List<String> policies = new ArrayList<>(3);
    if (el.token() != null && token != null) {
      ks.add(LimiterKeys.token(base, token));
      ls.add(el.token());
      policies.add("token");
    }
    if (el.ip() != null && ipKey != null) {
      ks.add(LimiterKeys.ip(base, ipKey));
      ls.add(el.ip());
      policies.add("ip");
    }
    if (el.endpoint() != null) {
      ks.add(LimiterKeys.endpoint(base));
      ls.add(el.endpoint());
      policies.add("endpoint");
    }
    if (ks.isEmpty()) {
      throw new InvalidRequestException("endpoint", "no rate limit applies to \"" + endpoint + "\""
        + (el.isEmpty() ? " (none configured)" : " with the identifiers given (token " + (token == null ? "absent" : "given")
        + ", ip " + (ip == null ? "absent" : "given") + ")"));
    }
    Limit[] limitArray = new Limit[ls.size()];
    for (int i = 0; i < limitArray.length; i++) {
      Limit l = ls.get(i);
      try {
        l = windowMs > 0 ? l.withWindowMs(windowMs) : l;
        algorithm.check(l);
      } catch (InvalidRequestException e) {
        if (windowMs <= 0) {
          throw e;
        }
        // The caller's window made the configured quota one the algorithm cannot count: the window is at fault.
        throw new InvalidRequestException("window", windowMs + " ms does not fit the " + policies.get(i) + " limit "
          + ls.get(i) + " (" + e.getMessage() + ")");
      }
      limitArray[i] = l;
    }
    return new Call(ks.toArray(new String[0]), limitArray, policies.toArray(new String[0]), 1, true,
      scripts.forLimits(limitArray));
  }

  /** Checks the arguments alone, before a plan is looked up: bad input never reaches the user's resolver. */
  static void checkArguments(String token, String ip, String endpoint, Duration window, int ipv6PrefixLength) {
    RequestChecks.name("endpoint", endpoint);
    RequestChecks.token("token", token);
    RequestChecks.ip("ip", ip, ipv6PrefixLength);
    if (window != null) {
      windowMillis(window);
    }
  }

  static long windowMillis(Duration window) {
    if (window.isNegative() || window.isZero()) {
      throw new InvalidRequestException("window", "must be > 0, was " + RequestFields.saturatedMillis(window) + " ms");
    }
    long ms = RequestFields.saturatedMillis(window);
    // Limit.of's rule: a window is whole milliseconds; 1 ns must not read as 0 ms, nor 1.5 ms as 1 ms.
    if (ms <= Limit.MAX_WINDOW_MS && (ms == 0 || !Duration.ofMillis(ms).equals(window))) {
      throw new InvalidRequestException("window", "must be a whole number of milliseconds, was " + window);
    }
    RequestChecks.windowMs("window", ms);
    return ms;
  }

}
