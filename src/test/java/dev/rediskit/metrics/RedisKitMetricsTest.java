package dev.rediskit.metrics;

import dev.rediskit.cache.CacheOptions;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.client.CommandObserver.Outcome;
import dev.rediskit.client.GatewayStatus;
import dev.rediskit.health.HealthOptions;
import dev.rediskit.health.HealthSnapshot;
import dev.rediskit.health.RedisHealthCheck;
import dev.rediskit.ratelimit.RateLimitStats;
import dev.rediskit.ratelimit.RateLimiter;
import dev.rediskit.test.Await;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The binder's logic with a fake gateway and an in-memory Prometheus registry; no Redis needed. */
@ExtendWith(VertxExtension.class)
class RedisKitMetricsTest {

  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @AfterEach
  void closeRegistry() {
    registry.close();
  }

  private double count(String name, String... tags) {
    Search s = registry.find(name).tags(tags);
    if (s.timer() != null) {
      return s.timer().count();
    }
    if (s.functionCounter() != null) {
      return s.functionCounter().count();
    }
    return s.counter().count();
  }

  private double gauge(String name, String... tags) {
    Search s = registry.find(name).tags(tags);
    return s.timeGauge() != null ? s.timeGauge().value(TimeUnit.MILLISECONDS) : s.gauge().value();
  }

  @Test
  void commandsAreTimedAndErrorsCountedByKind(Vertx vertx) {
    FakeGateway gw = new FakeGateway();
    RedisKitMetrics metrics = RedisKitMetrics.create(vertx, registry);
    MetricsBinding binding = metrics.bindGateway("main", gw);
    assertThat(binding.active()).isTrue();
    assertThat(gw.observer).isNotNull();

    gw.observer.onCommand("GET", Outcome.SUCCESS, 1_000_000);
    gw.observer.onCommand("GET", Outcome.SUCCESS, 3_000_000);
    gw.observer.onCommand("GET", Outcome.TIMEOUT, 500_000_000);
    gw.observer.onCommand("INCR", Outcome.REDIS_ERROR, 200_000);
    gw.observer.onCommand("SET", Outcome.CONNECTION, 100_000);

    assertThat(count(MeterNames.COMMANDS, "gateway", "main", "command", "GET", "outcome", "success")).isEqualTo(2);
    assertThat(registry.find(MeterNames.COMMANDS).tags("command", "GET", "outcome", "success").timer()
      .totalTime(TimeUnit.MILLISECONDS)).isEqualTo(4.0);
    assertThat(count(MeterNames.COMMANDS, "command", "GET", "outcome", "timeout")).isEqualTo(1);
    assertThat(count(MeterNames.COMMAND_ERRORS, "kind", "timeout")).isEqualTo(1);
    assertThat(count(MeterNames.COMMAND_ERRORS, "kind", "redis_error")).isEqualTo(1);
    assertThat(count(MeterNames.COMMAND_ERRORS, "kind", "connection")).isEqualTo(1);
    assertThat(count(MeterNames.COMMAND_ERRORS, "kind", "rejected")).isZero();
    // Rejections while the breaker is closed (overload, not connected) are errors, not short circuits.
    gw.observer.onCommand("GET", Outcome.REJECTED, 0);
    assertThat(count(MeterNames.BREAKER_SHORT_CIRCUITS)).isZero();
    assertThat(count(MeterNames.COMMAND_ERRORS, "kind", "rejected")).isEqualTo(1);
  }

