package dev.rediskit.ratelimit.impl;

import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.error.RedisCommandException;
import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.ratelimit.Decision;
import dev.rediskit.ratelimit.Decision.Source;
import dev.rediskit.ratelimit.Limit;
import dev.rediskit.ratelimit.Permit;
import dev.rediskit.ratelimit.PlanResolver;
import dev.rediskit.ratelimit.RateLimitAdmin;
import dev.rediskit.ratelimit.RateLimitOptions;
import dev.rediskit.ratelimit.RateLimitOptions.Algorithm;
import dev.rediskit.ratelimit.RateLimitOptions.FailurePolicy;
import dev.rediskit.ratelimit.RateLimitStats;
import dev.rediskit.ratelimit.RateLimitStats.Outcome;
import dev.rediskit.ratelimit.RateLimiter;
import dev.rediskit.ratelimit.RateLimits;
import dev.rediskit.ratelimit.RequestChecks;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.redis.client.Response;

import java.time.Duration;
import java.util.Arrays;
import java.util.function.Function;

/**
 * The limiter: checks the request, builds its call (keys from {@link LimiterKeys}, the script from
 * {@link AlgorithmScripts}), asks the {@link DenyCache}, takes the call to Redis through the
 * {@link Admission}, turns the reply into a {@link Decision} with the call's {@link LimiterScript},
 * and hands what Redis cannot decide to the {@link Fallback}. Every decision passes
 * one finishing step, which counts it and applies shadow mode.
 *
 * <p>Callable from any thread. The deny cache and the counters are thread-safe and asked on the
 * caller's thread; the admission (its queue and deadlines) belongs to the gateway's context, where
 * calls from elsewhere hop (the gateway would make the same hop), so none of it is locked.
 */
public final class RateLimiterImpl implements RateLimiter {

  private final Vertx vertx;
  private final RedisGateway gateway;
  private final String name;
  private final RateLimitOptions options;
  private final Algorithm algorithm;
  private final FailurePolicy failurePolicy;
  private final int ipv6PrefixLength;
  private final AlgorithmScripts scripts;
  private final LimiterKeys keys;
  private final RateLimits limits;
  private final DenyCache denyCache;
  private final Counters counters;
  private final Fallback fallback;
  /** The gateway's context: the admission is touched only there. */
  private final Context context;
  private final Steps steps = new Steps();
  private final Admission admission;
  private final Leases leases;
  private final Plans plans;
  private final VerifyCalls verifyCalls;
  /** The stored limits, or {@code null} when runtime limits are off. */
  private final StoredLimits stored;
  private final long tickTimer;
  private volatile boolean shadow;

  /**
   * @param vertx the Vert.x instance
   * @param gateway the gateway to Redis
   * @param name the limiter's name
   * @param options its settings (copied and validated)
   */
  public RateLimiterImpl(Vertx vertx, RedisGateway gateway, String name, RateLimitOptions options) {
    this.vertx = vertx;
    this.gateway = gateway;
    this.name = name == null || name.isEmpty() ? DEFAULT_NAME : name;
    this.options = new RateLimitOptions(options).validate();
    this.algorithm = this.options.getAlgorithm();
    this.failurePolicy = this.options.getFailurePolicy();
    this.ipv6PrefixLength = this.options.getIpv6PrefixLength();
    this.scripts = AlgorithmScripts.of(algorithm);
    this.keys = new LimiterKeys(scripts.family(), gateway.options().getKeyPrefix());
    this.limits = RateLimits.from(this.options);
    this.shadow = this.options.isShadowMode();
    int denySize = this.options.getDenyCacheSize();
    this.denyCache = denySize > 0 ? new DenyCache(denySize) : null;
    this.counters = new Counters(this.name, () -> denyCache == null ? 0 : denyCache.size());
    this.fallback = new Fallback(this.name, failurePolicy, Math.max(10_000, denySize), this.options.getLocalSharePercent(),
      counters, AccessProbe.refusal(AccessProbe.component(this.name), failurePolicy, AccessProbe.grant(gateway.options().getKeyPrefix()),
        gateway.refusals()));
    this.context = gateway.context();
    this.leases = new Leases(gateway, this.name, failurePolicy, this.options.getLocalSharePercent(), counters);
    this.plans = new Plans(this.name, this.options.getPlanCacheMs(), this.options.getPlanCacheSize(), counters, limits);
    this.verifyCalls = new VerifyCalls(keys, limits, algorithm, scripts, ipv6PrefixLength, plans);
    this.stored = this.options.isRuntimeLimits()
      ? new StoredLimits(vertx, gateway, this.name, limits, algorithm, this.options.getLimitsRefreshMs(), counters) : null;
    long timeoutMs = this.options.getTimeoutMs();
    this.admission = new Admission(this.name, this.options.getMaxInFlight(), this.options.getMaxQueued(), timeoutMs,
      gateway.options().getCommandTimeoutMs(), gateway::replies, steps);
    this.tickTimer = vertx.setPeriodic(Admission.tickMs(timeoutMs), id -> onContext(() -> admission.tick(System.nanoTime())));
  }

