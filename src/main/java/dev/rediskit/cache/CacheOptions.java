package dev.rediskit.cache;

/** Cache defaults: TTLs, serve-stale window and the largest value accepted. */
public class CacheOptions {

  /** Default time to live of an entry, in milliseconds (5 minutes). */
  public static final long DEFAULT_TTL_MS = 300_000;
  /** Default extra time an expired entry is kept to be served stale, in milliseconds (0: off). */
  public static final long DEFAULT_STALE_TTL_MS = 0;
  /** Default longest TTL accepted, in milliseconds (30 days). */
  public static final long DEFAULT_MAX_TTL_MS = 30L * 24 * 3600 * 1000;
  /** Default largest encoded value accepted, in bytes (1 MiB). */
  public static final int DEFAULT_MAX_VALUE_BYTES = 1024 * 1024;
  /** Default TTL jitter, in percent of the TTL (0: off). */
  public static final int DEFAULT_TTL_JITTER_PERCENT = 0;

  private long ttlMs = DEFAULT_TTL_MS;
  private long staleTtlMs = DEFAULT_STALE_TTL_MS;
  private long maxTtlMs = DEFAULT_MAX_TTL_MS;
  private int maxValueBytes = DEFAULT_MAX_VALUE_BYTES;
  private int ttlJitterPercent = DEFAULT_TTL_JITTER_PERCENT;

  /** Options with every default. */
  public CacheOptions() {
  }

  /** @param other the options to copy */
  public CacheOptions(CacheOptions other) {
    this.ttlMs = other.ttlMs;
    this.staleTtlMs = other.staleTtlMs;
    this.maxTtlMs = other.maxTtlMs;
    this.maxValueBytes = other.maxValueBytes;
    this.ttlJitterPercent = other.ttlJitterPercent;
  }

  /** @return the default TTL in milliseconds */
  public long getTtlMs() {
    return ttlMs;
  }

  /** @param ttlMs the default TTL in milliseconds @return this */
  public CacheOptions setTtlMs(long ttlMs) {
    this.ttlMs = ttlMs;
    return this;
  }

  /** @return the default serve-stale window in milliseconds */
  public long getStaleTtlMs() {
    return staleTtlMs;
  }

  /** @param staleTtlMs the default serve-stale window in milliseconds @return this */
  public CacheOptions setStaleTtlMs(long staleTtlMs) {
    this.staleTtlMs = staleTtlMs;
    return this;
  }

  /** @return the longest TTL accepted in milliseconds */
  public long getMaxTtlMs() {
    return maxTtlMs;
  }

  /** @param maxTtlMs the longest TTL accepted in milliseconds @return this */
  public CacheOptions setMaxTtlMs(long maxTtlMs) {
    this.maxTtlMs = maxTtlMs;
    return this;
  }

  /** @return the largest encoded value accepted, in bytes */
  public int getMaxValueBytes() {
    return maxValueBytes;
  }

  /** @param maxValueBytes the largest encoded value accepted, in bytes @return this */
  public CacheOptions setMaxValueBytes(int maxValueBytes) {
    this.maxValueBytes = maxValueBytes;
    return this;
  }

  /** @return the TTL jitter in percent */
  public int getTtlJitterPercent() {
    return ttlJitterPercent;
  }

  /** @param ttlJitterPercent the TTL jitter in percent (0 to 50) @return this */
  public CacheOptions setTtlJitterPercent(int ttlJitterPercent) {
    this.ttlJitterPercent = ttlJitterPercent;
    return this;
  }
}