  @Test
  void breakerAndConnectionStateAreGaugedAndTransitionsCounted(Vertx vertx) {
    FakeGateway gw = new FakeGateway();
    RedisKitMetrics.create(vertx, registry).bindGateway(gw);
    assertThat(gauge(MeterNames.BREAKER_STATE, "gateway", RedisKitMetrics.DEFAULT_GATEWAY_NAME)).isZero();
    assertThat(gauge(MeterNames.CONNECTION_STATE)).isZero();

    gw.status = new GatewayStatus(GatewayStatus.ConnectionState.DISCONNECTED, CircuitBreakerState.OPEN, 5, 7, "down", 3);
    gw.observer.onBreakerState(CircuitBreakerState.OPEN);
    gw.observer.onCommand("breaker", Outcome.REJECTED, 0);
    gw.observer.onCommand("breaker", Outcome.REJECTED, 0);
    assertThat(gauge(MeterNames.BREAKER_STATE)).isEqualTo(2);
    assertThat(gauge(MeterNames.BREAKER_FAILURES)).isEqualTo(5);
    assertThat(gauge(MeterNames.COMMANDS_PENDING)).isEqualTo(7);
    assertThat(gauge(MeterNames.CONNECTION_STATE)).isEqualTo(2);
    assertThat(registry.find(MeterNames.CONNECTION_RECONNECTS).functionCounter().count()).isEqualTo(3);
    assertThat(count(MeterNames.BREAKER_SHORT_CIRCUITS)).isEqualTo(2);
    assertThat(count(MeterNames.BREAKER_TRANSITIONS, "state", "open")).isEqualTo(1);

    gw.status = new GatewayStatus(GatewayStatus.ConnectionState.CONNECTING, CircuitBreakerState.HALF_OPEN, 5, 0, "down", 3);
    gw.observer.onBreakerState(CircuitBreakerState.HALF_OPEN);
    assertThat(gauge(MeterNames.BREAKER_STATE)).isEqualTo(1);
    assertThat(gauge(MeterNames.CONNECTION_STATE)).isEqualTo(1);
    gw.observer.onCommand("GET", Outcome.REJECTED, 0);
    assertThat(count(MeterNames.BREAKER_SHORT_CIRCUITS)).isEqualTo(2);
    gw.observer.onBreakerState(CircuitBreakerState.CLOSED);
    assertThat(count(MeterNames.BREAKER_TRANSITIONS, "state", "half_open")).isEqualTo(1);
    assertThat(count(MeterNames.BREAKER_TRANSITIONS, "state", "closed")).isEqualTo(1);
  }

  @Test
  void eachClusterMastersBreakerHasItsOwnGaugeAndTransitions(Vertx vertx) {
    FakeGateway gw = new FakeGateway();
    gw.status = clusterStatus(CircuitBreakerState.CLOSED, CircuitBreakerState.CLOSED);
    RedisKitMetrics.create(vertx, registry).bindGateway(gw);
    assertThat(gauge(MeterNames.NODE_BREAKER_STATE, "node", "127.0.0.1:7000")).isZero();
    assertThat(gauge(MeterNames.NODE_BREAKER_STATE, "node", "127.0.0.1:7001")).isZero();

    gw.status = clusterStatus(CircuitBreakerState.OPEN, CircuitBreakerState.CLOSED);
    gw.observer.onNodeBreakerState("127.0.0.1:7000", CircuitBreakerState.OPEN);
    gw.observer.onCommand("breaker", Outcome.REJECTED, 0);
    assertThat(gauge(MeterNames.NODE_BREAKER_STATE, "node", "127.0.0.1:7000")).isEqualTo(2);
    assertThat(gauge(MeterNames.NODE_BREAKER_STATE, "node", "127.0.0.1:7001")).isZero();
    assertThat(count(MeterNames.NODE_BREAKER_TRANSITIONS, "node", "127.0.0.1:7000", "state", "open")).isEqualTo(1);
    assertThat(count(MeterNames.NODE_BREAKER_TRANSITIONS, "node", "127.0.0.1:7001", "state", "open")).isZero();
    // The gateway's own breaker stays closed; the refusal still counts as a short circuit.
    assertThat(gauge(MeterNames.BREAKER_STATE)).isZero();
    assertThat(count(MeterNames.BREAKER_SHORT_CIRCUITS)).isEqualTo(1);

    // A master first seen after a failover gets its meters at once, before any transition; the dead one's gauge reads NaN.
    gw.observer.onNodeKnown("127.0.0.1:7003");
    assertThat(count(MeterNames.NODE_BREAKER_TRANSITIONS, "node", "127.0.0.1:7003", "state", "closed")).isZero();
    gw.status = new GatewayStatus(GatewayStatus.ConnectionState.CONNECTED, CircuitBreakerState.CLOSED, 0, 0, null, 1,
      List.of(new GatewayStatus.NodeStatus("127.0.0.1:7001", CircuitBreakerState.CLOSED, 0),
        new GatewayStatus.NodeStatus("127.0.0.1:7003", CircuitBreakerState.CLOSED, 0)));
    assertThat(gauge(MeterNames.NODE_BREAKER_STATE, "node", "127.0.0.1:7003")).isZero();
    assertThat(gauge(MeterNames.NODE_BREAKER_STATE, "node", "127.0.0.1:7000")).isNaN();
  }

