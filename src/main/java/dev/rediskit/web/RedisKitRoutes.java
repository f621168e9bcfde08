package dev.rediskit.web;

import dev.rediskit.web.impl.HealthRouteLimit;
import dev.rediskit.health.RedisHealthCheck;
import dev.rediskit.config.OptionChecks;
import dev.rediskit.config.OptionalDependency;
import dev.rediskit.metrics.MetricsOptions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.backends.BackendRegistries;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * Mounts the module's HTTP routes on an application's {@link Router}, all at once
 * ({@link #mount(Router)}) or one by one:
 * <ul>
 *   <li>{@code /health} ({@link dev.rediskit.health.HealthOptions#getPath()}): every procedure of a
 *       {@link HealthChecks}, through vertx-web's {@link HealthCheckHandler}: 200 when all are UP,
 *       503 when one is DOWN, 500 when one failed to run, 204 when none is registered;</li>
 *   <li>{@code /health/redis} ({@link dev.rediskit.health.HealthOptions#getRedisPath()}): the Redis
 *       procedure alone, 200 UP or 503 DOWN, with the JSON of
 *       {@link RedisHealthCheck#checkAsJson()};</li>
 *   <li>{@code /metrics} ({@link MetricsOptions#getPath()}): the Prometheus scrape of the
 *       vertx-micrometer-metrics registry (or the one given), 503 when there is none.</li>
 * </ul>
 * Paths come from the options and can be changed here; each route can be mounted alone, and each
 * handler used on a route of your own ({@link #redisHealthHandler}, {@link #metricsHandler}).
 *
 * <p>Both health routes are rate-limited by default, in memory: at most
 * {@code health.maxRequestsPerSecond} (100) requests per second of this {@code RedisKitRoutes}
 * reach the procedures, the others get {@code 429} at once, so that the routes cannot be used to
 * hammer Redis. A {@link #guard(Handler) guard} runs after that limit, in front of both health
 * routes: the place for a per-client policy such as the module's rate-limit handler. A guard either
 * calls {@code ctx.next()} or ends the response itself (e.g. 429). It should let requests through
 * when it cannot decide because Redis is down, or a DOWN answer would never get out.
 *
 * <pre>{@code
 * RedisKitRoutes.create(healthCheck, options.getMetrics())
 *   .guard(rateLimitHandler)            // optional
 *   .mount(router);
 * }</pre>
 */
public final class RedisKitRoutes {

  /** The scrape's content type: Prometheus text format 0.0.4, as vertx-micrometer-metrics serves it. */
  static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  static final String JSON_CONTENT_TYPE = "application/json;charset=UTF-8";

  private final RedisHealthCheck redisHealth;
  private String healthPath;
  private String redisHealthPath;
  private String metricsPath = MetricsOptions.DEFAULT_PATH;
  private HealthChecks healthChecks;
  private Handler<RoutingContext> guard;
  /** {@code health.maxRequestsPerSecond}, shared by both health routes; {@code null} when 0. */
  private final HealthRouteLimit limit;
  private Supplier<MeterRegistry> registry = RedisKitRoutes::defaultRegistry;

  private RedisKitRoutes(RedisHealthCheck redisHealth) {
    this.redisHealth = Objects.requireNonNull(redisHealth, "redisHealth");
    this.healthPath = redisHealth.options().getPath();
    this.redisHealthPath = redisHealth.options().getRedisPath();
    long max = redisHealth.options().getMaxRequestsPerSecond();
    this.limit = max == 0 ? null : new HealthRouteLimit(max);
  }

  /**
   * Routes at the health check's configured paths and {@value MetricsOptions#DEFAULT_PATH}.
   *
   * @param redisHealth the Redis procedure
   * @return the routes, not mounted yet
   * @throws OptionalDependency.MissingDependencyException without vertx-web on the class path
   */
  public static RedisKitRoutes create(RedisHealthCheck redisHealth) {
    OptionalDependency.VERTX_WEB.require("RedisKitRoutes");
    return new RedisKitRoutes(redisHealth);
  }

  /**
   * Routes at every configured path: the health check's, and {@code metrics.path} from {@code metrics}
   * (the health check does not know the metrics section, so {@link #create(RedisHealthCheck)} alone
   * leaves the scrape at {@value MetricsOptions#DEFAULT_PATH}).
   *
   * @param redisHealth the Redis procedure
   * @param metrics the metrics section of the options ({@code options.getMetrics()})
   * @return the routes, not mounted yet
   * @throws OptionalDependency.MissingDependencyException without vertx-web on the class path
   */
  public static RedisKitRoutes create(RedisHealthCheck redisHealth, MetricsOptions metrics) {
    Objects.requireNonNull(metrics, "metrics");
    return create(redisHealth).metricsPath(metrics.getPath());
  }

  /**
   * @param path the aggregate health route, a literal path starting with {@code /}
   * @return this
   * @throws IllegalArgumentException when it is not such a path
   */
  public RedisKitRoutes healthPath(String path) {
    OptionChecks.require(OptionChecks.routePathProblem("health.path", path));
    this.healthPath = path;
    return this;
  }

  /**
   * @param path the Redis health route, a literal path starting with {@code /}
   * @return this
   * @throws IllegalArgumentException when it is not such a path
   */
  public RedisKitRoutes redisHealthPath(String path) {
    OptionChecks.require(OptionChecks.routePathProblem("health.redisPath", path));
    this.redisHealthPath = path;
    return this;
  }

  /**
   * @param path the Prometheus scrape route, a literal path starting with {@code /}
   * @return this
   * @throws IllegalArgumentException when it is not such a path
   */
  public RedisKitRoutes metricsPath(String path) {
    OptionChecks.require(OptionChecks.routePathProblem("metrics.path", path));
    this.metricsPath = path;
    return this;
  }

  /**
   * Sets the procedures behind the aggregate route, used as they are: include Redis with
   * {@link RedisHealthCheck#register(HealthChecks)}. Without this call the aggregate holds the
   * Redis procedure alone.
   *
   * @param checks the registry
   * @return this
   */
  public RedisKitRoutes healthChecks(HealthChecks checks) {
    this.healthChecks = Objects.requireNonNull(checks, "checks");
    return this;
  }

  /**
   * Puts a handler in front of both health routes (not the scrape), e.g. the module's rate-limit
   * handler. It must call {@code ctx.next()} to let a request through. Set it before mounting.
   *
   * @param guard the handler, or {@code null} for none
   * @return this
   */
  public RedisKitRoutes guard(Handler<RoutingContext> guard) {
    this.guard = guard;
    return this;
  }

  /**
   * Scrapes this registry instead of vertx-micrometer-metrics' default one.
   *
   * @param registry the registry
   * @return this
   */
  public RedisKitRoutes prometheusRegistry(PrometheusMeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    this.registry = () -> registry;
    return this;
  }

  /**
   * Scrapes the vertx-micrometer-metrics registry of this name
   * ({@code MicrometerMetricsOptions.setRegistryName}), looked up at each request.
   *
   * @param registryName the registry name
   * @return this
   * @throws OptionalDependency.MissingDependencyException without vertx-micrometer-metrics on the class path
   */
  public RedisKitRoutes registryName(String registryName) {
    OptionalDependency.VERTX_MICROMETER_METRICS.require("RedisKitRoutes.registryName");
    Objects.requireNonNull(registryName, "registryName");
    this.registry = () -> BackendRegistries.getNow(registryName);
    return this;
  }

  /** @return the procedures behind the aggregate route (created with the Redis procedure on first use) */
  public HealthChecks healthChecks() {
    if (healthChecks == null) {
      healthChecks = redisHealth.healthChecks();
    }
    return healthChecks;
  }

  /**
   * Mounts the three routes.
   *
   * @param router the application's router
   * @return the router
   * @throws OptionalDependency.MissingDependencyException without the Prometheus registry or
   * vertx-micrometer-metrics on the class path (the {@code /metrics} route; {@link #mountHealth} and
   * {@link #mountRedisHealth} need neither)
   */
  public Router mount(Router router) {
    requireMetrics("RedisKitRoutes.mount (its /metrics route; mountHealth and mountRedisHealth need no metrics)");
    mountHealth(router);
    mountRedisHealth(router);
    mountMetrics(router);
    return router;
  }

  /**
   * Mounts {@code GET <health.path>}: every procedure, through {@link HealthCheckHandler}.
   *
   * @param router the application's router
   * @return the route
   */
  public Route mountHealth(Router router) {
    // An exact route: HealthCheckHandler reads a sub-path as a procedure name, and /health/redis is ours.
    // HealthCheckHandler sets no Cache-Control of its own; the header goes on before it writes.
    return guarded(router.get(healthPath)).handler(RedisKitRoutes::noStore)
      .handler(HealthCheckHandler.createWithHealthChecks(healthChecks()));
  }

  /**
   * Mounts {@code GET <health.redisPath>}: the Redis procedure alone.
   *
   * @param router the application's router
   * @return the route
   */
  public Route mountRedisHealth(Router router) {
    return guarded(router.get(redisHealthPath)).handler(redisHealthHandler(redisHealth));
  }

  /**
   * Mounts {@code GET <metrics.path>}: the Prometheus scrape.
   *
   * @param router the application's router
   * @return the route
   * @throws OptionalDependency.MissingDependencyException without the Prometheus registry or
   * vertx-micrometer-metrics on the class path
   */
  public Route mountMetrics(Router router) {
    requireMetrics("RedisKitRoutes.mountMetrics");
    return router.get(metricsPath).handler(metricsHandler(registry));
  }

  // A health answer is about now: no proxy or browser may serve an old one.
  private static void noStore(RoutingContext ctx) {
    ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    ctx.next();
  }

  private Route guarded(Route route) {
    // The routes' own cap first: past it nothing else runs, the guard's own Redis round trip included.
    if (limit != null) {
      route.handler(limit);
    }
    return guard == null ? route : route.handler(guard);
  }

  /**
   * Answers with the Redis procedure's JSON: 200 when UP, 503 when DOWN, as
   * {@link HealthCheckHandler} does. The answer comes within the procedure's timeout.
   *
   * @param check the procedure
   * @return the handler
   */
  public static Handler<RoutingContext> redisHealthHandler(RedisHealthCheck check) {
    Objects.requireNonNull(check, "check");
    return ctx -> check.checkAsJson().onComplete(ar -> {
      if (ctx.response().ended()) {
        return;
      }
      if (ar.failed()) {
        // The procedure never fails by contract; should it ever, answer like HealthCheckHandler does for a broken one.
        ctx.response().setStatusCode(500).putHeader(HttpHeaders.CONTENT_TYPE, JSON_CONTENT_TYPE)
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
          .end("{\"status\":\"DOWN\",\"outcome\":\"DOWN\"}");
        return;
      }
      boolean up = "UP".equals(ar.result().getString("status"));
      ctx.response().setStatusCode(up ? 200 : 503)
        .putHeader(HttpHeaders.CONTENT_TYPE, JSON_CONTENT_TYPE)
        // A health answer is about now: no proxy or browser may serve an old one.
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(ar.result().encode());
    });
  }

  /**
   * Serves the Prometheus scrape of vertx-micrometer-metrics' default registry, looked up at each
   * request.
   *
   * @return the handler
   * @throws OptionalDependency.MissingDependencyException without the Prometheus registry or
   * vertx-micrometer-metrics on the class path
   * @see #metricsHandler(Supplier)
   */
  public static Handler<RoutingContext> metricsHandler() {
    requireMetrics("RedisKitRoutes.metricsHandler");
    return metricsHandler(RedisKitRoutes::defaultRegistry);
  }

  /**
   * Serves the Prometheus scrape of the registry the supplier gives at each request; answers 503
   * with an explanation when it gives none or one that is not a Prometheus registry, so that a
   * scrape of an application started without metrics fails visibly but harmlessly. The scrape is
   * rendered on a worker thread: on a registry with many series it takes long enough to delay
   * other requests of the event loop.
   *
   * @param registry supplies the registry
   * @return the handler
   * @throws OptionalDependency.MissingDependencyException without the Prometheus registry on the class path
   */
  public static Handler<RoutingContext> metricsHandler(Supplier<? extends MeterRegistry> registry) {
    Objects.requireNonNull(registry, "registry");
    OptionalDependency.MICROMETER_PROMETHEUS.require("RedisKitRoutes.metricsHandler");
    return ctx -> {
      MeterRegistry r = registry.get();
      if (!(r instanceof PrometheusMeterRegistry prometheus)) {
        ctx.response().setStatusCode(503).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
          .end("No Prometheus registry: start Vert.x with vertx-micrometer-metrics and Prometheus enabled"
            + (r == null ? "" : " (the registry is a " + r.getClass().getSimpleName() + ")") + "\n");
        return;
      }
      ctx.vertx().executeBlocking(prometheus::scrape, false).onComplete(ar -> {
        if (ar.failed()) {
          ctx.fail(ar.cause());
          return;
        }
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE).end(ar.result());
      });
    };
  }

  // The route scrapes Vert.x's default registry unless told otherwise: both integrations, checked when mounted.
  private static void requireMetrics(String feature) {
    OptionalDependency.MICROMETER_PROMETHEUS.require(feature);
    OptionalDependency.VERTX_MICROMETER_METRICS.require(feature);
  }

  private static MeterRegistry defaultRegistry() {
    return BackendRegistries.getDefaultNow();
  }
}
