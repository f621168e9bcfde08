package dev.rediskit.metrics;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Where a cache's meters read their counts, for {@link RedisKitMetrics#bindCache}. Each count is a
 * {@link LongSupplier} of a monotonic total the cache keeps anyway for its statistics (a
 * {@code LongAdder::sum}, a snapshot's field), read when the registry is scraped: the cache's hot
 * path pays nothing for metrics, and the meters and the {@code cache.stats} reply can never disagree.
 *
 * <p>Counts left unset are simply not registered, rather than reported as a misleading zero.
 *
 * <pre>{@code
 * metrics.bindCache("users", CacheMeterSource.builder()
 *   .requests(CacheMeterSource.Result.HIT, stats::hits)
 *   .requests(CacheMeterSource.Result.MISS, stats::misses)
 *   .requests(CacheMeterSource.Result.STALE, stats::staleHits)
 *   .loads(stats::loads, () -> TimeUnit.MILLISECONDS.toNanos(stats.loadTimeMs()))
 *   .loadFailures(stats::loadFailures)
 *   .build());
 * }</pre>
 */
public final class CacheMeterSource {

  /** The result of a cache read, the {@value MeterNames#TAG_RESULT} tag of {@value MeterNames#CACHE_REQUESTS}. */
  public enum Result {
    /** Found fresh. */
    HIT(MeterNames.RESULT_HIT),
    /** Not found. */
    MISS(MeterNames.RESULT_MISS),
    /** Found expired and served stale. */
    STALE(MeterNames.RESULT_STALE);

    private final String tagValue;

    Result(String tagValue) {
      this.tagValue = tagValue;
    }

    /** @return the tag value */
    public String tagValue() {
      return tagValue;
    }
  }

  final Map<Result, LongSupplier> requests;
  final LongSupplier loads;
  final LongSupplier loadNanos;
  final LongSupplier loadFailures;
  final LongSupplier singleFlightJoins;
  final LongSupplier leaseWaits;
  final LongSupplier refreshAheadRuns;
  final LongSupplier flushRuns;
  final LongSupplier flushKeysRemoved;

  private CacheMeterSource(Builder b) {
    this.requests = Collections.unmodifiableMap(new EnumMap<>(b.requests));
    this.loads = b.loads;
    this.loadNanos = b.loadNanos;
    this.loadFailures = b.loadFailures;
    this.singleFlightJoins = b.singleFlightJoins;
    this.leaseWaits = b.leaseWaits;
    this.refreshAheadRuns = b.refreshAheadRuns;
    this.flushRuns = b.flushRuns;
    this.flushKeysRemoved = b.flushKeysRemoved;
  }

  /** @return a builder with no count set */
  public static Builder builder() {
    return new Builder();
  }

  /** Collects the counts; each setter replaces an earlier one. */
  public static final class Builder {
    private final Map<Result, LongSupplier> requests = new EnumMap<>(Result.class);
    private LongSupplier loads;
    private LongSupplier loadNanos;
    private LongSupplier loadFailures;
    private LongSupplier singleFlightJoins;
    private LongSupplier leaseWaits;
    private LongSupplier refreshAheadRuns;
    private LongSupplier flushRuns;
    private LongSupplier flushKeysRemoved;

    private Builder() {
    }

    /**
     * @param result hit, miss or stale
     * @param count reads with that result so far
     * @return this
     */
    public Builder requests(Result result, LongSupplier count) {
      requests.put(Objects.requireNonNull(result, "result"), Objects.requireNonNull(count, "count"));
      return this;
    }

    /**
     * @param count loader calls so far
     * @param totalNanos their summed duration, in nanoseconds
     * @return this
     */
    public Builder loads(LongSupplier count, LongSupplier totalNanos) {
      this.loads = Objects.requireNonNull(count, "count");
      this.loadNanos = Objects.requireNonNull(totalNanos, "totalNanos");
      return this;
    }

    /**
     * @param count loader calls that failed so far
     * @return this
     */
    public Builder loadFailures(LongSupplier count) {
      this.loadFailures = Objects.requireNonNull(count, "count");
      return this;
    }

    /**
     * @param count callers that joined a running load so far
     * @return this
     */
    public Builder singleFlightJoins(LongSupplier count) {
      this.singleFlightJoins = Objects.requireNonNull(count, "count");
      return this;
    }

    /**
     * @param count waits for another node's load lease so far
     * @return this
     */
    public Builder leaseWaits(LongSupplier count) {
      this.leaseWaits = Objects.requireNonNull(count, "count");
      return this;
    }

    /**
     * @param count refresh-ahead reloads so far
     * @return this
     */
    public Builder refreshAheadRuns(LongSupplier count) {
      this.refreshAheadRuns = Objects.requireNonNull(count, "count");
      return this;
    }

    /**
     * @param runs namespace flushes so far
     * @param keysRemoved keys they removed so far
     * @return this
     */
    public Builder flushes(LongSupplier runs, LongSupplier keysRemoved) {
      this.flushRuns = Objects.requireNonNull(runs, "runs");
      this.flushKeysRemoved = Objects.requireNonNull(keysRemoved, "keysRemoved");
      return this;
    }

    /** @return the source */
    public CacheMeterSource build() {
      return new CacheMeterSource(this);
    }
  }
}