  private static GatewayStatus clusterStatus(CircuitBreakerState first, CircuitBreakerState second) {
    return new GatewayStatus(GatewayStatus.ConnectionState.CONNECTED, CircuitBreakerState.CLOSED, 0, 0, null, 0,
      List.of(new GatewayStatus.NodeStatus("127.0.0.1:7000", first, first == CircuitBreakerState.OPEN ? 5 : 0),
        new GatewayStatus.NodeStatus("127.0.0.1:7001", second, 0)));
  }

  @Test
  void closingRemovesMetersAndObserverAndFreesTheName(Vertx vertx) {
    FakeGateway gw = new FakeGateway();
    RedisKitMetrics metrics = RedisKitMetrics.create(vertx, registry);
    MetricsBinding binding = metrics.bindGateway(gw);
    gw.observer.onCommand("GET", Outcome.SUCCESS, 1);
    assertThat(binding.meterIds()).extracting(Meter.Id::getName).contains(MeterNames.COMMANDS, MeterNames.BREAKER_STATE);
    assertThatThrownBy(() -> metrics.bindGateway(new FakeGateway()))
      .isInstanceOf(IllegalStateException.class).hasMessageContaining("gateway default is already bound");

    binding.close();
    binding.close();
    assertThat(binding.active()).isFalse();
    assertThat(gw.observer).isNull();
    assertThat(registry.find(MeterNames.COMMANDS).meters()).isEmpty();
    assertThat(registry.find(MeterNames.BREAKER_STATE).meters()).isEmpty();
    MetricsBinding again = metrics.bindGateway(gw);
    assertThat(again.active()).isTrue();
    metrics.close();
    assertThat(again.active()).isFalse();
    assertThat(registry.getMeters()).isEmpty();
  }

  @Test
  void withoutARegistryEveryBindIsAHarmlessNoOp(Vertx vertx) {
    // The injected Vert.x runs without metrics, so vertx-micrometer-metrics has no registry for it.
    for (RedisKitMetrics metrics : new RedisKitMetrics[] {RedisKitMetrics.create(vertx),
      RedisKitMetrics.create(vertx, (io.micrometer.core.instrument.MeterRegistry) null),
      RedisKitMetrics.create(vertx, "no-such-registry")}) {
      FakeGateway gw = new FakeGateway();
      assertThat(metrics.registry()).isNull();
      MetricsBinding b = metrics.bindGateway(gw);
      assertThat(b.active()).isFalse();
      assertThat(b.meterIds()).isEmpty();
      assertThat(gw.observer).isNull();
      assertThat(metrics.bindHealth(new FakeHealthCheck(), 10).active()).isFalse();
      assertThat(metrics.bindCache(new FakeComponents.Cache().set("users", new JsonObject()).cache).active()).isFalse();
      assertThat(metrics.bindRateLimiter(new FakeComponents.Limiter("api").limiter).active()).isFalse();
      b.close();
      metrics.close();
    }
  }