  private void onContext(Runnable task) {
    if (Vertx.currentContext() == context) {
      task.run();
    } else {
      context.runOnContext(v -> task.run());
    }
  }

  // ---------------------------------------------------------------- the API

  @Override
  public Future<Decision> check(String key, long limit, Duration window) {
    return check(key, limit, window, 1);
  }

  @Override
  public Future<Decision> check(String key, long limit, Duration window, long cost) {
    return withLimit(limit, window, l -> check(key, l, cost));
  }

  /** The limit of {@code limit} per {@code window}, checked, given to {@code then}; a failed future when it is invalid. */
  private static Future<Decision> withLimit(long limit, Duration window, Function<Limit, Future<Decision>> then) {
    Limit l;
    try {
      RequestChecks.limit("limit", limit);
      l = Limit.of(limit, window);
    } catch (InvalidRequestException e) {
      return Future.failedFuture(e);
    }
    return then.apply(l);
  }

  @Override
  public Future<Decision> check(String key, Limit limit, long cost) {
    return check(key, limit, cost, null);
  }

  @Override
  public Future<Decision> check(String key, long limit, Duration window, Duration maxWait) {
    return withLimit(limit, window, l -> check(key, l, 1, maxWait));
  }

  @Override
  public Future<Decision> check(String key, Limit limit, long cost, Duration maxWait) {
    long maxWaitUs;
    try {
      RequestChecks.key("key", key);
      if (limit == null) {
        throw new InvalidRequestException("limit", "is required");
      }
      RequestChecks.cost("cost", cost, limit);
      algorithm.check(limit);
      maxWaitUs = Reservations.maxWaitUs(maxWait, algorithm);
    } catch (InvalidRequestException e) {
      return Future.failedFuture(e);
    }
    Limit[] ls = {limit};
    if (maxWaitUs == 0) {
      return decide(new Call(new String[] {keys.check(key)}, ls, new String[] {"check"}, cost, false, scripts.forLimits(ls)));
    }
    Call call = new Call(new String[] {keys.check(key)}, ls, new String[] {"check"}, cost, false, GcraReserveScript.INSTANCE);
    call.maxWaitUs = maxWaitUs;
    return decide(call).compose(d -> Reservations.await(vertx, call, d, counters));
  }

  @Override
  public Future<Decision> serviceLimit(String service) {
    Limit limit;
    try {
      RequestChecks.name("service", service);
      limit = limits.service(service);
      if (limit == null) {
        throw new InvalidRequestException("service", "no limit configured for service \"" + service + "\"");
      }
      algorithm.check(limit);
    } catch (InvalidRequestException e) {
      return Future.failedFuture(e);
    }
    return service(service, limit);
  }

  @Override
  public Future<Decision> serviceLimit(String service, long limit, Duration window) {
    Limit l;
    try {
      RequestChecks.name("service", service);
      RequestChecks.limit("limit", limit);
      l = Limit.of(limit, window);
      algorithm.check(l);
    } catch (InvalidRequestException e) {
      return Future.failedFuture(e);
    }
    return service(service, l);
  }

  private Future<Decision> service(String service, Limit limit) {
    Limit[] ls = {limit};
    return decide(new Call(new String[] {keys.service(service)}, ls, new String[] {"service:" + service}, 1, false,
      scripts.forLimits(ls)));
  }

  @Override
  public Future<Decision> verifyAndLimit(String token, String ip, String endpoint) {
    return verifyAndLimit(token, ip, endpoint, null);
  }

  @Override
  public Future<Decision> verifyAndLimit(String token, String ip, String endpoint, Duration window) {
    return verifyCalls.decide(token, ip, endpoint, window, this::decide);
  }

  @Override
  public RateLimiter planResolver(PlanResolver resolver) {
    plans.resolver(resolver);
    return this;
  }

  @Override
  public Future<String> plan(String token) {
    return plans.plan(token);
  }

  @Override
  public RateLimitAdmin admin() {
    if (stored == null) {
      throw new IllegalStateException("rate limiter " + name + ": rateLimit.runtimeLimits is off, so limits cannot be "
        + "stored; set it to true on every instance that should follow them");
    }
    return stored;
  }

