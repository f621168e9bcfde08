package dev.rediskit;

import ch.qos.logback.classic.Level;
import dev.rediskit.metrics.MeterNames;
import dev.rediskit.ratelimit.RateLimiter;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.LogCapture;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.rediskit.test.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code rateLimit.planAddress} as a user deploying {@link RedisKitVerticle} from JSON meets it: plan limits
 * configured, the plans answered by an event-bus consumer of the user's own, and decisions asked for over
 * {@code ratelimit.verify}, against a real Redis. The contract's corner cases (bad replies, timeouts) are
 * {@code PlanAddressTest}'s.
 */
@IntegrationTest
class PlanAddressIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  private static final String LOGGER = RateLimiter.class.getName();
  private static final int CALLS = 8;

  private final List<Runnable> cleanup = new ArrayList<>();
  /** Tokens of this test alone: the methods share one Redis, and a token's counts outlive its test. */
  private final String pro = "tok-pro-" + System.nanoTime();
  private final String free = "tok-free-" + System.nanoTime();

  @AfterEach
  void cleanUp() {
    System.clearProperty("rediskit.endpoints");
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).run();
    }
  }

  /** Pro: 5 a minute, anyone else: 3 a minute, and /login keeps its own 2 for everyone; no IP limit, so the token decides. */
  private static JsonObject config(boolean planAddress) {
    JsonObject rateLimit = new JsonObject()
      .put("defaultTokenLimit", "3/1m")
      .put("defaultIpLimit", "none")
      .put("planLimits", new JsonObject().put("pro", "5/1m"))
      .put("endpointLimits", new JsonObject().put("/login", new JsonObject().put("token", "2/1m")));
    if (planAddress) {
      rateLimit.put("planAddress", "plans.lookup");
    }
    return new JsonObject().put("addressPrefix", "app.").put("rateLimit", rateLimit);
  }

  private static String deploy(Vertx vertx, RedisServer server, JsonObject config, int instances) {
    System.setProperty("rediskit.endpoints", server.uri());
    try {
      return await(vertx.deployVerticle(RedisKitVerticle.class, new DeploymentOptions().setConfig(config).setInstances(instances)));
    } finally {
      System.clearProperty("rediskit.endpoints");
    }
  }

  /** Sends the calls one after the other, as one client would, and returns the replies. */
  private static List<JsonObject> verify(Vertx vertx, String token, String endpoint) {
    List<JsonObject> replies = new ArrayList<>();
    for (int i = 0; i < CALLS; i++) {
      replies.add(await(vertx.eventBus().<JsonObject>request("app.ratelimit.verify",
        new JsonObject().put("token", token).put("endpoint", endpoint))).body());
    }
    return replies;
  }

  private static long allowed(List<JsonObject> replies) {
    return replies.stream().filter(r -> r.getBoolean("allowed")).count();
  }

  private static JsonObject stats(Vertx vertx) {
    return await(vertx.eventBus().<JsonObject>request("app.ratelimit.stats", new JsonObject())).body();
  }

  @Test
  void theProTokenGetsItsPlansLimitAndAnyOtherTheOrdinaryOne(Vertx vertx, RedisServer server) {
    Map<String, AtomicInteger> lookups = new ConcurrentHashMap<>();
    // The user's plan store: the pro token is on pro, any other on no plan.
    await(vertx.eventBus().<JsonObject>consumer("app.plans.lookup", m -> {
      String token = m.body().getString("token");
      lookups.computeIfAbsent(token, t -> new AtomicInteger()).incrementAndGet();
      m.reply(token.equals(pro) ? new JsonObject().put("plan", "pro") : new JsonObject());
    }).completion());
    try (LogCapture log = LogCapture.of(LOGGER)) {
      deploy(vertx, server, config(true), 1);

      List<JsonObject> proReplies = verify(vertx, pro, "/search");
      List<JsonObject> freeReplies = verify(vertx, free, "/search");
      assertThat(allowed(proReplies)).as("the pro token: its plan's 5 a minute").isEqualTo(5);
      assertThat(proReplies).allSatisfy(r -> assertThat(r.getMap()).containsEntry("limit", 5L).containsEntry("policy", "token"));
      assertThat(allowed(freeReplies)).as("a token on no plan: the ordinary 3 a minute").isEqualTo(3);
      assertThat(freeReplies).allSatisfy(r -> assertThat(r.getMap()).containsEntry("limit", 3L).containsEntry("policy", "token"));
      // An endpoint's own token limit wins over every plan.
      assertThat(allowed(verify(vertx, pro, "/login"))).isEqualTo(2);

      // Asked once per token, then kept (planCacheMs); nothing failed, and nothing was warned about.
      assertThat(lookups.get(pro).get()).isEqualTo(1);
      assertThat(lookups.get(free).get()).isEqualTo(1);
      assertThat(stats(vertx).getLong("planFailures")).isZero();
      assertThat(log.messages(Level.WARN, "")).isEmpty();
    }
  }

  @Test
  void withoutAConsumerDecisionsUseTheOrdinaryLimitsAndTheFailuresAreCountedAndLogged(RedisServer server) {
    // Micrometer's default registry, as an application with metrics has it: rediskit.ratelimit.plan.failures.
    Vertx vertx = Vertx.vertx(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
      .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)).setEnabled(true)));
    cleanup.add(() -> await(vertx.close()));
    try (LogCapture log = LogCapture.of(LOGGER)) {
      deploy(vertx, server, config(true), 1);

      List<JsonObject> replies = verify(vertx, pro, "/search");
      assertThat(allowed(replies)).as("no plan known: the ordinary 3 a minute").isEqualTo(3);
      // Decided as ever (Redis, then the deny cache for the rejected), never by the failure policy.
      assertThat(replies).allSatisfy(r -> {
        assertThat(r.getLong("limit")).isEqualTo(3);
        assertThat(r.getString("source")).isIn("REDIS", "DENY_CACHE");
      });

      // A failed lookup is not kept: every decision asked, and every one failed.
      assertThat(stats(vertx).getLong("planFailures")).isEqualTo(CALLS);
      MeterRegistry registry = BackendRegistries.getDefaultNow();
      FunctionCounter failures = registry.get(MeterNames.RATELIMIT_PLAN_FAILURES).functionCounter();
      assertThat(failures.count()).isEqualTo(CALLS);
      // Logged once when the run of failures starts, naming the address and what went wrong; never the token.
      List<String> warned = log.messages(Level.WARN, "plan resolver failed");
      assertThat(warned).singleElement().asString()
        .contains("no consumer at the plan address app.plans.lookup (rateLimit.planAddress)")
        .doesNotContain(pro);
    }
  }

  @Test
  void planLimitsWithoutAPlanAddressAreWarnedAboutOncePerDeployment(Vertx vertx, RedisServer server) {
    try (LogCapture log = LogCapture.of(LOGGER)) {
      deploy(vertx, server, config(false), 2);
      List<String> warned = log.messages(Level.WARN, "rateLimit.planLimits");
      assertThat(warned).as("one line for the deployment, not one per instance").singleElement().asString()
        .contains("rateLimit.planAddress").contains("[pro]");
      // And indeed no plan applies.
      assertThat(allowed(verify(vertx, pro, "/search"))).isEqualTo(3);
    }
  }

  @Test
  void redisKitCreateAsksThePlanAddressUntilAJavaResolverReplacesIt(Vertx vertx, RedisServer server) {
    await(vertx.eventBus().<JsonObject>consumer("app.plans.lookup", m -> m.reply(new JsonObject().put("plan", "pro"))).completion());
    RedisKitOptions options = new RedisKitOptions(config(true)).setEndpoints(List.of(server.uri()));
    try (LogCapture log = LogCapture.of(LOGGER)) {
      RedisKit kit = await(RedisKit.create(vertx, options));
      cleanup.add(() -> await(kit.close()));
      RateLimiter limiter = kit.rateLimiter();
      assertThat(await(limiter.plan(pro))).isEqualTo("pro");
      // The last resolver set wins; the plans kept from the address are forgotten.
      limiter.planResolver(token -> Future.succeededFuture("free"));
      assertThat(await(limiter.plan(pro))).isEqualTo("free");
      assertThat(log.messages(Level.WARN, "")).isEmpty();
    }
  }
}