  @Test
  void commandNamesAreCappedSoTheRegistryCannotBeFlooded(Vertx vertx) {
    FakeGateway gw = new FakeGateway();
    RedisKitMetrics.create(vertx, registry).bindGateway(gw);
    for (int i = 0; i < GatewayMeters.MAX_COMMAND_NAMES + 50; i++) {
      gw.observer.onCommand("CMD" + i, Outcome.SUCCESS, 1);
    }
    Set<String> commands = registry.find(MeterNames.COMMANDS).timers().stream()
      .map(t -> t.getId().getTag(MeterNames.TAG_COMMAND)).collect(Collectors.toSet());
    assertThat(commands).hasSize(GatewayMeters.MAX_COMMAND_NAMES + 1).contains(GatewayMeters.OTHER_COMMAND);
    assertThat(count(MeterNames.COMMANDS, "command", GatewayMeters.OTHER_COMMAND)).isEqualTo(50);
  }

  @Test
  void aClientNearCachesCountsAreReadFromItsStatsAtScrapeTime(Vertx vertx) {
    long[] hits = {0};
    dev.rediskit.cache.NearCacheStats stats = new dev.rediskit.cache.NearCacheStats() {
      @Override public String namespace() { return "*"; }
      @Override public long hits() { return hits[0]; }
      @Override public long misses() { return 2; }
      @Override public long bypasses() { return 3; }
      @Override public long invalidations() { return 4; }
      @Override public long rejectedFills() { return 0; }
      @Override public java.util.Map<String, Long> flushes() { return java.util.Map.of("gap", 5L, "link_lost", 0L); }
      @Override public long entries() { return 6; }
      @Override public long bytes() { return 700; }
    };
    RedisKitMetrics metrics = RedisKitMetrics.create(vertx, registry);
    metrics.bindClientNearCache("orders", stats);
    hits[0] = 10;
    assertThat(count(MeterNames.CLIENT_NEAR_REQUESTS, "client", "orders", "result", "hit")).isEqualTo(10);
    assertThat(count(MeterNames.CLIENT_NEAR_REQUESTS, "client", "orders", "result", "bypass")).isEqualTo(3);
    assertThat(count(MeterNames.CLIENT_NEAR_INVALIDATIONS, "client", "orders")).isEqualTo(4);
    assertThat(count(MeterNames.CLIENT_NEAR_FLUSHES, "client", "orders", "cause", "gap")).isEqualTo(5);
    assertThat(registry.find(MeterNames.CLIENT_NEAR_BYTES).gauge().value()).isEqualTo(700);
    assertThatThrownBy(() -> metrics.bindClientNearCache("orders", stats))
      .isInstanceOf(IllegalStateException.class).hasMessageContaining("client near cache orders is already bound");
    assertThatThrownBy(() -> metrics.bindClientNearCache("other", null))
      .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("stats: is required");
  }

  @Test
  void everyValueOfAnEnumeratedTagThatTheMetersRegisterIsInTheTagsTable(Vertx vertx) {
    RedisKitMetrics metrics = RedisKitMetrics.create(vertx, registry);
    metrics.bindGateway(new FakeGateway());
    metrics.bindCache(new FakeComponents.Cache().set("users", new JsonObject()).cache);
    metrics.bindRateLimiter(new FakeComponents.Limiter("api").limiter);
    Set<String> enumerated = Set.of(MeterNames.TAG_OUTCOME, MeterNames.TAG_KIND, MeterNames.TAG_STATE, MeterNames.TAG_RESULT,
      MeterNames.TAG_CAUSE);
    Set<String> seen = new TreeSet<>();
    for (Meter m : registry.getMeters()) {
      for (io.micrometer.core.instrument.Tag tag : m.getId().getTags()) {
        if (enumerated.contains(tag.getKey())) {
          seen.add(tag.getKey() + "=" + tag.getValue());
          MeterNames.TagKey documented = MeterNames.TAGS.stream().filter(t -> t.key().equals(tag.getKey())).findFirst().orElseThrow();
          assertThat(documented.values()).as("the Tags table's values of %s (meter %s)", tag.getKey(), m.getId().getName())
            .contains("`" + tag.getValue() + "`");
        }
      }
    }
    // The limiter's permits and stored-limit changes are among them.
    assertThat(seen).contains("outcome=acquired", "outcome=fallback_granted", "outcome=applied");
  }