  @Override
  public Future<Permit> acquire(String key, int maxConcurrent, Duration leaseTtl) {
    return leases.acquire(key, maxConcurrent, leaseTtl);
  }

  @Override
  public Future<Boolean> release(String key, String permitId) {
    return leases.release(key, permitId);
  }

  @Override
  public Future<Boolean> renew(String key, String permitId, Duration leaseTtl) {
    return leases.renew(key, permitId, leaseTtl);
  }

  @Override
  public RateLimits limits() {
    return limits;
  }

  @Override
  public RateLimiter shadowMode(boolean on) {
    this.shadow = on;
    return this;
  }

  @Override
  public boolean shadowMode() {
    return shadow;
  }

  @Override
  public RateLimitStats stats() {
    return counters;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public RateLimitOptions options() {
    return new RateLimitOptions(options);
  }

  @Override
  public Future<Void> verifyAccess() {
    return AccessProbe.run(gateway, name, keys.probe(), scripts,
      stored == null ? null : LimiterKeys.limitsProbe(gateway.options().getKeyPrefix()));
  }

  @Override
  public Future<Void> close() {
    vertx.cancelTimer(tickTimer);
    Future<Void> linkClosed = stored == null ? Future.succeededFuture() : stored.close();
    if (denyCache != null) {
      denyCache.clear();
    }
    Promise<Void> done = Promise.promise();
    onContext(() -> {
      admission.close();
      done.complete();
    });
    return Future.all(done.future(), linkClosed).mapEmpty();
  }

  // ---------------------------------------------------------------- one decision

  private Future<Decision> decide(Call call) {
    Decision cached = steps.cached(call);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    if (Vertx.currentContext() == context) {
      return admission.admit(call);
    }
    Promise<Decision> answer = ((ContextInternal) vertx.getOrCreateContext()).promise();
    context.runOnContext(v -> admission.admit(call).onComplete(answer));
    return answer.future();
  }

  /**
   * The steps of a decision after admission, and the deny cache before it: kept off the limiter's
   * own surface, which is the public {@link RateLimiter}.
   */
  private final class Steps implements Admission.Decider {

    @Override
    public Decision cached(Call call) {
      if (denyCache == null || denyCache.isEmpty()) {
        return null;
      }
      Decision cached = denyCache.answer(call, System.nanoTime());
      if (cached == null) {
        return null;
      }
      counters.denyCacheHit();
      return finish(cached);
    }

    @Override
    public Future<Response> eval(Call call) {
      return gateway.eval(call.script.script(), Arrays.asList(call.keys), call.script.args(call));
    }

    /** The module's own back-pressure rejects; anything that means Redis cannot decide goes to the failure policy. */
    @Override
    public Decision answer(Call call, AsyncResult<Response> reply) {
      if (reply.succeeded()) {
        return fromRedis(call, reply.result());
      }
      Throwable cause = reply.cause();
      if (cause instanceof RedisUnavailableException rue && rue.reason() == RedisUnavailableException.Reason.OVERLOADED) {
        return admission.overloaded(call, cause.getMessage());
      }
      return fallback(call, cause);
    }

    private Decision fromRedis(Call call, Response reply) {
      Decision[] each = new Decision[call.keys.length];
      boolean allowed;
      try {
        allowed = call.script.parse(call, reply, each);
      } catch (RuntimeException e) {
        // A reply of the wrong shape (another script under our SHA, a proxy mangling it): Redis did not decide.
        return fallback(call, new RedisCommandException("rate limiter " + name + ": unexpected script reply " + reply + ": " + e, e));
      }
      Decision d = Decisions.combine(call, allowed, each, Source.REDIS, null);
      if (!allowed && denyCache != null) {
        denyCache.remember(call, each);
      }
      fallback.redisDecided();
      return finish(d);
    }

    @Override
    public Decision fallback(Call call, Throwable cause) {
      return finish(fallback.decide(call, cause));
    }

    /** Counts a decision and, in shadow mode, lets a rejection through. */
    @Override
    public Decision finish(Decision d) {
      if (d.allowed()) {
        counters.count(d.source() == Source.FALLBACK ? Outcome.FALLBACK_ALLOWED : Outcome.ALLOWED, d.source());
        return d;
      }
      if (shadow) {
        counters.count(Outcome.SHADOW_REJECTED, d.source());
        return Decisions.shadowed(d);
      }
      counters.count(d.source() == Source.FALLBACK ? Outcome.FALLBACK_REJECTED
        : d.source() == Source.OVERLOADED ? Outcome.OVERLOADED_REJECTED : Outcome.REJECTED, d.source());
      return d;
    }
  }

  @Override
  public String toString() {
    return "RateLimiter[" + name + ", " + algorithm + ", " + failurePolicy + "]";
  }
}
