package dev.rediskit.metrics;

import dev.rediskit.ratelimit.RateLimitStats;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every meter the module registers, every tag key and every fixed tag value, in one place.
 * {@code docs/METRICS.md} is generated from {@link #METERS} and {@link #TAGS}, and a test checks the
 * meters a running gateway registers against it, so code, documentation, dashboard and alert rules
 * cannot drift apart.
 *
 * <p>Names follow Micrometer's convention (lower case, dot-separated, no unit); registries turn
 * them into their own form: Prometheus writes {@code rediskit.commands} (a timer) as
 * {@code rediskit_commands_seconds_count}, {@code _sum}, {@code _bucket} and {@code _max}, and
 * counters with a {@code _total} suffix.
 *
 * <p>Every tag has a small, bounded set of values: command names (a fixed list in Redis), outcomes,
 * and names the application chooses once (gateway, cache namespace, limiter). Keys, client
 * addresses or tokens never become tag values.
 */
public final class MeterNames {

  private MeterNames() {
  }

  // ------------------------------------------------------------------ tag keys

  /** The name a gateway was bound under ({@link RedisKitMetrics#DEFAULT_GATEWAY_NAME} unless chosen). */
  public static final String TAG_GATEWAY = "gateway";
  /**
   * Upper-case Redis command name; {@code BATCH} for a pipelined batch, {@code breaker} for a call
   * the open breaker refused, {@code OTHER} beyond the first 256 names a gateway has seen.
   */
  public static final String TAG_COMMAND = "command";
  /** How a command or a rate-limit decision ended. */
  public static final String TAG_OUTCOME = "outcome";
  /** The kind of a command error. */
  public static final String TAG_KIND = "kind";
  /** The circuit breaker state entered. */
  public static final String TAG_STATE = "state";
  /** The cache namespace. */
  public static final String TAG_NAMESPACE = "namespace";
  /** The result of a cache read. */
  public static final String TAG_RESULT = "result";
  /** The rate limiter's name. */
  public static final String TAG_LIMITER = "limiter";
  /** A Redis Cluster master, as {@code host:port}. */
  public static final String TAG_NODE = "node";
  /** Tag: why a near cache was flushed. */
  public static final String TAG_CAUSE = "cause";
  /** Tag: the name an event-bus client's near cache is bound under. */
  public static final String TAG_CLIENT = "client";

  // ------------------------------------------------------------------ tag values

  /** {@value} outcome: a reply other than an error. */
  public static final String OUTCOME_SUCCESS = "success";
  /**
   * {@value} outcome and error kind: Redis answered with an error reply. Not a {@code NOSCRIPT} that
   * the gateway recovers from by sending the script's source: that call counts as the EVAL it sent.
   */
  public static final String OUTCOME_REDIS_ERROR = "redis_error";
  /** {@value} outcome and error kind: no reply within the command timeout. */
  public static final String OUTCOME_TIMEOUT = "timeout";
  /** {@value} outcome and error kind: the connection was lost or could not be made. */
  public static final String OUTCOME_CONNECTION = "connection";
  /** {@value} outcome and error kind: failed fast (breaker open, too many pending, not connected, closed). */
  public static final String OUTCOME_REJECTED = "rejected";

  /** {@value} breaker state. */
  public static final String STATE_CLOSED = "closed";
  /** {@value} breaker state. */
  public static final String STATE_HALF_OPEN = "half_open";
  /** {@value} breaker state. */
  public static final String STATE_OPEN = "open";

  /** {@value} cache result: found fresh. */
  public static final String RESULT_HIT = "hit";
  /** {@value} cache result: not found. */
  public static final String RESULT_MISS = "miss";
  /** {@value} cache result: found expired and served stale. */
  public static final String RESULT_STALE = "stale";

  /** {@value} rate-limit outcome: within the limit. */
  public static final String DECISION_ALLOWED = "allowed";
  /** {@value} rate-limit outcome: over the limit, refused. */
  public static final String DECISION_REJECTED = "rejected";
  /** {@value} rate-limit outcome: over the limit, let through because the limiter only observes (shadow mode). */
  public static final String DECISION_SHADOW_REJECTED = "shadow_rejected";
  /** {@value} rate-limit outcome: Redis unavailable, allowed by the failure policy. */
  public static final String DECISION_FALLBACK_ALLOWED = "fallback_allowed";
  /** {@value} rate-limit outcome: Redis unavailable, refused by the failure policy. */
  public static final String DECISION_FALLBACK_REJECTED = "fallback_rejected";
  /** {@value} rate-limit outcome: refused without asking Redis because the limiter was saturated (its own back-pressure). */
  public static final String DECISION_OVERLOADED_REJECTED = "overloaded_rejected";

  // ------------------------------------------------------------------ gateway

  /** Timer of every gateway command: latency, and count by command and outcome. */
  public static final String COMMANDS = "rediskit.commands";
  /** Counter of failed commands by kind. */
  public static final String COMMAND_ERRORS = "rediskit.command.errors";
  /** Gauge of commands queued or in flight. */
  public static final String COMMANDS_PENDING = "rediskit.commands.pending";
  /** Gauge of the pipelined connection's state. */
  public static final String CONNECTION_STATE = "rediskit.connection.state";
  /** Counter of re-established connections. */
  public static final String CONNECTION_RECONNECTS = "rediskit.connection.reconnects";
  /** Gauge of the circuit breaker's state. */
  public static final String BREAKER_STATE = "rediskit.breaker.state";
  /** Gauge of the failures the breaker currently counts. */
  public static final String BREAKER_FAILURES = "rediskit.breaker.failures";
  /** Counter of breaker state changes, by state entered. */
  public static final String BREAKER_TRANSITIONS = "rediskit.breaker.transitions";
  /** Counter of calls refused by the open breaker. */
  public static final String BREAKER_SHORT_CIRCUITS = "rediskit.breaker.short.circuits";
  /** Gauge of the state of each Redis Cluster master's breaker. */
  public static final String NODE_BREAKER_STATE = "rediskit.breaker.node.state";
  /** Counter of the state changes of each Redis Cluster master's breaker, by state entered. */
  public static final String NODE_BREAKER_TRANSITIONS = "rediskit.breaker.node.transitions";

  // ------------------------------------------------------------------ health

  /** Gauge: 1 when the latest health check found Redis UP, 0 when DOWN. */
  public static final String REDIS_UP = "rediskit.redis.up";
  /** Gauge: 1 when the latest health check found Redis degraded. */
  public static final String REDIS_DEGRADED = "rediskit.redis.degraded";
  /** Time gauge: the latest health check's PING round trip. */
  public static final String REDIS_PING = "rediskit.redis.ping";

  // ------------------------------------------------------------------ cache

  /** Counter of cache reads by namespace and result. */
  public static final String CACHE_REQUESTS = "rediskit.cache.requests";
  /** Function timer of loader calls: count and total time. */
  public static final String CACHE_LOADS = "rediskit.cache.loads";
  /** Counter of loader calls that failed. */
  public static final String CACHE_LOAD_FAILURES = "rediskit.cache.load.failures";
  /** Counter of callers that joined a load already running (single flight). */
  public static final String CACHE_SINGLEFLIGHT_JOINS = "rediskit.cache.singleflight.joins";
  /** Counter of waits for another node's load lease. */
  public static final String CACHE_LEASE_WAITS = "rediskit.cache.lease.waits";
  /** Counter of refresh-ahead reloads of hot keys. */
  public static final String CACHE_REFRESH_AHEAD = "rediskit.cache.refresh.ahead";
  /** Counter of namespace flushes. */
  public static final String CACHE_FLUSHES = "rediskit.cache.flushes";
  /** Counter of keys removed by namespace flushes. */
  public static final String CACHE_FLUSH_KEYS = "rediskit.cache.flush.keys";
  /** Counter of near-cache reads by namespace and result (hit, miss, bypass). */
  public static final String NEAR_REQUESTS = "rediskit.cache.near.requests";
  /** Counter of keys Redis reported changed that a near cache held or was reading. */
  public static final String NEAR_INVALIDATIONS = "rediskit.cache.near.invalidations";
  /** Counter of whole near-cache flushes, by cause. */
  public static final String NEAR_FLUSHES = "rediskit.cache.near.flushes";
  /** Gauge of local copies held. */
  public static final String NEAR_ENTRIES = "rediskit.cache.near.entries";
  /** Gauge of the estimated heap of the local copies. */
  public static final String NEAR_BYTES = "rediskit.cache.near.bytes";
  /** Counter of reads of an event-bus client's near cache, by result (hit, miss, bypass). */
  public static final String CLIENT_NEAR_REQUESTS = "rediskit.cache.client.near.requests";
  /** Counter of keys the cache service reported changed that a client's near cache held or was reading. */
  public static final String CLIENT_NEAR_INVALIDATIONS = "rediskit.cache.client.near.invalidations";
  /** Counter of flushes of a client's near cache, by cause. */
  public static final String CLIENT_NEAR_FLUSHES = "rediskit.cache.client.near.flushes";
  /** Gauge of the local copies a client's near cache holds. */
  public static final String CLIENT_NEAR_ENTRIES = "rediskit.cache.client.near.entries";
  /** Gauge of the estimated heap of a client's near cache. */
  public static final String CLIENT_NEAR_BYTES = "rediskit.cache.client.near.bytes";
  /**
   * {@value} near-cache result: the invalidation link was not confirmed, the read went to Redis (for a
   * CacheClient's near cache also: the namespace not tracked by the cache service, the read went over the event bus).
   */
  public static final String RESULT_BYPASS = "bypass";

  // ------------------------------------------------------------------ rate limiting

  /** Counter of rate-limit decisions by limiter and outcome. */
  public static final String RATELIMIT_DECISIONS = "rediskit.ratelimit.decisions";
  /** Counter of decisions answered from the local deny cache, without Redis. */
  public static final String RATELIMIT_DENY_CACHE_HITS = "rediskit.ratelimit.deny.cache.hits";
  /** Counter of switches between Redis and the failure policy. */
  public static final String RATELIMIT_POLICY_SWITCHES = "rediskit.ratelimit.policy.switches";
  /** Counter of concurrency-permit acquires and releases, by outcome. */
  public static final String RATELIMIT_PERMITS = "rediskit.ratelimit.permits";
  /** Gauge of concurrency permits held now. */
  public static final String RATELIMIT_PERMITS_HELD = "rediskit.ratelimit.permits.held";
  /** Counter of changes of the stored limits, by outcome (applied, refused, failed). */
  public static final String RATELIMIT_LIMIT_CHANGES = "rediskit.ratelimit.limits.changes";
  /** Counter of failed reads of the stored limits. */
  public static final String RATELIMIT_LIMIT_REFRESH_FAILURES = "rediskit.ratelimit.limits.refresh.failures";
  /** Counter of failed plan lookups. */
  public static final String RATELIMIT_PLAN_FAILURES = "rediskit.ratelimit.plan.failures";
  /** Counter of decisions Redis refused to run for lack of permission (ACL). */
  public static final String RATELIMIT_PERMISSION_REFUSALS = "rediskit.ratelimit.permission.refusals";

  // ------------------------------------------------------------------ descriptors

  /** The Micrometer meter type, which decides the series a registry exports. */
  public enum Type {
    /** {@code Timer}: count, total time, max, and histogram buckets when configured. */
    TIMER,
    /** {@code FunctionTimer}: count and total time read from the instrumented object. */
    FUNCTION_TIMER,
    /** {@code Counter}: incremented by the module. */
    COUNTER,
    /** {@code FunctionCounter}: a monotonic count read from the instrumented object. */
    FUNCTION_COUNTER,
    /** {@code Gauge}: a current value. */
    GAUGE,
    /** {@code TimeGauge}: a current duration. */
    TIME_GAUGE
  }

  /** When a meter appears in the registry. */
  public enum Group {
    /** Gateway meters. */
    GATEWAY("registered by `bindGateway`"),
    /** Per-node breaker meters of a Redis Cluster gateway. */
    CLUSTER_NODES("registered by `bindGateway` on a Redis Cluster, for each master once the gateway knows it"),
    /** Health meters. */
    HEALTH("registered by `bindHealth`"),
    /** Cache meters. */
    CACHE("registered when the cache is bound (`bindCache`), for each namespace once it is used (and kept: namespaces are a fixed set, at most cache.maxNamespaces, see CACHING.md)"),
    /** The meters of an event-bus client's near cache. */
    CLIENT_NEAR_CACHE("registered by `bindClientNearCache`"),
    /** Rate-limit meters. */
    RATE_LIMIT("registered when the limiter is bound (`bindRateLimiter`)");

    private final String registeredWhen;

    Group(String registeredWhen) {
      this.registeredWhen = registeredWhen;
    }

    /** @return when its meters are registered, for the documentation */
    public String registeredWhen() {
      return registeredWhen;
    }
  }

  /**
   * Describes one meter.
   *
   * @param name the Micrometer name
   * @param type the meter type
   * @param baseUnit the base unit registries may append ({@code seconds} for time), or {@code null}
   * @param tags the tag keys, in order
   * @param group when it is registered
   * @param description what it measures, one sentence
   */
  public record Meter(String name, Type type, String baseUnit, List<String> tags, Group group, String description) {

    /**
     * Checks the descriptor.
     *
     * @param name the Micrometer name
     * @param type the meter type
     * @param baseUnit the base unit, or {@code null}
     * @param tags the tag keys
     * @param group when it is registered
     * @param description what it measures
     */
    public Meter {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(group, "group");
      Objects.requireNonNull(description, "description");
      tags = List.copyOf(tags);
    }
  }

  /**
   * Describes one tag key.
   *
   * @param key the tag key
   * @param values its values: the fixed set, or a description of where they come from
   * @param description what it tells
   */
  public record TagKey(String key, String values, String description) {
  }

  private static Meter meter(String name, Type type, String baseUnit, Group group, String description, String... tags) {
    return new Meter(name, type, baseUnit, List.of(tags), group, description);
  }

  /** Every meter, gateway first (cluster nodes' breakers after the gateway's), then health, cache and rate limiting. */
  public static final List<Meter> METERS = List.of(
    meter(COMMANDS, Type.TIMER, "seconds", Group.GATEWAY,
      "Every gateway command: latency from call to completion, and its count. Buckets for latency quantiles. "
        + "An EVALSHA answered NOSCRIPT, which the gateway sends again as EVAL, counts as that EVAL only.",
      TAG_GATEWAY, TAG_COMMAND, TAG_OUTCOME),
    meter(COMMAND_ERRORS, Type.COUNTER, null, Group.GATEWAY,
      "Commands that failed, by kind of failure: a lost connection is `connection` on every path (batches and "
        + "dedicated connections too), only a reply from Redis is `redis_error`.", TAG_GATEWAY, TAG_KIND),
    meter(COMMANDS_PENDING, Type.GAUGE, null, Group.GATEWAY,
      "Commands queued or in flight now; maxPendingCommands is where new ones start failing fast.", TAG_GATEWAY),
    meter(CONNECTION_STATE, Type.GAUGE, null, Group.GATEWAY,
      "State of the pipelined connection: 0 connected, 1 connecting, 2 disconnected (retrying with back-off), 3 closed.",
      TAG_GATEWAY),
    meter(CONNECTION_RECONNECTS, Type.FUNCTION_COUNTER, null, Group.GATEWAY,
      "Times the connection was re-established after a loss.", TAG_GATEWAY),
    meter(BREAKER_STATE, Type.GAUGE, null, Group.GATEWAY,
      "Circuit breaker state: 0 closed, 1 half-open, 2 open. Failed connection attempts count as failures and the "
        + "gateway sends the trial call itself, so an idle gateway's breaker opens during an outage and closes after it. "
        + "On a Redis Cluster this breaker guards the cluster connection as a whole; each master has its own besides "
        + "(rediskit.breaker.node.state).",
      TAG_GATEWAY),
    meter(BREAKER_FAILURES, Type.GAUGE, null, Group.GATEWAY,
      "Consecutive failures the breaker counts now; it opens at breakerMaxFailures.", TAG_GATEWAY),
    meter(BREAKER_TRANSITIONS, Type.COUNTER, null, Group.GATEWAY,
      "Breaker state changes, by the state entered.", TAG_GATEWAY, TAG_STATE),
    meter(BREAKER_SHORT_CIRCUITS, Type.COUNTER, null, Group.GATEWAY,
      "Calls refused at once because the breaker was open (on a Redis Cluster: the gateway's or a master's).", TAG_GATEWAY),
    meter(NODE_BREAKER_STATE, Type.GAUGE, null, Group.CLUSTER_NODES,
      "State of a Redis Cluster master's own breaker, which guards the commands for its slots: 0 closed, 1 half-open, "
        + "2 open; NaN once the node is no longer a master (a replica took its slots over).", TAG_GATEWAY, TAG_NODE),
    meter(NODE_BREAKER_TRANSITIONS, Type.COUNTER, null, Group.CLUSTER_NODES,
      "State changes of a Redis Cluster master's breaker, by the state entered.", TAG_GATEWAY, TAG_NODE, TAG_STATE),
    meter(REDIS_UP, Type.GAUGE, null, Group.HEALTH,
      "1 when the latest Redis health check was UP, 0 when DOWN; NaN before the first check.", TAG_GATEWAY),
    meter(REDIS_DEGRADED, Type.GAUGE, null, Group.HEALTH,
      "1 when the latest health check found Redis UP but degraded (breaker half-open, slow PING, failed cluster master).",
      TAG_GATEWAY),
    meter(REDIS_PING, Type.TIME_GAUGE, "seconds", Group.HEALTH,
      "PING round trip of the latest health check; NaN when PING did not answer.", TAG_GATEWAY),
    meter(CACHE_REQUESTS, Type.FUNCTION_COUNTER, null, Group.CACHE,
      "Cache reads by result: hit, miss, or stale (expired entry served within staleTtlMs).", TAG_NAMESPACE, TAG_RESULT),
    meter(CACHE_LOADS, Type.FUNCTION_TIMER, "seconds", Group.CACHE,
      "Loader calls (get-or-load misses, refreshes, warm-up) and the time they took.", TAG_NAMESPACE),
    meter(CACHE_LOAD_FAILURES, Type.FUNCTION_COUNTER, null, Group.CACHE,
      "Loader calls that failed or timed out.", TAG_NAMESPACE),
    meter(CACHE_SINGLEFLIGHT_JOINS, Type.FUNCTION_COUNTER, null, Group.CACHE,
      "Callers that joined a load already running for the same key instead of starting their own.", TAG_NAMESPACE),
    meter(CACHE_LEASE_WAITS, Type.FUNCTION_COUNTER, null, Group.CACHE,
      "Waits for another node's load lease on the same key (stampede protection across nodes).", TAG_NAMESPACE),
    meter(CACHE_REFRESH_AHEAD, Type.FUNCTION_COUNTER, null, Group.CACHE,
      "Refresh-ahead reloads of hot keys before they expire.", TAG_NAMESPACE),
    meter(CACHE_FLUSHES, Type.FUNCTION_COUNTER, null, Group.CACHE,
      "Namespace flushes run.", TAG_NAMESPACE),
    meter(CACHE_FLUSH_KEYS, Type.FUNCTION_COUNTER, null, Group.CACHE,
      "Keys removed by namespace flushes.", TAG_NAMESPACE),
    meter(NEAR_REQUESTS, Type.FUNCTION_COUNTER, null, Group.CACHE,
      "Near-cache reads by result: hit (served locally), miss (no usable local copy), bypass (the invalidation link "
        + "not confirmed within maxStalenessMs: read from Redis).", TAG_NAMESPACE, TAG_RESULT),
    meter(NEAR_INVALIDATIONS, Type.FUNCTION_COUNTER, null, Group.CACHE,
      "Keys Redis reported changed that the near cache held or was reading.", TAG_NAMESPACE),
    meter(NEAR_FLUSHES, Type.FUNCTION_COUNTER, null, Group.CACHE,
      "Flushes of a whole near cache, by cause: link_lost, heartbeat_timeout, topology_changed, server_flush, closed, "
        + "namespace.", TAG_NAMESPACE, TAG_CAUSE),
    meter(NEAR_ENTRIES, Type.GAUGE, null, Group.CACHE,
      "Local copies the near cache holds now.", TAG_NAMESPACE),
    meter(NEAR_BYTES, Type.GAUGE, "bytes", Group.CACHE,
      "Estimated heap of the near cache's copies now (keys, values, bookkeeping).", TAG_NAMESPACE),
    meter(CLIENT_NEAR_REQUESTS, Type.FUNCTION_COUNTER, null, Group.CLIENT_NEAR_CACHE,
      "Reads of a CacheClient's near cache by result: hit (served locally), miss (no usable local copy), bypass "
        + "(the cache service's invalidation stream not confirmed within maxStalenessMs, or the namespace not tracked "
        + "by the service: read over the event bus).",
      TAG_CLIENT, TAG_RESULT),
    meter(CLIENT_NEAR_INVALIDATIONS, Type.FUNCTION_COUNTER, null, Group.CLIENT_NEAR_CACHE,
      "Keys the cache service reported changed that the client's near cache held or was reading.", TAG_CLIENT),
    meter(CLIENT_NEAR_FLUSHES, Type.FUNCTION_COUNTER, null, Group.CLIENT_NEAR_CACHE,
      "Flushes of a CacheClient's near cache (whole, or of a namespace), by cause: the service's (link_lost, "
        + "heartbeat_timeout, topology_changed, server_flush, closed, namespace, version) and the client's own (gap, "
        + "epoch, service_lost, service_changed).", TAG_CLIENT, TAG_CAUSE),
    meter(CLIENT_NEAR_ENTRIES, Type.GAUGE, null, Group.CLIENT_NEAR_CACHE,
      "Local copies the client's near cache holds now.", TAG_CLIENT),
    meter(CLIENT_NEAR_BYTES, Type.GAUGE, "bytes", Group.CLIENT_NEAR_CACHE,
      "Estimated heap of the client's near cache now (keys, values, bookkeeping).", TAG_CLIENT),
    meter(RATELIMIT_DECISIONS, Type.FUNCTION_COUNTER, null, Group.RATE_LIMIT,
      "Rate-limit decisions by outcome.", TAG_LIMITER, TAG_OUTCOME),
    meter(RATELIMIT_DENY_CACHE_HITS, Type.FUNCTION_COUNTER, null, Group.RATE_LIMIT,
      "Decisions answered from the local deny cache (a key known to be over its limit) without asking Redis.",
      TAG_LIMITER),
    meter(RATELIMIT_POLICY_SWITCHES, Type.FUNCTION_COUNTER, null, Group.RATE_LIMIT,
      "Switches between deciding with Redis and deciding by the failure policy (Redis lost or back).", TAG_LIMITER),
    meter(RATELIMIT_PERMITS, Type.FUNCTION_COUNTER, null, Group.RATE_LIMIT,
      "Concurrency permits (acquire), by outcome: acquired (a place in Redis), rejected (no place, refused by the failure "
        + "policy, or the limiter saturated), fallback_granted (by the failure policy while Redis could not answer), "
        + "released (while its lease was live), expired (released after its lease ended).", TAG_LIMITER, TAG_OUTCOME),
    meter(RATELIMIT_PERMITS_HELD, Type.GAUGE, null, Group.RATE_LIMIT,
      "Concurrency permits this instance holds now: places taken in Redis not released yet (a holder that never releases "
        + "stays counted), plus the LOCAL policy's local places.", TAG_LIMITER),
    meter(RATELIMIT_LIMIT_CHANGES, Type.FUNCTION_COUNTER, null, Group.RATE_LIMIT,
      "Changes of the limits stored in Redis made through this limiter (RateLimitAdmin, ratelimit.limits.set), by outcome: "
        + "applied, refused (invalid, nothing written), failed (Redis could not take it, nothing written).", TAG_LIMITER, TAG_OUTCOME),
    meter(RATELIMIT_LIMIT_REFRESH_FAILURES, Type.FUNCTION_COUNTER, null, Group.RATE_LIMIT,
      "Reads of the stored limits that failed; the limits known last stayed in force.", TAG_LIMITER),
    meter(RATELIMIT_PLAN_FAILURES, Type.FUNCTION_COUNTER, null, Group.RATE_LIMIT,
      "Plan lookups (PlanResolver) that failed; those decisions used the ordinary per-token limits.", TAG_LIMITER),
    meter(RATELIMIT_PERMISSION_REFUSALS, Type.FUNCTION_COUNTER, null, Group.RATE_LIMIT,
      "Decisions Redis refused to run for lack of permission (NOPERM: the ACL user lacks a command or key pattern the "
        + "limiter needs); the failure policy decided them, so they count in fallback_allowed or fallback_rejected too. "
        + "Anything above 0 is a misconfiguration: /health/redis is degraded while it lasts.", TAG_LIMITER));

  /**
   * @param name a meter name of {@link #METERS}
   * @return its descriptor
   * @throws IllegalArgumentException when no meter has that name
   */
  public static Meter meter(String name) {
    for (Meter m : METERS) {
      if (m.name().equals(name)) {
        return m;
      }
    }
    throw new IllegalArgumentException("name: no RedisKit meter is called \"" + name + "\"");
  }

  private static String ticked(Stream<String> values) {
    return values.map(v -> "`" + v + "`").collect(Collectors.joining(", "));
  }

  /** Every tag key, with its values. */
  public static final List<TagKey> TAGS = List.of(
    new TagKey(TAG_GATEWAY, "the name given to `bindGateway` / `bindHealth`; `" + RedisKitMetrics.DEFAULT_GATEWAY_NAME
      + "` unless chosen", "Which gateway (one per Redis deployment the application talks to)."),
    new TagKey(TAG_COMMAND, "upper-case Redis command names (`GET`, `EVALSHA`...), `BATCH`, `breaker`, `OTHER`",
      "The command; `BATCH` for a pipelined batch, `breaker` for a call the open breaker refused before a command was "
        + "chosen, `OTHER` for any name beyond the first 256 a gateway has seen (a guard against unbounded series). The "
        + "trial call a gateway sends itself when its breaker half-opens is a `PING`."),
    new TagKey(TAG_OUTCOME, "commands: `" + OUTCOME_SUCCESS + "`, `" + OUTCOME_REDIS_ERROR + "`, `" + OUTCOME_TIMEOUT + "`, `"
      + OUTCOME_CONNECTION + "`, `" + OUTCOME_REJECTED + "`; rate limiting: `" + DECISION_ALLOWED + "`, `" + DECISION_REJECTED
      + "`, `" + DECISION_SHADOW_REJECTED + "`, `" + DECISION_FALLBACK_ALLOWED + "`, `" + DECISION_FALLBACK_REJECTED + "`, `" + DECISION_OVERLOADED_REJECTED + "`"
      + "; concurrency permits: " + ticked(Arrays.stream(RateLimitStats.PermitOutcome.values()).map(RateLimitStats.PermitOutcome::tagName))
      + "; stored-limit changes: " + ticked(Arrays.stream(RateLimitStats.LimitChangeOutcome.values())
        .map(RateLimitStats.LimitChangeOutcome::tagName)),
      "How a command, a decision, a permit or a change of the stored limits ended."),
    new TagKey(TAG_KIND, "`" + OUTCOME_REDIS_ERROR + "`, `" + OUTCOME_TIMEOUT + "`, `" + OUTCOME_CONNECTION + "`, `"
      + OUTCOME_REJECTED + "`", "Kind of command failure."),
    new TagKey(TAG_STATE, "`" + STATE_CLOSED + "`, `" + STATE_HALF_OPEN + "`, `" + STATE_OPEN + "`", "Breaker state entered."),
    new TagKey(TAG_NAMESPACE, "the cache namespaces the application uses", "Cache namespace."),
    new TagKey(TAG_RESULT, "`" + RESULT_HIT + "`, `" + RESULT_MISS + "`, `" + RESULT_STALE + "`; near cache: `" + RESULT_HIT
      + "`, `" + RESULT_MISS + "`, `" + RESULT_BYPASS + "`", "Result of a cache read."),
    new TagKey(TAG_CAUSE, "`link_lost`, `heartbeat_timeout`, `topology_changed`, `server_flush`, `closed`, `namespace`; "
      + "a client's near cache also `version`, `gap`, `epoch`, `service_lost`, `service_changed`",
      "Why a near cache was flushed."),
    new TagKey(TAG_CLIENT, "the names the application binds its clients' near caches under", "Which CacheClient's near cache."),
    new TagKey(TAG_LIMITER, "the limiter names the application chooses", "Which rate limiter."),
    new TagKey(TAG_NODE, "`host:port` of each Redis Cluster master, as the cluster announces it (as many as the cluster "
      + "has masters, plus those that were masters before a failover)", "Which Redis Cluster master."));
}