  @Test
  void cacheAndLimiterCountsAreReadFromTheirStatsAtScrapeTime(Vertx vertx) {
    FakeComponents.Cache cache = new FakeComponents.Cache().set("users", new JsonObject().put("misses", 2));
    FakeComponents.Limiter limiter = new FakeComponents.Limiter("api");
    RedisKitMetrics metrics = RedisKitMetrics.create(vertx, registry);
    metrics.bindCache(cache.cache);
    metrics.bindRateLimiter(limiter.limiter);
    cache.set("users", new JsonObject().put("hits", 10).put("misses", 2).put("loads", 3).put("loadTimeMs", 6)
      .put("flushes", 1).put("flushedKeys", 40));
    limiter.decisions.put(RateLimitStats.Outcome.ALLOWED, 99L);
    limiter.decisions.put(RateLimitStats.Outcome.FALLBACK_REJECTED, 4L);
    limiter.switchesToFallback = 1;
    assertThat(count(MeterNames.CACHE_REQUESTS, "namespace", "users", "result", "hit")).isEqualTo(10);
    assertThat(count(MeterNames.CACHE_REQUESTS, "namespace", "users", "result", "miss")).isEqualTo(2);
    assertThat(count(MeterNames.CACHE_REQUESTS, "namespace", "users", "result", "stale")).isZero();
    assertThat(registry.find(MeterNames.CACHE_LOADS).functionTimer().count()).isEqualTo(3);
    assertThat(registry.find(MeterNames.CACHE_LOADS).functionTimer().totalTime(TimeUnit.MILLISECONDS)).isEqualTo(6.0);
    assertThat(count(MeterNames.CACHE_FLUSHES, "namespace", "users")).isEqualTo(1);
    assertThat(count(MeterNames.CACHE_FLUSH_KEYS, "namespace", "users")).isEqualTo(40);
    assertThat(count(MeterNames.RATELIMIT_DECISIONS, "limiter", "api", "outcome", "allowed")).isEqualTo(99);
    assertThat(count(MeterNames.RATELIMIT_DECISIONS, "limiter", "api", "outcome", "fallback_rejected")).isEqualTo(4);
    assertThat(count(MeterNames.RATELIMIT_DECISIONS, "limiter", "api", "outcome", "overloaded_rejected")).isZero();
    assertThat(count(MeterNames.RATELIMIT_POLICY_SWITCHES, "limiter", "api")).isEqualTo(1);
    assertThat(count(MeterNames.RATELIMIT_DENY_CACHE_HITS, "limiter", "api")).isZero();
    limiter.permits.put(RateLimitStats.PermitOutcome.ACQUIRED, 7L);
    limiter.permits.put(RateLimitStats.PermitOutcome.EXPIRED, 2L);
    limiter.permitsHeld = 3;
    limiter.limitChanges.put(RateLimitStats.LimitChangeOutcome.REFUSED, 5L);
    limiter.limitRefreshFailures = 6;
    limiter.planFailures = 8;
    assertThat(count(MeterNames.RATELIMIT_PERMITS, "limiter", "api", "outcome", "acquired")).isEqualTo(7);
    assertThat(count(MeterNames.RATELIMIT_PERMITS, "limiter", "api", "outcome", "expired")).isEqualTo(2);
    assertThat(count(MeterNames.RATELIMIT_PERMITS, "limiter", "api", "outcome", "fallback_granted")).isZero();
    assertThat(registry.get(MeterNames.RATELIMIT_PERMITS_HELD).tag("limiter", "api").gauge().value()).isEqualTo(3);
    assertThat(count(MeterNames.RATELIMIT_LIMIT_CHANGES, "limiter", "api", "outcome", "refused")).isEqualTo(5);
    assertThat(count(MeterNames.RATELIMIT_LIMIT_CHANGES, "limiter", "api", "outcome", "applied")).isZero();
    assertThat(count(MeterNames.RATELIMIT_LIMIT_REFRESH_FAILURES, "limiter", "api")).isEqualTo(6);
    assertThat(count(MeterNames.RATELIMIT_PLAN_FAILURES, "limiter", "api")).isEqualTo(8);
    assertThatThrownBy(() -> metrics.bindCache(new FakeComponents.Cache().set("users", new JsonObject()).cache))
      .isInstanceOf(IllegalStateException.class).hasMessageContaining("cache users is already bound");
    assertThatThrownBy(() -> metrics.bindRateLimiter(new FakeComponents.Limiter("api").limiter))
      .isInstanceOf(IllegalStateException.class).hasMessageContaining("limiter api is already bound");
    assertThatThrownBy(() -> metrics.bindCache(new FakeComponents.Cache().set(" ", new JsonObject()).cache))
      .isInstanceOf(IllegalArgumentException.class).hasMessage("namespace: must not be blank, was \" \"");
    assertThatThrownBy(() -> metrics.bindRateLimiters(" ", List.of()))
      .isInstanceOf(IllegalArgumentException.class).hasMessage("name: must not be blank, was \" \"");
  }

