package dev.rediskit.eventbus;

/**
 * The event-bus addresses of the module. Each is used as {@code prefix + address}, where the prefix
 * is {@link dev.rediskit.RedisKitOptions#getAddressPrefix()} (empty by default).
 */
public final class Addresses {

  /** {@code {namespace?, key}} → {@code {found, value?, stale?, ttlMs?}}. */
  public static final String CACHE_GET = "cache.get";
  /** {@code {namespace?, key, value, ttlMs?}} → {@code {ok: true}}. */
  public static final String CACHE_SET = "cache.set";
  /** {@code {namespace?, keys: [..]}} → {@code {deleted}}. */
  public static final String CACHE_DELETE = "cache.delete";
  /** {@code {namespace}} → {@code {deleted}}. */
  public static final String CACHE_FLUSH = "cache.flush";
  /** {@code {namespace?}} → the namespace's statistics. */
  public static final String CACHE_STATS = "cache.stats";
  /** {@code {namespace?, keys: [..]}} → per-key results. */
  public static final String CACHE_MGET = "cache.mget";
  /** {@code {namespace?, entries: {key: value}, ttlMs?}} → {@code {ok: true, written}}. */
  public static final String CACHE_MSET = "cache.mset";
  /** {@code {namespace?, keys: [..]}} → {@code {deleted}}. */
  public static final String CACHE_INVALIDATE = "cache.invalidate";
  /** {@code {key, limit, windowMs, cost?}} → a decision. */
  public static final String RATELIMIT_CHECK = "ratelimit.check";
  /** {@code {token?, ip?, endpoint, windowMs?}} → the strictest decision and which limit decided. */
  public static final String RATELIMIT_VERIFY = "ratelimit.verify";
  /** {@code {}} → the Redis health procedure's result. */
  public static final String HEALTH_REDIS = "health.redis";

  private Addresses() {
  }

  /**
   * @param prefix the configured address prefix (may be empty or {@code null})
   * @param address one of the constants of this class
   * @return the full address
   */
  public static String of(String prefix, String address) {
    return prefix == null || prefix.isEmpty() ? address : prefix + address;
  }
}
