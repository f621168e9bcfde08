package dev.rediskit.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** How a {@link RateLimitHandler} limits and what it tells the client. */
public class RateLimitHandlerOptions {

  /** Headers of earlier drafts that clients may still read, besides {@code RateLimit-Policy} and {@code RateLimit}. */
  public enum LegacyHeaders {
    /** None. */
    NONE,
    /** {@code RateLimit-Limit}, {@code RateLimit-Remaining}, {@code RateLimit-Reset} (seconds from now). */
    RATELIMIT,
    /** {@code X-RateLimit-Limit}, {@code X-RateLimit-Remaining}, {@code X-RateLimit-Reset} (seconds from now). */
    X_RATELIMIT
  }

  private final List<HttpRateLimitPolicy> policies = new ArrayList<>();
  private ClientIpResolver clientIpResolver = ClientIpResolver.direct();
  private String apiKeyHeader;
  private LegacyHeaders legacyHeaders = LegacyHeaders.NONE;

  /** @return the policies, in the order they appear in the headers */
  public List<HttpRateLimitPolicy> getPolicies() {
    return policies;
  }

  /**
   * @param policy one more policy; all are applied to every request
   * @return this
   * @throws IllegalArgumentException when a policy of that name exists
   */
  public RateLimitHandlerOptions addPolicy(HttpRateLimitPolicy policy) {
    Objects.requireNonNull(policy, "policy");
    if (policies.stream().anyMatch(p -> p.name().equals(policy.name()))) {
      throw new IllegalArgumentException("policy name: \"" + policy.name() + "\" is used twice");
    }
    policies.add(policy);
    return this;
  }

  /** @return how the client IP is found */
  public ClientIpResolver getClientIpResolver() {
    return clientIpResolver;
  }

  /**
   * @param resolver how the client IP is found (default: the TCP peer, no proxy trusted)
   * @return this
   */
  public RateLimitHandlerOptions setClientIpResolver(ClientIpResolver resolver) {
    this.clientIpResolver = Objects.requireNonNull(resolver, "resolver");
    return this;
  }

  /** @return the header holding an API key, or {@code null} */
  public String getApiKeyHeader() {
    return apiKeyHeader;
  }

  /**
   * @param apiKeyHeader a header holding the caller's API key (e.g. {@code X-API-Key}), read before
   * {@code Authorization: Bearer}; {@code null} for bearer tokens only
   * @return this
   */
  public RateLimitHandlerOptions setApiKeyHeader(String apiKeyHeader) {
    this.apiKeyHeader = apiKeyHeader;
    return this;
  }

  /** @return which legacy headers are added */
  public LegacyHeaders getLegacyHeaders() {
    return legacyHeaders;
  }

  /**
   * @param legacyHeaders legacy headers to add, with the values of the most restrictive policy
   * @return this
   */
  public RateLimitHandlerOptions setLegacyHeaders(LegacyHeaders legacyHeaders) {
    this.legacyHeaders = Objects.requireNonNull(legacyHeaders, "legacyHeaders");
    return this;
  }
}
