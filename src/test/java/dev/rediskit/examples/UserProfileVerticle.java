package dev.rediskit.examples;

import dev.rediskit.RedisKit;
import dev.rediskit.RedisKitOptions;
import dev.rediskit.cache.CacheNamespace;
import dev.rediskit.cache.CacheResult;
import dev.rediskit.cache.CacheStats;
import dev.rediskit.cache.LoadOptions;
import dev.rediskit.ratelimit.RateLimitOptions;
import dev.rediskit.ratelimit.RateLimiter;
import dev.rediskit.web.CacheHeaders;
import dev.rediskit.web.HttpRateLimitPolicy;
import dev.rediskit.web.RateLimitHandler;
import dev.rediskit.web.RateLimitHandlerOptions;
import dev.rediskit.web.RedisKitRoutes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The example's HTTP service, on the {@link RedisKit} facade:
 * <ul>
 *   <li>{@code GET /api/users/:id}: a profile through {@code getOrLoadResult} over the slow {@link UserDatabase},
 *       with an {@code X-Cache} header (HIT, MISS, STALE) saying where it came from;</li>
 *   <li>{@code PUT /api/users/:id}: validates, writes the database and invalidates the cached entry;</li>
 *   <li>{@code GET /api/stats}: this verticle's cache counters plus the {@link ReportVerticle}'s
 *       report, asked for over the event bus;</li>
 *   <li>{@code /api/*} rate-limited per client IP ({@value #PER_IP_LIMIT} per {@value #PER_IP_WINDOW_S} s)
 *       and per API token ({@value #PER_TOKEN_LIMIT} per {@value #PER_TOKEN_WINDOW_S} s);</li>
 *   <li>{@code /health}, {@code /health/redis} (rate-limited per IP, {@value #HEALTH_LIMIT_PER_SECOND}/s,
 *       failing open so that a DOWN answer still gets out) and {@code /metrics}.</li>
 * </ul>
 */
public class UserProfileVerticle extends VerticleBase {

  static final String USERS_NAMESPACE = "users";
  static final Duration USER_TTL = Duration.ofMinutes(5);
  static final long PER_IP_LIMIT = 5;
  static final long PER_IP_WINDOW_S = 10;
  static final long PER_TOKEN_LIMIT = 20;
  static final long PER_TOKEN_WINDOW_S = 60;
  static final long HEALTH_LIMIT_PER_SECOND = 10;

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
  private static final String PROBLEM_JSON = "application/problem+json";

  private final RedisKitOptions options;
  private final int port;
  private RedisKit kit;
  private UserDatabase database;
  private CacheNamespace<Object> users;
  private RateLimiter healthLimiter;
  private HttpServer server;

  /**
   * @param options the RedisKit settings
   * @param port the HTTP port (0 for any free port)
   */
  public UserProfileVerticle(RedisKitOptions options, int port) {
    this.options = options;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    database = new UserDatabase(vertx);
    return RedisKit.create(vertx, options).compose(k -> {
      kit = k;
      users = kit.cache().namespace(USERS_NAMESPACE);
      return vertx.createHttpServer().requestHandler(router()).listen(port);
    }).onSuccess(s -> server = s);
  }

  private Router router() {
    Router router = Router.router(vertx);

    // The API: per client IP, and per caller token (X-API-Key, else Authorization: Bearer).
    // The limiter is the configured one (rateLimit.failurePolicy, FAIL_OPEN by default).
    router.route("/api/*").handler(RateLimitHandler.create(kit.rateLimiter(), new RateLimitHandlerOptions()
      .addPolicy(HttpRateLimitPolicy.perIp("per-ip", PER_IP_LIMIT, Duration.ofSeconds(PER_IP_WINDOW_S)))
      .addPolicy(HttpRateLimitPolicy.perToken("per-token", PER_TOKEN_LIMIT, Duration.ofSeconds(PER_TOKEN_WINDOW_S)))
      .setApiKeyHeader("X-API-Key")));
    router.get("/api/users/:id").handler(this::getUser);
    router.put("/api/users/:id").handler(BodyHandler.create().setBodyLimit(16 * 1024)).handler(this::putUser);
    router.get("/api/stats").handler(this::stats);

    // Health and metrics. The health guard has a limiter of its own that FAILS OPEN whatever the
    // application's policy: when Redis is down it cannot count, and must let the 503 DOWN out.
    healthLimiter = RateLimiter.create(vertx, kit.gateway(), "health",
      new RateLimitOptions(kit.options().getRateLimit()).setFailurePolicy(RateLimitOptions.FailurePolicy.FAIL_OPEN));
    RedisKitRoutes.create(kit.health(), kit.options().getMetrics())
      .guard(RateLimitHandler.create(healthLimiter,
        HttpRateLimitPolicy.perIp("health-per-ip", HEALTH_LIMIT_PER_SECOND, Duration.ofSeconds(1))))
      .mount(router);

    router.get("/redis/ping").handler(ctx -> {
      long t0 = System.nanoTime();
      kit.gateway().send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.PING)).onComplete(ar -> {
        if (ar.succeeded()) {
          ctx.json(new JsonObject().put("reply", ar.result().toString()).put("micros", (System.nanoTime() - t0) / 1000));
        } else {
          ctx.fail(503, ar.cause());
        }
      });
    });
    return router;
  }

  private void getUser(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!ID.matcher(id).matches()) {
      problem(ctx, 400, "Invalid user id", "id", "must be 1 to 64 letters, digits, '-' or '_'");
      return;
    }
    long t0 = System.nanoTime();
    // The result says where the answer came from: "loader" when this request ran the loader or
    // joined a load already running (single flight), else the cache. X-Cache tells the client.
    users.getOrLoadResult(id, () -> database.find(id).map(row -> row == null ? null : (Object) row),
      LoadOptions.ttl(USER_TTL)).onComplete(ar -> {
        if (ar.failed()) {
          ctx.fail(ar.cause());
          return;
        }
        CacheResult<Object> r = ar.result();
        CacheHeaders.put(ctx.response(), r);
        if (r.value() == null) {
          problem(ctx, 404, "No such user", "id", "no user " + id);
          return;
        }
        ctx.json(new JsonObject()
          .put("user", toJson(r.value()))
          .put("source", r.source() == CacheResult.Source.LOADER ? "database" : "cache")
          .put("tookMs", (System.nanoTime() - t0) / 1_000_000.0));
      });
  }

  private void putUser(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!ID.matcher(id).matches()) {
      problem(ctx, 400, "Invalid user id", "id", "must be 1 to 64 letters, digits, '-' or '_'");
      return;
    }
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      problem(ctx, 400, "Invalid body", "body", "must be a JSON object");
      return;
    }
    if (body == null) {
      problem(ctx, 400, "Invalid body", "body", "must be a JSON object");
      return;
    }
    Object name = body.getValue("name");
    if (!(name instanceof String n) || n.isBlank() || n.length() > 100) {
      problem(ctx, 400, "Invalid user", "name", "is required: a non-blank string of at most 100 characters");
      return;
    }
    Object email = body.getValue("email");
    if (!(email instanceof String e) || !EMAIL.matcher(e).matches()) {
      problem(ctx, 400, "Invalid user", "email", "is required: an e-mail address");
      return;
    }
    long t0 = System.nanoTime();
    JsonObject profile = new JsonObject().put("name", name).put("email", email);
    database.save(id, profile)
      .compose(saved -> users.delete(id).map(removed -> new JsonObject()
        .put("user", saved)
        .put("invalidated", removed)))
      .onSuccess(json -> {
        // Tell the report verticle (over the event bus) that a profile changed.
        vertx.eventBus().publish(ReportVerticle.USER_UPDATED, new JsonObject().put("id", id));
        ctx.json(json.put("tookMs", (System.nanoTime() - t0) / 1_000_000.0));
      })
      .onFailure(ctx::fail);
  }

  private void stats(RoutingContext ctx) {
    CacheStats s = kit.cache().stats(USERS_NAMESPACE);
    JsonObject users = new JsonObject().put("hits", s.hits()).put("misses", s.misses()).put("loads", s.loads())
      .put("loadTimeMs", s.loadTimeMs()).put("deletes", s.deletes()).put("errors", s.errors());
    vertx.eventBus().<JsonObject>request(ReportVerticle.STATS, null).onComplete(ar -> {
      JsonObject json = new JsonObject().put("usersCache", users);
      if (ar.succeeded()) {
        json.put("report", ar.result().body());
      } else {
        json.put("report", new JsonObject().put("error", ar.cause().getMessage()));
      }
      ctx.json(json);
    });
  }

  @SuppressWarnings("unchecked")
  private static JsonObject toJson(Object value) {
    if (value instanceof JsonObject json) {
      return json;
    }
    if (value instanceof Map<?, ?> map) {
      return new JsonObject((Map<String, Object>) map);
    }
    return new JsonObject().put("value", value);
  }

  private static void problem(RoutingContext ctx, int status, String title, String field, String detail) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, PROBLEM_JSON)
      .end(new JsonObject()
        .put("type", "about:blank")
        .put("title", title)
        .put("status", status)
        .put("detail", field + " " + detail)
        .put("field", field)
        .encodePrettily());
  }

  @Override
  public Future<?> stop() {
    return (server == null ? Future.succeededFuture() : server.close())
      .eventually(() -> healthLimiter == null ? Future.succeededFuture() : healthLimiter.close())
      .eventually(() -> kit == null ? Future.succeededFuture() : kit.close());
  }

  /** @return the port the HTTP server listens on */
  public int actualPort() {
    return server.actualPort();
  }
}
