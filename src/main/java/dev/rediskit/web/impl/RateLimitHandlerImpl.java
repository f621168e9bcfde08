package dev.rediskit.web.impl;

import dev.rediskit.ratelimit.Decision;
import dev.rediskit.ratelimit.IpAddresses;
import dev.rediskit.ratelimit.Limit;
import dev.rediskit.ratelimit.Permit;
import dev.rediskit.ratelimit.RateLimitOptions.FailurePolicy;
import dev.rediskit.ratelimit.RateLimiter;
import dev.rediskit.ratelimit.TokenHash;
import dev.rediskit.web.ClientIpResolver;
import dev.rediskit.web.HttpRateLimitPolicy;
import dev.rediskit.web.RateLimitHandler;
import dev.rediskit.web.RateLimitHandlerOptions;
import dev.rediskit.web.RateLimitHandlerOptions.LegacyHeaders;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Derives each policy's key, checks them all, writes the headers, and answers 429 or passes on. */
public final class RateLimitHandlerImpl implements RateLimitHandler {

  /** The draft's problem type for a request over quota. */
  public static final String QUOTA_EXCEEDED = "https://iana.org/assignments/http-problem-types#quota-exceeded";
  /** The draft's problem type for a request refused for lack of capacity (here: the limiter cannot reach Redis). */
  public static final String REDUCED_CAPACITY = "https://iana.org/assignments/http-problem-types#temporary-reduced-capacity";

  /** Keys longer than this (routes, custom keys) are hashed, so that a key stays bounded whatever the request holds. */
  static final int MAX_RAW_KEY = 200;

  private final RateLimiter limiter;
  private final List<HttpRateLimitPolicy> policies;
  private final ClientIpResolver resolver;
  private final String apiKeyHeader;
  private final LegacyHeaders legacy;
  private final int ipv6PrefixLength;
  private final boolean failClosed;
  private final String policyHeader;
  private final boolean partitionKeys;
  /** Whether a policy counts tokens against their plan's limit: then the policy field is built per request. */
  private final boolean plans;

  /**
   * @param limiter the limiter
   * @param options the policies and settings (copied)
   */
  public RateLimitHandlerImpl(RateLimiter limiter, RateLimitHandlerOptions options) {
    if (options.getPolicies().isEmpty()) {
      throw new IllegalArgumentException("policies: at least one is needed");
    }
    this.limiter = limiter;
    this.policies = List.copyOf(options.getPolicies());
    this.resolver = options.getClientIpResolver();
    this.apiKeyHeader = options.getApiKeyHeader();
    this.legacy = options.getLegacyHeaders();
    this.ipv6PrefixLength = limiter.options().getIpv6PrefixLength();
    this.failClosed = limiter.options().getFailurePolicy() == FailurePolicy.FAIL_CLOSED;
    List<String> items = new ArrayList<>();
    for (HttpRateLimitPolicy p : policies) {
      items.add(policyItem(p, null));
    }
    // Without partition keys the policies do not change per request: the field is built once.
    this.policyHeader = String.join(", ", items);
    this.partitionKeys = policies.stream().anyMatch(HttpRateLimitPolicy::partitionKey);
    this.plans = policies.stream().anyMatch(HttpRateLimitPolicy::usesPlans);
    PolicyNames.register(limiter, limiter.name(), policies);
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    // Hold the body back while Redis decides, so that a body handler further down still gets it.
    boolean paused = !request.isEnded();
    if (paused) {
      request.pause();
    }
    List<HttpRateLimitPolicy> applied = new ArrayList<>(policies.size());
    List<String> keys = new ArrayList<>(policies.size());
    List<Future<?>> answers = new ArrayList<>(policies.size());
    Limit[] used = plans ? new Limit[policies.size()] : null;
    for (HttpRateLimitPolicy p : policies) {
      String key = key(ctx, p);
      if (key != null) {
        applied.add(p);
        keys.add(key);
        String limiterKey = "http:" + p.name() + ":" + key;
        if (p.usesPlans()) {
          int slot = applied.size() - 1;
          answers.add(limiter.plan(token(request)).compose(plan -> {
            Limit planLimit = plan == null ? null : limiter.limits().plan(plan);
            used[slot] = planLimit == null ? p.limit() : planLimit;
            return limiter.check(limiterKey, used[slot], p.cost(), p.maxWait());
          }));
        } else {
          answers.add(p.isConcurrency()
            ? limiter.acquire(limiterKey, p.maxConcurrent(), p.leaseTtl())
            : limiter.check(limiterKey, p.limit(), p.cost(), p.maxWait()));
        }
      }
    }
    HttpServerResponse response = ctx.response();
    response.headers().set("RateLimit-Policy", partitionKeys || plans ? policyHeader(applied, keys, used) : policyHeader);
    if (answers.isEmpty()) {
      pass(ctx, paused);
      return;
    }
    Future.join(answers).onComplete(ar -> {
      if (ar.failed()) {
        Permits.releaseAll(answers);
        if (paused && !request.isEnded()) {
          request.resume();
        }
        ctx.fail(ar.cause());
        return;
      }
      if (plans) {
        // The plans are known now: the policy field shows the limits applied.
        response.headers().set("RateLimit-Policy", policyHeader(applied, keys, used));
      }
      respond(ctx, paused, applied, keys, answers);
    });
  }

