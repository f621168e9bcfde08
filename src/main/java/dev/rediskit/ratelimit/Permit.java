package dev.rediskit.ratelimit;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Duration;

/**
 * The answer to {@link RateLimiter#acquire(String, int, Duration)}: a place among at most
 * {@link #maxConcurrent()} holders of a key, held as a lease in Redis that ends
 * {@link #leaseTtlMs()} after it was taken or last renewed, by Redis' clock. Give it back with
 * {@link #release()} when the work is done; a holder that never does (it crashed, its node died)
 * loses the place when the lease ends.
 *
 * <p>{@link #release()} is idempotent: the first call sends the one release, every later call
 * returns the same future. A permit that was not {@link #acquired()} releases nothing.
 */
public interface Permit {

  /** @return whether a place was granted */
  boolean acquired();

  /** @return the key the permit counts against */
  String key();

  /** @return the holder id in Redis ({@code null} when not acquired, or granted by the failure policy) */
  String id();

  /** @return the most holders the key allows */
  int maxConcurrent();

  /** @return holders of the key when Redis decided, this one included when acquired */
  int held();

  /** @return places left when Redis decided ({@code maxConcurrent - held}, at least 0) */
  default int available() {
    return Math.max(0, maxConcurrent() - held());
  }

  /** @return the lease, in ms */
  long leaseTtlMs();

  /**
   * @return when not acquired: ms until the earliest lease ends, the latest a place frees
   * (releases usually come sooner); 0 when acquired
   */
  long retryAfterMs();

  /** @return where the answer came from: {@code REDIS}, {@code FALLBACK} (the failure policy) or {@code OVERLOADED} */
  Decision.Source source();

  /**
   * Gives the place back. Idempotent; never fails for a lease that already ended (it completes
   * with {@code false}).
   *
   * @return {@code true} when a live lease was removed, {@code false} when there was none
   * (already released, ended, never acquired, or granted by the failure policy)
   */
  Future<Boolean> release();

  /**
   * Extends the lease to {@link #leaseTtlMs()} from now, for work that outlasts it.
   *
   * @return {@code true} when renewed; {@code false} when the lease had already ended or been
   * released (its place may have gone to another holder: acquire again)
   */
  default Future<Boolean> renew() {
    return renew(Duration.ofMillis(leaseTtlMs()));
  }

  /**
   * @param leaseTtl the new lease, from now
   * @return {@code true} when renewed, {@code false} when the lease had already ended or been released
   */
  Future<Boolean> renew(Duration leaseTtl);

  /** @return {@code {acquired, key, permitId?, maxConcurrent, held, available, leaseTtlMs, retryAfterMs, source}} */
  default JsonObject toJson() {
    JsonObject json = new JsonObject()
      .put("acquired", acquired())
      .put("key", key());
    if (id() != null) {
      json.put("permitId", id());
    }
    return json
      .put("maxConcurrent", maxConcurrent())
      .put("held", held())
      .put("available", available())
      .put("leaseTtlMs", leaseTtlMs())
      .put("retryAfterMs", retryAfterMs())
      .put("source", source().name());
  }
}
