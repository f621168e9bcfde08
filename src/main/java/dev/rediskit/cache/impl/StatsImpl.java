package dev.rediskit.cache.impl;

import dev.rediskit.cache.CacheStats;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/** Live counters of one namespace: LongAdders, cheap to bump from any thread on the hot path. */
public final class StatsImpl implements CacheStats {

  private final String namespace;
  final LongAdder hits = new LongAdder();
  final LongAdder misses = new LongAdder();
  final LongAdder staleHits = new LongAdder();
  final LongAdder loads = new LongAdder();
  final LongAdder loadFailures = new LongAdder();
  final LongAdder loadTimeNanos = new LongAdder();
  final LongAdder errors = new LongAdder();
  final LongAdder sets = new LongAdder();
  final LongAdder deletes = new LongAdder();
  final LongAdder singleFlightJoins = new LongAdder();
  final LongAdder leaseWaits = new LongAdder();
  final LongAdder refreshes = new LongAdder();
  final LongAdder redisFallbacks = new LongAdder();
  final LongAdder flushes = new LongAdder();
  final LongAdder flushedKeys = new LongAdder();

  StatsImpl(String namespace) {
    this.namespace = namespace;
  }

  @Override
  public String namespace() {
    return namespace;
  }

  @Override
  public long hits() {
    return hits.sum();
  }

  @Override
  public long misses() {
    return misses.sum();
  }

  @Override
  public long staleHits() {
    return staleHits.sum();
  }

  @Override
  public long loads() {
    return loads.sum();
  }

  @Override
  public long loadFailures() {
    return loadFailures.sum();
  }

  @Override
  public long loadTimeMs() {
    return TimeUnit.NANOSECONDS.toMillis(loadTimeNanos.sum());
  }

  @Override
  public long errors() {
    return errors.sum();
  }

  @Override
  public long sets() {
    return sets.sum();
  }

  @Override
  public long deletes() {
    return deletes.sum();
  }

  @Override
  public long singleFlightJoins() {
    return singleFlightJoins.sum();
  }

  @Override
  public long leaseWaits() {
    return leaseWaits.sum();
  }

  @Override
  public long refreshes() {
    return refreshes.sum();
  }

  @Override
  public long redisFallbacks() {
    return redisFallbacks.sum();
  }

  @Override
  public long flushes() {
    return flushes.sum();
  }

  @Override
  public long flushedKeys() {
    return flushedKeys.sum();
  }

  @Override
  public String toString() {
    return "CacheStats" + toJson().encode();
  }
}
