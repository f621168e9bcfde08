package dev.rediskit.cache.impl;

import dev.rediskit.config.RequestFields;
import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.cache.CacheNames;
import dev.rediskit.cache.CacheOptions;
import dev.rediskit.cache.LoadOptions;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The cache's rules for lifetimes: which TTLs a caller may ask for, the jitter applied to every
 * write, and the settings of one getOrLoad resolved against the cache's defaults.
 *
 * <p>Kept apart from the Redis traffic so that the checks (and their messages, which name the
 * field) are one piece every write path shares and a unit test covers without a server.
 */
final class TtlRules {

  private final CacheOptions options;

  /** @param options the validated cache settings (not changed afterwards) */
  TtlRules(CacheOptions options) {
    this.options = options;
  }

  /**
   * @param field the field to report
   * @param ttl a TTL
   * @return it in ms, when {@code > 0} and at most {@code cache.maxTtlMs}
   * @throws InvalidRequestException naming {@code field}
   */
  long checkTtl(String field, Duration ttl) {
    if (ttl == null) {
      throw new InvalidRequestException(field, "is required");
    }
    return checkTtlMs(field, wholeMillis(field, ttl, "must be at least 1 ms"));
  }

  /**
   * Redis keeps lifetimes in whole milliseconds. A positive duration below one would become 0: for a
   * TTL a refusal saying "was 0" of what the caller wrote as more, for a stale window or an idle TTL a
   * silent "off". Refused instead, showing the duration as given.
   */
  private static long wholeMillis(String field, Duration d, String rule) {
    long ms = RequestFields.saturatedMillis(d);
    if (ms == 0 && !d.isZero() && !d.isNegative()) {
      throw new InvalidRequestException(field, rule + " (lifetimes are whole milliseconds), was " + d);
    }
    return ms;
  }

  /**
   * @param field the field to report
   * @param ms a TTL in ms
   * @return it, when {@code > 0} and at most {@code cache.maxTtlMs}
   * @throws InvalidRequestException naming {@code field}
   */
  long checkTtlMs(String field, long ms) {
    if (ms <= 0) {
      throw new InvalidRequestException(field, "must be > 0, was " + ms);
    }
    if (ms > options.getMaxTtlMs()) {
      throw new InvalidRequestException(field, "must be <= cache.maxTtlMs (" + options.getMaxTtlMs() + "), was " + ms);
    }
    return ms;
  }

  /**
   * @param ttlMs a checked TTL
   * @return the TTL shortened by a random part of up to {@code cache.ttlJitterPercent} (never
   *     lengthened, so PTTL <= ttl): entries written together do not all expire together
   */
  long jitter(long ttlMs) {
    int pct = options.getTtlJitterPercent();
    if (pct == 0 || ttlMs < 2) {
      return ttlMs;
    }
    long spread = ttlMs * pct / 100;
    return spread <= 0 ? ttlMs : Math.max(1, ttlMs - ThreadLocalRandom.current().nextLong(spread + 1));
  }

  /**
   * @param o the caller's load options, or {@code null} for the defaults
   * @return them resolved against the cache's defaults
   * @throws InvalidRequestException naming the first field out of range
   */
  LoadSettings resolve(LoadOptions o) {
    return resolve(o, 0);
  }

  /**
   * @param o the caller's load options, or {@code null} for the defaults
   * @param namespaceIdleMs the namespace's idle TTL, used when {@code o} sets none (0: no sliding expiry)
   * @return them resolved against the cache's and the namespace's defaults
   * @throws InvalidRequestException naming the first field out of range
   */
  LoadSettings resolve(LoadOptions o, long namespaceIdleMs) {
    if (o == null) {
      o = new LoadOptions();
    }
    long ttl = o.getTtl() == null ? options.getTtlMs() : checkTtl("ttlMs", o.getTtl());
    long stale = o.getStaleTtl() == null ? options.getStaleTtlMs()
      : wholeMillis("staleTtlMs", o.getStaleTtl(), "must be 0 or at least 1 ms");
    if (stale < 0) {
      throw new InvalidRequestException("staleTtlMs", "must be >= 0, was " + stale);
    }
    if (stale > options.getMaxTtlMs()) {
      throw new InvalidRequestException("staleTtlMs", "must be <= cache.maxTtlMs (" + options.getMaxTtlMs() + "), was " + stale);
    }
    double f = o.getRefreshAheadFraction();
    if (!(f >= 0 && f < 1)) {
      throw new InvalidRequestException("refreshAheadFraction", "must be >= 0 and < 1, was " + f);
    }
    double b = o.getRefreshAheadBeta();
    if (!(b >= 0 && b <= 10)) {
      throw new InvalidRequestException("refreshAheadBeta", "must be between 0 and 10, was " + b);
    }
    if (f > 0 && b > 0) {
      throw new InvalidRequestException("refreshAheadBeta", "must be 0 when refreshAheadFraction is set (pick one way)");
    }
    long nullTtl = o.getNullTtl() == null ? Math.min(options.getNullTtlMs(), options.getMaxTtlMs())
      : checkTtl("nullTtlMs", o.getNullTtl());
    long idle = o.getIdleTtl() == null ? namespaceIdleMs : checkIdleTtl("idleTtlMs", o.getIdleTtl());
    return new LoadSettings(ttl, stale, f, b, o.isCacheNulls(), nullTtl, idle, CacheNames.checkTags(o.getTags()));
  }

  /**
   * The rule of every get-or-load, the event-bus service's included: the caller's options laid over
   * the namespace's configured ones ({@link LoadOptions#overriding}), field by field; what neither
   * sets comes from the cache's settings.
   *
   * @param o the caller's load options, or {@code null} for the namespace's
   * @param namespaceDefaults the namespace's configured load options ({@code cache.namespaces.<ns>}),
   *     or {@code null} when it configures none
   * @return them resolved
   * @throws InvalidRequestException naming the first field out of range
   */
  LoadSettings resolve(LoadOptions o, LoadOptions namespaceDefaults) {
    if (namespaceDefaults == null) {
      return resolve(o, 0);
    }
    // The namespace's idle TTL is among its defaults: nothing to fall back on beyond them.
    return resolve(o == null ? namespaceDefaults : o.overriding(namespaceDefaults), 0);
  }

  /**
   * @param field the field to report
   * @param idle an idle TTL
   * @return it in ms: 0 (sliding off) or up to {@code cache.maxTtlMs}
   * @throws InvalidRequestException naming {@code field}
   */
  long checkIdleTtl(String field, Duration idle) {
    if (idle == null) {
      throw new InvalidRequestException(field, "is required");
    }
    long ms = wholeMillis(field, idle, "must be 0 (sliding expiry off) or at least 1 ms");
    if (ms < 0) {
      throw new InvalidRequestException(field, "must be >= 0 (0 turns sliding expiry off), was " + ms);
    }
    if (ms > options.getMaxTtlMs()) {
      throw new InvalidRequestException(field, "must be <= cache.maxTtlMs (" + options.getMaxTtlMs() + "), was " + ms);
    }
    return ms;
  }
}
