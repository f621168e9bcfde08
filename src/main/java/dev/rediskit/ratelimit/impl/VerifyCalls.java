package dev.rediskit.ratelimit.impl;

import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.ratelimit.EndpointLimits;
import dev.rediskit.ratelimit.Limit;
import dev.rediskit.ratelimit.RateLimitOptions.Algorithm;
import dev.rediskit.ratelimit.RateLimits;
import dev.rediskit.ratelimit.RequestChecks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Builds the call of a {@code verifyAndLimit}: the endpoint's applied limits, their keys under one hash tag, checked. */
final class VerifyCalls {

  private VerifyCalls() {
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
      Limit l = windowMs > 0 ? ls.get(i).withWindowMs(windowMs) : ls.get(i);
      algorithm.check(l);
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
      throw new InvalidRequestException("window", "must be > 0, was " + window.toMillis() + " ms");
    }
    long ms = window.toMillis();
    RequestChecks.windowMs("window", ms);
    return ms;
  }

}
