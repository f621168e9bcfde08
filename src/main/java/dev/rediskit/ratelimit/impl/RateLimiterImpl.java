package dev.rediskit.ratelimit.impl;

import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.error.RedisCommandException;
import dev.rediskit.error.RedisTimeoutException;
import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.client.Script;
import dev.rediskit.config.KeyFamily;
import dev.rediskit.ratelimit.Decision;
import dev.rediskit.ratelimit.Decision.Source;
import dev.rediskit.ratelimit.EndpointLimits;
import dev.rediskit.ratelimit.Limit;
import dev.rediskit.ratelimit.RateLimitOptions;
import dev.rediskit.ratelimit.RateLimitOptions.Algorithm;
import dev.rediskit.ratelimit.RateLimitOptions.FailurePolicy;
import dev.rediskit.ratelimit.RateLimitStats;
import dev.rediskit.ratelimit.RateLimitStats.Outcome;
import dev.rediskit.ratelimit.RateLimiter;
import dev.rediskit.ratelimit.RateLimits;
import dev.rediskit.ratelimit.RequestChecks;
import dev.rediskit.ratelimit.TokenHash;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.redis.client.Response;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The limiter: builds the keys and arguments of a decision, asks the deny cache, runs the script
 * through the gateway, turns the reply into a {@link Decision}, and falls back to the failure
 * policy when Redis cannot answer in time.
 *
 * <p>Callable from any thread. The deny cache and the counters are thread-safe and asked on the
 * caller's thread; everything else (the admission queue, the deadlines) belongs to the gateway's
 * context, where calls from elsewhere hop (the gateway would make the same hop), so none of it is
 * locked.
 *
 * <p>Admission: at most {@code maxInFlight} decisions are at Redis at once; the others wait, at
 * most {@code maxQueued} of them, for at most {@code timeoutMs}. A waiting call asks the deny cache
 * again when its turn comes, so a burst on one key drains at memory speed once Redis has rejected
 * the key. A call that finds the queue full, waits past its timeout, or is refused by the gateway as
 * {@code OVERLOADED} is rejected with source {@link Source#OVERLOADED}: the failure policy is for
 * Redis being unavailable, and taking it on the limiter's own back-pressure would let a burst on a
 * healthy Redis through.
 *
 * <p>The limiter's own timeout costs no timer per call. When it is at least the gateway's
 * command timeout, the gateway's deadline (which fails every command in time) is all that is
 * needed. When it is shorter, sent calls join a FIFO; since all share one timeout, the head is
 * always the oldest, and one periodic tick per limiter answers the expired heads with the failure
 * policy. The same tick rejects queued calls that waited too long. Whichever comes first, the reply
 * or the tick, wins the call's flag; the other is ignored.
 */
public final class RateLimiterImpl implements RateLimiter {

  private static final System.Logger LOG = System.getLogger(RateLimiter.class.getName());
  /** What a FAIL_CLOSED rejection tells the caller to wait: long enough not to hammer, short enough to notice recovery. */
  static final long FAIL_CLOSED_RETRY_MS = 1000;
  /** What an OVERLOADED rejection tells the caller to wait: the limiter's queue drains within its timeout. */
  static final long OVERLOADED_RETRY_MS = 1000;
  /** At most one warning about rejections for overload per this many nanoseconds. */
  private static final long OVERLOAD_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final Vertx vertx;
  private final RedisGateway gateway;
  private final String name;
  private final RateLimitOptions options;
  private final Algorithm algorithm;
  private final FailurePolicy failurePolicy;
  private final int ipv6PrefixLength;
  private final String checkPrefix;
  private final String servicePrefix;
  private final String verifyPrefix;
  private final RateLimits limits;
  private final DenyCache denyCache;
  private final LocalGcra local;
  private final Counters counters;
  private final long timeoutMs;
  private final boolean ownDeadlines;
  private final long deadlineNanos;
  /** The gateway's context: the admission state below is touched only there. */
  private final Context context;
  private final int maxInFlight;
  private final int maxQueued;
  private final long queueWaitNanos;
  private int inFlight;
  private final ArrayDeque<Call> queued = new ArrayDeque<>();
  /** Sent calls, oldest first, when the limiter keeps deadlines of its own. */
  private final ArrayDeque<Call> pending = new ArrayDeque<>();
  private long lastOverloadLog;
  private final long tickTimer;
  private volatile boolean shadow;
  /** The arguments of the last one-key GCRA call: most calls repeat one limit and cost, so their strings are reused. */
  private volatile GcraArgs lastArgs;

  private record GcraArgs(Limit limit, long cost, List<String> args) {
  }

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
    String base = (switch (algorithm) {
      case GCRA -> KeyFamily.RATE_LIMIT_GCRA;
      case FIXED_WINDOW -> KeyFamily.RATE_LIMIT_FIXED;
      case SLIDING_WINDOW -> KeyFamily.RATE_LIMIT_SLIDING;
    }).start(gateway.options().getKeyPrefix());
    this.checkPrefix = base + "k:";
    this.servicePrefix = base + "s:";
    this.verifyPrefix = base + "v:{";
    this.limits = RateLimits.from(this.options);
    this.shadow = this.options.isShadowMode();
    int denySize = this.options.getDenyCacheSize();
    this.denyCache = denySize > 0 ? new DenyCache(denySize) : null;
    this.local = failurePolicy == FailurePolicy.LOCAL
      ? new LocalGcra(Math.max(10_000, denySize), this.options.getLocalSharePercent(), () -> System.nanoTime() / 1000)
      : null;
    this.counters = new Counters(this.name, () -> denyCache == null ? 0 : denyCache.size());
    this.timeoutMs = this.options.getTimeoutMs();
    this.context = gateway.context();
    this.maxInFlight = this.options.getMaxInFlight();
    this.maxQueued = this.options.getMaxQueued();
    this.ownDeadlines = timeoutMs < gateway.options().getCommandTimeoutMs();
    // The tick fires every tickMs, so a call is answered between its deadline and one tick later:
    // deadlines are set a tick early (but not before half the timeout) to answer within the timeout.
    long tickMs = Math.max(5, Math.min(50, timeoutMs / 10));
    long early = TimeUnit.MILLISECONDS.toNanos(Math.max(timeoutMs - tickMs, timeoutMs / 2));
    this.deadlineNanos = ownDeadlines ? early : 0;
    this.queueWaitNanos = early;
    this.tickTimer = vertx.setPeriodic(tickMs, id -> onContext(this::tick));
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
    Limit l;
    try {
      RequestChecks.limit("limit", limit);
      l = Limit.of(limit, window);
    } catch (InvalidRequestException e) {
      return Future.failedFuture(e);
    }
    return check(key, l, cost);
  }

  @Override
  public Future<Decision> check(String key, Limit limit, long cost) {
    try {
      RequestChecks.key("key", key);
      if (limit == null) {
        throw new InvalidRequestException("limit", "is required");
      }
      RequestChecks.cost("cost", cost, limit);
      algorithm.check(limit);
    } catch (InvalidRequestException e) {
      return Future.failedFuture(e);
    }
    return decide(new Call(new String[] {checkPrefix + key}, new Limit[] {limit}, new String[] {"check"}, cost, false));
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
    return decide(new Call(new String[] {servicePrefix + service}, new Limit[] {limit},
      new String[] {"service:" + service}, 1, false));
  }

  @Override
  public Future<Decision> verifyAndLimit(String token, String ip, String endpoint) {
    return verifyAndLimit(token, ip, endpoint, null);
  }

  @Override
  public Future<Decision> verifyAndLimit(String token, String ip, String endpoint, Duration window) {
    Call call;
    try {
      call = verifyCall(token, ip, endpoint, window);
    } catch (InvalidRequestException e) {
      return Future.failedFuture(e);
    }
    return decide(call);
  }

  private Call verifyCall(String token, String ip, String endpoint, Duration window) {
    RequestChecks.name("endpoint", endpoint);
    RequestChecks.token("token", token);
    String ipKey = RequestChecks.ip("ip", ip, ipv6PrefixLength);
    long windowMs = window == null ? 0 : windowMillis(window);
    EndpointLimits el = limits.endpoint(endpoint);
    // All keys of one decision share the hash tag {endpoint}, hence one slot on a cluster, so a
    // single script can decide them all or nothing there too.
    String base = verifyPrefix + tagSafe(endpoint) + "}:";
    List<String> keys = new ArrayList<>(3);
    List<Limit> ls = new ArrayList<>(3);
    List<String> policies = new ArrayList<>(3);
    if (el.token() != null && token != null) {
      keys.add(base + "t:" + TokenHash.of(token));
      ls.add(el.token());
      policies.add("token");
    }
    if (el.ip() != null && ipKey != null) {
      keys.add(base + "i:" + ipKey);
      ls.add(el.ip());
      policies.add("ip");
    }
    if (el.endpoint() != null) {
      keys.add(base + "e");
      ls.add(el.endpoint());
      policies.add("endpoint");
    }
    if (keys.isEmpty()) {
      throw new InvalidRequestException("endpoint", "no rate limit applies to \"" + endpoint + "\""
        + (el.isEmpty() ? " (none configured)" : " with the identifiers given (token " + (token == null ? "absent" : "given")
        + ", ip " + (ip == null ? "absent" : "given") + ")"));
    }
    Limit[] limitArray = new Limit[ls.size()];
    for (int i = 0; i < limitArray.length; i++) {
      Limit l = windowMs > 0 ? ls.get(i).withWindowMs(windowMs) : ls.get(i);
      algorithm.check(l);
      limitArray[i] = l;
    }
    return new Call(keys.toArray(new String[0]), limitArray, policies.toArray(new String[0]), 1, true);
  }

  private static long windowMillis(Duration window) {
    if (window.isNegative() || window.isZero()) {
      throw new InvalidRequestException("window", "must be > 0, was " + window.toMillis() + " ms");
    }
    long ms = window.toMillis();
    RequestChecks.windowMs("window", ms);
    return ms;
  }

  /** Keeps an endpoint name from ending the hash tag early or opening another: braces and % are escaped. */
  static String tagSafe(String endpoint) {
    if (endpoint.indexOf('{') < 0 && endpoint.indexOf('}') < 0 && endpoint.indexOf('%') < 0) {
      return endpoint;
    }
    return endpoint.replace("%", "%25").replace("{", "%7B").replace("}", "%7D");
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
  public Future<Void> close() {
    vertx.cancelTimer(tickTimer);
    if (denyCache != null) {
      denyCache.clear();
    }
    Promise<Void> done = Promise.promise();
    onContext(() -> {
      // Nobody will free a place for them any more: answer the waiting calls now.
      Call c;
      while ((c = queued.pollFirst()) != null) {
        if (c.compareAndSet(false, true)) {
          c.promise.complete(fallback(c, new RedisUnavailableException(RedisUnavailableException.Reason.CLOSED,
            "rate limiter " + name + " was closed", null)));
        }
      }
      done.complete();
    });
    return done.future();
  }

  // ---------------------------------------------------------------- one decision

  /**
   * One decision on its way: its keys and limits, and once sent, its promise and deadline. The
   * flag is set by whoever answers first (the reply or the deadline tick).
   */
  final class Call extends AtomicBoolean implements Handler<AsyncResult<Response>> {
    final String[] keys;
    final Limit[] limits;
    final String[] policies;
    final long cost;
    final boolean verify;
    final long start = System.nanoTime();
    /** Per key, the exact wait Redis implies (the decision rounds it up to ms), for the deny cache. */
    final long[] retryUs;
    /** One GCRA key whose limit is in whole milliseconds: decided by {@code gcra_ms.lua}, replies in ms. */
    final boolean millis;
    /** Until when it may wait in the admission queue. */
    long queuedUntil;
    long deadline;
    Promise<Decision> promise;

    Call(String[] keys, Limit[] limits, String[] policies, long cost, boolean verify) {
      this.keys = keys;
      this.limits = limits;
      this.policies = policies;
      this.cost = cost;
      this.verify = verify;
      this.retryUs = new long[keys.length];
      this.millis = algorithm == Algorithm.GCRA && keys.length == 1 && Gcra.wholeMillis(limits[0]);
    }

    @Override
    public void handle(AsyncResult<Response> ar) {
      // Its place at Redis is free only now, even when the deadline answered the caller earlier.
      released();
      if (compareAndSet(false, true)) {
        promise.complete(ar.succeeded() ? fromRedis(this, ar.result()) : failed(this, ar.cause()));
      }
    }
  }

  private Future<Decision> decide(Call call) {
    if (denyCache != null && !denyCache.isEmpty()) {
      Decision cached = fromDenyCache(call);
      if (cached != null) {
        counters.denyCacheHit();
        return Future.succeededFuture(finish(cached));
      }
    }
    if (Vertx.currentContext() == context) {
      return admit(call);
    }
    Promise<Decision> answer = ((ContextInternal) vertx.getOrCreateContext()).promise();
    context.runOnContext(v -> admit(call).onComplete(answer));
    return answer.future();
  }

  /** On the gateway's context: sends the call if a place at Redis is free, else queues it or rejects it. */
  private Future<Decision> admit(Call call) {
    if (inFlight < maxInFlight) {
      return send(call);
    }
    if (queued.size() >= maxQueued) {
      return Future.succeededFuture(overloaded(call, maxQueued + " decisions already wait for a place at Redis (rateLimit.maxQueued)"));
    }
    call.promise = Promise.promise();
    call.queuedUntil = System.nanoTime() + queueWaitNanos;
    queued.addLast(call);
    return call.promise.future();
  }

  private Future<Decision> send(Call call) {
    inFlight++;
    Future<Response> reply = gateway.eval(script(call), Arrays.asList(call.keys), args(call));
    if (!ownDeadlines) {
      return reply.transform(ar -> {
        released();
        return Future.succeededFuture(ar.succeeded() ? fromRedis(call, ar.result()) : failed(call, ar.cause()));
      });
    }
    if (call.promise == null) {
      call.promise = Promise.promise();
    }
    // From the moment Redis is asked: time spent waiting in the queue is the limiter's own, never
    // a reason for the failure policy.
    call.deadline = System.nanoTime() + deadlineNanos;
    pending.addLast(call);
    reply.onComplete(call);
    return call.promise.future();
  }

  /** A place at Redis came free: the next waiting calls take it, or the deny cache answers them. */
  private void released() {
    inFlight--;
    Call next;
    while (inFlight < maxInFlight && (next = queued.pollFirst()) != null) {
      if (next.get()) {
        continue;
      }
      if (denyCache != null && !denyCache.isEmpty()) {
        Decision cached = fromDenyCache(next);
        if (cached != null) {
          next.set(true);
          counters.denyCacheHit();
          next.promise.complete(finish(cached));
          continue;
        }
      }
      Future<Decision> sent = send(next);
      if (sent != next.promise.future()) {
        sent.onComplete(next.promise);
      }
    }
  }

  /** Runs on the tick: rejects the calls that waited too long for a place, and answers the sent ones past their deadline. */
  private void tick() {
    long now = System.nanoTime();
    Call head;
    while ((head = queued.peekFirst()) != null && head.queuedUntil - now <= 0) {
      queued.pollFirst();
      if (head.compareAndSet(false, true)) {
        head.promise.complete(overloaded(head, "waited " + timeoutMs + " ms for a place at Redis (rateLimit.timeoutMs)"));
      }
    }
    while ((head = pending.peekFirst()) != null) {
      if (head.get()) {
        pending.pollFirst();
        continue;
      }
      if (head.deadline - now > 0) {
        break;
      }
      pending.pollFirst();
      if (head.compareAndSet(false, true)) {
        head.promise.complete(fallback(head, new RedisTimeoutException(
          "rate limiter " + name + ": Redis did not answer within " + timeoutMs + " ms (rateLimit.timeoutMs)")));
      }
    }
  }

  /** A failed decision: the module's own back-pressure rejects, anything that means Redis cannot decide goes to the failure policy. */
  private Decision failed(Call call, Throwable cause) {
    if (cause instanceof RedisUnavailableException rue && rue.reason() == RedisUnavailableException.Reason.OVERLOADED) {
      return overloaded(call, cause.getMessage());
    }
    return fallback(call, cause);
  }

  /** Rejects a call the limiter could not take to Redis in time although Redis may be healthy. */
  private Decision overloaded(Call call, String why) {
    long now = System.nanoTime();
    if (lastOverloadLog == 0 || now - lastOverloadLog >= OVERLOAD_LOG_INTERVAL_NANOS) {
      lastOverloadLog = now;
      LOG.log(System.Logger.Level.WARNING, "rate limiter " + name + ": rejecting decisions without asking Redis, "
        + "the limiter is saturated (" + why + "); not the failure policy: Redis may be healthy");
    }
    int n = call.keys.length;
    Decision[] each = new Decision[n];
    for (int i = 0; i < n; i++) {
      Limit l = call.limits[i];
      each[i] = new Decision(false, l.limit(), 0, OVERLOADED_RETRY_MS, OVERLOADED_RETRY_MS, l.windowMs(),
        call.policies[i], Source.OVERLOADED, false, null, null);
    }
    return finish(combine(call, false, each, Source.OVERLOADED, null));
  }

  private Script script(Call call) {
    return switch (algorithm) {
      case GCRA -> call.millis ? Scripts.GCRA_MS : call.keys.length == 1 ? Scripts.GCRA : Scripts.GCRA_MULTI;
      case FIXED_WINDOW -> Scripts.FIXED_WINDOW;
      case SLIDING_WINDOW -> Scripts.SLIDING_WINDOW;
    };
  }

  private List<String> args(Call call) {
    int n = call.keys.length;
    if (algorithm == Algorithm.GCRA && n == 1) {
      GcraArgs last = lastArgs;
      if (last != null && last.cost == call.cost && last.limit.equals(call.limits[0])) {
        return last.args;
      }
      long unit = call.millis ? 1000 : 1;
      List<String> args = List.of(Long.toString(Gcra.increment(call.limits[0], call.cost) / unit),
        Long.toString(Gcra.tolerance(call.limits[0]) / unit));
      lastArgs = new GcraArgs(call.limits[0], call.cost, args);
      return args;
    }
    if (algorithm == Algorithm.GCRA) {
      // Several keys: gcra_multi.lua, in microseconds.
      String[] args = new String[2 * n];
      for (int i = 0; i < n; i++) {
        args[2 * i] = Long.toString(Gcra.increment(call.limits[i], call.cost));
        args[2 * i + 1] = Long.toString(Gcra.tolerance(call.limits[i]));
      }
      return Arrays.asList(args);
    }
    String[] args = new String[3 * n];
    for (int i = 0; i < n; i++) {
      args[3 * i] = Long.toString(call.limits[i].limit());
      args[3 * i + 1] = Long.toString(call.limits[i].windowMs());
      args[3 * i + 2] = Long.toString(call.cost);
    }
    return Arrays.asList(args);
  }

  // ---------------------------------------------------------------- replies

  private Decision fromRedis(Call call, Response reply) {
    Decision d;
    try {
      d = parse(call, reply);
    } catch (RuntimeException e) {
      // A reply of the wrong shape (another script under our SHA, a proxy mangling it): Redis did not decide.
      return fallback(call, new RedisCommandException("rate limiter " + name + ": unexpected script reply " + reply + ": " + e, e));
    }
    if (counters.redisAnswered()) {
      LOG.log(System.Logger.Level.INFO, "rate limiter " + name + ": Redis decides again");
    }
    return finish(d);
  }

  private Decision parse(Call call, Response reply) {
    int n = call.keys.length;
    Decision[] each = new Decision[n];
    boolean allowed;
    switch (algorithm) {
      case GCRA -> {
        if (n == 1) {
          long r = reply.toLong();
          allowed = r > 0;
          each[0] = gcraState(call, 0, allowed, (allowed ? r : -r - 1) * (call.millis ? 1000 : 1));
        } else {
          allowed = reply.get(0).toLong() == 1;
          for (int i = 0; i < n; i++) {
            each[i] = gcraState(call, i, allowed, reply.get(i + 1).toLong());
          }
        }
      }
      case FIXED_WINDOW -> {
        allowed = reply.get(0).toLong() == 1;
        for (int i = 0; i < n; i++) {
          each[i] = fixedState(call, i, allowed, reply.get(2 * i + 1).toLong(), reply.get(2 * i + 2).toLong());
        }
      }
      default -> {
        allowed = reply.get(0).toLong() == 1;
        for (int i = 0; i < n; i++) {
          each[i] = slidingState(call, i, allowed, reply.get(3 * i + 1).toLong(), reply.get(3 * i + 2).toLong(),
            reply.get(3 * i + 3).toLong());
        }
      }
    }
    Decision d = combine(call, allowed, each, Source.REDIS, null);
    if (!allowed && denyCache != null) {
      for (int i = 0; i < n; i++) {
        Decision k = each[i];
        if (!k.allowed() && call.retryUs[i] > 0) {
          // From the call's start, not the reply's arrival: Redis decided in between, so the entry
          // never outlives the moment Redis would let the key through (it may end up to a round
          // trip early, which costs one round trip, never a wrong rejection).
          denyCache.put(call.keys[i], new DenyCache.Blocked(call.start + call.retryUs[i] * 1000,
            call.start + TimeUnit.MILLISECONDS.toNanos(k.resetMs()), call.cost, k.remaining(), call.limits[i]));
        }
      }
    }
    return d;
  }

  private Decision gcraState(Call call, int i, boolean allowed, long resetUs) {
    Limit l = call.limits[i];
    long interval = Gcra.interval(l);
    long tol = Gcra.tolerance(l);
    long retryUs = Math.max(0, resetUs + Gcra.increment(l, call.cost) - tol);
    call.retryUs[i] = retryUs;
    long remaining = Math.max(0, Math.min(l.burst(), (tol - resetUs) / interval));
    // When the whole request was rejected, a key "allowed" is one that alone would have passed.
    boolean keyAllowed = allowed || retryUs == 0;
    return state(call, i, keyAllowed, remaining, ceilMs(resetUs), ceilMs(retryUs));
  }

  private Decision fixedState(Call call, int i, boolean allowed, long count, long msToEnd) {
    Limit l = call.limits[i];
    long remaining = Math.max(0, l.limit() - count);
    boolean keyAllowed = allowed || count + call.cost <= l.limit();
    long reset = count > 0 ? msToEnd : 0;
    // After an allowed request: when the next one of this cost passes; after a rejection: when this one would.
    long retry = (allowed ? remaining >= call.cost : keyAllowed) ? 0 : msToEnd;
    call.retryUs[i] = retry * 1000;
    return state(call, i, keyAllowed, remaining, reset, retry);
  }

  private Decision slidingState(Call call, int i, boolean allowed, long cur, long prev, long elapsed) {
    Limit l = call.limits[i];
    long w = l.windowMs();
    long limitW = l.limit() * w;
    long weighted = prev * (w - elapsed) + cur * w;
    long remaining = Math.max(0, (limitW - weighted) / w);
    boolean keyAllowed = allowed || weighted + call.cost * w <= limitW;
    long reset = cur > 0 ? 2 * w - elapsed : prev > 0 ? w - elapsed : 0;
    long retry = slidingWait(l, call.cost, cur, prev, elapsed);
    call.retryUs[i] = retry * 1000;
    return state(call, i, keyAllowed, remaining, reset, retry);
  }

  /** How long until a request of {@code cost} fits, if nothing else is consumed meanwhile. */
  static long slidingWait(Limit l, long cost, long cur, long prev, long elapsed) {
    long w = l.windowMs();
    long limit = l.limit();
    if (prev * (w - elapsed) + (cur + cost) * w <= limit * w) {
      return 0;
    }
    if (cur + cost <= limit) {
      // Within this window, once enough of the previous one has slid out.
      long needed = w - (limit - cur - cost) * w / prev;
      return Math.max(1, needed - elapsed);
    }
    // In the next window, where this window's count becomes the weighted one.
    long needed = Math.max(0, w - (limit - cost) * w / cur);
    return (w - elapsed) + needed;
  }

  private static Decision state(Call call, int i, boolean allowed, long remaining, long resetMs, long retryMs) {
    Limit l = call.limits[i];
    return new Decision(allowed, l.limit(), remaining, resetMs, retryMs, l.windowMs(), call.policies[i], Source.REDIS,
      false, null, null);
  }

  private static long ceilMs(long us) {
    return us <= 0 ? 0 : (us + 999) / 1000;
  }

  /**
   * The decision of the whole request from its keys' states: when rejected, the rejecting key
   * with the longest wait; when allowed, the key with the fewest units left (the longest reset on
   * a tie).
   */
  private static Decision combine(Call call, boolean allowed, Decision[] each, Source source, Throwable failure) {
    if (allowed && each.length == 1 && !call.verify && failure == null) {
      // The common case, a single key allowed by Redis: its state is the decision.
      return each[0];
    }
    Decision pick = null;
    for (Decision d : each) {
      if (pick == null) {
        pick = d;
      } else if (!allowed) {
        if (!d.allowed() && (pick.allowed() || d.retryAfterMs() > pick.retryAfterMs())) {
          pick = d;
        }
      } else if (d.remaining() < pick.remaining() || (d.remaining() == pick.remaining() && d.resetMs() > pick.resetMs())) {
        pick = d;
      }
    }
    List<Decision> details = call.verify ? withSource(each, source) : null;
    return new Decision(allowed, pick.limit(), allowed ? pick.remaining() : 0, pick.resetMs(), pick.retryAfterMs(),
      pick.windowMs(), pick.policy(), source, false, details, failure);
  }

  private static List<Decision> withSource(Decision[] each, Source source) {
    List<Decision> out = new ArrayList<>(each.length);
    for (Decision d : each) {
      out.add(d.source() == source ? d : new Decision(d.allowed(), d.limit(), d.remaining(), d.resetMs(), d.retryAfterMs(),
        d.windowMs(), d.policy(), source, false, null, null));
    }
    return out;
  }

  // ---------------------------------------------------------------- deny cache

  private Decision fromDenyCache(Call call) {
    long now = System.nanoTime();
    DenyCache.Blocked worst = null;
    int at = -1;
    for (int i = 0; i < call.keys.length; i++) {
      DenyCache.Blocked b = denyCache.blocked(call.keys[i], call.cost, call.limits[i], now);
      if (b != null && (worst == null || b.untilNanos() - worst.untilNanos() > 0)) {
        worst = b;
        at = i;
      }
    }
    if (worst == null) {
      return null;
    }
    Limit l = call.limits[at];
    Decision d = new Decision(false, l.limit(), worst.remaining(), ceilNanosToMs(worst.resetAtNanos() - now),
      ceilNanosToMs(worst.untilNanos() - now), l.windowMs(), call.policies[at], Source.DENY_CACHE, false,
      call.verify ? List.of(new Decision(false, l.limit(), worst.remaining(), ceilNanosToMs(worst.resetAtNanos() - now),
        ceilNanosToMs(worst.untilNanos() - now), l.windowMs(), call.policies[at], Source.DENY_CACHE, false, null, null))
        : null, null);
    return d;
  }

  private static long ceilNanosToMs(long nanos) {
    return nanos <= 0 ? 0 : (nanos + 999_999) / 1_000_000;
  }

  // ---------------------------------------------------------------- failure policy

  private Decision fallback(Call call, Throwable cause) {
    if (counters.fallbackUsed()) {
      LOG.log(System.Logger.Level.WARNING, "rate limiter " + name + ": Redis cannot decide (" + cause.getMessage()
        + "); the " + failurePolicy + " policy decides until it can");
    }
    int n = call.keys.length;
    Decision[] each = new Decision[n];
    boolean allowed;
    switch (failurePolicy) {
      case FAIL_OPEN -> {
        allowed = true;
        for (int i = 0; i < n; i++) {
          Limit l = call.limits[i];
          each[i] = new Decision(true, l.limit(), Math.max(0, l.limit() - call.cost), 0, 0, l.windowMs(), call.policies[i],
            Source.FALLBACK, false, null, null);
        }
      }
      case FAIL_CLOSED -> {
        allowed = false;
        for (int i = 0; i < n; i++) {
          Limit l = call.limits[i];
          each[i] = new Decision(false, l.limit(), 0, FAIL_CLOSED_RETRY_MS, FAIL_CLOSED_RETRY_MS, l.windowMs(),
            call.policies[i], Source.FALLBACK, false, null, null);
        }
      }
      default -> {
        LocalGcra.KeyResult[] results = local.acquire(call.keys, call.limits, call.cost);
        allowed = true;
        for (int i = 0; i < n; i++) {
          LocalGcra.KeyResult r = results[i];
          allowed &= r.allowed();
          each[i] = new Decision(r.allowed(), r.limit().limit(), r.remaining(), ceilMs(r.resetUs()), ceilMs(r.retryUs()),
            r.limit().windowMs(), call.policies[i], Source.FALLBACK, false, null, null);
        }
      }
    }
    return finish(combine(call, allowed, each, Source.FALLBACK, cause));
  }

  // ---------------------------------------------------------------- counting and shadow mode

  private Decision finish(Decision d) {
    if (d.allowed()) {
      counters.count(d.source() == Source.FALLBACK ? Outcome.FALLBACK_ALLOWED : Outcome.ALLOWED);
      return d;
    }
    if (shadow) {
      counters.count(Outcome.SHADOW_REJECTED);
      return new Decision(true, d.limit(), d.remaining(), d.resetMs(), d.retryAfterMs(), d.windowMs(), d.policy(),
        d.source(), true, d.limits(), d.failure());
    }
    counters.count(d.source() == Source.FALLBACK ? Outcome.FALLBACK_REJECTED
      : d.source() == Source.OVERLOADED ? Outcome.OVERLOADED_REJECTED : Outcome.REJECTED);
    return d;
  }

  @Override
  public String toString() {
    return "RateLimiter[" + name + ", " + algorithm + ", " + failurePolicy + "]";
  }
}
