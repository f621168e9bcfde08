package dev.rediskit.ratelimit.impl;

import dev.rediskit.config.RequestFields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.client.StandingRefusal;
import dev.rediskit.config.KeyFamily;
import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.error.RedisCommandException;
import dev.rediskit.error.RedisPermissionException;
import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.ratelimit.Decision.Source;
import dev.rediskit.ratelimit.Permit;
import dev.rediskit.ratelimit.RateLimitOptions.FailurePolicy;
import dev.rediskit.ratelimit.RequestChecks;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Response;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Concurrency limits: a key's holders are a sorted set in Redis ({@link KeyFamily#CONCURRENCY}),
 * each member a permit id scored by the Redis time its lease ends. Acquire, release and renew are
 * one script each, one round trip, timed by Redis' clock, so instances and nodes sharing the
 * Redis never hold more than the limit between them, and a dead holder's place comes back when
 * its lease ends.
 *
 * <p>The calls go straight to the gateway (its command timeout bounds them), not through the
 * decision admission: a permit is held for the length of a request, so the number of acquires in
 * flight is bounded by the callers, and Redis answers a rejection without any state to cache.
 * When Redis cannot answer, FAIL_OPEN grants a permit that holds nothing in Redis; FAIL_CLOSED
 * refuses; LOCAL grants up to this instance's share ({@code localSharePercent}) of each key's
 * places from a local count ({@link LocalPermits}), leases included, as the LOCAL policy does for
 * rate limits: the instances together stay near the limit instead of all refusing or all passing.
 */
final class Leases {

  private static final Logger LOG = LoggerFactory.getLogger(dev.rediskit.ratelimit.RateLimiter.class);
  /** What a refused acquire tells the caller to wait when the failure policy or the back-pressure refused it. */
  static final long UNAVAILABLE_RETRY_MS = 1000;

  private final RedisGateway gateway;
  private final String start;
  private final String limiter;
  private final FailurePolicy policy;
  private final Counters counters;
  /** Unguessable per instance, so that no caller can forge another holder's id; a counter makes each id unique. */
  private final String idPrefix;
  private final AtomicLong next = new AtomicLong();
  /** The LOCAL policy's places, or {@code null} under another policy; touched on the gateway's context only. */
  private final LocalPermits local;
  /** What the ids of local places start with: never an id of a place in Redis. */
  private final String localIdPrefix;
  /** A standing refusal of the acquire script: a component of its own, since decisions may well be allowed meanwhile. */
  private final StandingRefusal refusal;
  /**
   * Releases and renewals refused, each a component of its own: their scripts call commands the acquire does not
   * ({@code ZREM}), so one can be refused while the others run, and an acquire served must not clear their report.
   */
  private final StandingRefusal releases;
  private final StandingRefusal renewals;

  Leases(RedisGateway gateway, String limiter, FailurePolicy policy, int localSharePercent, Counters counters) {
    this.gateway = gateway;
    this.start = KeyFamily.CONCURRENCY.start(gateway.options().getKeyPrefix());
    this.limiter = limiter;
    this.policy = policy;
    this.counters = counters;
    String grant = "+evalsha +eval +time +zadd +zcard +zrange +zrem +zremrangebyscore +zscore +pexpireat and the key pattern ~"
      + gateway.options().getKeyPrefix() + ":rl:*";
    this.refusal = AccessProbe.refusal(AccessProbe.component(limiter) + " (concurrency permits)", policy, grant,
      gateway.refusals());
    this.releases = new StandingRefusal(AccessProbe.component(limiter) + " (permit releases)", grant, gateway.refusals(),
      LOG, "Releases fail with the refusal, and a released permit's place stays held until its lease ends",
      "Redis runs the permit releases again", System::nanoTime);
    this.renewals = new StandingRefusal(AccessProbe.component(limiter) + " (permit renewals)", grant, gateway.refusals(),
      LOG, "Renewals fail with the refusal, and a permit ends when its lease does", "Redis runs the permit renewals again",
      System::nanoTime);
    byte[] random = new byte[12];
    new SecureRandom().nextBytes(random);
    this.idPrefix = Base64.getUrlEncoder().withoutPadding().encodeToString(random) + ".";
    this.localIdPrefix = idPrefix + "L";
    this.local = policy == FailurePolicy.LOCAL ? new LocalPermits(localSharePercent, 10_000) : null;
    if (local != null) {
      counters.localPermitsHeld(local::held);
    }
  }

