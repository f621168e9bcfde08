package dev.rediskit.ratelimit;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.eventbus.Addresses;
import dev.rediskit.eventbus.RateLimitConsumers;
import dev.rediskit.test.Await;
import dev.rediskit.test.ClusteredVertx;
import dev.rediskit.test.FaultProxy;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Limits changed at run time, on a real Redis and a real clustered event bus: two Vert.x nodes,
 * each with its own gateway and limiter sharing one name; a change made on node A is enforced by
 * node B within the documented bound; an invalid change is refused whole; the privileged
 * addresses are local to the node that enabled them.
 */
@IntegrationTest
class RuntimeLimitsIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  /** The safety-net period of both limiters: the documented bound is this plus one Redis read. */
  private static final long REFRESH_MS = 5_000;
  private static final String NAME = "runtime";

  private static ClusteredVertx.Nodes nodes;
  private static RedisGateway gatewayA;
  private static RedisGateway gatewayB;
  private static RateLimiter limiterA;
  private static RateLimiter limiterB;
  private static final Map<String, AtomicInteger> planLookups = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() {
    nodes = ClusteredVertx.start(2);
    gatewayA = gateway(nodes.get(0));
    gatewayB = gateway(nodes.get(1));
    limiterA = limiter(nodes.get(0), gatewayA, true);
    limiterB = limiter(nodes.get(1), gatewayB, false);
    PlanResolver plans = token -> {
      planLookups.computeIfAbsent(token, t -> new AtomicInteger()).incrementAndGet();
      return Future.succeededFuture(token.startsWith("pro-") ? "pro" : token.startsWith("free-") ? "free" : null);
    };
    limiterA.planResolver(plans);
    limiterB.planResolver(plans);
    await(RateLimitConsumers.register(nodes.get(0), limiterA, ""));
    await(RateLimitConsumers.register(nodes.get(1), limiterB, ""));
  }

  @AfterAll
  static void stop() {
    if (nodes != null) {
      await(limiterA.close());
      await(limiterB.close());
      await(gatewayA.close());
      await(gatewayB.close());
      nodes.close();
    }
  }

  static <T> T await(Future<T> f) {
    // Generous: a clustered start and a busy 2-core machine; nothing here waits this long when healthy.
    return dev.rediskit.test.Futures.join(f, Duration.ofSeconds(60));
  }

  private static RedisGateway gateway(Vertx vertx) {
    RedisGateway g = RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(redis.server().uri())
      .setCommandTimeoutMs(10_000).setConnectTimeoutMs(10_000));
    await(g.ready());
    return g;
  }

  private static RateLimiter limiter(Vertx vertx, RedisGateway gateway, boolean adminAddresses) {
    RateLimitOptions options = new RateLimitOptions().setRuntimeLimits(true).setLimitsRefreshMs(REFRESH_MS)
      .setAdminAddresses(adminAddresses).setDenyCacheSize(0)
      .setDefaultTokenLimit(Limit.parse("1000/1m")).setDefaultIpLimit(null)
      .putEndpointLimits("/report", new EndpointLimits(null, null, Limit.parse("1000/1m")))
      .putPlanLimit("free", Limit.parse("2/1m")).putPlanLimit("pro", Limit.parse("5/1m"));
    return RateLimiter.create(vertx, gateway, NAME, options);
  }

  private static Object storedHash() {
    return redis.server().command("HGETALL", "rediskit:rl:l:" + NAME);
  }

  private static int allowedInARow(RateLimiter limiter, String token, String endpoint, int tries) {
    int allowed = 0;
    for (int i = 0; i < tries; i++) {
      Decision d = await(limiter.verifyAndLimit(token, null, endpoint));
      if (!d.allowed()) {
        break;
      }
      allowed++;
    }
    return allowed;
  }

  @Test
  void aChangeOnNodeAIsEnforcedByNodeBWithinTheBound() {
    String endpoint = "/report-" + System.nanoTime();
    assertThat(limiterB.limits().endpoint(endpoint).endpoint()).isNull();
    long started = System.nanoTime();
    long version = await(limiterA.admin().apply(new LimitChange()
      .setEndpoint(endpoint, new EndpointLimits(null, null, Limit.parse("3/1m")))));
    long written = System.nanoTime();
    // Node A applies its own change before the future completes.
    assertThat(limiterA.limits().endpoint(endpoint).endpoint()).isEqualTo(Limit.parse("3/1m"));
    // The documented bound is limitsRefreshMs plus one read; the wait allows three times that, for a stalled machine.
    Await.until(() -> Limit.parse("3/1m").equals(limiterB.limits().endpoint(endpoint).endpoint()),
      Duration.ofMillis(3 * REFRESH_MS), "node B sees the change");
    long seenMs = (System.nanoTime() - started) / 1_000_000;
    System.out.printf("runtime limits: change written in %d ms, in force on node B %d ms after apply() began (bound %d ms + one read)%n",
      (written - started) / 1_000_000, seenMs, REFRESH_MS);
    assertThat(seenMs).as("propagation within the bound").isLessThan(REFRESH_MS + 5_000);
    assertThat(await(limiterB.admin().stored()).getLong("version")).isGreaterThanOrEqualTo(version);
    assertThat(limiterB.admin().status().getLong("version")).isGreaterThanOrEqualTo(version);
    // Node B enforces it: 3 pass, the 4th is refused by the new endpoint limit (the configured 1000 would allow it).
    assertThat(allowedInARow(limiterB, null, endpoint, 10)).isEqualTo(3);
    Decision refused = await(limiterB.verifyAndLimit(null, null, endpoint));
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.limit()).isEqualTo(3);

    // Removing the stored entry brings back the configured limits (here: none for this endpoint).
    await(limiterA.admin().apply(new LimitChange().removeEndpoint(endpoint)));
    Await.until(() -> limiterB.limits().endpoint(endpoint).endpoint() == null, Duration.ofMillis(3 * REFRESH_MS),
      "node B drops the removed entry");
  }

  @Test
  void aVersionNeverRepeatsNotEvenAfterTheHashWasDeleted() {
    String endpoint = "/deleted-" + System.nanoTime();
    long first = await(limiterA.admin().apply(new LimitChange().setEndpoint(endpoint,
      new EndpointLimits(null, null, Limit.parse("5/1m")))));
    Await.until(() -> Limit.parse("5/1m").equals(limiterB.limits().endpoint(endpoint).endpoint()),
      Duration.ofMillis(3 * REFRESH_MS), "node B sees the first change");
    // Deleted behind the limiters' backs (an operator, FLUSHALL, eviction), then changed again: a
    // counter would give the same version as before, and node B would keep the old limit.
    redis.server().command("DEL", "rediskit:rl:l:" + NAME);
    long second = await(limiterA.admin().apply(new LimitChange().setEndpoint(endpoint,
      new EndpointLimits(null, null, Limit.parse("6/1m")))));
    assertThat(second).isGreaterThan(first);
    Await.until(() -> Limit.parse("6/1m").equals(limiterB.limits().endpoint(endpoint).endpoint()),
      Duration.ofMillis(3 * REFRESH_MS), "node B sees the change made after the deletion");
  }

  @Test
  void propagationTimesOverSeveralChanges() {
    String endpoint = "/sampled-" + System.nanoTime();
    List<Long> fromStart = new java.util.ArrayList<>();
    List<Long> fromWrite = new java.util.ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      Limit next = Limit.parse((100 + i) + "/1m");
      long started = System.nanoTime();
      await(limiterA.admin().apply(new LimitChange().setEndpoint(endpoint, new EndpointLimits(null, null, next))));
      long written = System.nanoTime();
      // Await polls every 20 ms, so each figure is that coarse.
      Await.until(() -> next.equals(limiterB.limits().endpoint(endpoint).endpoint()), Duration.ofMillis(3 * REFRESH_MS),
        "node B sees change " + next);
      long seen = System.nanoTime();
      fromStart.add((seen - started) / 1_000_000);
      fromWrite.add((seen - written) / 1_000_000);
    }
    System.out.printf("runtime limits: 10 changes, node A to node B: from apply() %s ms, from the completed write %s ms "
      + "(bound %d ms + one read)%n", fromStart, fromWrite, REFRESH_MS);
    assertThat(fromStart).allSatisfy(ms -> assertThat(ms).isLessThan(REFRESH_MS + 5_000));
  }

  @Test
  void anInstanceThatCannotReadKeepsTheLastKnownLimitsAndCatchesUpAfterwards() {
    Vertx b = nodes.get(1);
    FaultProxy proxy = FaultProxy.start(b, redis.server());
    // Quick reconnection, so that the figure below is mostly the limits' catch-up, not the gateway's back-off.
    RedisGateway g = RedisGateway.create(b, new RedisKitOptions().setEndpoint(proxy.uri())
      .setCommandTimeoutMs(1_000).setConnectTimeoutMs(1_000).setReconnectMaxDelayMs(200)
      .setBreakerMaxFailures(3).setBreakerResetTimeoutMs(300));
    await(g.ready());
    // A short safety net, so that the catch-up below does not wait for the tracking link's reconnection alone.
    RateLimiter c = RateLimiter.create(b, g, NAME, new RateLimitOptions().setRuntimeLimits(true).setLimitsRefreshMs(500));
    try {
      await(limiterA.admin().apply(new LimitChange().setService("outage", Limit.parse("10/1s"))));
      Await.until(() -> Limit.parse("10/1s").equals(c.limits().service("outage")), Duration.ofMillis(3 * REFRESH_MS),
        "the third instance sees the first change");
      proxy.reset();
      long failuresBefore = c.stats().limitRefreshFailures();
      await(limiterA.admin().apply(new LimitChange().setService("outage", Limit.parse("20/1s"))));
      Await.until(() -> c.stats().limitRefreshFailures() > failuresBefore + 1, Duration.ofSeconds(20),
        "reads fail while Redis is out of reach");
      assertThat(c.limits().service("outage")).as("the last known limit stays in force").isEqualTo(Limit.parse("10/1s"));
      assertThat(c.admin().status().getString("lastError")).isNotBlank();
      long back = System.nanoTime();
      proxy.pass();
      Await.until(() -> Limit.parse("20/1s").equals(c.limits().service("outage")), Duration.ofSeconds(30),
        "the third instance catches up once Redis is back");
      System.out.printf("runtime limits: after the outage, the missed change was in force %d ms after Redis was reachable "
        + "again (refresh 500 ms)%n", (System.nanoTime() - back) / 1_000_000);
      Await.until(() -> !c.admin().status().containsKey("lastError"), Duration.ofSeconds(10),
        "the failure to be over in the status");
    } finally {
      await(c.close());
      await(g.close());
      proxy.close();
    }
  }

  @Test
  void theSafetyNetReadsTheStoredLimitsEveryPeriodWithoutAnyChange() {
    Vertx b = nodes.get(1);
    RateLimiter c = RateLimiter.create(b, gatewayB, "safety-net", new RateLimitOptions().setRuntimeLimits(true)
      .setLimitsRefreshMs(200));
    try {
      long first = Await.value(() -> c.admin().status().getLong("refreshes"), n -> n >= 1, Duration.ofSeconds(10),
        "the first read");
      // Three more reads of 200 ms each, with no change made: the periodic read runs by itself.
      Await.until(() -> c.admin().status().getLong("refreshes") >= first + 3, Duration.ofSeconds(20),
        "periodic reads");
      assertThat(c.admin().status().getLong("refreshFailures")).isZero();
      assertThat(c.admin().status().getLong("lastReadAgoMs")).isNotNull();
    } finally {
      await(c.close());
    }
  }

  @Test
  void anInvalidChangeIsRefusedWithEveryProblemNamedAndChangesNothing() {
    await(limiterA.admin().apply(new LimitChange().setService("mailer", Limit.parse("50/1s"))));
    Await.until(() -> Limit.parse("50/1s").equals(limiterB.limits().service("mailer")), Duration.ofMillis(3 * REFRESH_MS),
      "node B sees the first change");
    Object before = storedHash();
    long refusedBefore = limiterA.stats().limitChanges(RateLimitStats.LimitChangeOutcome.REFUSED);
    JsonObject bad = new JsonObject()
      .put("services", new JsonObject().put("mailer", "5000/1s").put("search", "many"))
      .put("plans", new JsonObject().put("pro", "0/1m"))
      .put("endpoints", new JsonObject().put("/x", new JsonObject().put("token", "1/1s").put("bogus", "1/1s")));
    Vertx a = nodes.get(0);
    assertThatThrownBy(() -> await(a.eventBus().request(Addresses.RATELIMIT_LIMITS_SET, bad)))
      .isInstanceOf(ReplyException.class)
      .satisfies(e -> {
        ReplyException re = (ReplyException) e;
        assertThat(re.failureCode()).isEqualTo(400);
        assertThat(re.getMessage()).startsWith("change: refused, nothing applied: ")
          .contains("services.search.").contains("plans.pro.").contains("endpoints./x.").contains("bogus");
        System.out.println("runtime limits: refused change: " + re.getMessage());
      });
    // The valid entry of the refused change (mailer 5000/1s) was not applied either.
    assertThat(storedHash()).isEqualTo(before);
    assertThat(limiterA.limits().service("mailer")).isEqualTo(Limit.parse("50/1s"));
    assertThat(limiterB.limits().service("mailer")).isEqualTo(Limit.parse("50/1s"));
    assertThat(limiterA.stats().limitChanges(RateLimitStats.LimitChangeOutcome.REFUSED)).isEqualTo(refusedBefore + 1);
  }

  @Test
  void theAdminAddressesAreLocalToTheNodeThatEnabledThem() {
    Vertx a = nodes.get(0);
    Vertx b = nodes.get(1);
    JsonObject lift = new JsonObject().put("services", new JsonObject().put("mailer", "1000000/1s"));
    // Node B did not enable them, and node A's are local consumers: from B there is no handler at all.
    assertThatThrownBy(() -> await(b.eventBus().request(Addresses.RATELIMIT_LIMITS_SET, lift)))
      .isInstanceOf(ReplyException.class)
      .satisfies(e -> assertThat(((ReplyException) e).failureType()).isEqualTo(ReplyFailure.NO_HANDLERS));
    assertThatThrownBy(() -> await(b.eventBus().request(Addresses.RATELIMIT_LIMITS_GET, new JsonObject())))
      .isInstanceOf(ReplyException.class)
      .satisfies(e -> assertThat(((ReplyException) e).failureType()).isEqualTo(ReplyFailure.NO_HANDLERS));
    assertThat(limiterB.limits().service("mailer")).isNotEqualTo(Limit.parse("1000000/1s"));
    // The ordinary addresses of node A do cross the cluster, so the refusal above is not a dead bus.
    assertThat(await(b.eventBus().<JsonObject>request(Addresses.RATELIMIT_STATS, new JsonObject())).body().getString("limiter"))
      .isEqualTo(NAME);
    // On node A itself the address answers.
    JsonObject got = await(a.eventBus().<JsonObject>request(Addresses.RATELIMIT_LIMITS_GET, new JsonObject())).body();
    assertThat(got.getJsonObject("stored").getLong("version")).isNotNull();
    assertThat(got.getJsonObject("status").getString("link")).isEqualTo("CONFIRMED");
  }

  @Test
  void theAdminAddressesAreOffByDefault() {
    Vertx single = Vertx.vertx();
    try {
      RedisGateway g = gateway(single);
      RateLimiter plain = RateLimiter.create(single, g, "plain", new RateLimitOptions().setRuntimeLimits(true));
      RateLimitConsumers consumers = await(RateLimitConsumers.register(single, plain, ""));
      assertThat(consumers.addresses()).doesNotContain(Addresses.RATELIMIT_LIMITS_SET, Addresses.RATELIMIT_LIMITS_GET);
      assertThatThrownBy(() -> await(single.eventBus().request(Addresses.RATELIMIT_LIMITS_SET,
        new JsonObject().put("plans", new JsonObject().put("pro", "1/1s")))))
        .isInstanceOf(ReplyException.class)
        .satisfies(e -> assertThat(((ReplyException) e).failureType()).isEqualTo(ReplyFailure.NO_HANDLERS));
      RateLimiter noRuntime = RateLimiter.create(single, g, "static", new RateLimitOptions());
      assertThatThrownBy(noRuntime::admin).isInstanceOf(IllegalStateException.class).hasMessageContaining("runtimeLimits");
      await(plain.close());
      await(noRuntime.close());
      await(g.close());
    } finally {
      await(single.close());
    }
  }

  @Test
  void plansGiveTheirTokensTheirLimitAndFollowChanges() {
    String endpoint = "/plans-" + System.nanoTime();
    String free = "free-" + System.nanoTime();
    String pro = "pro-" + System.nanoTime();
    String none = "anon-" + System.nanoTime();
    assertThat(allowedInARow(limiterB, free, endpoint, 10)).isEqualTo(2);
    assertThat(allowedInARow(limiterB, pro, endpoint, 10)).isEqualTo(5);
    assertThat(allowedInARow(limiterB, none, endpoint, 10)).isEqualTo(10);
    assertThat(planLookups.get(free).get()).as("the plan is looked up once, then cached").isEqualTo(1);
    // Raise the free plan at run time on node A; node B follows.
    await(limiterA.admin().apply(new LimitChange().setPlan("free", Limit.parse("4/1m"))));
    Await.until(() -> Limit.parse("4/1m").equals(limiterB.limits().plan("free")), Duration.ofMillis(3 * REFRESH_MS),
      "node B sees the new plan limit");
    String freeToo = "free-2-" + System.nanoTime();
    assertThat(allowedInARow(limiterB, freeToo, endpoint, 10)).isEqualTo(4);
    await(limiterA.admin().apply(new LimitChange().removePlan("free")));
    Await.until(() -> Limit.parse("2/1m").equals(limiterB.limits().plan("free")), Duration.ofMillis(3 * REFRESH_MS),
      "node B is back on the configured plan limit");
  }

  @Test
  void aFailingPlanResolverFallsBackToTheOrdinaryLimitsAndIsCounted() {
    Vertx single = Vertx.vertx();
    try {
      RedisGateway g = gateway(single);
      RateLimiter l = RateLimiter.create(single, g, "plans-failing", new RateLimitOptions().setDenyCacheSize(0)
        .setDefaultTokenLimit(Limit.parse("3/1m")).setDefaultIpLimit(null).putPlanLimit("pro", Limit.parse("100/1m")));
      l.planResolver(token -> Future.failedFuture(new IllegalStateException("plan store down")));
      String endpoint = "/fail-" + System.nanoTime();
      assertThat(allowedInARow(l, "pro-x", endpoint, 10)).isEqualTo(3);
      assertThat(l.stats().planFailures()).isEqualTo(4);
      assertThat(l.stats().toJson().getLong("planFailures")).isEqualTo(4);
      await(l.close());
      await(g.close());
    } finally {
      await(single.close());
    }
  }

  @Test
  void storedEntriesLiveInTheirOwnKeyFamily() {
    await(limiterA.admin().apply(new LimitChange().setPlan("family", Limit.parse("7/1m"))));
    @SuppressWarnings("unchecked")
    List<Object> keys = (List<Object>) redis.server().command("KEYS", "rediskit:rl:l:*");
    assertThat(keys).extracting(Object::toString).containsExactly("rediskit:rl:l:" + NAME);
    assertThat(redis.server().command("HGET", "rediskit:rl:l:" + NAME, "p:family")).hasToString("7/1m");
    assertThat((Long) redis.server().command("TTL", "rediskit:rl:l:" + NAME)).isEqualTo(-1L);
  }
}
