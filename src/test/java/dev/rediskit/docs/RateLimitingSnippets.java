package dev.rediskit.docs;

import dev.rediskit.client.RedisGateway;
import dev.rediskit.eventbus.RateLimitClient;
import dev.rediskit.ratelimit.EndpointLimits;
import dev.rediskit.ratelimit.Decision;
import dev.rediskit.ratelimit.Limit;
import dev.rediskit.ratelimit.LimitChange;
import dev.rediskit.ratelimit.RateLimitAdmin;
import dev.rediskit.ratelimit.Permit;
import dev.rediskit.ratelimit.RateLimiter;
import dev.rediskit.web.ClientIpResolver;
import dev.rediskit.web.HttpRateLimitPolicy;
import dev.rediskit.web.RateLimitHandler;
import dev.rediskit.web.RateLimitHandlerOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/** The code of docs/RATE_LIMITING.md, compiled, never run. */
abstract class RateLimitingSnippets extends SnippetContext {

  String tenant;
  RateLimitClient client;

  void quickStart() {
    // begin-snippet: rate-limiting-quick-start
    RedisGateway gateway = RedisGateway.create(vertx, options);          // options: a validated RedisKitOptions
    RateLimiter limiter = RateLimiter.create(vertx, gateway);             // settings from options.getRateLimit()

    limiter.check("user:42", 100, Duration.ofMinutes(1)).onSuccess(d -> {
      if (d.allowed()) {
        // go on; d.remaining() units left
      } else {
        // come back in d.retryAfterMs()
      }
    });

    limiter.check("export:42", 10, Duration.ofHours(1), 3);              // a request costing 3 units, all or none
    limiter.check("burst", Limit.parse("10/1s;burst=50"), 1);             // GCRA with a burst other than the limit
    limiter.serviceLimit("partner-api");                                  // a configured service limit
    limiter.verifyAndLimit(token, ip, "/login");                          // configured per-token, per-IP, per-endpoint
    // end-snippet
  }

  void runTimeLimits() {
    // begin-snippet: rate-limiting-run-time-limits
    limiter.limits().setEndpoint("/login", new EndpointLimits(Limit.parse("3/1m"), null, null));
    limiter.limits().setService("partner-api", Limit.parse("20/1s"));
    limiter.limits().setDefaults(new EndpointLimits(null, Limit.parse("600/1m"), null));
    limiter.shadowMode(true);
    // end-snippet
  }

  void storedLimits() {
    // begin-snippet: rate-limiting-stored-limits
    RateLimitAdmin admin = limiter.admin();                    // needs rateLimit.runtimeLimits: true
    admin.apply(new LimitChange()
        .setEndpoint("/login", new EndpointLimits(Limit.parse("3/1m"), null, null))
        .setService("partner-api", Limit.parse("20/1s"))
        .setPlan("pro", Limit.parse("10000/1m"))
        .removePlan("trial"))                                  // back to its configured limit, if any
      .onSuccess(version -> log.info("limits version " + version + " in force everywhere within the bound"))
      .onFailure(err -> log.warn("refused, nothing applied: " + err.getMessage()));
    // end-snippet
  }

  void adminClient() {
    // begin-snippet: rate-limiting-admin-client
    RateLimitClient admin = RateLimitClient.create(vertx, "");   // in the Vert.x instance of the limiter
    admin.setLimits(new LimitChange().setPlan("pro", Limit.parse("10000/1m")))
      .onSuccess(version -> log.info("limits version " + version))
      .onFailure(err -> log.warn(err.getMessage()));             // InvalidRequestException, field "change": refused
    admin.limits().onSuccess(report -> { /* report.version(), report.stored().plans(), report.status() */ });
    // end-snippet
  }

  void plans(PlanStore plansOfTokens) {
    // begin-snippet: rate-limiting-plans
    limiter.planResolver(token -> plansOfTokens.planOf(token));   // Future<String>: "free", "pro" or null
    limiter.verifyAndLimit(token, ip, "/search");                 // the token's plan limit, where /search has none of its own

    RateLimitHandler handler = RateLimitHandler.create(limiter,
      HttpRateLimitPolicy.perToken("per-token", 60, Duration.ofMinutes(1)).withPlans(),   // 60/1m for tokens without a plan
      HttpRateLimitPolicy.perIp("per-ip", 300, Duration.ofMinutes(1)));
    // end-snippet
  }

  void planAddress(PlanStore plansOfTokens) {
    // begin-snippet: rate-limiting-plan-address
    // in the verticle that knows the plans, on any node; the module configured with "planAddress": "plans.lookup"
    vertx.eventBus().<JsonObject>consumer("plans.lookup", msg -> plansOfTokens.planOf(msg.body().getString("token"))
      .onSuccess(plan -> msg.reply(new JsonObject().put("plan", plan)))   // null: no plan, the ordinary limits
      .onFailure(err -> msg.fail(500, err.getMessage())));                 // the ordinary limits too, counted
    // end-snippet
  }

  /** Where an application keeps which plan each token is on. */
  interface PlanStore {
    Future<String> planOf(String token);
  }

