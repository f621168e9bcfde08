package dev.rediskit.web.impl;

import dev.rediskit.ratelimit.Decision;
import dev.rediskit.ratelimit.IpAddresses;
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
      items.add(HeaderFormat.policyItem(p.name(), p.limit().limit(), p.limit().windowMs()));
    }
    // The policies do not change per request: the field is built once.
    this.policyHeader = String.join(", ", items);
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
    List<Future<Decision>> decisions = new ArrayList<>(policies.size());
    for (HttpRateLimitPolicy p : policies) {
      String key = key(ctx, p);
      if (key != null) {
        applied.add(p);
        decisions.add(limiter.check("http:" + p.name() + ":" + key, p.limit(), p.cost()));
      }
    }
    HttpServerResponse response = ctx.response();
    response.headers().set("RateLimit-Policy", policyHeader);
    if (decisions.isEmpty()) {
      pass(ctx, paused);
      return;
    }
    Future.join(decisions).onComplete(ar -> {
      if (ar.failed()) {
        if (paused && !request.isEnded()) {
          request.resume();
        }
        ctx.fail(ar.cause());
        return;
      }
      respond(ctx, paused, applied, decisions);
    });
  }

  private void respond(RoutingContext ctx, boolean paused, List<HttpRateLimitPolicy> applied,
                       List<Future<Decision>> futures) {
    long retryAfter = 0;
    boolean unavailable = false;
    Decision strictest = null;
    List<String> violated = new ArrayList<>();
    for (int i = 0; i < futures.size(); i++) {
      Decision d = futures.get(i).result();
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
    List<String> items = new ArrayList<>(futures.size());
    for (int i = 0; i < futures.size(); i++) {
      Decision d = futures.get(i).result();
      long t = d.allowed() ? d.resetSeconds() : Math.max(1, d.retryAfterSeconds());
      if (rejected) {
        // Retry-After must not point before any t of the same response.
        t = Math.min(t, retryAfter);
      }
      items.add(HeaderFormat.limitItem(applied.get(i).name(), d.allowed() ? d.remaining() : 0, t));
    }
    HttpServerResponse response = ctx.response();
    response.headers().set("RateLimit", String.join(", ", items));
    if (legacy != LegacyHeaders.NONE) {
      String prefix = legacy == LegacyHeaders.RATELIMIT ? "RateLimit-" : "X-RateLimit-";
      response.headers()
        .set(prefix + "Limit", Long.toString(strictest.limit()))
        .set(prefix + "Remaining", Long.toString(strictest.allowed() ? strictest.remaining() : 0))
        .set(prefix + "Reset", Long.toString(rejected ? retryAfter : strictest.resetSeconds()));
    }
    if (!rejected) {
      pass(ctx, paused);
      return;
    }
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
    response.setStatusCode(status)
      .putHeader("Retry-After", Long.toString(retryAfter))
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
    return key.length() > MAX_RAW_KEY ? "h:" + TokenHash.of(key) : key;
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
