package dev.rediskit.eventbus;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The event-bus addresses of the module. Each is used as {@code prefix + address}, where the prefix
 * is {@link dev.rediskit.RedisKitOptions#getAddressPrefix()} (empty by default).
 */
public final class Addresses {

  /** {@code {namespace?, key, idleTtlMs?}} → {@code {found, value?, stale?, ttlMs?, source, tags?, service?}}. */
  public static final String CACHE_GET = "cache.get";
  /**
   * {@code {calls: [<cache.get request>, ...]}} → {@code {results: [{ok: <cache.get reply>} | {failureCode, message}, ...]}}:
   * several {@code cache.get} calls in one message, each answered as {@code cache.get} would have
   * (what {@link CacheClient} sends for the reads of one event-loop turn).
   */
  public static final String CACHE_GET_BATCH = "cache.get.batch";
  /** {@code {namespace?, key, value, ttlMs?, idleTtlMs?, tags?}} → {@code {ok: true}}. */
  public static final String CACHE_SET = "cache.set";
  /** {@code {namespace?, keys: [..]}} → {@code {deleted}}. */
  public static final String CACHE_DELETE = "cache.delete";
  /** {@code {namespace}} → {@code {deleted}}. */
  public static final String CACHE_FLUSH = "cache.flush";
  /** {@code {namespace}} → {@code {version}}: every entry of the namespace unreachable at once. */
  public static final String CACHE_BUMP_VERSION = "cache.bumpVersion";
  /** {@code {tag}} → {@code {version}}: every entry carrying the tag stale at once, in every namespace. */
  public static final String CACHE_INVALIDATE_TAG = "cache.invalidateTag";
  /** {@code {namespace?}} → the namespace's statistics. */
  public static final String CACHE_STATS = "cache.stats";
  /** {@code {namespace?, keys: [..]}} → per-key results. */
  public static final String CACHE_MGET = "cache.mget";
  /** {@code {namespace?, entries: {key: value}, ttlMs?}} → {@code {ok: true, written}}. */
  public static final String CACHE_MSET = "cache.mset";
  /** {@code {namespace?, keys: [..]}} → {@code {deleted}}. */
  public static final String CACHE_INVALIDATE = "cache.invalidate";
  /**
   * {@code {namespace?, key, args?, loader?, ...load options}} → {@code {found, value?, stale, ttlMs?, source}}:
   * get-or-load through the namespace's loader address.
   */
  public static final String CACHE_GET_OR_LOAD = "cache.getOrLoad";
  /** {@code {namespace?, keys: [..], batchSize?, ttlMs?}} → {@code {requested, loaded, failed, written, skipped}}. */
  public static final String CACHE_WARM = "cache.warm";
  /**
   * Published by the cache service, never sent to it: the changes of the namespaces it tracks, for
   * the near caches of {@link CacheClient}s. {@code {type: "invalidate", service, epoch, seq,
   * namespace, keys}}, {@code {type: "flush", service, epoch, seq, namespace?, cause}} (no namespace:
   * all), and every {@value #NEAR_HEARTBEAT_MS} ms {@code {type: "heartbeat", service, epoch, seq,
   * confirmedAtMs?, namespaces}}. {@code service} names the publishing instance, {@code epoch} its
   * tracking link's, {@code seq} numbers its invalidate and flush messages one by one (a heartbeat
   * repeats the last), {@code confirmedAtMs} is the wall-clock time before which every change had
   * been published (absent while its link is not confirmed). See docs/CACHING.md.
   */
  public static final String CACHE_INVALIDATIONS = "cache.invalidations";
  /** How often the cache service publishes a heartbeat on {@link #CACHE_INVALIDATIONS}, in milliseconds. */
  public static final long NEAR_HEARTBEAT_MS = 100;
  /** {@code {key, limit, windowMs, cost?, maxWaitMs?}} → a decision (after the wait, for a booked slot). */
  public static final String RATELIMIT_CHECK = "ratelimit.check";
  /**
   * {@code {calls: [<ratelimit.check request>, ...]}} → {@code {results: [{ok: <decision>} | {failureCode, message}, ...]}}:
   * several {@code ratelimit.check} calls in one message, each answered as {@code ratelimit.check}
   * would have (what {@link RateLimitClient} sends for the checks of one event-loop turn).
   */
  public static final String RATELIMIT_CHECK_BATCH = "ratelimit.check.batch";
  /** {@code {token?, ip?, endpoint, windowMs?}} → the strictest decision and which limit decided. */
  public static final String RATELIMIT_VERIFY = "ratelimit.verify";
  /**
   * {@code {service, failOnUnavailable?}} → a decision: one unit against the service's configured limit
   * ({@code rateLimit.serviceLimits}), as {@link dev.rediskit.ratelimit.RateLimiter#serviceLimit(String)};
   * a service without a configured limit is a 400 on field {@code service}.
   */
  public static final String RATELIMIT_SERVICE = "ratelimit.service";
  /** {@code {key, maxConcurrent, leaseTtlMs}} → a permit: {@code {acquired, permitId?, held, available, retryAfterMs, ...}}. */
  public static final String RATELIMIT_ACQUIRE = "ratelimit.acquire";
  /** {@code {key, permitId}} → {@code {released}}. */
  public static final String RATELIMIT_RELEASE = "ratelimit.release";
  /** {@code {key, permitId, leaseTtlMs}} → {@code {renewed}}. */
  public static final String RATELIMIT_RENEW = "ratelimit.renew";
  /** {@code {}} → the limiter's counters: decisions by outcome and by source. */
  public static final String RATELIMIT_STATS = "ratelimit.stats";
  /**
   * Privileged, off by default ({@code rateLimit.adminAddresses}), and when on a local consumer
   * only: {@code {endpoints?, services?, plans?}} (a {@link dev.rediskit.ratelimit.LimitChange}) →
   * {@code {version}}; a refused change fails with 400 naming every problem and changes nothing.
   * Typed: {@link RateLimitClient#setLimits(dev.rediskit.ratelimit.LimitChange)}.
   */
  public static final String RATELIMIT_LIMITS_SET = "ratelimit.limits.set";
  /**
   * Privileged like {@link #RATELIMIT_LIMITS_SET}: {@code {}} → {@code {stored: {version, endpoints,
   * services, plans}, status: <this instance's view>}}. Typed: {@link RateLimitClient#limits()}.
   */
  public static final String RATELIMIT_LIMITS_GET = "ratelimit.limits.get";
  /**
   * {@code {}} → the Redis health procedure's result, {@code {id, status: UP|DOWN, data?, outcome}}
   * (DOWN is a reply, not a failure). Typed: {@link HealthClient#redis()}.
   */
  public static final String HEALTH_REDIS = "health.redis";

  /**
   * The request fields of every address, a {@code ?} marking an optional one: the README's address
   * table shows the same, and the {@code cache.getOrLoad} and {@code cache.warm} consumers refuse
   * any other field (a mistyped option must not be ignored silently).
   */
  public static final Map<String, List<String>> REQUEST_FIELDS = requestFields();

  /** What the cache service sends a namespace's loader: {@code {namespace, key, args?}}. */
  public static final List<String> LOADER_REQUEST_FIELDS = List.of("namespace", "key", "args?");
  /** What the cache service sends a namespace's batch loader: {@code {namespace, keys}}. */
  public static final List<String> BATCH_LOADER_REQUEST_FIELDS = List.of("namespace", "keys");

  private Addresses() {
  }

  private static Map<String, List<String>> requestFields() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put(CACHE_GET, List.of("namespace?", "key", "idleTtlMs?"));
    m.put(CACHE_GET_BATCH, List.of("calls"));
    m.put(CACHE_SET, List.of("namespace?", "key", "value", "ttlMs?", "idleTtlMs?", "tags?"));
    m.put(CACHE_DELETE, List.of("namespace?", "keys"));
    m.put(CACHE_INVALIDATE, List.of("namespace?", "keys"));
    m.put(CACHE_FLUSH, List.of("namespace"));
    m.put(CACHE_BUMP_VERSION, List.of("namespace"));
    m.put(CACHE_INVALIDATE_TAG, List.of("tag"));
    m.put(CACHE_STATS, List.of("namespace?"));
    m.put(CACHE_MGET, List.of("namespace?", "keys"));
    m.put(CACHE_MSET, List.of("namespace?", "entries", "ttlMs?", "idleTtlMs?", "tags?"));
    m.put(CACHE_GET_OR_LOAD, List.of("namespace?", "key", "args?", "loader?", "ttlMs?", "staleTtlMs?",
      "refreshAheadFraction?", "refreshAheadBeta?", "cacheNulls?", "nullTtlMs?", "idleTtlMs?", "tags?"));
    m.put(CACHE_WARM, List.of("namespace?", "keys", "batchSize?", "ttlMs?", "tags?"));
    m.put(CACHE_INVALIDATIONS, List.of("type", "service", "epoch", "seq", "namespace?", "keys?", "cause?",
      "confirmedAtMs?", "namespaces?"));
    m.put(RATELIMIT_CHECK, List.of("key", "limit", "windowMs", "cost?", "maxWaitMs?", "failOnUnavailable?"));
    m.put(RATELIMIT_CHECK_BATCH, List.of("calls"));
    m.put(RATELIMIT_VERIFY, List.of("token?", "ip?", "endpoint", "windowMs?", "failOnUnavailable?"));
    m.put(RATELIMIT_SERVICE, List.of("service", "failOnUnavailable?"));
    m.put(RATELIMIT_ACQUIRE, List.of("key", "maxConcurrent", "leaseTtlMs"));
    m.put(RATELIMIT_RELEASE, List.of("key", "permitId"));
    m.put(RATELIMIT_RENEW, List.of("key", "permitId", "leaseTtlMs"));
    m.put(RATELIMIT_STATS, List.of());
    m.put(RATELIMIT_LIMITS_SET, List.of("endpoints?", "services?", "plans?"));
    m.put(RATELIMIT_LIMITS_GET, List.of());
    m.put(HEALTH_REDIS, List.of());
    return java.util.Collections.unmodifiableMap(m);
  }

  /**
   * @param address one of the constants of this class
   * @return the names of its request fields, without the optional marker
   */
  public static List<String> fieldNames(String address) {
    return REQUEST_FIELDS.getOrDefault(address, List.of()).stream().map(f -> f.endsWith("?") ? f.substring(0, f.length() - 1) : f).toList();
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