  @Test
  void severalInstancesCachesAndLimitersAreSummedUnderOneSetOfMeters(Vertx vertx) {
    FakeComponents.Cache a = new FakeComponents.Cache().set("users", new JsonObject().put("hits", 3).put("loadTimeMs", 5));
    FakeComponents.Cache b = new FakeComponents.Cache().set("users", new JsonObject().put("hits", 4).put("loadTimeMs", 7))
      .set("orders", new JsonObject().put("misses", 1));
    FakeComponents.Limiter la = new FakeComponents.Limiter("default");
    FakeComponents.Limiter lb = new FakeComponents.Limiter("default");
    la.decisions.put(RateLimitStats.Outcome.REJECTED, 2L);
    lb.decisions.put(RateLimitStats.Outcome.REJECTED, 5L);
    lb.switchesToRedis = 1;
    List<RedisCache> caches = new CopyOnWriteArrayList<>(List.of(a.cache, b.cache));
    List<RateLimiter> limiters = new CopyOnWriteArrayList<>(List.of(la.limiter, lb.limiter));
    RedisKitMetrics metrics = RedisKitMetrics.create(vertx, registry);
    metrics.bindCaches(caches);
    metrics.bindRateLimiters("default", limiters);

    assertThat(count(MeterNames.CACHE_REQUESTS, "namespace", "users", "result", "hit")).isEqualTo(7);
    assertThat(registry.find(MeterNames.CACHE_LOADS).tags("namespace", "users").functionTimer()
      .totalTime(TimeUnit.MILLISECONDS)).isEqualTo(12.0);
    assertThat(count(MeterNames.CACHE_REQUESTS, "namespace", "orders", "result", "miss")).isEqualTo(1);
    assertThat(count(MeterNames.RATELIMIT_DECISIONS, "limiter", "default", "outcome", "rejected")).isEqualTo(7);
    assertThat(count(MeterNames.RATELIMIT_POLICY_SWITCHES, "limiter", "default")).isEqualTo(1);
    // An instance that leaves takes its counts with it, as the node's totals are those of its live instances.
    caches.remove(b.cache);
    limiters.remove(la.limiter);
    assertThat(count(MeterNames.CACHE_REQUESTS, "namespace", "users", "result", "hit")).isEqualTo(3);
    assertThat(count(MeterNames.CACHE_REQUESTS, "namespace", "orders", "result", "miss")).isZero();
    assertThat(count(MeterNames.RATELIMIT_DECISIONS, "limiter", "default", "outcome", "rejected")).isEqualTo(5);
  }

