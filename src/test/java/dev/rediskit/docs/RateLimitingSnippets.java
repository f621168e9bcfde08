package dev.rediskit.docs;

import dev.rediskit.client.RedisGateway;
import dev.rediskit.eventbus.RateLimitClient;
import dev.rediskit.ratelimit.EndpointLimits;
import dev.rediskit.ratelimit.Limit;
import dev.rediskit.ratelimit.RateLimiter;
import dev.rediskit.web.ClientIpResolver;
import dev.rediskit.web.HttpRateLimitPolicy;
import dev.rediskit.web.RateLimitHandler;
import dev.rediskit.web.RateLimitHandlerOptions;
import io.vertx.ext.web.handler.BodyHandler;

import java.time.Duration;
import java.util.List;

/** The code of docs/RATE_LIMITING.md, compiled, never run. */
abstract class RateLimitingSnippets extends SnippetContext {

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
}
