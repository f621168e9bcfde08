package dev.rediskit;

import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.eventbus.RateLimitClient;
import dev.rediskit.ratelimit.Decision;
import dev.rediskit.ratelimit.Decision.Source;
import dev.rediskit.ratelimit.Permit;
import dev.rediskit.test.Await;
import dev.rediskit.test.FaultProxy;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.Monitor;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.rediskit.test.AppContexts.appContext;
import static dev.rediskit.EventBusCacheAsAUserIT.deployModule;
import static dev.rediskit.test.AppContexts.on;
import static dev.rediskit.test.AppContexts.onAll;
import static dev.rediskit.test.Futures.await;
import static dev.rediskit.test.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rate limiter as a user of the event bus meets it: {@link RedisKitVerticle} deployed with an empty config
 * (or only the documented {@code rateLimit.failurePolicy}), the Redis named only by the system property
 * {@code rediskit.endpoints}, and application verticles of the user's own that reach the limiter through
 * {@link RateLimitClient} and raw {@code ratelimit.*} requests only.
 */
@IntegrationTest
class RateLimitEventBusAsAUserIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  @AfterEach
  void clearProperty() {
    System.clearProperty("rediskit.endpoints");
  }

  static JsonObject request(Vertx vertx, String address, JsonObject body) {
    return await(vertx.eventBus().<JsonObject>request(address, body)).body();
  }

  // ---------------------------------------------------------------------------------------------------------
  // 2 + 6: the reply fields of the docs' tables, as a raw caller sees them, with the defaults

  @Test
  void theDefaultsAnswerEveryDocumentedAddressWithTheDocumentedFields(Vertx vertx, RedisServer server) {
    deployModule(vertx, server, new JsonObject());
    Context app = appContext(vertx);
    RateLimitClient client = RateLimitClient.create(vertx, "");

    JsonObject check = request(vertx, "ratelimit.check", new JsonObject().put("key", "user:42").put("limit", 100)
      .put("windowMs", 60_000));
    // docs/RATE_LIMITING.md, The event bus: {allowed, limit, remaining, resetMs, retryAfterMs, windowMs, policy, source, shadowRejected}
    assertThat(check.fieldNames()).containsExactlyInAnyOrder("allowed", "limit", "remaining", "resetMs", "retryAfterMs",
      "windowMs", "policy", "source", "shadowRejected");
    assertThat(check.getMap()).containsEntry("allowed", true).containsEntry("remaining", 99L).containsEntry("policy", "check")
      .containsEntry("source", "REDIS").containsEntry("retryAfterMs", 0L);
    // The default algorithm is GCRA and the key <keyPrefix>:rl:g:k:<key> carries a TTL.
    assertThat((Long) server.command("PTTL", "rediskit:rl:g:k:user:42")).isPositive().isLessThanOrEqualTo(60_000);

    // verifyAndLimit with the default per-token (1000/1m) and per-IP (300/1m) limits: the IP has fewer left, it decides.
    Decision v = await(on(app, () -> client.verifyAndLimit("secret-token", "198.51.100.7", "/search")));
    assertThat(v.allowed()).isTrue();
    assertThat(v.policy()).isEqualTo("ip");
    assertThat(v.limit()).isEqualTo(300);
    assertThat(v.limits()).extracting(Decision::policy).containsExactlyInAnyOrder("token", "ip");
    JsonObject verify = request(vertx, "ratelimit.verify", new JsonObject().put("ip", "198.51.100.7").put("endpoint", "/search"));
    assertThat(verify.fieldNames()).contains("allowed", "limit", "remaining", "resetMs", "retryAfterMs", "windowMs", "policy",
      "source", "shadowRejected", "limits");
    assertThat(verify.getLong("remaining")).isEqualTo(298);
    // No identifier given: neither default applies, the endpoint has no limit of its own.
    ReplyException none = (ReplyException) failure(vertx.eventBus().request("ratelimit.verify",
      new JsonObject().put("endpoint", "/search")));
    assertThat(none.failureCode()).isEqualTo(400);
    assertThat(none.getMessage()).startsWith("endpoint: no rate limit applies");

    // Multi-call: the batch form, each call its own result, in order.
    JsonObject batch = request(vertx, "ratelimit.check.batch", new JsonObject().put("calls", new JsonArray()
      .add(new JsonObject().put("key", "b").put("limit", 1).put("windowMs", 60_000))
      .add(new JsonObject().put("key", "b").put("limit", 1).put("windowMs", 60_000))
      .add(new JsonObject().put("key", "b").put("limit", 0).put("windowMs", 60_000))));
    JsonArray results = batch.getJsonArray("results");
    assertThat(results.getJsonObject(0).getJsonObject("ok").getBoolean("allowed")).isTrue();
    assertThat(results.getJsonObject(1).getJsonObject("ok").getBoolean("allowed")).isFalse();
    assertThat(results.getJsonObject(2)).isEqualTo(new JsonObject().put("failureCode", 400).put("message", "limit: must be > 0, was 0"));

    // Permits: {acquired, key, permitId?, maxConcurrent, held, available, leaseTtlMs, retryAfterMs, source}.
    JsonObject acquired = request(vertx, "ratelimit.acquire", new JsonObject().put("key", "reports").put("maxConcurrent", 1)
      .put("leaseTtlMs", 30_000));
    assertThat(acquired.fieldNames()).containsExactlyInAnyOrder("acquired", "key", "permitId", "maxConcurrent", "held",
      "available", "leaseTtlMs", "retryAfterMs", "source");
    JsonObject full = request(vertx, "ratelimit.acquire", new JsonObject().put("key", "reports").put("maxConcurrent", 1)
      .put("leaseTtlMs", 30_000));
    assertThat(full.fieldNames()).doesNotContain("permitId");
    assertThat(full.getBoolean("acquired")).isFalse();
    assertThat(full.getLong("retryAfterMs")).isPositive();
    String id = acquired.getString("permitId");
    assertThat(request(vertx, "ratelimit.renew", new JsonObject().put("key", "reports").put("permitId", id).put("leaseTtlMs", 60_000)))
      .isEqualTo(new JsonObject().put("renewed", true));
    assertThat(request(vertx, "ratelimit.release", new JsonObject().put("key", "reports").put("permitId", id)))
      .isEqualTo(new JsonObject().put("released", true));
    assertThat(request(vertx, "ratelimit.release", new JsonObject().put("key", "reports").put("permitId", id)))
      .isEqualTo(new JsonObject().put("released", false));

    // Stats: exactly the fields of the documented example (docs/RATE_LIMITING.md, Counters).
    JsonObject stats = request(vertx, "ratelimit.stats", new JsonObject());
    assertThat(stats.fieldNames()).containsExactlyInAnyOrder("reserved", "limiter", "allowed", "rejected", "shadowRejected", "fallbackAllowed",
      "fallbackRejected", "overloadedRejected", "denyCacheHits", "denyCacheSize", "switchesToFallback", "switchesToRedis",
      "fallbackActive", "bySource", "permits", "limitChanges", "limitRefreshFailures", "planFailures", "permissionRefusals");
    assertThat(stats.getJsonObject("bySource").fieldNames()).containsExactlyInAnyOrder("redis", "denyCache", "fallback", "overloaded");
    assertThat(stats.getJsonObject("permits").fieldNames()).containsExactlyInAnyOrder("acquired", "rejected", "fallbackGranted",
      "released", "releasedAfterLease", "held");
    assertThat(stats.getString("limiter")).isEqualTo("default");
    assertThat(stats.getJsonObject("permits").getLong("acquired")).isEqualTo(1);
    assertThat(stats.getJsonObject("permits").getLong("held")).isZero();

    // The privileged addresses are off by default: nobody can reach them, not even this Vert.x instance.
    ReplyException admin = (ReplyException) failure(vertx.eventBus().request("ratelimit.limits.get", new JsonObject()));
    assertThat(admin.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);
  }

  // ---------------------------------------------------------------------------------------------------------
  // 3: exactness under concurrency, from two verticles on two event loops, with the defaults

  @Test
  void twoHundredChecksFromTwoVerticlesOnTwoEventLoopsAllowExactlyTheLimitAllDecidedByRedis(Vertx vertx, RedisServer server) {
    deployModule(vertx, server, new JsonObject());
    Context a = appContext(vertx);
    Context b = appContext(vertx);
    Thread[] loops = new Thread[2];
    await(on(a, () -> Future.succeededFuture(loops[0] = Thread.currentThread())));
    await(on(b, () -> Future.succeededFuture(loops[1] = Thread.currentThread())));
    assertThat(loops[0]).as("two event loops").isNotSameAs(loops[1]);
    RateLimitClient client = RateLimitClient.create(vertx, "");

    // An hour's window: no unit comes back while the burst runs, however slow the machine.
    List<Future<Decision>> calls = new ArrayList<>(onAll(a, 100, () -> client.check("hot", 50, Duration.ofHours(1))));
    calls.addAll(onAll(b, 100, () -> client.check("hot", 50, Duration.ofHours(1))));
    await(Future.join(new ArrayList<>(calls)), Duration.ofSeconds(60));
    Map<String, Integer> tally = new TreeMap<>();
    for (Future<Decision> f : calls) {
      assertThat(f.succeeded()).as("every call answered: %s", f.cause()).isTrue();
      tally.merge((f.result().allowed() ? "allowed/" : "denied/") + f.result().source(), 1, Integer::sum);
    }
    System.out.println("200 checks, limit 50, two verticles: " + tally);
    assertThat(tally.getOrDefault("allowed/REDIS", 0)).as("%s", tally).isEqualTo(50);
    assertThat(tally.keySet()).as("nothing from the failure policy or the admission queue: %s", tally)
      .allMatch(k -> k.endsWith("/REDIS") || k.equals("denied/DENY_CACHE"));
  }

  /**
   * README's "partner-api" example from JSON config: a service limit configured for the deployed module, shared
   * by every verticle that charges it over the bus (typed or raw); a service without a limit is a 400.
   */
  @Test
  void aServiceLimitFromTheConfigIsSharedByEveryVerticleOverTheBus(Vertx vertx, RedisServer server) {
    deployModule(vertx, server, new JsonObject().put("rateLimit", new JsonObject()
      .put("serviceLimits", new JsonObject().put("partner-api", "30/1h"))));
    Context a = appContext(vertx);
    Context b = appContext(vertx);
    RateLimitClient client = RateLimitClient.create(vertx, "");
    List<Future<Decision>> calls = new ArrayList<>(onAll(a, 40, () -> client.serviceLimit("partner-api")));
    calls.addAll(onAll(b, 40, () -> client.serviceLimit("partner-api")));
    await(Future.join(new ArrayList<>(calls)), Duration.ofSeconds(60));
    Map<String, Integer> tally = new TreeMap<>();
    for (Future<Decision> f : calls) {
      assertThat(f.succeeded()).as("every call answered: %s", f.cause()).isTrue();
      assertThat(f.result().policy()).isEqualTo("service:partner-api");
      tally.merge((f.result().allowed() ? "allowed/" : "denied/") + f.result().source(), 1, Integer::sum);
    }
    assertThat(tally.getOrDefault("allowed/REDIS", 0)).as("%s", tally).isEqualTo(30);
    JsonObject raw = request(vertx, "ratelimit.service", new JsonObject().put("service", "partner-api"));
    assertThat(raw.getMap()).containsEntry("allowed", false).containsEntry("limit", 30L).containsEntry("policy", "service:partner-api");
    ReplyException unknown = (ReplyException) failure(vertx.eventBus().request("ratelimit.service",
      new JsonObject().put("service", "mailer")));
    assertThat(unknown.failureCode()).isEqualTo(400);
    assertThat(unknown.getMessage()).isEqualTo("service: no limit configured for service \"mailer\"");
  }

  /**
   * The same on a clustered event bus with the defaults (ScaleOutIT's exactness runs use FAIL_CLOSED and tuned
   * timeouts): the module deployed on both nodes, an application verticle on each, 100 checks from each.
   */
  @Test
  void onAClusteredBusWithTheDefaultsTwoHundredChecksAllowExactlyTheLimit(RedisServer server) {
    try (dev.rediskit.test.ClusteredVertx.Nodes nodes = dev.rediskit.test.ClusteredVertx.start(2)) {
      Vertx a = nodes.get(0);
      Vertx b = nodes.get(1);
      deployModule(a, server, new JsonObject());
      deployModule(b, server, new JsonObject());
      Context appA = appContext(a);
      Context appB = appContext(b);
      RateLimitClient clientA = RateLimitClient.create(a, "");
      RateLimitClient clientB = RateLimitClient.create(b, "");
      List<Future<Decision>> calls = new ArrayList<>(onAll(appA, 100, () -> clientA.check("hot-cluster", 50, Duration.ofHours(1))));
      calls.addAll(onAll(appB, 100, () -> clientB.check("hot-cluster", 50, Duration.ofHours(1))));
      await(Future.join(new ArrayList<>(calls)), Duration.ofSeconds(60));
      Map<String, Integer> tally = new TreeMap<>();
      for (Future<Decision> f : calls) {
        assertThat(f.succeeded()).as("every call answered: %s", f.cause()).isTrue();
        tally.merge((f.result().allowed() ? "allowed/" : "denied/") + f.result().source(), 1, Integer::sum);
      }
      System.out.println("clustered bus, 200 checks, limit 50, defaults: " + tally);
      assertThat(tally.getOrDefault("allowed/REDIS", 0)).as("%s", tally).isEqualTo(50);
      assertThat(tally.keySet()).as("nothing from the failure policy or the admission queue: %s", tally)
        .allMatch(k -> k.endsWith("/REDIS") || k.equals("denied/DENY_CACHE"));
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // 2: a permit whose holder verticle is undeployed

  @Test
  void thePlacesOfAnUndeployedHolderVerticleComeBackWhenTheirLeaseEnds(Vertx vertx, RedisServer server) {
    deployModule(vertx, server, new JsonObject());
    Context holderCtx = appContext(vertx);
    Context other = appContext(vertx);
    RateLimitClient client = RateLimitClient.create(vertx, "");
    Duration lease = Duration.ofMillis(1500);
    Permit p1 = await(on(holderCtx, () -> client.acquire("jobs", 2, lease)));
    Permit p2 = await(on(holderCtx, () -> client.acquire("jobs", 2, lease)));
    assertThat(p1.acquired() && p2.acquired()).isTrue();
    await(vertx.undeploy(holderCtx.deploymentID()));
    long undeployedAt = System.nanoTime();

    // Undeploying releases nothing (permits are leases in Redis, not tied to the verticle): still full.
    Permit refused = await(on(other, () -> client.acquire("jobs", 2, lease)));
    if (Duration.ofNanos(System.nanoTime() - undeployedAt).compareTo(lease) < 0) {
      assertThat(refused.acquired()).as("still held before the lease can have ended").isFalse();
      assertThat(refused.retryAfterMs()).isBetween(1L, lease.toMillis());
    }
    // Generous: the lease plus scheduling on a loaded 2-core machine.
    Permit back = Await.value(() -> await(on(other, () -> client.acquire("jobs", 2, lease))), Permit::acquired,
      Duration.ofSeconds(20), "a place to come back once the undeployed holder's lease ended");
    System.out.println("place back " + Duration.ofNanos(System.nanoTime() - undeployedAt).toMillis() + " ms after the undeploy");
    assertThat(back.source()).isEqualTo(Source.REDIS);
    // The undeployed verticle's permit objects still work: they are messages to the limiter, not to their verticle.
    assertThat(await(p1.release())).as("an ended lease releases as false").isFalse();
    assertThat(await(back.release())).isTrue();
  }

  // ---------------------------------------------------------------------------------------------------------
  // 4: Redis killed, under each documented policy, deployed as a user would (rateLimit.failurePolicy only)

  /** The documented worst case is twice {@code rateLimit.timeoutMs} (1000 by default); the rest is slack for a loaded 2-core machine. */
  static final long ANSWER_BOUND_MS = 2 * 1000 + 3000;

  record Timed<T>(T value, long ms) {
  }

  static <T> Timed<T> timed(Context ctx, java.util.function.Supplier<Future<T>> op) {
    long t0 = System.nanoTime();
    T v = await(on(ctx, op));
    return new Timed<>(v, Duration.ofNanos(System.nanoTime() - t0).toMillis());
  }

  static <T> Timed<Throwable> timedFailure(Context ctx, java.util.function.Supplier<Future<T>> op) {
    long t0 = System.nanoTime();
    Throwable t = await(on(ctx, op).transform(ar -> Future.succeededFuture(ar.failed() ? ar.cause() : null)));
    return new Timed<>(t, Duration.ofNanos(System.nanoTime() - t0).toMillis());
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(dev.rediskit.ratelimit.RateLimitOptions.FailurePolicy.class)
  void aKilledRedisIsAnsweredByThePolicyOverTheBusAndRedisDecidesAgainWhenBack(
      dev.rediskit.ratelimit.RateLimitOptions.FailurePolicy policy, Vertx vertx) {
    RedisServer server = redis.server();
    deployModule(vertx, server, new JsonObject().put("rateLimit", new JsonObject().put("failurePolicy", policy.name())));
    Context app = appContext(vertx);
    RateLimitClient client = RateLimitClient.create(vertx, "");
    assertThat(await(on(app, () -> client.check("warm", 10, Duration.ofHours(1)))).source()).isEqualTo(Source.REDIS);
    Permit held = await(on(app, () -> client.acquire("held", 5, Duration.ofMinutes(1))));
    assertThat(held.acquired()).isTrue();

    server.kill();
    List<Timed<Decision>> decisions = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      decisions.add(timed(app, () -> client.check("down", 10, Duration.ofHours(1))));
    }
    List<String> seen = decisions.stream().map(t -> (t.value().allowed() ? "allowed/" : "denied/") + t.value().source()
      + "/" + t.value().retryAfterMs() + " in " + t.ms() + " ms").toList();
    System.out.println(policy + ", Redis killed, 10 checks of limit 10: " + seen);
    assertThat(decisions).allSatisfy(t -> {
      assertThat(t.value().source()).as("%s", seen).isEqualTo(Source.FALLBACK);
      assertThat(t.ms()).as("answered within the documented bound: %s", seen).isLessThan(ANSWER_BOUND_MS);
    });
    long allowed = decisions.stream().filter(t -> t.value().allowed()).count();
    switch (policy) {
      case FAIL_OPEN -> assertThat(allowed).isEqualTo(10);
      case FAIL_CLOSED -> {
        assertThat(allowed).isZero();
        assertThat(decisions).allSatisfy(t -> assertThat(t.value().retryAfterMs()).isEqualTo(1000));
      }
      // localSharePercent 50 of a limit (and burst) of 10.
      case LOCAL -> assertThat(allowed).isEqualTo(5);
    }

    // failOnUnavailable: an error only under FAIL_CLOSED (503), the policy's decision otherwise.
    Timed<Throwable> asked = timedFailure(app, () -> client.failOnUnavailable(true).check("asked", 10, Duration.ofHours(1)));
    if (policy == dev.rediskit.ratelimit.RateLimitOptions.FailurePolicy.FAIL_CLOSED) {
      System.out.println("FAIL_CLOSED failOnUnavailable: " + asked.value() + " in " + asked.ms() + " ms");
      assertThat(asked.value()).isInstanceOf(RedisUnavailableException.class);
      ReplyException raw = (ReplyException) failure(vertx.eventBus().request("ratelimit.check", new JsonObject()
        .put("key", "asked").put("limit", 10).put("windowMs", 60_000).put("failOnUnavailable", true)));
      assertThat(raw.failureCode()).isEqualTo(503);
      assertThat(raw.getMessage()).as("says why Redis could not decide").isNotBlank();
    } else {
      assertThat(asked.value()).as("no error under %s", policy).isNull();
    }

    // Permits: FAIL_OPEN grants one that holds nothing, FAIL_CLOSED refuses for 1 s, LOCAL grants the local share (2 of 5).
    List<Permit> permits = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      permits.add(timed(app, () -> client.acquire("down-permits", 5, Duration.ofMinutes(1))).value());
    }
    System.out.println(policy + ", Redis killed, acquires: " + permits.stream().map(Permit::toJson).toList());
    assertThat(permits).allSatisfy(p -> assertThat(p.source()).isEqualTo(Source.FALLBACK));
    long granted = permits.stream().filter(Permit::acquired).count();
    switch (policy) {
      case FAIL_OPEN -> assertThat(granted).isEqualTo(3);
      case FAIL_CLOSED -> {
        assertThat(granted).isZero();
        assertThat(permits).allSatisfy(p -> assertThat(p.retryAfterMs()).isEqualTo(1000));
      }
      case LOCAL -> assertThat(granted).isEqualTo(2);
    }
    // A Redis-held permit cannot be released meanwhile: 503 (documented for ratelimit.release), within the bound.
    Timed<Throwable> release = timedFailure(app, held::release);
    System.out.println(policy + ", release while Redis is down: " + release.value() + " in " + release.ms() + " ms");
    assertThat(release.value()).isInstanceOf(RedisUnavailableException.class);
    assertThat(release.ms()).isLessThan(ANSWER_BOUND_MS);

    JsonObject stats = request(vertx, "ratelimit.stats", new JsonObject());
    assertThat(stats.getJsonObject("bySource").getLong("fallback")).isGreaterThanOrEqualTo(10);
    assertThat(stats.getBoolean("fallbackActive")).isTrue();

    server.restart();
    Await.until(() -> await(on(app, () -> client.check("after", 10, Duration.ofHours(1)))).source() == Source.REDIS,
      "Redis to decide again after the restart");
    assertThat(request(vertx, "ratelimit.stats", new JsonObject()).getLong("switchesToRedis")).isPositive();
  }

  // ---------------------------------------------------------------------------------------------------------
  // 4: Redis stalled (the network path drops everything), with the defaults and under FAIL_CLOSED

  @Test
  void aStalledRedisIsAnsweredWithinTheTimeoutOverTheBus(Vertx vertx) {
    try (FaultProxy proxy = FaultProxy.start(redis.server())) {
      System.setProperty("rediskit.endpoints", proxy.uri());
      String open;
      String closed;
      try {
        open = await(vertx.deployVerticle(RedisKitVerticle.class, new io.vertx.core.DeploymentOptions().setConfig(new JsonObject())));
        closed = await(vertx.deployVerticle(RedisKitVerticle.class, new io.vertx.core.DeploymentOptions().setConfig(new JsonObject()
          .put("addressPrefix", "closed.").put("rateLimit", new JsonObject().put("failurePolicy", "FAIL_CLOSED")))));
      } finally {
        System.clearProperty("rediskit.endpoints");
      }
      Context app = appContext(vertx);
      RateLimitClient client = RateLimitClient.create(vertx, "");
      RateLimitClient closedClient = RateLimitClient.create(vertx, "closed.");
      assertThat(await(on(app, () -> client.check("warm", 10, Duration.ofHours(1)))).source()).isEqualTo(Source.REDIS);
      assertThat(await(on(app, () -> closedClient.check("warm", 10, Duration.ofHours(1)))).source()).isEqualTo(Source.REDIS);
      Permit held = await(on(app, () -> client.acquire("held", 5, Duration.ofMinutes(1))));

      proxy.blackhole();
      Timed<Decision> d = timed(app, () -> client.check("stalled", 10, Duration.ofHours(1)));
      Timed<Decision> c = timed(app, () -> closedClient.check("stalled", 10, Duration.ofHours(1)));
      Timed<Throwable> e = timedFailure(app, () -> closedClient.failOnUnavailable(true).check("stalled2", 10, Duration.ofHours(1)));
      Timed<Permit> p = timed(app, () -> client.acquire("stalled", 5, Duration.ofMinutes(1)));
      Timed<Throwable> r = timedFailure(app, held::release);
      System.out.println("stalled: FAIL_OPEN " + d.value().toJson() + " in " + d.ms() + " ms; FAIL_CLOSED " + c.value().toJson()
        + " in " + c.ms() + " ms; failOnUnavailable " + e.value() + " in " + e.ms() + " ms; acquire " + p.value().toJson() + " in "
        + p.ms() + " ms; release " + r.value() + " in " + r.ms() + " ms");
      assertThat(d.value().allowed()).isTrue();
      assertThat(d.value().source()).isEqualTo(Source.FALLBACK);
      assertThat(c.value().allowed()).isFalse();
      assertThat(c.value().source()).isEqualTo(Source.FALLBACK);
      assertThat(c.value().retryAfterMs()).isEqualTo(1000);
      // docs: 503 when Redis could not decide under FAIL_CLOSED and the request asks for errors.
      assertThat(e.value()).isInstanceOf(RedisUnavailableException.class);
      assertThat(p.value().source()).isEqualTo(Source.FALLBACK);
      // docs: ratelimit.release answers 503 or 504; the typed client maps 504 to RedisTimeoutException.
      assertThat(r.value()).isInstanceOfAny(RedisUnavailableException.class, dev.rediskit.error.RedisTimeoutException.class);
      for (long ms : List.of(d.ms(), c.ms(), e.ms(), p.ms(), r.ms())) {
        assertThat(ms).isLessThan(ANSWER_BOUND_MS);
      }
      proxy.pass();
      Await.until(() -> await(on(app, () -> client.check("after", 10, Duration.ofHours(1)))).source() == Source.REDIS,
        "Redis to decide again once the path heals");
      await(vertx.undeploy(open));
      await(vertx.undeploy(closed));
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // 5: bad input over the raw bus, cases the consumers' own tests do not send; MONITOR sees nothing of them

  record Bad(String address, Object body, String message) {
  }

  static JsonObject check() {
    return new JsonObject().put("key", "k").put("limit", 5).put("windowMs", 60_000);
  }

  static JsonObject acquire() {
    return new JsonObject().put("key", "k").put("maxConcurrent", 2).put("leaseTtlMs", 5000);
  }

  @Test
  void absurdValuesAreRefusedNamingTheFieldAndNothingReachesRedis(Vertx vertx, RedisServer server) {
    deployModule(vertx, server, new JsonObject());
    JsonArray tooManyCalls = new JsonArray();
    for (int i = 0; i <= 512; i++) {
      tooManyCalls.add(check());
    }
    List<Bad> cases = List.of(
      new Bad("ratelimit.check", null, "body"),
      new Bad("ratelimit.check", check().put("windowMs", Long.MAX_VALUE), "windowMs"),
      new Bad("ratelimit.check", check().put("windowMs", Long.MIN_VALUE), "windowMs"),
      new Bad("ratelimit.check", check().put("windowMs", 1e19), "windowMs"),
      new Bad("ratelimit.check", check().put("windowMs", Double.NaN), "windowMs"),
      new Bad("ratelimit.check", check().put("limit", Long.MAX_VALUE), "limit"),
      new Bad("ratelimit.check", check().put("cost", Long.MAX_VALUE), "cost"),
      new Bad("ratelimit.check", check().put("cost", -1), "cost"),
      new Bad("ratelimit.check", check().put("maxWaitMs", Long.MAX_VALUE), "maxWaitMs"),
      new Bad("ratelimit.check", check().put("maxWaitMs", -5), "maxWaitMs"),
      new Bad("ratelimit.check", check().put("key", "x".repeat(1_000_000)), "key"),
      new Bad("ratelimit.check", check().put("key", new JsonObject()), "key"),
      new Bad("ratelimit.check", check().put("key", "a\r\nFLUSHALL"), "key"),
      new Bad("ratelimit.check.batch", new JsonObject().put("calls", tooManyCalls), "calls"),
      new Bad("ratelimit.check.batch", new JsonObject().put("calls", check()), "calls"),
      new Bad("ratelimit.verify", new JsonObject().put("endpoint", "/x").put("ip", "10.0.0.1").put("windowMs", Long.MAX_VALUE), "windowMs"),
      new Bad("ratelimit.verify", new JsonObject().put("endpoint", "/x").put("ip", "10.0.0.1").put("token", "t".repeat(1_000_000)), "token"),
      new Bad("ratelimit.acquire", acquire().put("maxConcurrent", Long.MAX_VALUE), "maxConcurrent"),
      new Bad("ratelimit.acquire", acquire().put("maxConcurrent", 4_294_967_298L), "maxConcurrent"),
      new Bad("ratelimit.acquire", acquire().put("leaseTtlMs", Long.MAX_VALUE), "leaseTtlMs"),
      new Bad("ratelimit.acquire", acquire().put("leaseTtlMs", -1), "leaseTtlMs"),
      new Bad("ratelimit.acquire", acquire().put("key", "x".repeat(1_000_000)), "key"),
      new Bad("ratelimit.renew", new JsonObject().put("key", "k").put("permitId", "p").put("leaseTtlMs", Long.MAX_VALUE), "leaseTtlMs"),
      new Bad("ratelimit.release", new JsonObject().put("key", "k").put("permitId", "p".repeat(100_000)), "permitId"),
      new Bad("ratelimit.release", new JsonObject().put("key", "k").put("permitId", 7), "permitId"),
      new Bad("ratelimit.stats", new JsonArray(), "body"));
    try (Monitor monitor = new Monitor(server)) {
      monitor.drain(server);
      List<String> answers = new ArrayList<>();
      for (Bad bad : cases) {
        String shown = await(vertx.eventBus().request(bad.address(), bad.body()).map(m -> "answered: " + m.body())
          .otherwise(e -> e instanceof ReplyException re ? re.failureCode() + " " + re.getMessage() : e.toString()));
        answers.add(bad.address() + " " + bad.message() + " -> " + (shown.length() > 200 ? shown.substring(0, 200) + "..." : shown));
      }
      answers.forEach(System.out::println);
      for (int i = 0; i < cases.size(); i++) {
        Bad bad = cases.get(i);
        String answer = answers.get(i);
        Throwable t = failure(vertx.eventBus().request(bad.address(), bad.body()));
        assertThat(t).as(answer).isInstanceOfSatisfying(ReplyException.class, re -> {
          assertThat(re.failureCode()).as(answer).isEqualTo(400);
          assertThat(re.getMessage()).as(answer).startsWith(bad.message() + ":");
          assertThat(re.getMessage().length()).as("a message of reasonable size: %s", answer).isLessThan(400);
        });
      }
      assertThat(monitor.drain(server)).as("nothing reached Redis").isEmpty();
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // 5: a 400 the limiter raises itself names the request's JSON field, not the Java argument behind it

  @Test
  void refusalsOfTheLimiterItselfNameTheFieldTheCallerSent(Vertx vertx, RedisServer server) {
    JsonObject fast = new JsonObject().put("/fast", new JsonObject().put("endpoint", "2000/1s"));
    deployModule(vertx, server, new JsonObject().put("addressPrefix", "fw.")
      .put("rateLimit", new JsonObject().put("algorithm", "FIXED_WINDOW")));
    deployModule(vertx, server, new JsonObject().put("addressPrefix", "g.")
      .put("rateLimit", new JsonObject().put("endpointLimits", fast)));
    deployModule(vertx, server, new JsonObject().put("addressPrefix", "sw.").put("rateLimit", new JsonObject()
      .put("algorithm", "SLIDING_WINDOW").put("endpointLimits", new JsonObject().put("/big", new JsonObject().put("endpoint", "10000000/1d")))));
    Context app = appContext(vertx);
    try (Monitor monitor = new Monitor(server)) {
      monitor.drain(server);
      // Reservations need GCRA (docs: Reservations): the field is maxWaitMs, which the request has.
      ReplyException wait = (ReplyException) failure(vertx.eventBus().request("fw.ratelimit.check", new JsonObject()
        .put("key", "k").put("limit", 5).put("windowMs", 60_000).put("maxWaitMs", 1000)));
      assertThat(wait.failureCode()).isEqualTo(400);
      assertThat(wait.getMessage()).isEqualTo("maxWaitMs: reservations need the GCRA algorithm, this limiter uses FIXED_WINDOW");
      Throwable typed = failure(on(app, () -> RateLimitClient.create(vertx, "fw.").check("k", 5, Duration.ofMinutes(1),
        Duration.ofSeconds(1))));
      assertThat(typed).isInstanceOfSatisfying(dev.rediskit.error.InvalidRequestException.class,
        e -> assertThat(e.field()).isEqualTo("maxWaitMs"));

      // A window too short for the endpoint's quota (2000 a second in 1 ms: over one per microsecond): windowMs is at
      // fault, the request has no limit field.
      ReplyException shortWindow = (ReplyException) failure(vertx.eventBus().request("g.ratelimit.verify", new JsonObject()
        .put("endpoint", "/fast").put("windowMs", 1)));
      assertThat(shortWindow.failureCode()).isEqualTo(400);
      assertThat(shortWindow.getMessage()).startsWith("windowMs: 1 ms does not fit the endpoint limit 2000/1s (limit: must be at most"
        + " one per microsecond");
      Throwable typedVerify = failure(on(app, () -> RateLimitClient.create(vertx, "g.").verifyAndLimit(null, null, "/fast",
        Duration.ofMillis(1))));
      assertThat(typedVerify).isInstanceOfSatisfying(dev.rediskit.error.InvalidRequestException.class,
        e -> assertThat(e.field()).isEqualTo("windowMs"));
      // A window too long for the sliding window's exact integers.
      ReplyException longWindow = (ReplyException) failure(vertx.eventBus().request("sw.ratelimit.verify", new JsonObject()
        .put("endpoint", "/big").put("windowMs", 31_622_400_000L)));
      assertThat(longWindow.failureCode()).isEqualTo(400);
      assertThat(longWindow.getMessage()).startsWith("windowMs: 31622400000 ms does not fit the endpoint limit");
      assertThat(monitor.drain(server)).as("nothing reached Redis").isEmpty();
    }
  }
}