  @Test
  void aNamespaceFirstUsedAfterTheBindGetsItsMetersAtTheNextCheck(Vertx vertx) {
    RedisCache cache = RedisCache.create(vertx, new FakeGateway(), new CacheOptions());
    cache.stats("users");
    // A check every 20 ms instead of every 5 s keeps the test short; the logic is the same.
    RedisKitMetrics metrics = new RedisKitMetricsImpl(vertx, () -> registry, 20);
    MetricsBinding binding = metrics.bindCache(cache);
    assertThat(registry.find(MeterNames.CACHE_REQUESTS).tags("namespace", "users").functionCounters()).hasSize(3);
    assertThat(registry.find(MeterNames.CACHE_REQUESTS).tags("namespace", "orders").meters()).isEmpty();

    cache.stats("orders");
    Await.until(() -> registry.find(MeterNames.CACHE_LOADS).tags("namespace", "orders").functionTimer() != null,
      Duration.ofSeconds(10), "the orders namespace's meters");
    assertThat(registry.find(MeterNames.CACHE_REQUESTS).tags("namespace", "orders").functionCounters()).hasSize(3);
    assertThat(binding.meterIds()).extracting(id -> id.getTag(MeterNames.TAG_NAMESPACE)).contains("users", "orders");

    binding.close();
    assertThat(registry.getMeters()).isEmpty();
    assertThat(binding.active()).isFalse();
    // Closing freed the namespaces: another binding may take them.
    assertThat(metrics.bindCache(cache).meterIds()).isNotEmpty();
    metrics.close();
  }

  @Test
  void aCacheWithANamespaceBoundElsewhereIsRefusedWholly(Vertx vertx) {
    RedisKitMetrics metrics = RedisKitMetrics.create(vertx, registry);
    metrics.bindCache(new FakeComponents.Cache().set("users", new JsonObject()).cache);
    int before = registry.getMeters().size();
    FakeComponents.Cache other = new FakeComponents.Cache().set("orders", new JsonObject()).set("users", new JsonObject());
    assertThatThrownBy(() -> metrics.bindCache(other.cache))
      .isInstanceOf(IllegalStateException.class).hasMessageContaining("cache users is already bound");
    assertThat(registry.getMeters()).hasSize(before);
    // Whatever the refused bind had claimed before it met the conflict is free again.
    assertThat(metrics.bindCache(new FakeComponents.Cache().set("orders", new JsonObject()).cache).active()).isTrue();
  }

  @Test
  void healthGaugesFollowTheLatestRunAndTheProbeKeepsThemCurrent(Vertx vertx) {
    FakeHealthCheck check = new FakeHealthCheck();
    RedisKitMetrics metrics = RedisKitMetrics.create(vertx, registry);
    MetricsBinding binding = metrics.bindHealth(check, 0);
    assertThat(gauge(MeterNames.REDIS_UP)).isNaN();
    assertThat(check.runs.get()).isZero();
    check.snapshot = new HealthSnapshot(true, true, 12.5, 1);
    assertThat(gauge(MeterNames.REDIS_UP)).isEqualTo(1);
    assertThat(gauge(MeterNames.REDIS_DEGRADED)).isEqualTo(1);
    assertThat(gauge(MeterNames.REDIS_PING)).isEqualTo(12.5);
    check.snapshot = new HealthSnapshot(false, false, Double.NaN, 2);
    assertThat(gauge(MeterNames.REDIS_UP)).isZero();
    assertThat(gauge(MeterNames.REDIS_PING)).isNaN();
    binding.close();

    MetricsBinding probing = metrics.bindHealth("probed", check, 20);
    Await.until(() -> check.runs.get() >= 3, Duration.ofSeconds(10), "the probe to run the check repeatedly");
    probing.close();
  }

