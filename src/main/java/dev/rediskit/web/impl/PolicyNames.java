package dev.rediskit.web.impl;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.rediskit.web.HttpRateLimitPolicy;
import dev.rediskit.web.RateLimitHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each limiter's HTTP policies count, by name, across every handler made on it. A policy's name
 * is its counter ({@code http:<policy>:<key>}), so two handlers with a policy of one name and two
 * limits do not get two quotas: each decides on the state the other wrote. That is legal (routes may
 * share a quota) but never what two different limits mean, so it is said, once per change.
 */
final class PolicyNames {

  private static final Logger LOG = LoggerFactory.getLogger(RateLimitHandler.class);
  /** Weak keys (by identity): a limiter closed and dropped takes its names with it. No lock: handlers are made on event loops. */
  private static final Cache<Object, Map<String, String>> COUNTED = Caffeine.newBuilder().weakKeys().build();

  private PolicyNames() {
  }

  /**
   * Notes the policies of a new handler and warns of each name that another handler on the same
   * limiter counts with another limit.
   *
   * @param limiter the limiter the handler decides with
   * @param limiterName its name, for the message
   * @param policies the handler's policies
   * @return the warnings logged (empty when none)
   */
  static List<String> register(Object limiter, String limiterName, List<HttpRateLimitPolicy> policies) {
    List<String> warnings = new ArrayList<>();
    Map<String, String> counted = COUNTED.get(limiter, l -> new ConcurrentHashMap<>());
    for (HttpRateLimitPolicy p : policies) {
      String mine = counting(p);
      String before = counted.put(p.name(), mine);
      if (before != null && !before.equals(mine)) {
        warnings.add("rate limiter " + limiterName + ": HTTP policy \"" + p.name() + "\" counts " + mine
          + " here and " + before + " in another handler; the name is the counter, so both decide on one quota "
          + "(after one limit is spent the other rejects too): give routes that need quotas of their own "
          + "policies of their own names, or one limit to a shared name");
      }
    }
    warnings.forEach(LOG::warn);
    return warnings;
  }

  private static String counting(HttpRateLimitPolicy p) {
    return p.isConcurrency() ? "at most " + p.maxConcurrent() + " in flight" : p.limit().toString();
  }
}
