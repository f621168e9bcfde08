package dev.rediskit;

import dev.rediskit.cache.CacheNamespace;
import dev.rediskit.cache.LoadOptions;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.eventbus.RateLimitClient;
import dev.rediskit.ratelimit.Decision;
import dev.rediskit.ratelimit.RateLimiter;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServers;
import dev.rediskit.web.HttpRateLimitPolicy;
import dev.rediskit.web.RateLimitHandler;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.rediskit.test.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A burst on a healthy Redis never beats the limit, with the default configuration as a user meets
 * it (only the endpoint set): 10,000 concurrent checks on one key with limit 200 through the Java
 * API and through the event bus with two verticle instances, and 2,000 concurrent HTTP requests
 * through {@link RateLimitHandler}. Every call is answered, and none is allowed by the failure
 * policy: the limiter's own back-pressure rejects (source {@code OVERLOADED}) instead.
 *
 * <p>The window is an hour, so no unit comes back while the burst runs however slow the machine.
 */
@IntegrationTest
class BurstDefaultsIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  static final int LIMIT = 200;
  static final Duration WINDOW = Duration.ofHours(1);

  static Map<String, Integer> tally(List<Future<Decision>> calls) {
    await(Future.join(calls), Duration.ofSeconds(120));
    Map<String, Integer> t = new TreeMap<>();
    for (Future<Decision> f : calls) {
      assertThat(f.succeeded()).as("every call answered with a decision: %s", f.cause()).isTrue();
      Decision d = f.result();
      t.merge((d.allowed() ? "allowed/" : "denied/") + d.source(), 1, Integer::sum);
    }
    System.out.println("burst of " + calls.size() + ": " + t);
    return t;
  }

  static void atMostTheLimit(Map<String, Integer> t, int calls) {
    int allowed = t.entrySet().stream().filter(e -> e.getKey().startsWith("allowed/")).mapToInt(Map.Entry::getValue).sum();
    assertThat(allowed).as("allowed of %s: %s", calls, t).isLessThanOrEqualTo(LIMIT);
    assertThat(t).as("nothing decided by the failure policy on a healthy Redis")
      .doesNotContainKeys("allowed/" + Decision.Source.FALLBACK, "denied/" + Decision.Source.FALLBACK);
    assertThat(t.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(calls);
    // Redis is healthy and the first calls reach it: the limit is used, not refused wholesale.
    assertThat(t.getOrDefault("allowed/" + Decision.Source.REDIS, 0)).as("allowed by Redis: %s", t).isPositive();
  }

  @Test
  void javaApi(Vertx vertx) {
    RedisGateway gateway = await(RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(redis.uri())).ready());
    RateLimiter limiter = RateLimiter.create(vertx, gateway);
    List<Future<Decision>> calls = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      calls.add(limiter.check("hot-java", LIMIT, WINDOW));
    }
    atMostTheLimit(tally(calls), calls.size());
    await(limiter.close());
    await(gateway.close());
  }

  @Test
  void eventBusWithTwoVerticleInstances(Vertx vertx) {
    String id = await(vertx.deployVerticle(RedisKitVerticle.class, new DeploymentOptions()
      .setConfig(new JsonObject().put("endpoints", redis.uri())).setInstances(2)));
    RateLimitClient client = RateLimitClient.create(vertx, "");
    List<Future<Decision>> calls = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      calls.add(client.check("hot-eventbus", LIMIT, WINDOW));
    }
    atMostTheLimit(tally(calls), calls.size());
    await(vertx.undeploy(id));
  }

  @Test
  void webHandler(Vertx vertx) {
    RedisKit kit = await(RedisKit.create(vertx, new RedisKitOptions().setEndpoint(redis.uri())));
    Router router = Router.router(vertx);
    router.route("/api/*").handler(RateLimitHandler.create(kit.rateLimiter(), HttpRateLimitPolicy.perIp("per-ip", LIMIT, WINDOW)))
      .handler(ctx -> ctx.response().end("ok"));
    HttpServer server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    int n = 2_000;
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(n));
    List<Future<Integer>> calls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      calls.add(http.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/api/x")
        .compose(req -> req.send()).compose(resp -> resp.body().map(b -> resp.statusCode())));
    }
    await(Future.join(calls), Duration.ofSeconds(120));
    Map<Integer, Integer> statuses = new TreeMap<>();
    for (Future<Integer> f : calls) {
      assertThat(f.succeeded()).as("every request answered: %s", f.cause()).isTrue();
      statuses.merge(f.result(), 1, Integer::sum);
    }
    System.out.println("HTTP burst of " + n + ": " + statuses + ", limiter " + kit.rateLimiter().stats().toJson().encode());
    assertThat(statuses.keySet()).containsOnly(200, 429);
    assertThat(statuses.getOrDefault(200, 0)).as("%s", statuses).isPositive().isLessThanOrEqualTo(LIMIT);
    assertThat(kit.rateLimiter().stats().toJson().getLong("fallbackAllowed")).isZero();
    await(http.close());
    await(server.close());
    await(kit.close());
  }

  @Test
  void getOrLoadNeverTurnsBackPressureIntoLoads(Vertx vertx) {
    RedisGateway gateway = await(RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(redis.uri())).ready());
    CacheNamespace<Object> ns = RedisCache.create(vertx, gateway).namespace("burst");
    AtomicInteger loads = new AtomicInteger();
    List<Future<Object>> calls = new ArrayList<>();
    // More distinct missing keys at once than the gateway lets wait (maxPendingCommands, 4,096).
    for (int i = 0; i < 10_000; i++) {
      calls.add(ns.getOrLoad("k" + i, () -> {
        loads.incrementAndGet();
        return Future.succeededFuture("v");
      }, LoadOptions.ttl(WINDOW)));
    }
    // Some calls fail (OVERLOADED) by design: wait for all, whatever their outcome.
    await(Future.join(calls).transform(ar -> Future.succeededFuture()), Duration.ofSeconds(120));
    int ok = 0;
    for (Future<Object> f : calls) {
      if (f.succeeded()) {
        ok++;
      } else {
        assertThat(f.cause()).isInstanceOfSatisfying(RedisUnavailableException.class,
          e -> assertThat(e.reason()).isEqualTo(RedisUnavailableException.Reason.OVERLOADED));
      }
    }
    System.out.println("getOrLoad burst of 10000: " + ok + " loaded through the lease, " + (calls.size() - ok)
      + " refused as OVERLOADED, " + loads.get() + " loader calls, " + ns.stats().redisFallbacks() + " Redis fallbacks");
    // The loader ran once per key that went the normal way (lease, load, write); never around Redis.
    assertThat(ns.stats().redisFallbacks()).isZero();
    assertThat(loads.get()).isEqualTo(ok);
    await(gateway.close());
  }

  @Test
  void verifyWorksWithTheDefaultLimits(Vertx vertx) {
    String id = await(vertx.deployVerticle(RedisKitVerticle.class, new DeploymentOptions()
      .setConfig(new JsonObject().put("endpoints", redis.uri()))));
    RateLimitClient client = RateLimitClient.create(vertx, "");
    Decision byIp = await(client.verifyAndLimit(null, "192.0.2.7", "/anything"));
    assertThat(byIp.allowed()).isTrue();
    assertThat(byIp.policy()).isEqualTo("ip");
    assertThat(byIp.limit()).isEqualTo(300);
    assertThat(byIp.windowMs()).isEqualTo(60_000);
    Decision both = await(client.verifyAndLimit("token-1", "192.0.2.7", "/anything"));
    assertThat(both.allowed()).isTrue();
    assertThat(both.limits()).extracting(Decision::policy).containsExactlyInAnyOrder("token", "ip");
    assertThat(both.limits()).filteredOn(d -> d.policy().equals("token")).singleElement()
      .satisfies(d -> assertThat(d.limit()).isEqualTo(1000));
    await(vertx.undeploy(id));
  }
}