  @Test
  void gatewayAndHealthRegisterExactlyTheDocumentedMeters(Vertx vertx) {
    FakeGateway gw = new FakeGateway();
    // A cluster gateway: its masters' breakers have meters of their own.
    gw.status = new GatewayStatus(GatewayStatus.ConnectionState.CONNECTED, CircuitBreakerState.CLOSED, 0, 0, null, 0,
      List.of(new GatewayStatus.NodeStatus("127.0.0.1:7000", CircuitBreakerState.CLOSED, 0)));
    RedisKitMetrics metrics = RedisKitMetrics.create(vertx, registry);
    metrics.bindGateway(gw);
    metrics.bindHealth(new FakeHealthCheck(), 0);
    metrics.bindCache(new FakeComponents.Cache().withNearCache("users", 7, 3).set("users", new JsonObject()).cache);
    metrics.bindRateLimiter(new FakeComponents.Limiter("api").limiter);
    metrics.bindClientNearCache("client", new FakeComponents.Cache().withNearCache("*", 1, 1).cache.nearCacheStats().get("*"));
    gw.observer.onCommand("GET", Outcome.SUCCESS, 1);
    assertThat(registry.get(MeterNames.NEAR_REQUESTS).tag(MeterNames.TAG_RESULT, MeterNames.RESULT_HIT).functionCounter().count())
      .isEqualTo(7);
    assertThat(registry.get(MeterNames.NEAR_ENTRIES).gauge().value()).isEqualTo(3);
    Set<String> registered = registry.getMeters().stream().map(m -> m.getId().getName()).collect(Collectors.toCollection(TreeSet::new));
    Set<String> documented = MeterNames.METERS.stream().map(MeterNames.Meter::name).collect(Collectors.toCollection(TreeSet::new));
    assertThat(registered).isEqualTo(documented);
    for (MeterNames.Meter m : MeterNames.METERS) {
      Set<String> tagKeys = registry.find(m.name()).meters().stream().flatMap(x -> x.getId().getTags().stream())
        .map(io.micrometer.core.instrument.Tag::getKey).collect(Collectors.toSet());
      assertThat(tagKeys).as(m.name()).containsExactlyInAnyOrderElementsOf(m.tags());
      // The description registries publish (Prometheus' HELP) is the documented one, written once.
      assertThat(registry.find(m.name()).meters()).as(m.name())
        .allSatisfy(x -> assertThat(x.getId().getDescription()).isEqualTo(m.description().replace("`", "")));
    }
    // The exact Prometheus series, as the documentation lists them.
    Set<String> scraped = MetricsDocTest.seriesNames(registry.scrape());
    Set<String> listed = MeterNames.METERS.stream().flatMap(m -> MetricsDocTest.prometheusSeries(m).stream())
      .collect(Collectors.toCollection(TreeSet::new));
    assertThat(scraped).isEqualTo(listed);
  }

  /** A health check whose snapshot the test sets; counts its runs. */
  static final class FakeHealthCheck implements RedisHealthCheck {
    volatile HealthSnapshot snapshot;
    final AtomicInteger runs = new AtomicInteger();

    @Override
    public Future<Status> check() {
      runs.incrementAndGet();
      return Future.succeededFuture(Status.OK());
    }

    @Override
    public Future<JsonObject> checkAsJson() {
      return check().map(Status::toJson);
    }

    @Override
    public void handle(Promise<Status> promise) {
      check().onComplete(promise);
    }

    @Override
    public HealthChecks register(HealthChecks checks) {
      return checks;
    }

    @Override
    public HealthChecks register(HealthChecks checks, String name) {
      return checks;
    }

    @Override
    public HealthChecks healthChecks() {
      throw new UnsupportedOperationException();
    }

    @Override
    public long registrationTimeoutMs() {
      return 1;
    }

    @Override
    public HealthOptions options() {
      return new HealthOptions();
    }

    @Override
    public HealthSnapshot lastSnapshot() {
      return snapshot;
    }
  }
}
