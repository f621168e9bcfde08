package dev.rediskit.web;

import ch.qos.logback.classic.Level;
import dev.rediskit.RedisKit;
import dev.rediskit.RedisKitOptions;
import dev.rediskit.ratelimit.RateLimitOptions;
import dev.rediskit.ratelimit.RateLimitOptions.FailurePolicy;
import dev.rediskit.ratelimit.RateLimiter;
import dev.rediskit.test.Await;
import dev.rediskit.test.FaultProxy;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.LogCapture;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import dev.rediskit.web.ClientIpResolver.ForwardedHeader;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.AllowForwardHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.handler.CorsHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.rediskit.test.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web handler as a Vert.x 5 user meets it from the README and docs/RATE_LIMITING.md alone: an application
 * verticle of its own that calls {@link RedisKit#create} with the defaults (only the endpoint set), builds a
 * router with {@link RateLimitHandler} in front of its own handlers, and listens; real HTTP clients (from
 * 127.0.0.1 and from 127.0.0.2, two clients on one machine) against it, and a real redis-server that is
 * killed and restarted under it.
 */
@IntegrationTest
class RateLimitHandlerAsAUserIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  private static final Pattern LIMIT_ITEM = Pattern.compile("\"([^\"]+)\";r=(\\d+)(?:;t=(\\d+))?");

  /** The user's application: RedisKit with the defaults, the router the test gives, one HTTP server. */
  static final class Api extends VerticleBase {
    private final RedisKitOptions options;
    private final BiConsumer<Router, RateLimiter> routes;
    private final int listenPort;
    private RedisKit kit;
    volatile int port;

    Api(RedisKitOptions options, BiConsumer<Router, RateLimiter> routes) {
      this(options, routes, 0);
    }

    Api(RedisKitOptions options, BiConsumer<Router, RateLimiter> routes, int listenPort) {
      this.options = options;
      this.routes = routes;
      this.listenPort = listenPort;
    }

    @Override
    public Future<?> start() {
      return RedisKit.create(vertx, options).compose(k -> {
        kit = k;
        Router router = Router.router(vertx);
        routes.accept(router, k.rateLimiter());
        return vertx.createHttpServer().requestHandler(router).listen(listenPort, "127.0.0.1");
      }).onSuccess(server -> port = server.actualPort());
    }

    @Override
    public Future<?> stop() {
      return kit == null ? Future.succeededFuture() : kit.close();
    }
  }

  private static int deploy(Vertx vertx, String redisUri, BiConsumer<Router, RateLimiter> routes) {
    return deploy(vertx, new RedisKitOptions().setEndpoint(redisUri), routes);
  }

  private static int deploy(Vertx vertx, RedisKitOptions options, BiConsumer<Router, RateLimiter> routes) {
    Api api = new Api(options, routes);
    await(vertx.deployVerticle(api));
    return api.port;
  }

  private static WebClient client(Vertx vertx, String localAddress) {
    return WebClient.create(vertx, new WebClientOptions().setLocalAddress(localAddress));
  }

  private static HttpResponse<Buffer> send(WebClient client, HttpMethod method, int port, String path, MultiMap headers) {
    return await(client.request(method, port, "127.0.0.1", path).putHeaders(headers).send());
  }

  private static HttpResponse<Buffer> get(WebClient client, int port, String path) {
    return send(client, HttpMethod.GET, port, path, MultiMap.caseInsensitiveMultiMap());
  }

  private static MultiMap headers(String... nameValues) {
    MultiMap m = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < nameValues.length; i += 2) {
      m.add(nameValues[i], nameValues[i + 1]);
    }
    return m;
  }

  /** @return policy name → {r, t} of a response's RateLimit field (t = -1 when absent) */
  private static Map<String, long[]> rateLimit(HttpResponse<?> r) {
    Map<String, long[]> out = new TreeMap<>();
    String field = r.getHeader("RateLimit");
    if (field == null) {
      return out;
    }
    Matcher m = LIMIT_ITEM.matcher(field);
    while (m.find()) {
      out.put(m.group(1), new long[] {Long.parseLong(m.group(2)), m.group(3) == null ? -1 : Long.parseLong(m.group(3))});
    }
    return out;
  }

  private static long remaining(HttpResponse<?> r, String policy) {
    long[] item = rateLimit(r).get(policy);
    assertThat(item).as("%s in RateLimit: %s", policy, r.getHeader("RateLimit")).isNotNull();
    return item[0];
  }

  /** The documented 429: headers, problem body, and t capped at Retry-After. */
  private static long assertDocumented429(HttpResponse<Buffer> r, String... violated) {
    assertThat(r.statusCode()).isEqualTo(429);
    long retryAfter = Long.parseLong(r.getHeader("Retry-After"));
    assertThat(retryAfter).as("Retry-After, whole seconds, never 0 while rejected").isPositive();
    assertThat(r.getHeader("Cache-Control")).isEqualTo("no-store");
    assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(r.getHeader("RateLimit-Policy")).isNotBlank();
    for (long[] item : rateLimit(r).values()) {
      assertThat(item[1]).as("no t later than Retry-After: %s", r.getHeader("RateLimit")).isLessThanOrEqualTo(retryAfter);
    }
    for (String v : violated) {
      assertThat(rateLimit(r).get(v)[0]).as("r of the violated policy").isZero();
    }
    JsonObject problem = r.bodyAsJsonObject();
    assertThat(problem.getString("type")).isEqualTo("https://iana.org/assignments/http-problem-types#quota-exceeded");
    assertThat(problem.getString("title")).isEqualTo("Request cannot be satisfied as assigned quota has been exceeded");
    assertThat(problem.getInteger("status")).isEqualTo(429);
    assertThat(problem.getString("detail")).isEqualTo("Quota exceeded for " + String.join(", ", violated)
      + "; retry in " + retryAfter + " s");
    assertThat(problem.getJsonArray("violated-policies")).isEqualTo(new JsonArray(List.of((Object[]) violated)));
    return retryAfter;
  }

  // ---------------------------------------------------------------------------------------------------------
  // N + 1 requests of a limit N, the headers, the body, and the handler after it

  @Test
  void nPlusOneRequestsOfALimitNLetExactlyNThroughAndTheNextGetsTheDocumented429(Vertx vertx, RedisServer server) {
    AtomicInteger reached = new AtomicInteger();
    int port = deploy(vertx, server.uri(), (router, limiter) -> router.route("/api/*")
      .handler(RateLimitHandler.create(limiter, HttpRateLimitPolicy.perIp("per-ip", 5, Duration.ofHours(1))))
      .handler(ctx -> ctx.response().end("ok " + reached.incrementAndGet())));
    WebClient client = client(vertx, "127.0.0.1");

    for (int i = 1; i <= 5; i++) {
      HttpResponse<Buffer> ok = get(client, port, "/api/items");
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.bodyAsString()).isEqualTo("ok " + i);
      assertThat(ok.getHeader("RateLimit-Policy")).isEqualTo("\"per-ip\";q=5;w=3600");
      long[] item = rateLimit(ok).get("per-ip");
      assertThat(item[0]).isEqualTo(5 - i);
      // GCRA: i of 5 an hour spent, full again in i × 12 min (less the time since the first request).
      assertThat(item[1]).isBetween(i * 720L - 60, i * 720L);
      assertThat(ok.getHeader("Retry-After")).isNull();
    }
    HttpResponse<Buffer> rejected = get(client, port, "/api/items");
    long retryAfter = assertDocumented429(rejected, "per-ip");
    // The next unit comes back 12 min after the first request.
    assertThat(retryAfter).isBetween(660L, 720L);
    assertThat(rateLimit(rejected).get("per-ip")[1]).isEqualTo(retryAfter);
    assertThat(reached).as("the handler after the limiter is not called for the rejected request").hasValue(5);
    // HTTP/1.1 keeps the connection usable after a 429: the next request on it is answered too.
    assertThat(get(client, port, "/api/items").statusCode()).isEqualTo(429);
    assertThat(reached).hasValue(5);
    // The key of the docs' table, with a TTL.
    assertThat((Long) server.command("PTTL", "rediskit:rl:g:k:http:per-ip:127.0.0.1")).isPositive();
  }

  @Test
  void retryAfterIsRoundedUpAndNeverZeroWhileRejectedUpToTheMomentARequestPasses(Vertx vertx, RedisServer server) {
    AtomicInteger reached = new AtomicInteger();
    // 2 per 1.5 s: a unit every 750 ms, so the waits seen while hammering are all below a second.
    int port = deploy(vertx, server.uri(), (router, limiter) -> router.route("/api/*")
      .handler(RateLimitHandler.create(limiter, HttpRateLimitPolicy.perIp("fast", 2, Duration.ofMillis(1500))))
      .handler(ctx -> ctx.response().end("ok " + reached.incrementAndGet())));
    WebClient client = client(vertx, "127.0.0.1");
    assertThat(get(client, port, "/api/x").statusCode()).isEqualTo(200);
    assertThat(get(client, port, "/api/x").statusCode()).isEqualTo(200);
    List<Long> retryAfters = new ArrayList<>();
    List<Long> ts = new ArrayList<>();
    HttpResponse<Buffer> passed = Await.value(() -> {
      HttpResponse<Buffer> r = get(client, port, "/api/x");
      if (r.statusCode() == 429) {
        retryAfters.add(Long.parseLong(r.getHeader("Retry-After")));
        ts.add(rateLimit(r).get("fast")[1]);
      }
      return r;
    }, r -> r.statusCode() == 200, Duration.ofSeconds(30), "a request to pass again");
    System.out.println("429s until a unit came back: " + retryAfters.size() + ", Retry-After " + new TreeMap<>(
      retryAfters.stream().collect(java.util.stream.Collectors.groupingBy(x -> x, java.util.stream.Collectors.counting()))));
    assertThat(retryAfters).as("rejected at least once").isNotEmpty().allMatch(s -> s == 1);
    assertThat(ts).allMatch(t -> t == 1);
    assertThat(passed.getHeader("RateLimit-Policy")).isEqualTo("\"fast\";q=2;w=2");
    assertThat(reached).hasValue(3);
  }

  // ---------------------------------------------------------------------------------------------------------
  // per client IP, proxies trusted and not

  @Test
  void theLimitIsPerClientIpAndASpoofedForwardingHeaderFromAnUntrustedPeerBuysNothing(Vertx vertx, RedisServer server) {
    int port = deploy(vertx, server.uri(), (router, limiter) -> {
      // Vert.x Web's own forwarding support switched on: the docs say the handler reads the connection's peer anyway.
      router.allowForward(AllowForwardHeaders.ALL);
      router.route("/api/*").handler(RateLimitHandler.create(limiter, HttpRateLimitPolicy.perIp("per-ip", 2, Duration.ofHours(1))))
        .handler(ctx -> ctx.response().end("ok"));
    });
    WebClient one = client(vertx, "127.0.0.1");
    WebClient two = client(vertx, "127.0.0.2");
    assertThat(get(one, port, "/api/a").statusCode()).isEqualTo(200);
    assertThat(get(one, port, "/api/b").statusCode()).isEqualTo(200);
    assertThat(get(one, port, "/api/c").statusCode()).isEqualTo(429);
    // Another client (another peer address) has a quota of its own.
    HttpResponse<Buffer> other = get(two, port, "/api/a");
    assertThat(other.statusCode()).isEqualTo(200);
    assertThat(remaining(other, "per-ip")).isEqualTo(1);
    // The default resolver trusts no proxy: neither header from the peer is read, whatever allowForward says.
    for (MultiMap spoof : List.of(headers("X-Forwarded-For", "203.0.113.1"), headers("Forwarded", "for=203.0.113.2"),
      headers("X-Real-IP", "203.0.113.3"), headers("X-Forwarded-For", "203.0.113.4", "Forwarded", "for=203.0.113.5"))) {
      assertDocumented429(send(one, HttpMethod.GET, port, "/api/a", spoof), "per-ip");
    }
    assertThat((List<?>) server.command("KEYS", "*203.0.113*")).isEmpty();
  }

  @Test
  void behindATrustedProxyTheForwardedClientIsCountedAndAnUntrustedPeersHeaderIsIgnored(Vertx vertx, RedisServer server) {
    int port = deploy(vertx, server.uri(), (router, limiter) -> {
      router.route("/xff/*").handler(RateLimitHandler.create(limiter, new RateLimitHandlerOptions()
          .addPolicy(HttpRateLimitPolicy.perIp("xff-ip", 1, Duration.ofHours(1)))
          // 127.0.0.1 plays the proxy; 127.0.0.2 is a client that reaches the server directly.
          .setClientIpResolver(ClientIpResolver.create(ForwardedHeader.X_FORWARDED_FOR, List.of("127.0.0.1/32")))))
        .handler(ctx -> ctx.response().end("ok"));
      router.route("/fwd/*").handler(RateLimitHandler.create(limiter, new RateLimitHandlerOptions()
          .addPolicy(HttpRateLimitPolicy.perIp("fwd-ip", 1, Duration.ofHours(1)))
          .setClientIpResolver(ClientIpResolver.create(ForwardedHeader.FORWARDED, List.of("127.0.0.1/32")))))
        .handler(ctx -> ctx.response().end("ok"));
    });
    WebClient proxy = client(vertx, "127.0.0.1");
    WebClient direct = client(vertx, "127.0.0.2");

    // Through the proxy: each forwarded client its own quota.
    assertThat(send(proxy, HttpMethod.GET, port, "/xff/a", headers("X-Forwarded-For", "198.51.100.1")).statusCode()).isEqualTo(200);
    assertThat(send(proxy, HttpMethod.GET, port, "/xff/a", headers("X-Forwarded-For", "198.51.100.2")).statusCode()).isEqualTo(200);
    assertDocumented429(send(proxy, HttpMethod.GET, port, "/xff/a", headers("X-Forwarded-For", "198.51.100.1")), "xff-ip");
    // What the client put left of the proxy's entry is not read: still 198.51.100.1.
    assertDocumented429(send(proxy, HttpMethod.GET, port, "/xff/a",
      headers("X-Forwarded-For", "192.0.2.77, 198.51.100.1")), "xff-ip");
    // An entry with the client's port, as some proxies write it, is that client.
    assertDocumented429(send(proxy, HttpMethod.GET, port, "/xff/a", headers("X-Forwarded-For", "198.51.100.2:4711")), "xff-ip");
    assertThat(send(proxy, HttpMethod.GET, port, "/xff/a", headers("X-Forwarded-For", "198.51.100.4:4711")).statusCode())
      .isEqualTo(200);
    // The proxy's other header is not the configured one: ignored, so the proxy itself is the client.
    assertThat(send(proxy, HttpMethod.GET, port, "/xff/a", headers("Forwarded", "for=198.51.100.9")).statusCode()).isEqualTo(200);
    assertDocumented429(send(proxy, HttpMethod.GET, port, "/xff/a", headers("Forwarded", "for=198.51.100.10")), "xff-ip");

    // A direct client's own X-Forwarded-For buys no new quota: every value counts as 127.0.0.2.
    assertThat(send(direct, HttpMethod.GET, port, "/xff/a", headers("X-Forwarded-For", "203.0.113.1")).statusCode()).isEqualTo(200);
    for (String spoofed : List.of("203.0.113.2", "198.51.100.3", "127.0.0.1", "203.0.113.3, 127.0.0.1")) {
      assertDocumented429(send(direct, HttpMethod.GET, port, "/xff/a", headers("X-Forwarded-For", spoofed)), "xff-ip");
    }

    // RFC 7239 Forwarded, from the trusted proxy: IPv6 counted per /64.
    assertThat(send(proxy, HttpMethod.GET, port, "/fwd/a", headers("Forwarded", "for=\"[2001:db8:1:2::17]:4711\";proto=https"))
      .statusCode()).isEqualTo(200);
    assertDocumented429(send(proxy, HttpMethod.GET, port, "/fwd/a", headers("Forwarded", "for=\"[2001:db8:1:2::99]\"")), "fwd-ip");
    assertThat(send(proxy, HttpMethod.GET, port, "/fwd/a", headers("Forwarded", "for=\"[2001:db8:1:3::1]\"")).statusCode())
      .isEqualTo(200);
    // From the direct client it is ignored.
    assertThat(send(direct, HttpMethod.GET, port, "/fwd/a", headers("Forwarded", "for=192.0.2.1")).statusCode()).isEqualTo(200);
    assertDocumented429(send(direct, HttpMethod.GET, port, "/fwd/a", headers("Forwarded", "for=192.0.2.2")), "fwd-ip");
    assertThat((List<?>) server.command("KEYS", "*203.0.113*")).isEmpty();
    assertThat((List<?>) server.command("KEYS", "*192.0.2.*")).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------------------
  // per token, per endpoint, and routes with policies of their own

  @Test
  void perTokenAndPerApiKeyQuotasAreTheirOwnAndAnonymousRequestsAreNotCountedByATokenPolicy(Vertx vertx, RedisServer server) {
    int port = deploy(vertx, server.uri(), (router, limiter) -> router.route("/api/*")
      .handler(RateLimitHandler.create(limiter, new RateLimitHandlerOptions()
        .addPolicy(HttpRateLimitPolicy.perToken("per-token", 2, Duration.ofHours(1)))
        .setApiKeyHeader("X-API-Key")))
      .handler(ctx -> ctx.response().end("ok")));
    WebClient client = client(vertx, "127.0.0.1");
    MultiMap alice = headers("Authorization", "Bearer alice-token");
    MultiMap bob = headers("Authorization", "Bearer bob-token");
    assertThat(send(client, HttpMethod.GET, port, "/api/a", alice).statusCode()).isEqualTo(200);
    assertThat(send(client, HttpMethod.GET, port, "/api/a", alice).statusCode()).isEqualTo(200);
    assertDocumented429(send(client, HttpMethod.GET, port, "/api/a", alice), "per-token");
    // Same IP, another token: its own quota.
    assertThat(remaining(send(client, HttpMethod.GET, port, "/api/a", bob), "per-token")).isEqualTo(1);
    // The API key header is read before Authorization: alice's exhausted bearer token does not matter.
    MultiMap key = headers("X-API-Key", "k-123", "Authorization", "Bearer alice-token");
    assertThat(remaining(send(client, HttpMethod.GET, port, "/api/a", key), "per-token")).isEqualTo(1);
    assertThat(remaining(send(client, HttpMethod.GET, port, "/api/a", headers("X-API-Key", "k-123")), "per-token")).isZero();
    // Documented: a request without a token is not counted by a token policy (no RateLimit item, no 429).
    for (int i = 0; i < 4; i++) {
      HttpResponse<Buffer> anon = send(client, HttpMethod.GET, port, "/api/a", headers("Authorization", "Basic dTpw"));
      assertThat(anon.statusCode()).isEqualTo(200);
      assertThat(anon.getHeader("RateLimit")).isNull();
      assertThat(anon.getHeader("RateLimit-Policy")).isEqualTo("\"per-token\";q=2;w=3600");
    }
    // Tokens are hashed: no raw token in Redis.
    assertThat((List<?>) server.command("KEYS", "*alice*")).isEmpty();
    assertThat((List<?>) server.command("KEYS", "*k-123*")).isEmpty();
  }

  @Test
  void routesWithPoliciesOfTheirOwnDoNotShareCountersAndAPerRoutePolicyCountsTheHandlersRoute(Vertx vertx, RedisServer server) {
    int port = deploy(vertx, server.uri(), (router, limiter) -> {
      router.get("/login").handler(RateLimitHandler.create(limiter, HttpRateLimitPolicy.perIp("login-ip", 2, Duration.ofHours(1))))
        .handler(ctx -> ctx.response().end("login"));
      router.get("/search").handler(RateLimitHandler.create(limiter, HttpRateLimitPolicy.perIp("search-ip", 100, Duration.ofHours(1))))
        .handler(ctx -> ctx.response().end("search"));
      // A route-wide limit on a pattern: every path under it is the one route.
      router.route("/items/*").handler(RateLimitHandler.create(limiter, HttpRateLimitPolicy.perRoute("items", 3, Duration.ofHours(1))))
        .handler(ctx -> ctx.response().end("items"));
      router.get("/users/:id").handler(RateLimitHandler.create(limiter, HttpRateLimitPolicy.perRoute("users", 2, Duration.ofHours(1))))
        .handler(ctx -> ctx.response().end("user " + ctx.pathParam("id")));
    });
    WebClient client = client(vertx, "127.0.0.1");
    assertThat(get(client, port, "/login").statusCode()).isEqualTo(200);
    assertThat(get(client, port, "/login").statusCode()).isEqualTo(200);
    assertDocumented429(get(client, port, "/login"), "login-ip");
    HttpResponse<Buffer> search = get(client, port, "/search");
    assertThat(search.statusCode()).isEqualTo(200);
    assertThat(remaining(search, "search-ip")).isEqualTo(99);

    assertThat(remaining(get(client, port, "/items/1"), "items")).isEqualTo(2);
    assertThat(remaining(get(client, port, "/items/2"), "items")).isEqualTo(1);
    assertThat(remaining(get(client, port, "/items/3/deeper"), "items")).isZero();
    assertDocumented429(get(client, port, "/items/4"), "items");
    // From another client too: the route's quota is every caller's.
    assertDocumented429(get(client(vertx, "127.0.0.2"), port, "/items/1"), "items");

    assertThat(get(client, port, "/users/1").bodyAsString()).isEqualTo("user 1");
    assertThat(get(client, port, "/users/2").statusCode()).isEqualTo(200);
    assertDocumented429(get(client, port, "/users/3"), "users");
    System.out.println("route keys: " + server.command("KEYS", "rediskit:rl:g:k:http:*"));
  }

  @Test
  void twoHandlersWithAPolicyOfTheSameNameShareItsCounterAsDocumented(Vertx vertx, RedisServer server) {
    try (LogCapture log = LogCapture.of(RateLimitHandler.class.getName())) {
      int port = deploy(vertx, server.uri(), (router, limiter) -> {
        router.get("/a").handler(RateLimitHandler.create(limiter, HttpRateLimitPolicy.perIp("per-ip", 3, Duration.ofHours(1))))
          .handler(ctx -> ctx.response().end("a"));
        router.get("/b").handler(RateLimitHandler.create(limiter, HttpRateLimitPolicy.perIp("per-ip", 3, Duration.ofHours(1))))
          .handler(ctx -> ctx.response().end("b"));
      });
      WebClient client = client(vertx, "127.0.0.1");
      assertThat(remaining(get(client, port, "/a"), "per-ip")).isEqualTo(2);
      assertThat(remaining(get(client, port, "/b"), "per-ip")).isEqualTo(1);
      assertThat(remaining(get(client, port, "/a"), "per-ip")).isZero();
      assertDocumented429(get(client, port, "/b"), "per-ip");
      // One limit under the shared name: a quota shared on purpose, nothing to warn of.
      assertThat(log.messages(Level.WARN, "HTTP policy")).isEmpty();
    }
  }

  @Test
  void twoLimitsUnderOneNameAreNotTwoQuotasAsDocumentedAndWarnedAbout(Vertx vertx, RedisServer server) {
    try (LogCapture log = LogCapture.of(RateLimitHandler.class.getName())) {
      int port = deploy(vertx, server.uri(), (router, limiter) -> {
        router.get("/login").handler(RateLimitHandler.create(limiter, HttpRateLimitPolicy.perIp("per-ip", 5, Duration.ofHours(1))))
          .handler(ctx -> ctx.response().end("login"));
        router.get("/search").handler(RateLimitHandler.create(limiter, HttpRateLimitPolicy.perIp("per-ip", 100, Duration.ofHours(1))))
          .handler(ctx -> ctx.response().end("search"));
      });
      WebClient client = client(vertx, "127.0.0.1");
      for (int i = 0; i < 5; i++) {
        assertThat(get(client, port, "/login").statusCode()).isEqualTo(200);
      }
      // docs/RATE_LIMITING.md: the 100 an hour decides on the state the 5 an hour wrote, and rejects for 36 s.
      HttpResponse<Buffer> search = get(client, port, "/search");
      assertThat(search.statusCode()).isEqualTo(429);
      assertThat(Long.parseLong(search.getHeader("Retry-After"))).isBetween(30L, 36L);
      assertThat(log.messages(Level.WARN, "HTTP policy")).singleElement().asString()
        .startsWith("rate limiter default: HTTP policy \"per-ip\" counts 100/1h here and 5/1h in another handler");
    }
  }

  @Test
  void theDocsLayoutWithABodyHandlerOnARouteOfItsOwnAfterTheLimiterGetsTheWholeBodyAndARejectedBodyIsNotRead(Vertx vertx,
                                                                                                           RedisServer server) {
    AtomicInteger reached = new AtomicInteger();
    int port = deploy(vertx, server.uri(), (router, limiter) -> {
      // As in docs/RATE_LIMITING.md, The Vert.x Web handler.
      router.route("/api/*").handler(RateLimitHandler.create(limiter, HttpRateLimitPolicy.perIp("per-ip", 2, Duration.ofHours(1))));
      router.route("/api/*").handler(io.vertx.ext.web.handler.BodyHandler.create());
      router.post("/api/upload").handler(ctx -> {
        reached.incrementAndGet();
        ctx.response().end("got " + ctx.body().length());
      });
    });
    WebClient client = client(vertx, "127.0.0.1");
    Buffer big = Buffer.buffer(new byte[512 * 1024]);
    for (int i = 0; i < 2; i++) {
      HttpResponse<Buffer> r = await(client.post(port, "127.0.0.1", "/api/upload").sendBuffer(big));
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.bodyAsString()).isEqualTo("got " + big.length());
    }
    for (int i = 0; i < 3; i++) {
      assertDocumented429(await(client.post(port, "127.0.0.1", "/api/upload").sendBuffer(big)), "per-ip");
    }
    assertThat(reached).hasValue(2);
  }

  // ---------------------------------------------------------------------------------------------------------
  // HEAD, OPTIONS, CORS, and a handler that fails after the limiter

  @Test
  void headAndOptionsAreCountedLikeAnyRequestAndAHeadRejectionHasTheHeadersWithoutABody(Vertx vertx, RedisServer server) {
    AtomicInteger reached = new AtomicInteger();
    int port = deploy(vertx, server.uri(), (router, limiter) -> router.route("/api/*")
      .handler(RateLimitHandler.create(limiter, HttpRateLimitPolicy.perIp("per-ip", 3, Duration.ofHours(1))))
      .handler(ctx -> {
        reached.incrementAndGet();
        ctx.response().end("ok");
      }));
    WebClient client = client(vertx, "127.0.0.1");
    assertThat(remaining(send(client, HttpMethod.HEAD, port, "/api/a", headers()), "per-ip")).isEqualTo(2);
    assertThat(remaining(send(client, HttpMethod.OPTIONS, port, "/api/a", headers()), "per-ip")).isEqualTo(1);
    assertThat(remaining(get(client, port, "/api/a"), "per-ip")).isZero();
    HttpResponse<Buffer> head = send(client, HttpMethod.HEAD, port, "/api/a", headers());
    assertThat(head.statusCode()).isEqualTo(429);
    assertThat(Long.parseLong(head.getHeader("Retry-After"))).isPositive();
    assertThat(head.getHeader("RateLimit")).startsWith("\"per-ip\";r=0;t=");
    assertThat(head.body()).as("no body on a HEAD response").isNull();
    assertThat(reached).hasValue(3);
  }

  @Test
  void withCorsOnARouteOfItsOwnBeforeTheLimiterPreflightsAreNotCountedAndA429IsReadableByTheBrowser(Vertx vertx,
                                                                                                     RedisServer server) {
    AtomicInteger reached = new AtomicInteger();
    int port = deploy(vertx, server.uri(), (router, limiter) -> {
      router.route().handler(CorsHandler.create().addOrigin("https://app.example")
        .exposedHeaders(java.util.Set.of("RateLimit", "RateLimit-Policy", "Retry-After")));
      router.route("/api/*").handler(RateLimitHandler.create(limiter, HttpRateLimitPolicy.perIp("per-ip", 2, Duration.ofHours(1))))
        .handler(ctx -> {
          reached.incrementAndGet();
          ctx.response().end("ok");
        });
    });
    WebClient client = client(vertx, "127.0.0.1");
    MultiMap preflight = headers("Origin", "https://app.example", "Access-Control-Request-Method", "PUT");
    for (int i = 0; i < 5; i++) {
      HttpResponse<Buffer> p = send(client, HttpMethod.OPTIONS, port, "/api/a", preflight);
      assertThat(p.statusCode()).isEqualTo(204);
      assertThat(p.getHeader("RateLimit")).as("the preflight never reached the limiter").isNull();
    }
    MultiMap origin = headers("Origin", "https://app.example");
    assertThat(remaining(send(client, HttpMethod.PUT, port, "/api/a", origin), "per-ip")).isEqualTo(1);
    assertThat(remaining(send(client, HttpMethod.PUT, port, "/api/a", origin), "per-ip")).isZero();
    HttpResponse<Buffer> rejected = send(client, HttpMethod.PUT, port, "/api/a", origin);
    assertDocumented429(rejected, "per-ip");
    assertThat(rejected.getHeader("Access-Control-Allow-Origin")).isEqualTo("https://app.example");
    assertThat(rejected.getHeader("Access-Control-Expose-Headers")).contains("Retry-After").contains("RateLimit");
    assertThat(reached).hasValue(2);
  }

  @Test
  void onTheSameRouteAsCorsTheLimiterComesFirstSoPreflightsAreCountedAndA429HasNoCorsHeaders(Vertx vertx, RedisServer server) {
    int port = deploy(vertx, server.uri(), (router, limiter) -> router.route("/api/*")
      .handler(RateLimitHandler.create(limiter, HttpRateLimitPolicy.perIp("per-ip", 2, Duration.ofHours(1))))
      .handler(CorsHandler.create().addOrigin("https://app.example"))
      .handler(ctx -> ctx.response().end("ok")));
    WebClient client = client(vertx, "127.0.0.1");
    MultiMap preflight = headers("Origin", "https://app.example", "Access-Control-Request-Method", "PUT");
    assertThat(remaining(send(client, HttpMethod.OPTIONS, port, "/api/a", preflight), "per-ip")).isEqualTo(1);
    assertThat(remaining(send(client, HttpMethod.PUT, port, "/api/a", headers("Origin", "https://app.example")), "per-ip"))
      .isZero();
    HttpResponse<Buffer> rejected = send(client, HttpMethod.PUT, port, "/api/a", headers("Origin", "https://app.example"));
    assertThat(rejected.statusCode()).isEqualTo(429);
    assertThat(rejected.getHeader("Access-Control-Allow-Origin")).isNull();
  }

  @Test
  void aRequestWhoseHandlerFailsAfterTheLimiterIsStillCounted(Vertx vertx, RedisServer server) {
    AtomicInteger reached = new AtomicInteger();
    int port = deploy(vertx, server.uri(), (router, limiter) -> {
      router.route("/api/*").handler(RateLimitHandler.create(limiter, HttpRateLimitPolicy.perIp("per-ip", 3, Duration.ofHours(1))))
        .handler(ctx -> {
          reached.incrementAndGet();
          if (ctx.request().path().endsWith("/boom")) {
            throw new IllegalStateException("boom");
          }
          if (ctx.request().path().endsWith("/fail")) {
            ctx.fail(502);
            return;
          }
          ctx.response().end("ok");
        });
    });
    WebClient client = client(vertx, "127.0.0.1");
    assertThat(get(client, port, "/api/boom").statusCode()).isEqualTo(500);
    HttpResponse<Buffer> failed = get(client, port, "/api/fail");
    assertThat(failed.statusCode()).isEqualTo(502);
    // The headers were set before the route failed; Vert.x Web's default error answer keeps them.
    System.out.println("RateLimit on a failed route's response: " + failed.getHeader("RateLimit"));
    assertThat(remaining(get(client, port, "/api/ok"), "per-ip")).isZero();
    assertDocumented429(get(client, port, "/api/ok"), "per-ip");
    assertThat(reached).hasValue(3);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Redis away: the documented failure policy, within the documented bound, and recovery

  @Test
  void redisKilledTheDefaultFailOpenLetsRequestsThroughAtOnceAndRedisDecidesAgainWhenBack(Vertx vertx, RedisServer server) {
    AtomicInteger reached = new AtomicInteger();
    int port = deploy(vertx, server.uri(), (router, limiter) -> router.route("/api/*")
      .handler(RateLimitHandler.create(limiter, HttpRateLimitPolicy.perIp("per-ip", 3, Duration.ofHours(1))))
      .handler(ctx -> ctx.response().end("ok " + reached.incrementAndGet())));
    WebClient client = client(vertx, "127.0.0.1");
    for (int i = 0; i < 3; i++) {
      assertThat(get(client, port, "/api/a").statusCode()).isEqualTo(200);
    }
    assertDocumented429(get(client, port, "/api/a"), "per-ip");
    WebClient other = client(vertx, "127.0.0.2");
    try {
      server.kill();
      long slowest = 0;
      for (int i = 0; i < 10; i++) {
        long start = System.nanoTime();
        HttpResponse<Buffer> r = get(other, port, "/api/a");
        slowest = Math.max(slowest, (System.nanoTime() - start) / 1_000_000);
        // FAIL_OPEN (the default): allowed, "as if the quota were full before this request".
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(rateLimit(r).get("per-ip")[0]).isEqualTo(2);
        // The client Redis rejected stays rejected: the deny cache repeats Redis' rejection until its retry time.
        long start2 = System.nanoTime();
        assertDocumented429(get(client, port, "/api/a"), "per-ip");
        slowest = Math.max(slowest, (System.nanoTime() - start2) / 1_000_000);
      }
      System.out.println("slowest answer with Redis killed: " + slowest + " ms");
      // Documented: a refused connection is answered at once; nothing waits longer than twice timeoutMs (1 s).
      assertThat(slowest).isLessThan(2_000 + 1_000);
    } finally {
      server.restart();
    }
    // Redis decides again by itself (its data is gone with the kill: a full quota), with no restart of the app.
    HttpResponse<Buffer> limited = Await.value(() -> get(other, port, "/api/a"), r -> r.statusCode() == 429,
      Duration.ofSeconds(30), "Redis to reject again after its restart");
    assertDocumented429(limited, "per-ip");
    assertThat((Long) server.command("PTTL", "rediskit:rl:g:k:http:per-ip:127.0.0.2")).isPositive();
    assertThat(reached).as("3 before the kill, 10 by the policy, 3 after the restart, some by the policy while reconnecting")
      .hasValueGreaterThanOrEqualTo(16);
  }

  @Test
  void redisStallingIsAnsweredByThePolicyWithinTheTimeoutAndFailClosedAnswers503(Vertx vertx, RedisServer server) {
    FaultProxy proxy = FaultProxy.start(vertx, server);
    AtomicInteger reached = new AtomicInteger();
    int port = deploy(vertx, new RedisKitOptions().setEndpoint(proxy.uri())
        .setRateLimit(new RateLimitOptions().setFailurePolicy(FailurePolicy.FAIL_CLOSED)),
      (router, limiter) -> router.route("/api/*")
        .handler(RateLimitHandler.create(limiter, HttpRateLimitPolicy.perIp("per-ip", 3, Duration.ofHours(1))))
        .handler(ctx -> ctx.response().end("ok " + reached.incrementAndGet())));
    WebClient client = client(vertx, "127.0.0.1");
    assertThat(get(client, port, "/api/a").statusCode()).isEqualTo(200);
    proxy.blackhole();
    long start = System.nanoTime();
    HttpResponse<Buffer> r = get(client, port, "/api/a");
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    System.out.println("answer with Redis stalled, FAIL_CLOSED: " + r.statusCode() + " after " + tookMs + " ms");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.getHeader("Retry-After")).isEqualTo("1");
    assertThat(r.getHeader("Cache-Control")).isEqualTo("no-store");
    assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
    JsonObject problem = r.bodyAsJsonObject();
    assertThat(problem.getString("type")).isEqualTo("https://iana.org/assignments/http-problem-types#temporary-reduced-capacity");
    assertThat(problem.getInteger("status")).isEqualTo(503);
    assertThat(problem.getJsonArray("violated-policies")).isEqualTo(new JsonArray().add("per-ip"));
    // Documented bound: timeoutMs (1 s) plus scheduling; twice that only while Redis keeps answering.
    assertThat(tookMs).isBetween(500L, 2_000L + 1_000L);
    assertThat(reached).hasValue(1);
    proxy.pass();
    HttpResponse<Buffer> back = Await.value(() -> get(client, port, "/api/a"), x -> x.statusCode() == 200,
      Duration.ofSeconds(30), "Redis to decide again");
    assertThat(remaining(back, "per-ip")).isLessThanOrEqualTo(1);
    proxy.close();
  }

  // ---------------------------------------------------------------------------------------------------------
  // the event loop, and exactness under concurrency

  @Test
  void whileRedisTakesItsTimeTheServersEventLoopKeepsServingOtherRequests(Vertx vertx, RedisServer server) {
    FaultProxy proxy = FaultProxy.start(vertx, server);
    List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Boolean> onEventLoop = new java.util.concurrent.CopyOnWriteArrayList<>();
    int port = deploy(vertx, proxy.uri(), (router, limiter) -> {
      router.get("/ping").handler(ctx -> {
        onEventLoop.add(io.vertx.core.Context.isOnEventLoopThread());
        ctx.response().end("pong");
      });
      router.route("/api/*").handler(RateLimitHandler.create(limiter, HttpRateLimitPolicy.perIp("per-ip", 10, Duration.ofHours(1))))
        .handler(ctx -> {
          onEventLoop.add(io.vertx.core.Context.isOnEventLoopThread());
          ctx.response().end("ok");
        });
    });
    WebClient client = client(vertx, "127.0.0.1");
    assertThat(get(client, port, "/api/a").statusCode()).isEqualTo(200);
    // 300 ms each way: every decision takes 600 ms, under the limiter's 1 s timeout, so Redis still decides.
    proxy.delay(Duration.ofMillis(300));
    Future<HttpResponse<Buffer>> limited = client.get(port, "127.0.0.1", "/api/a").send()
      .onSuccess(r -> order.add("api"));
    // The one server verticle has one event loop: /ping is answered on it while the decision is out.
    HttpResponse<Buffer> pong = get(client, port, "/ping");
    order.add("ping");
    assertThat(pong.bodyAsString()).isEqualTo("pong");
    HttpResponse<Buffer> decided = await(limited);
    assertThat(order).containsExactly("ping", "api");
    assertThat(remaining(decided, "per-ip")).as("decided by Redis, not the failure policy").isEqualTo(8);
    assertThat(onEventLoop).containsOnly(true);
    proxy.close();
  }

  @Test
  void twoHundredConcurrentRequestsOfALimitOfFiftyLetExactlyFiftyThrough(Vertx vertx, RedisServer server) {
    AtomicInteger reached = new AtomicInteger();
    int port = deploy(vertx, server.uri(), (router, limiter) -> router.route("/api/*")
      .handler(RateLimitHandler.create(limiter, HttpRateLimitPolicy.perIp("per-ip", 50, Duration.ofHours(1))))
      .handler(ctx -> ctx.response().end("ok " + reached.incrementAndGet())));
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(200));
    WebClient client = WebClient.wrap(http);
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      calls.add(client.get(port, "127.0.0.1", "/api/" + i).send());
    }
    await(Future.join(new ArrayList<>(calls)), Duration.ofSeconds(60));
    Map<Integer, Integer> statuses = new TreeMap<>();
    for (Future<HttpResponse<Buffer>> f : calls) {
      assertThat(f.succeeded()).as("every request answered: %s", f.cause()).isTrue();
      statuses.merge(f.result().statusCode(), 1, Integer::sum);
      if (f.result().statusCode() == 429) {
        assertThat(Long.parseLong(f.result().getHeader("Retry-After"))).isPositive();
      }
    }
    System.out.println("200 concurrent requests, limit 50: " + statuses + ", connections up to 200");
    assertThat(statuses).containsExactly(Map.entry(200, 50), Map.entry(429, 150));
    assertThat(reached).hasValue(50);
    await(http.close());
  }

  @Test
  void withTheServerVerticleOnFourEventLoopsTwoHundredConcurrentRequestsOfALimitOfFiftyLetExactlyFiftyThrough(Vertx vertx,
                                                                                                             RedisServer server)
    throws Exception {
    AtomicInteger reached = new AtomicInteger();
    java.util.Set<Thread> loops = java.util.concurrent.ConcurrentHashMap.newKeySet();
    java.util.Set<Thread> requestLoops = java.util.concurrent.ConcurrentHashMap.newKeySet();
    List<String> hopped = new java.util.concurrent.CopyOnWriteArrayList<>();
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    RedisKitOptions options = new RedisKitOptions().setEndpoint(server.uri());
    // The usual production layout: one instance of the HTTP verticle per core, all on one RedisKit (shared by create).
    await(vertx.deployVerticle(() -> new Api(options, (router, limiter) -> {
      router.route("/api/*").handler(ctx -> {
        ctx.put("loop", Thread.currentThread());
        requestLoops.add(Thread.currentThread());
        ctx.next();
      });
      router.route("/api/*").handler(RateLimitHandler.create(limiter, HttpRateLimitPolicy.perToken("per-token", 50, Duration.ofHours(1))))
      .handler(ctx -> {
        loops.add(Thread.currentThread());
        if (ctx.get("loop") != Thread.currentThread()) {
          hopped.add(ctx.<Thread>get("loop").getName() + " -> " + Thread.currentThread().getName());
        }
        assertThat(io.vertx.core.Context.isOnEventLoopThread()).isTrue();
        ctx.response().end("ok " + reached.incrementAndGet());
      });
    }, port), new io.vertx.core.DeploymentOptions().setInstances(4)));
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(200));
    WebClient client = WebClient.wrap(http);
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      calls.add(client.get(port, "127.0.0.1", "/api/" + i).putHeader("Authorization", "Bearer shared-token").send());
    }
    await(Future.join(new ArrayList<>(calls)), Duration.ofSeconds(60));
    Map<Integer, Integer> statuses = new TreeMap<>();
    for (Future<HttpResponse<Buffer>> f : calls) {
      assertThat(f.succeeded()).as("every request answered: %s", f.cause()).isTrue();
      statuses.merge(f.result().statusCode(), 1, Integer::sum);
    }
    System.out.println("200 concurrent requests on 4 server instances, limit 50: " + statuses + ", handlers on "
      + loops.size() + " event loops, requests on " + requestLoops.size());
    assertThat(hopped).as("the handler after the limiter runs on the request's own event loop").isEmpty();
    assertThat(statuses).containsExactly(Map.entry(200, 50), Map.entry(429, 150));
    assertThat(reached).hasValue(50);
    await(http.close());
  }

  @Test
  void aClientThatLeavesWhileRedisDecidesCostsAUnitRunsNothingAfterTheLimiterAndNothingFails(Vertx vertx, RedisServer server) {
    FaultProxy proxy = FaultProxy.start(vertx, server);
    AtomicInteger reached = new AtomicInteger();
    AtomicInteger permitsHeld = new AtomicInteger();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    vertx.exceptionHandler(failures::add);
    // Redis answers 2 s late each way, so that the server sees the client leave long before the decision
    // comes back, however busy the machine; the timeouts are raised so that Redis, not the policy, decides.
    RedisKitOptions options = new RedisKitOptions().setEndpoint(proxy.uri()).setCommandTimeoutMs(20_000);
    options.getRateLimit().setTimeoutMs(20_000);
    int port = deploy(vertx, options, (router, limiter) -> {
      router.route().failureHandler(ctx -> {
        failures.add(ctx.failure() == null ? new IllegalStateException("failed with " + ctx.statusCode()) : ctx.failure());
        ctx.next();
      });
      router.route("/api/*").handler(RateLimitHandler.create(limiter, HttpRateLimitPolicy.perIp("per-ip", 3, Duration.ofHours(1)),
          HttpRateLimitPolicy.concurrent("in-flight", HttpRateLimitPolicy.KeyKind.IP, 5, Duration.ofMinutes(1))))
        .handler(ctx -> {
          reached.incrementAndGet();
          ctx.response().end("ok");
        });
    });
    WebClient client = client(vertx, "127.0.0.1");
    assertThat(remaining(get(client, port, "/api/a"), "per-ip")).isEqualTo(2);
    assertThat(reached.get()).isEqualTo(1);
    String place = "rediskit:rl:c:http:in-flight:127.0.0.1";
    Await.until(() -> holders(server, place) == 0, "the first request's place to be given back");
    proxy.delay(Duration.ofSeconds(2));
    HttpClient raw = vertx.createHttpClient();
    io.vertx.core.http.HttpClientRequest req = await(raw.request(HttpMethod.GET, port, "127.0.0.1", "/api/gone"));
    await(req.end());
    // The client goes away while the decision is at Redis.
    await(req.connection().close());
    Await.until(() -> server.command("PTTL", "rediskit:rl:g:k:http:per-ip:127.0.0.1") instanceof Long ttl
      && ttl > 2 * 1_200_000 - 60_000, Duration.ofSeconds(30), "the departed client's request to be counted");
    // Its place of the concurrency policy is taken, then comes back at once, not when its lease ends in a minute.
    Await.until(() -> holders(server, place) == 1, Duration.ofSeconds(30), "the departed client's place to be taken");
    Await.until(() -> holders(server, place) == 0, Duration.ofSeconds(30), "the departed client's place to be given back");
    proxy.pass();
    assertThat(remaining(get(client, port, "/api/a"), "per-ip")).isZero();
    assertThat(reached.get()).as("the handler after the limiter ran for the two requests whose client stayed").isEqualTo(2);
    assertThat(failures).isEmpty();
    await(raw.close());
    proxy.close();
  }

  private static long holders(RedisServer server, String key) {
    return (Long) server.command("ZCARD", key);
  }
}
