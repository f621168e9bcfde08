package dev.rediskit.health;

/**
 * The outcome of one run of the Redis health procedure, whatever detail level it was shown at:
 * what the {@code rediskit_redis_*} gauges report.
 *
 * @param up whether Redis answered and is usable
 * @param degraded whether it is usable but something needs attention (breaker half-open, slow PING,
 * failed cluster master...)
 * @param pingMs the PING round trip in milliseconds, or {@code NaN} when PING did not answer
 * @param finishedAtMillis when the check finished (wall clock, milliseconds since the epoch)
 */
public record HealthSnapshot(boolean up, boolean degraded, double pingMs, long finishedAtMillis) {
}