  /** The policy field of one request: every policy, those that counted it with their partition keys. */
  private String policyHeader(List<HttpRateLimitPolicy> applied, List<String> keys, Limit[] used) {
    List<String> items = new ArrayList<>(policies.size());
    for (HttpRateLimitPolicy p : policies) {
      int i = applied.indexOf(p);
      Limit limit = used != null && i >= 0 && used[i] != null ? used[i] : p.limit();
      items.add(policyItem(p, limit, i < 0 || !p.partitionKey() ? null : partitionKey(keys.get(i))));
    }
    return String.join(", ", items);
  }

  private static String policyItem(HttpRateLimitPolicy p, byte[] pk) {
    return policyItem(p, p.limit(), pk);
  }

  private static String policyItem(HttpRateLimitPolicy p, Limit limit, byte[] pk) {
    return p.isConcurrency()
      ? HeaderFormat.concurrencyPolicyItem(p.name(), p.maxConcurrent(), pk)
      : HeaderFormat.policyItem(p.name(), limit.limit(), limit.windowMs(), pk);
  }

  /** The draft's partition key: the first 16 bytes of the SHA-256 of the policy's key, never the key itself. */
  static byte[] partitionKey(String key) {
    try {
      return java.util.Arrays.copyOf(java.security.MessageDigest.getInstance("SHA-256")
        .digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)), 16);
    } catch (java.security.NoSuchAlgorithmException e) {
      // Every JVM must provide SHA-256.
      throw new IllegalStateException(e);
    }
  }

  private void respond(RoutingContext ctx, boolean paused, List<HttpRateLimitPolicy> applied, List<String> keys,
                       List<Future<?>> answers) {
    long retryAfter = 0;
    boolean unavailable = false;
    Decision strictest = null;
    List<String> violated = new ArrayList<>();
    for (int i = 0; i < answers.size(); i++) {
      Object a = answers.get(i).result();
      if (a instanceof Permit permit) {
        if (!permit.acquired()) {
          violated.add(applied.get(i).name());
          // A place usually frees long before the earliest lease ends: come back soon.
          retryAfter = Math.max(retryAfter, 1);
          unavailable |= failClosed && permit.source() == Decision.Source.FALLBACK;
        }
        continue;
      }
      Decision d = (Decision) a;
      if (!d.allowed()) {
        violated.add(applied.get(i).name());
        retryAfter = Math.max(retryAfter, Math.max(1, d.retryAfterSeconds()));
        unavailable |= failClosed && d.source() == Decision.Source.FALLBACK;
        if (strictest == null || strictest.allowed() || d.retryAfterMs() > strictest.retryAfterMs()) {
          strictest = d;
        }
      } else if (strictest == null || (strictest.allowed() && d.remaining() < strictest.remaining())) {
        strictest = d;
      }
    }
    boolean rejected = !violated.isEmpty();
    List<String> items = new ArrayList<>(answers.size());
    for (int i = 0; i < answers.size(); i++) {
      HttpRateLimitPolicy p = applied.get(i);
      byte[] pk = p.partitionKey() ? partitionKey(keys.get(i)) : null;
      if (answers.get(i).result() instanceof Permit permit) {
        items.add(HeaderFormat.limitItem(p.name(), permit.acquired() ? permit.available() : 0, -1, pk));
        continue;
      }
      Decision d = (Decision) answers.get(i).result();
      long t = d.allowed() ? d.resetSeconds() : Math.max(1, d.retryAfterSeconds());
      if (rejected) {
        // Retry-After must not point before any t of the same response.
        t = Math.min(t, retryAfter);
      }
      items.add(HeaderFormat.limitItem(p.name(), d.allowed() ? d.remaining() : 0, t, pk));
    }
    HttpServerResponse response = ctx.response();
    response.headers().set("RateLimit", String.join(", ", items));
    if (legacy != LegacyHeaders.NONE && strictest != null) {
      String prefix = legacy == LegacyHeaders.RATELIMIT ? "RateLimit-" : "X-RateLimit-";
      response.headers()
        .set(prefix + "Limit", Long.toString(strictest.limit()))
        .set(prefix + "Remaining", Long.toString(strictest.allowed() ? strictest.remaining() : 0))
        .set(prefix + "Reset", Long.toString(rejected ? retryAfter : strictest.resetSeconds()));
    }
    if (response.closed()) {
      // The client went away while Redis decided: what the next handlers did would reach nobody. The
      // unit stays spent (Redis counted it); a place of a concurrency policy comes back now.
      Permits.releaseAll(answers);
      return;
    }
    if (!rejected) {
      Permits.holdUntilEnd(ctx, answers);
      pass(ctx, paused);
      return;
    }
    Permits.releaseAll(answers);
    if (paused && !ctx.request().isEnded()) {
      ctx.request().resume();
    }
    int status = unavailable ? 503 : 429;
    JsonObject problem = new JsonObject()
      .put("type", unavailable ? REDUCED_CAPACITY : QUOTA_EXCEEDED)
      .put("title", unavailable
        ? "Request cannot be satisfied due to temporary server capacity constraints"
        : "Request cannot be satisfied as assigned quota has been exceeded")
      .put("status", status)
      .put("detail", (unavailable ? "Rate limits cannot be checked right now" : "Quota exceeded for "
        + String.join(", ", violated)) + "; retry in " + retryAfter + " s")
      .put("violated-policies", new JsonArray(new ArrayList<>(violated)));
    // RFC 6585: a 429 must not be stored by a cache; the 503 of an unchecked limit is as much of the moment.
    response.setStatusCode(status)
      .putHeader("Retry-After", Long.toString(retryAfter))
      .putHeader("Cache-Control", "no-store")
      .putHeader("Content-Type", "application/problem+json")
      .end(problem.encode());
  }

  private static void pass(RoutingContext ctx, boolean paused) {
    if (paused && !ctx.request().isEnded()) {
      ctx.request().resume();
    }
    ctx.next();
  }

  /** The key of a request under a policy, or {@code null} when the policy does not count it. */
  String key(RoutingContext ctx, HttpRateLimitPolicy p) {
    String key = switch (p.kind()) {
      case IP -> {
        String ip = resolver.resolve(ctx.request());
        String k = IpAddresses.clientKey(ip, ipv6PrefixLength);
        yield k != null ? k : ip;
      }
      case TOKEN -> {
        String token = token(ctx.request());
        yield token == null ? null : TokenHash.of(token);
      }
      case ROUTE -> {
        Route route = ctx.currentRoute();
        String path = route == null ? null : route.getPath();
        yield path != null ? path : ctx.normalizedPath();
      }
      case CUSTOM -> p.keyFunction().apply(ctx);
    };
    if (key == null || key.isEmpty()) {
      return null;
    }
    // A custom key or a path may hold what a limiter key may not (a header value may hold a tab):
    // hashed like a long key, so that the request is counted rather than failed with a 500.
    return key.length() > MAX_RAW_KEY || hasControl(key) ? "h:" + TokenHash.of(key) : key;
  }

  private static boolean hasControl(String key) {
    for (int i = 0; i < key.length(); i++) {
      if (Character.isISOControl(key.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /** The API key header when configured and present, else the bearer token of Authorization. */
  String token(HttpServerRequest request) {
    if (apiKeyHeader != null) {
      String key = request.getHeader(apiKeyHeader);
      if (key != null && !key.isBlank()) {
        return key.trim();
      }
    }
    String auth = request.getHeader("Authorization");
    if (auth != null && auth.length() > 7 && auth.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
      String token = auth.substring(7).trim();
      return token.isEmpty() ? null : token;
    }
    return null;
  }
}