  /** Runs on the gateway's context, where {@link #local} lives; completes there. */
  private <T> Future<T> onContext(java.util.function.Supplier<T> task) {
    io.vertx.core.Context context = gateway.context();
    if (io.vertx.core.Vertx.currentContext() == context) {
      return Future.succeededFuture(task.get());
    }
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> done.complete(task.get()));
    return done.future();
  }

  Future<Permit> acquire(String key, int maxConcurrent, Duration leaseTtl) {
    long leaseMs;
    try {
      RequestChecks.key("key", key);
      RequestChecks.maxConcurrent("maxConcurrent", maxConcurrent);
      leaseMs = leaseMillis(leaseTtl);
    } catch (InvalidRequestException e) {
      return Future.failedFuture(e);
    }
    String id = idPrefix + Long.toString(next.incrementAndGet(), 36);
    return gateway.eval(Scripts.PERMIT_ACQUIRE, List.of(start + key),
        List.of(id, Integer.toString(maxConcurrent), Long.toString(leaseMs)))
      .transform(ar -> {
        if (ar.succeeded()) {
          refusal.answered();
          try {
            return Future.succeededFuture(fromRedis(key, id, maxConcurrent, leaseMs, ar.result()));
          } catch (RuntimeException e) {
            return Future.succeededFuture(unavailable(key, maxConcurrent, leaseMs,
              new RedisCommandException("rate limiter " + limiter + ": unexpected permit reply " + ar.result(), e)));
          }
        }
        if (ar.cause() instanceof RedisPermissionException rpe) {
          // As for decisions: the policy answers, loudly.
          refusal.refused(rpe);
        }
        if (local != null && !isOverloaded(ar.cause())) {
          return onContext(() -> localPermit(key, maxConcurrent, leaseMs, ar.cause()));
        }
        return Future.succeededFuture(unavailable(key, maxConcurrent, leaseMs, ar.cause()));
      });
  }

  private static boolean isOverloaded(Throwable cause) {
    return cause instanceof RedisUnavailableException rue && rue.reason() == RedisUnavailableException.Reason.OVERLOADED;
  }

  /** LOCAL while Redis cannot answer: a place of this instance's share, if one is free. */
  private Permit localPermit(String key, int max, long leaseMs, Throwable cause) {
    LOG.atDebug().log(() -> "rate limiter " + limiter + ": permit for " + key + " decided locally: " + cause);
    String id = localIdPrefix + Long.toString(next.incrementAndGet(), 36);
    int held = local.acquire(key, id, max, leaseMs, System.nanoTime());
    if (held < 0) {
      counters.permitRejected();
      return new LocalPermit(this, false, key, null, max, local.share(max), leaseMs, UNAVAILABLE_RETRY_MS, Source.FALLBACK);
    }
    counters.permitFallbackGranted();
    return new LocalPermit(this, true, key, id, max, held, leaseMs, 0, Source.FALLBACK);
  }

  private Permit fromRedis(String key, String id, int max, long leaseMs, Response reply) {
    boolean granted = reply.get(0).toInteger() == 1;
    int held = reply.get(1).toInteger();
    if (granted) {
      counters.permitAcquired();
      return new LocalPermit(this, true, key, id, max, held, leaseMs, 0, Source.REDIS);
    }
    counters.permitRejected();
    // Rounded up and at least 1: a caller that waits it out is never early.
    long retry = Math.max(1, reply.get(2).toLong());
    return new LocalPermit(this, false, key, null, max, held, leaseMs, retry, Source.REDIS);
  }

  private Permit unavailable(String key, int max, long leaseMs, Throwable cause) {
    if (isOverloaded(cause)) {
      counters.permitRejected();
      return new LocalPermit(this, false, key, null, max, 0, leaseMs, UNAVAILABLE_RETRY_MS, Source.OVERLOADED);
    }
    LOG.atDebug().log(() -> "rate limiter " + limiter + ": permit for " + key + " decided by " + policy
      + ": " + cause);
    if (policy == FailurePolicy.FAIL_OPEN) {
      counters.permitFallbackGranted();
      return new LocalPermit(this, true, key, null, max, 0, leaseMs, 0, Source.FALLBACK);
    }
    counters.permitRejected();
    return new LocalPermit(this, false, key, null, max, 0, leaseMs, UNAVAILABLE_RETRY_MS, Source.FALLBACK);
  }

  Future<Boolean> release(String key, String id) {
    try {
      RequestChecks.key("key", key);
      RequestChecks.permitId("permitId", id);
    } catch (InvalidRequestException e) {
      return Future.failedFuture(e);
    }
    if (local != null && id.startsWith(localIdPrefix)) {
      return onContext(() -> {
        boolean live = local.release(key, id, System.nanoTime());
        counters.localPermitReleased(live);
        return live;
      });
    }
    return watched(gateway.eval(Scripts.PERMIT_RELEASE, List.of(start + key), List.of(id)), releases).map(r -> {
      boolean live = r.toInteger() == 1;
      counters.permitReleased(live);
      return live;
    });
  }

  Future<Boolean> renew(String key, String id, Duration leaseTtl) {
    long leaseMs;
    try {
      RequestChecks.key("key", key);
      RequestChecks.permitId("permitId", id);
      leaseMs = leaseMillis(leaseTtl);
    } catch (InvalidRequestException e) {
      return Future.failedFuture(e);
    }
    if (local != null && id.startsWith(localIdPrefix)) {
      return onContext(() -> local.renew(key, id, leaseMs, System.nanoTime()));
    }
    return watched(gateway.eval(Scripts.PERMIT_RENEW, List.of(start + key), List.of(id, Long.toString(leaseMs))), renewals)
      .map(r -> r.toInteger() == 1);
  }

  /** The caller still gets the refusal; the watch makes it loud once and ends it when Redis serves the kind again. */
  private static Future<Response> watched(Future<Response> call, StandingRefusal watch) {
    return call.andThen(ar -> {
      if (ar.succeeded()) {
        watch.answered();
      } else if (ar.cause() instanceof RedisPermissionException rpe) {
        watch.refused(rpe);
      }
    });
  }

  private static long leaseMillis(Duration leaseTtl) {
    if (leaseTtl == null) {
      throw new InvalidRequestException("leaseTtl", "is required");
    }
    long ms = RequestFields.saturatedMillis(leaseTtl);
    RequestChecks.leaseTtlMs("leaseTtl", ms);
    return ms;
  }

  /** A permit of this limiter: release and renew go to Redis directly. */
  private static final class LocalPermit implements Permit {

    private final Leases leases;
    private final boolean acquired;
    private final String key;
    private final String id;
    private final int max;
    private final int held;
    private final long leaseMs;
    private final long retryAfterMs;
    private final Source source;
    private final AtomicReference<Future<Boolean>> released = new AtomicReference<>();

    LocalPermit(Leases leases, boolean acquired, String key, String id, int max, int held, long leaseMs, long retryAfterMs,
                Source source) {
      this.leases = leases;
      this.acquired = acquired;
      this.key = key;
      this.id = id;
      this.max = max;
      this.held = held;
      this.leaseMs = leaseMs;
      this.retryAfterMs = retryAfterMs;
      this.source = source;
    }

    @Override
    public boolean acquired() {
      return acquired;
    }

    @Override
    public String key() {
      return key;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public int maxConcurrent() {
      return max;
    }

    @Override
    public int held() {
      return held;
    }

    @Override
    public long leaseTtlMs() {
      return leaseMs;
    }

    @Override
    public long retryAfterMs() {
      return retryAfterMs;
    }

    @Override
    public Source source() {
      return source;
    }

    @Override
    public Future<Boolean> release() {
      if (id == null) {
        return Future.succeededFuture(false);
      }
      Future<Boolean> done = released.get();
      if (done != null && !done.failed()) {
        return done;
      }
      // The first caller sends the one release; one whose release failed (Redis unreachable) lets the next try again.
      Promise<Boolean> mine = Promise.promise();
      if (!released.compareAndSet(done, mine.future())) {
        return released.get();
      }
      leases.release(key, id).onComplete(mine);
      return mine.future();
    }

    @Override
    public Future<Boolean> renew(Duration leaseTtl) {
      if (id == null || released.get() != null) {
        return Future.succeededFuture(false);
      }
      return leases.renew(key, id, leaseTtl);
    }

    @Override
    public String toString() {
      return "Permit" + toJson().encode();
    }
  }
}
