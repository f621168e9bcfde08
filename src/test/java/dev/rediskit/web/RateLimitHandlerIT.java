package dev.rediskit.web;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.ratelimit.Limit;
import dev.rediskit.ratelimit.LimitChange;
import dev.rediskit.ratelimit.RateLimitOptions;
import dev.rediskit.ratelimit.RateLimitOptions.FailurePolicy;
import dev.rediskit.ratelimit.RateLimiter;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServers;
import dev.rediskit.web.ClientIpResolver.ForwardedHeader;
import dev.rediskit.web.RateLimitHandlerOptions.LegacyHeaders;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.handler.BodyHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.rediskit.test.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The handler in a real HTTP server, called with a real client: headers on allowed and rejected
 * responses, the 429 problem body, and client-IP resolution with and without a trusted proxy
 * (the test client connects from 127.0.0.1, which is the "proxy" when trusted).
 */
@IntegrationTest
class RateLimitHandlerIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  private final List<RedisGateway> gateways = new ArrayList<>();
  private final List<HttpServer> servers = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (HttpServer s : servers) {
      join(s.close());
    }
    for (RedisGateway g : gateways) {
      join(g.close());
    }
  }

  private RateLimiter limiter(Vertx vertx, String uri, RateLimitOptions options) throws Exception {
    // A short connect timeout for the dead endpoint only: the real server may be slow to accept on a loaded machine.
    RedisGateway gateway = RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(uri)
      .setConnectTimeoutMs(uri.equals(redis.server().uri()) ? 10_000 : 500));
    gateways.add(gateway);
    if (uri.equals(redis.server().uri())) {
      join(gateway.ready());
    }
    return RateLimiter.create(vertx, gateway, "http", options);
  }

  /** @return the port of a server with the handler on /api/* in front of an echo of the body */
  private int serve(Vertx vertx, RateLimitHandler handler) throws Exception {
    Router router = Router.router(vertx);
    router.route("/api/*").handler(handler).handler(BodyHandler.create())
      .handler(ctx -> ctx.response().end("ok:" + ctx.body().asString()));
    HttpServer server = join(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    servers.add(server);
    return server.actualPort();
  }

  private static HttpResponse<Buffer> get(WebClient client, int port, MultiMap headers) throws Exception {
    return join(client.get(port, "127.0.0.1", "/api/items").putHeaders(headers).send());
  }

  @Test
  void allowedAndRejectedResponsesCarryTheDraftHeadersAndA429Problem(Vertx vertx) throws Exception {
    RateLimiter limiter = limiter(vertx, redis.server().uri(), new RateLimitOptions());
    int port = serve(vertx, RateLimitHandler.create(limiter,
      HttpRateLimitPolicy.perIp("per-ip", 3, Duration.ofHours(1)),
      HttpRateLimitPolicy.perToken("per-token", 5, Duration.ofHours(1))));
    WebClient client = WebClient.create(vertx);
    MultiMap bearer = MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer s3cr3t-token");

    HttpResponse<Buffer> first = get(client, port, bearer);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.getHeader("RateLimit-Policy")).isEqualTo("\"per-ip\";q=3;w=3600, \"per-token\";q=5;w=3600");
    // One of 3 an hour used: full again in 20 min; one of 5: in 12 min.
    assertThat(first.getHeader("RateLimit")).isEqualTo("\"per-ip\";r=2;t=1200, \"per-token\";r=4;t=720");

    // Without a token, the token policy does not count the request and is not reported.
    HttpResponse<Buffer> anonymous = get(client, port, MultiMap.caseInsensitiveMultiMap());
    assertThat(anonymous.statusCode()).isEqualTo(200);
    // Two of 3 used: full again 40 min after the first request, less the time since.
    assertThat(anonymous.getHeader("RateLimit")).matches("\"per-ip\";r=1;t=2[34]\\d\\d");

    assertThat(get(client, port, bearer).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> rejected = get(client, port, bearer);
    assertThat(rejected.statusCode()).isEqualTo(429);
    assertThat(rejected.getHeader("Content-Type")).isEqualTo("application/problem+json");
    long retryAfter = Long.parseLong(rejected.getHeader("Retry-After"));
    // The next unit of 3 an hour comes back 20 min after the first request, give or take the test's duration.
    assertThat(retryAfter).isBetween(1100L, 1200L);
    // Policies are independent limits checked together: the token's allowed this request and
    // counted it (3 of 5 used), though the IP's rejected it. Its t is capped at Retry-After.
    assertThat(rejected.getHeader("RateLimit")).isEqualTo("\"per-ip\";r=0;t=" + retryAfter + ", \"per-token\";r=2;t=" + retryAfter);
    assertThat(rejected.getHeader("RateLimit-Policy")).isEqualTo(first.getHeader("RateLimit-Policy"));
    JsonObject problem = rejected.bodyAsJsonObject();
    assertThat(problem.getString("type")).isEqualTo("https://iana.org/assignments/http-problem-types#quota-exceeded");
    assertThat(problem.getInteger("status")).isEqualTo(429);
    assertThat(problem.getString("title")).isNotBlank();
    assertThat(problem.getString("detail")).contains("per-ip");
    assertThat(problem.getJsonArray("violated-policies")).isEqualTo(new JsonArray().add("per-ip"));
    // The raw token never reached Redis.
    assertThat((List<?>) redis.server().command("KEYS", "*s3cr3t*")).isEmpty();
  }

  @Test
  void aPlanPolicyCountsEachTokenAgainstItsPlansLimitAndFollowsRunTimeChanges(Vertx vertx) throws Exception {
    RateLimiter limiter = limiter(vertx, redis.server().uri(), new RateLimitOptions().setRuntimeLimits(true)
      .putPlanLimit("free", Limit.parse("2/1h")).putPlanLimit("pro", Limit.parse("4/1h")));
    limiter.planResolver(token -> Future.succeededFuture(token.startsWith("pro") ? "pro" : token.startsWith("free") ? "free" : null));
    int port = serve(vertx, RateLimitHandler.create(limiter,
      HttpRateLimitPolicy.perToken("per-token", 3, Duration.ofHours(1)).withPlans()));
    WebClient client = WebClient.create(vertx);
    String suffix = Long.toString(System.nanoTime());
    assertThat(statuses(client, port, "free-" + suffix, 4)).containsExactly(200, 200, 429, 429);
    assertThat(statuses(client, port, "pro-" + suffix, 6)).containsExactly(200, 200, 200, 200, 429, 429);
    // A token without a plan gets the policy's own limit.
    assertThat(statuses(client, port, "anon-" + suffix, 4)).containsExactly(200, 200, 200, 429);
    HttpResponse<Buffer> pro = get(client, port, bearer("pro-2-" + suffix));
    assertThat(pro.getHeader("RateLimit-Policy")).isEqualTo("\"per-token\";q=4;w=3600");
    // The pro plan raised at run time: the next request already counts against 10 an hour.
    join(limiter.admin().apply(new LimitChange().setPlan("pro", Limit.parse("10/1h"))));
    HttpResponse<Buffer> raised = get(client, port, bearer("pro-3-" + suffix));
    assertThat(raised.getHeader("RateLimit-Policy")).isEqualTo("\"per-token\";q=10;w=3600");
    assertThat(raised.getHeader("RateLimit")).startsWith("\"per-token\";r=9;");
    join(limiter.close());
  }

  private static MultiMap bearer(String token) {
    return MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + token);
  }

  private static List<Integer> statuses(WebClient client, int port, String token, int requests) throws Exception {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      out.add(get(client, port, bearer(token)).statusCode());
    }
    return out;
  }

  @Test
  void aBodyHandlerAfterTheLimiterStillGetsTheBody(Vertx vertx) throws Exception {
    RateLimiter limiter = limiter(vertx, redis.server().uri(), new RateLimitOptions());
    int port = serve(vertx, RateLimitHandler.create(limiter, HttpRateLimitPolicy.perRoute("route", 10, Duration.ofMinutes(1))));
    HttpResponse<Buffer> r = join(WebClient.create(vertx).post(port, "127.0.0.1", "/api/items")
      .sendBuffer(Buffer.buffer("payload")));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsString()).isEqualTo("ok:payload");
    assertThat(r.getHeader("RateLimit")).startsWith("\"route\";r=9;");
  }

  @Test
  void aClientCannotDodgeItsIpLimitWithItsOwnForwardedFor(Vertx vertx) throws Exception {
    RateLimiter limiter = limiter(vertx, redis.server().uri(), new RateLimitOptions());
    // 127.0.0.1, the test client, is not a trusted proxy here.
    int port = serve(vertx, RateLimitHandler.create(limiter, new RateLimitHandlerOptions()
      .addPolicy(HttpRateLimitPolicy.perIp("per-ip", 2, Duration.ofHours(1)))
      .setClientIpResolver(ClientIpResolver.create(ForwardedHeader.X_FORWARDED_FOR, List.of("10.0.0.0/8", "fd00::/8")))));
    WebClient client = WebClient.create(vertx);
    List<Integer> statuses = new ArrayList<>();
    for (String spoofed : List.of("203.0.113.1", "203.0.113.2", "203.0.113.3", "10.0.0.1, 203.0.113.4")) {
      statuses.add(get(client, port, MultiMap.caseInsensitiveMultiMap().add("X-Forwarded-For", spoofed)).statusCode());
    }
    assertThat(statuses).containsExactly(200, 200, 429, 429);
    assertThat((List<?>) redis.server().command("KEYS", "*203.0.113*")).isEmpty();
  }

  @Test
  void forwardedForIsHonouredFromATrustedProxyReadingFromTheRight(Vertx vertx) throws Exception {
    RateLimiter limiter = limiter(vertx, redis.server().uri(), new RateLimitOptions());
    int port = serve(vertx, RateLimitHandler.create(limiter, new RateLimitHandlerOptions()
      .addPolicy(HttpRateLimitPolicy.perIp("per-ip", 1, Duration.ofHours(1)))
      .setClientIpResolver(ClientIpResolver.create(ForwardedHeader.X_FORWARDED_FOR, List.of("127.0.0.1/32", "::1/128")))));
    WebClient client = WebClient.create(vertx);
    assertThat(get(client, port, xff("198.51.100.1")).statusCode()).isEqualTo(200);
    assertThat(get(client, port, xff("198.51.100.2")).statusCode()).isEqualTo(200);
    assertThat(get(client, port, xff("198.51.100.1")).statusCode()).isEqualTo(429);
    // What the client wrote itself sits left of what the proxy appended, and is never read.
    assertThat(get(client, port, xff("192.0.2.99, 198.51.100.2")).statusCode()).isEqualTo(429);
    // A chain of trusted proxies is skipped; several header lines count as one list.
    assertThat(get(client, port, MultiMap.caseInsensitiveMultiMap().add("X-Forwarded-For", "198.51.100.3")
      .add("X-Forwarded-For", "127.0.0.1")).statusCode()).isEqualTo(200);
    assertThat(get(client, port, xff("198.51.100.3, 127.0.0.1")).statusCode()).isEqualTo(429);
    assertThat((List<?>) redis.server().command("KEYS", "*198.51.100.1*")).hasSize(1);
  }

  @Test
  void theForwardedHeaderIsReadWhenThatIsWhatTheProxiesWrite(Vertx vertx) throws Exception {
    RateLimiter limiter = limiter(vertx, redis.server().uri(), new RateLimitOptions());
    int port = serve(vertx, RateLimitHandler.create(limiter, new RateLimitHandlerOptions()
      .addPolicy(HttpRateLimitPolicy.perIp("per-ip", 1, Duration.ofHours(1)))
      .setClientIpResolver(ClientIpResolver.create(ForwardedHeader.FORWARDED, List.of("127.0.0.0/8")))));
    WebClient client = WebClient.create(vertx);
    MultiMap v6 = MultiMap.caseInsensitiveMultiMap().add("Forwarded", "for=\"[2001:db8:cafe::17]:4711\";proto=https");
    assertThat(get(client, port, v6).statusCode()).isEqualTo(200);
    // Another address of the same /64: the same client.
    MultiMap sameNet = MultiMap.caseInsensitiveMultiMap().add("Forwarded", "for=\"[2001:db8:cafe::99]\"");
    assertThat(get(client, port, sameNet).statusCode()).isEqualTo(429);
    // X-Forwarded-For is not what these proxies write: ignored, so the peer (127.0.0.1, trusted, no Forwarded) is the client.
    assertThat(get(client, port, xff("203.0.113.5")).statusCode()).isEqualTo(200);
    assertThat(get(client, port, xff("203.0.113.6")).statusCode()).isEqualTo(429);
  }

  @Test
  void theApiKeyHeaderIsReadBeforeTheBearerToken(Vertx vertx) throws Exception {
    RateLimiter limiter = limiter(vertx, redis.server().uri(), new RateLimitOptions());
    int port = serve(vertx, RateLimitHandler.create(limiter, new RateLimitHandlerOptions()
      .addPolicy(HttpRateLimitPolicy.perToken("per-key", 1, Duration.ofHours(1)))
      .setApiKeyHeader("X-API-Key")));
    WebClient client = WebClient.create(vertx);
    MultiMap both = MultiMap.caseInsensitiveMultiMap().add("X-API-Key", "key-1").add("Authorization", "Bearer other");
    assertThat(get(client, port, both).statusCode()).isEqualTo(200);
    assertThat(get(client, port, MultiMap.caseInsensitiveMultiMap().add("X-API-Key", "key-1")).statusCode()).isEqualTo(429);
    // The bearer token counts on its own when no API key is sent; the scheme is case-insensitive.
    assertThat(get(client, port, MultiMap.caseInsensitiveMultiMap().add("Authorization", "bearer other")).statusCode())
      .isEqualTo(200);
    assertThat(get(client, port, MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer other")).statusCode())
      .isEqualTo(429);
    // A request without any token is not counted by a token policy.
    HttpResponse<Buffer> none = get(client, port, MultiMap.caseInsensitiveMultiMap().add("Authorization", "Basic dXNlcjpwdw=="));
    assertThat(none.statusCode()).isEqualTo(200);
    assertThat(none.getHeader("RateLimit")).isNull();
    assertThat(none.getHeader("RateLimit-Policy")).isEqualTo("\"per-key\";q=1;w=3600");
  }

  @Test
  void legacyHeadersWhenAskedFor(Vertx vertx) throws Exception {
    RateLimiter limiter = limiter(vertx, redis.server().uri(), new RateLimitOptions());
    int port = serve(vertx, RateLimitHandler.create(limiter, new RateLimitHandlerOptions()
      .addPolicy(HttpRateLimitPolicy.perIp("per-ip", 10, Duration.ofMinutes(1)))
      .addPolicy(HttpRateLimitPolicy.perRoute("route", 100, Duration.ofMinutes(1)))
      .setLegacyHeaders(LegacyHeaders.X_RATELIMIT)));
    HttpResponse<Buffer> r = get(WebClient.create(vertx), port, MultiMap.caseInsensitiveMultiMap());
    // The most restrictive policy's values: the IP's.
    assertThat(r.getHeader("X-RateLimit-Limit")).isEqualTo("10");
    assertThat(r.getHeader("X-RateLimit-Remaining")).isEqualTo("9");
    assertThat(r.getHeader("X-RateLimit-Reset")).isEqualTo("6");
    assertThat(r.getHeader("RateLimit-Limit")).isNull();
  }

  @Test
  void failClosedWithoutRedisAnswers503(Vertx vertx) throws Exception {
    int deadPort;
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort();
    }
    RateLimiter limiter = limiter(vertx, "redis://127.0.0.1:" + deadPort, new RateLimitOptions()
      .setFailurePolicy(FailurePolicy.FAIL_CLOSED).setTimeoutMs(300));
    int port = serve(vertx, RateLimitHandler.create(limiter, HttpRateLimitPolicy.perIp("per-ip", 10, Duration.ofMinutes(1))));
    HttpResponse<Buffer> r = get(WebClient.create(vertx), port, MultiMap.caseInsensitiveMultiMap());
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.getHeader("Retry-After")).isEqualTo("1");
    assertThat(r.getHeader("Cache-Control")).isEqualTo("no-store");
    assertThat(r.bodyAsJsonObject().getString("type")).endsWith("#temporary-reduced-capacity");
  }

  private static MultiMap xff(String value) {
    return MultiMap.caseInsensitiveMultiMap().add("X-Forwarded-For", value);
  }

  @Test
  void aConcurrencyPolicyHoldsAPlaceUntilTheResponseEndsAndTheConnectionCloses(Vertx vertx) throws Exception {
    RateLimiter limiter = limiter(vertx, redis.server().uri(), new RateLimitOptions());
    List<io.vertx.ext.web.RoutingContext> waiting = new java.util.concurrent.CopyOnWriteArrayList<>();
    Router router = Router.router(vertx);
    router.route("/slow/*").handler(RateLimitHandler.create(limiter,
        HttpRateLimitPolicy.concurrent("reports", HttpRateLimitPolicy.KeyKind.ROUTE, 2, Duration.ofMinutes(5))))
      .handler(waiting::add);
    HttpServer server = join(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    servers.add(server);
    int port = server.actualPort();
    WebClient client = WebClient.create(vertx);
    Future<HttpResponse<Buffer>> one = client.get(port, "127.0.0.1", "/slow/a").send();
    Future<HttpResponse<Buffer>> two = client.get(port, "127.0.0.1", "/slow/b").send();
    dev.rediskit.test.Await.until(() -> waiting.size() == 2, "two requests in flight");
    List<?> keys = (List<?>) redis.server().command("KEYS", "rediskit:rl:c:*");
    assertThat(keys).hasSize(1);
    // The policy's key space, under the concurrency family; the route's pattern is the key.
    String key = keys.get(0).toString();
    assertThat(key).startsWith("rediskit:rl:c:http:reports:/slow");
    assertThat((Long) redis.server().command("ZCARD", key)).isEqualTo(2);

    HttpResponse<Buffer> third = join(client.get(port, "127.0.0.1", "/slow/c").send());
    assertThat(third.statusCode()).isEqualTo(429);
    assertThat(third.getHeader("Retry-After")).isEqualTo("1");
    assertThat(third.getHeader("Cache-Control")).as("RFC 6585: a 429 is not stored by caches").isEqualTo("no-store");
    assertThat(third.getHeader("RateLimit-Policy")).isEqualTo("\"reports\";q=2;qu=\"concurrent-requests\"");
    assertThat(third.getHeader("RateLimit")).isEqualTo("\"reports\";r=0");
    assertThat(third.bodyAsJsonObject().getJsonArray("violated-policies")).isEqualTo(new JsonArray().add("reports"));

    // An ended response gives its place back.
    waiting.get(0).response().end("done");
    HttpResponse<Buffer> first = join(one);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.getHeader("RateLimit")).isEqualTo("\"reports\";r=1");
    dev.rediskit.test.Await.until(() -> (Long) redis.server().command("ZCARD", key) == 1, "the ended request's place is free");

    // A failed route gives its place back too.
    waiting.get(1).fail(500);
    assertThat(join(two).statusCode()).isEqualTo(500);
    dev.rediskit.test.Await.until(() -> (Long) redis.server().command("EXISTS", key) == 0, "the failed request's place is free");

    // So does a client that goes away before the response: its connection closes.
    io.vertx.core.http.HttpClient raw = vertx.createHttpClient();
    io.vertx.core.http.HttpClientRequest req = join(raw.request(io.vertx.core.http.HttpMethod.GET, port, "127.0.0.1", "/slow/d"));
    req.end();
    dev.rediskit.test.Await.until(() -> waiting.size() == 3, "the third request in flight");
    assertThat((Long) redis.server().command("ZCARD", key)).isEqualTo(1);
    join(req.connection().close());
    dev.rediskit.test.Await.until(() -> (Long) redis.server().command("EXISTS", key) == 0, "the closed connection's place is free");
    join(raw.close());
  }

  @Test
  void partitionKeysWhenAskedFor(Vertx vertx) throws Exception {
    RateLimiter limiter = limiter(vertx, redis.server().uri(), new RateLimitOptions());
    int port = serve(vertx, RateLimitHandler.create(limiter, new RateLimitHandlerOptions()
      .addPolicy(HttpRateLimitPolicy.perIp("per-ip", 10, Duration.ofMinutes(1)).withPartitionKey())
      .addPolicy(HttpRateLimitPolicy.perToken("per-token", 10, Duration.ofMinutes(1)).withPartitionKey())));
    HttpResponse<Buffer> r = get(WebClient.create(vertx), port, MultiMap.caseInsensitiveMultiMap());
    String pk = java.util.Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(java.security.MessageDigest
      .getInstance("SHA-256").digest("127.0.0.1".getBytes(java.nio.charset.StandardCharsets.UTF_8)), 16));
    // The token policy did not count this request: no partition key for it.
    assertThat(r.getHeader("RateLimit-Policy")).isEqualTo("\"per-ip\";q=10;w=60;pk=:" + pk + ":, \"per-token\";q=10;w=60");
    assertThat(r.getHeader("RateLimit")).isEqualTo("\"per-ip\";r=9;t=6;pk=:" + pk + ":");
  }

  @Test
  void aPolicyWithAWaitHoldsTheRequestUntilItsSlot(Vertx vertx) throws Exception {
    RateLimiter limiter = limiter(vertx, redis.server().uri(), new RateLimitOptions());
    // One request a second, burst 1: the second request's slot is about a second away.
    int port = serve(vertx, RateLimitHandler.create(limiter,
      HttpRateLimitPolicy.perIp("paced", 1, Duration.ofSeconds(1)).withMaxWait(Duration.ofSeconds(3))));
    WebClient client = WebClient.create(vertx);
    assertThat(join(client.post(port, "127.0.0.1", "/api/items").sendBuffer(Buffer.buffer("a"))).statusCode()).isEqualTo(200);
    long start = System.nanoTime();
    HttpResponse<Buffer> paced = join(client.post(port, "127.0.0.1", "/api/items").sendBuffer(Buffer.buffer("b")));
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertThat(paced.statusCode()).isEqualTo(200);
    // The body was held back while the request waited, and still reached the route.
    assertThat(paced.bodyAsString()).isEqualTo("ok:b");
    // Generous: the slot is at most a second away; the machine may add its own delays, never subtract.
    assertThat(tookMs).isBetween(300L, 10_000L);
  }
}
