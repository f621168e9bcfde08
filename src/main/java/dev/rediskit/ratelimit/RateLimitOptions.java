package dev.rediskit.ratelimit;

/** Rate-limit defaults: the limiter's own timeout and its behaviour when Redis is unavailable. */
public class RateLimitOptions {

  /** What a limiter answers when Redis is unavailable or the breaker is open. */
  public enum FailurePolicy {
    /** Allow the request. */
    FAIL_OPEN,
    /** Reject the request. */
    FAIL_CLOSED,
    /** Decide with an in-memory limiter holding a share of the quota. */
    LOCAL
  }

  /** Default limiter timeout, in milliseconds: past it the failure policy decides. */
  public static final long DEFAULT_TIMEOUT_MS = 250;
  /** Default failure policy. */
  public static final FailurePolicy DEFAULT_FAILURE_POLICY = FailurePolicy.FAIL_OPEN;
  /** Default share of the quota the LOCAL policy grants each instance, in percent. */
  public static final int DEFAULT_LOCAL_SHARE_PERCENT = 50;
  /** Default size of the local deny cache (entries). */
  public static final int DEFAULT_DENY_CACHE_SIZE = 10_000;

  private long timeoutMs = DEFAULT_TIMEOUT_MS;
  private FailurePolicy failurePolicy = DEFAULT_FAILURE_POLICY;
  private int localSharePercent = DEFAULT_LOCAL_SHARE_PERCENT;
  private int denyCacheSize = DEFAULT_DENY_CACHE_SIZE;

  /** Options with every default. */
  public RateLimitOptions() {
  }

  /** @param other the options to copy */
  public RateLimitOptions(RateLimitOptions other) {
    this.timeoutMs = other.timeoutMs;
    this.failurePolicy = other.failurePolicy;
    this.localSharePercent = other.localSharePercent;
    this.denyCacheSize = other.denyCacheSize;
  }

  /** @return the limiter timeout in milliseconds */
  public long getTimeoutMs() {
    return timeoutMs;
  }

  /** @param timeoutMs the limiter timeout in milliseconds @return this */
  public RateLimitOptions setTimeoutMs(long timeoutMs) {
    this.timeoutMs = timeoutMs;
    return this;
  }

  /** @return the failure policy */
  public FailurePolicy getFailurePolicy() {
    return failurePolicy;
  }

  /** @param failurePolicy the failure policy @return this */
  public RateLimitOptions setFailurePolicy(FailurePolicy failurePolicy) {
    this.failurePolicy = failurePolicy;
    return this;
  }

  /** @return the LOCAL policy's share of the quota, in percent */
  public int getLocalSharePercent() {
    return localSharePercent;
  }

  /** @param localSharePercent the LOCAL policy's share of the quota, in percent @return this */
  public RateLimitOptions setLocalSharePercent(int localSharePercent) {
    this.localSharePercent = localSharePercent;
    return this;
  }

  /** @return the deny cache size in entries */
  public int getDenyCacheSize() {
    return denyCacheSize;
  }

  /** @param denyCacheSize the deny cache size in entries @return this */
  public RateLimitOptions setDenyCacheSize(int denyCacheSize) {
    this.denyCacheSize = denyCacheSize;
    return this;
  }
}
