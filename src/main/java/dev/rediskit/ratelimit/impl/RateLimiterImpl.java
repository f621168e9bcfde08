package dev.rediskit.ratelimit.impl;

import dev.rediskit.InvalidRequestException;
import dev.rediskit.RedisCommandException;
import dev.rediskit.RedisTimeoutException;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.client.Script;
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
import dev.rediskit.ratelimit.TokenHash;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.redis.client.Response;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The limiter: builds the keys and arguments of a decision, asks the deny cache, runs the script
 * through the gateway, turns the reply into a {@link Decision}, and falls back to the failure
 * policy when Redis cannot answer in time.
 *
 * <p>Callable from any thread: the state shared between calls is thread-safe (deny cache,
 * counters, pending queue) and each call's own state lives in its {@link Call}.
 *
 * <p>The limiter's own timeout costs no timer per call. When it is at least the gateway's
 * command timeout, the gateway's deadline (which fails every command in time) is all that is
 * needed. When it is shorter, calls join a lock-free FIFO; since all share one timeout, the head
 * is always the oldest, and one periodic tick per limiter answers the expired heads with the
 * failure policy. Whichever comes first, the reply or the tick, wins one compare-and-set; the
 * other is ignored.
 */
public final class RateLimiterImpl implements RateLimiter {

  private static final System.Logger LOG = System.getLogger(RateLimiter.class.getName());
  /** What a FAIL_CLOSED rejection tells the caller to wait: long enough not to hammer, short enough to notice recovery. */
  static final long FAIL_CLOSED_RETRY_MS = 1000;

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
  private final ConcurrentLinkedQueue<Call> pending = new ConcurrentLinkedQueue<>();
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
    String base = gateway.options().getKeyPrefix() + ":rl:" + switch (algorithm) {
      case GCRA -> "g";
      case FIXED_WINDOW -> "f";
      case SLIDING_WINDOW -> "w";
    };
    this.checkPrefix = base + ":k:";
    this.servicePrefix = base + ":s:";
    this.verifyPrefix = base + ":v:{";
    this.limits = RateLimits.from(this.options);
    this.shadow = this.options.isShadowMode();
    int denySize = this.options.getDenyCacheSize();
    this.denyCache = denySize > 0 ? new DenyCache(denySize) : null;
    this.local = failurePolicy == FailurePolicy.LOCAL
      ? new LocalGcra(Math.max(10_000, denySize), this.options.getLocalSharePercent(), () -> System.nanoTime() / 1000)
      : null;
    this.counters = new Counters(this.name, () -> denyCache == null ? 0 : denyCache.size());
    this.timeoutMs = this.options.getTimeoutMs();
    this.ownDeadlines = timeoutMs < gateway.options().getCommandTimeoutMs();
    if (ownDeadlines) {
      // The tick fires every tickMs, so a call is answered between its deadline and one tick later:
      // the deadline is set a tick early (but not before half the timeout) to answer within the timeout.
      long tickMs = Math.max(5, Math.min(50, timeoutMs / 10));
      this.deadlineNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(timeoutMs - tickMs, timeoutMs / 2));
      this.tickTimer = vertx.setPeriodic(tickMs, id -> expire());
    } else {
      this.deadlineNanos = 0;
      this.tickTimer = -1;
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
    if (tickTimer != -1) {
      vertx.cancelTimer(tickTimer);
    }
    if (denyCache != null) {
      denyCache.clear();
    }
    return Future.succeededFuture();
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
      if (compareAndSet(false, true)) {
        promise.complete(ar.succeeded() ? fromRedis(this, ar.result()) : fallback(this, ar.cause()));
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
    Future<Response> reply = gateway.eval(script(call), Arrays.asList(call.keys), args(call));
    if (!ownDeadlines) {
      return reply.transform(ar -> Future.succeededFuture(ar.succeeded()
        ? fromRedis(call, ar.result()) : fallback(call, ar.cause())));
    }
    call.promise = ((ContextInternal) vertx.getOrCreateContext()).promise();
    call.deadline = call.start + deadlineNanos;
    pending.offer(call);
    reply.onComplete(call);
    return call.promise.future();
  }

  /** Runs on the tick: answers the calls whose deadline passed with the failure policy. */
  private void expire() {
    long now = System.nanoTime();
    Call head;
    while ((head = pending.peek()) != null) {
      if (head.get()) {
        pending.poll();
        continue;
      }
      if (head.deadline - now > 0) {
        break;
      }
      pending.poll();
      if (head.compareAndSet(false, true)) {
        head.promise.complete(fallback(head, new RedisTimeoutException(
          "rate limiter " + name + ": Redis did not answer within " + timeoutMs + " ms (rateLimit.timeoutMs)")));
      }
    }
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
    counters.count(d.source() == Source.FALLBACK ? Outcome.FALLBACK_REJECTED : Outcome.REJECTED);
    return d;
  }

  @Override
  public String toString() {
    return "RateLimiter[" + name + ", " + algorithm + ", " + failurePolicy + "]";
  }
}