  void meters() {
    // begin-snippet: rate-limiting-meters
    metrics.bindRateLimiter(limiter);   // tagged limiter=<limiter.name()>, read from limiter.stats()
    // end-snippet
  }

  void client() {
    // begin-snippet: rate-limiting-client
    RateLimitClient client = RateLimitClient.create(vertx, "");        // or (vertx, prefix, deliveryOptions)
    client.check("user:42", 100, Duration.ofMinutes(1)).onSuccess(d -> { /* d.allowed(), d.retryAfterMs() */ });
    client.verifyAndLimit(token, ip, "/login").onSuccess(d -> { /* d.policy(): the limit that decided */ });
    client.failOnUnavailable(true).check("user:42", 100, Duration.ofMinutes(1));   // 503 instead of FAIL_CLOSED rejections
    // end-snippet
  }

  void handler() {
    // begin-snippet: rate-limiting-handler
    RateLimiter limiter = RateLimiter.create(vertx, gateway);
    router.route("/api/*").handler(RateLimitHandler.create(limiter, new RateLimitHandlerOptions()
      .addPolicy(HttpRateLimitPolicy.perIp("per-ip", 100, Duration.ofMinutes(1)))
      .addPolicy(HttpRateLimitPolicy.perToken("per-token", 1000, Duration.ofHours(1)))
      .addPolicy(HttpRateLimitPolicy.perRoute("route", 5000, Duration.ofMinutes(1)))
      .setApiKeyHeader("X-API-Key")                                      // read before Authorization: Bearer
      .setClientIpResolver(ClientIpResolver.create(ClientIpResolver.ForwardedHeader.X_FORWARDED_FOR,
        List.of("10.0.0.0/8", "fd00::/8")))
      .setLegacyHeaders(RateLimitHandlerOptions.LegacyHeaders.NONE)));
    router.route("/api/*").handler(BodyHandler.create());
    // end-snippet
  }

  void handlerWithCors() {
    // begin-snippet: rate-limiting-handler-cors
    router.route().handler(CorsHandler.create().addOrigin("https://app.example")
      .exposedHeaders(Set.of("RateLimit", "RateLimit-Policy", "Retry-After")));   // not CORS-safelisted
    router.route("/api/*").handler(RateLimitHandler.create(limiter, HttpRateLimitPolicy.perIp("per-ip", 100, Duration.ofMinutes(1))));
    // end-snippet
  }

  void concurrency() {
    // begin-snippet: rate-limiting-concurrency
    limiter.acquire("reports:" + tenant, 20, Duration.ofSeconds(30)).onSuccess(permit -> {
      if (!permit.acquired()) {
        // all 20 places taken; permit.retryAfterMs(): when the earliest lease ends at the latest
        return;
      }
      runReport(tenant)                                                  // a Future of the work
        .eventually(() -> permit.release());                             // released however the work ends
    });
    // end-snippet
  }

  void concurrencyRenew(Permit permit) {
    // begin-snippet: rate-limiting-concurrency-renew
    long timer = vertx.setPeriodic(10_000, id -> permit.renew());        // a report that may outlast its 30 s lease
    runReport(tenant).eventually(() -> {
      vertx.cancelTimer(timer);
      return permit.release();
    });
    // end-snippet
  }

  void concurrencyClient() {
    // begin-snippet: rate-limiting-concurrency-client
    RateLimitClient client = RateLimitClient.create(vertx, "");
    client.acquire("reports:" + tenant, 20, Duration.ofSeconds(30))
      .onSuccess(permit -> { /* permit.release() and permit.renew() are messages to the limiter's node */ });
    client.stats().onSuccess(stats -> { /* stats.decisions(Decision.Source.DENY_CACHE), stats.toJson() */ });
    // end-snippet
  }

  void concurrencyHandler() {
    // begin-snippet: rate-limiting-concurrency-handler
    router.route("/reports/*").handler(RateLimitHandler.create(limiter, new RateLimitHandlerOptions()
      .addPolicy(HttpRateLimitPolicy.perToken("per-token", 1000, Duration.ofHours(1)))
      .addPolicy(HttpRateLimitPolicy.concurrent("in-flight", HttpRateLimitPolicy.KeyKind.TOKEN, 20, Duration.ofSeconds(30)))
      .addPolicy(HttpRateLimitPolicy.perIp("per-ip", 100, Duration.ofMinutes(1)).withPartitionKey())));
    // end-snippet
  }

  void reservation() {
    // begin-snippet: rate-limiting-reservation
    limiter.check("partner-api", 10, Duration.ofSeconds(1), Duration.ofSeconds(5)).onSuccess(d -> {
      if (d.allowed()) {
        // now, or d.waitedMs() later: the slot Redis booked is due
      } else {
        // the next slot is more than 5 s away: d.retryAfterMs()
      }
    });
    client.check("partner-api", 10, Duration.ofSeconds(1), Duration.ofSeconds(5));   // the same through the event bus
    router.route("/export/*").handler(RateLimitHandler.create(limiter,
      HttpRateLimitPolicy.perToken("paced", 10, Duration.ofSeconds(1)).withMaxWait(Duration.ofSeconds(2))));
    // end-snippet
  }

  abstract Future<Void> runReport(String tenant);
}
