package dev.rediskit.metrics;

import dev.rediskit.client.CommandObserver.Outcome;
import dev.rediskit.client.GatewayStatus;
import dev.rediskit.health.HealthOptions;
import dev.rediskit.health.HealthSnapshot;
import dev.rediskit.health.RedisHealthCheck;
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
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
      assertThat(metrics.bindCache("users", CacheMeterSource.builder().build()).active()).isFalse();
      assertThat(metrics.bindRateLimiter("api", RateLimitMeterSource.builder().build()).active()).isFalse();
      b.close();
      metrics.close();
    }
  }

  @Test
  void commandNamesAreCappedSoTheRegistryCannotBeFlooded(Vertx vertx) {
    FakeGateway gw = new FakeGateway();
    RedisKitMetrics.create(vertx, registry).bindGateway(gw);
    for (int i = 0; i < RedisKitMetricsImpl.MAX_COMMAND_NAMES + 50; i++) {
      gw.observer.onCommand("CMD" + i, Outcome.SUCCESS, 1);
    }
    Set<String> commands = registry.find(MeterNames.COMMANDS).timers().stream()
      .map(t -> t.getId().getTag(MeterNames.TAG_COMMAND)).collect(Collectors.toSet());
    assertThat(commands).hasSize(RedisKitMetricsImpl.MAX_COMMAND_NAMES + 1).contains(RedisKitMetricsImpl.OTHER_COMMAND);
    assertThat(count(MeterNames.COMMANDS, "command", RedisKitMetricsImpl.OTHER_COMMAND)).isEqualTo(50);
  }

  @Test
  void cacheAndLimiterCountsAreReadAtScrapeTimeAndUnsetOnesAreNotRegistered(Vertx vertx) {
    AtomicLong hits = new AtomicLong();
    AtomicLong loads = new AtomicLong();
    AtomicLong loadNanos = new AtomicLong();
    RedisKitMetrics metrics = RedisKitMetrics.create(vertx, registry);
    metrics.bindCache("users", CacheMeterSource.builder()
      .requests(CacheMeterSource.Result.HIT, hits::get)
      .requests(CacheMeterSource.Result.MISS, () -> 2)
      .loads(loads::get, loadNanos::get)
      .build());
    AtomicLong allowed = new AtomicLong();
    metrics.bindRateLimiter("api", RateLimitMeterSource.builder()
      .decisions(RateLimitMeterSource.Outcome.ALLOWED, allowed::get)
      .decisions(RateLimitMeterSource.Outcome.FALLBACK_REJECTED, () -> 4)
      .policySwitches(() -> 1)
      .build());
    hits.set(10);
    loads.set(3);
    loadNanos.set(6_000_000);
    allowed.set(99);
    assertThat(count(MeterNames.CACHE_REQUESTS, "namespace", "users", "result", "hit")).isEqualTo(10);
    assertThat(count(MeterNames.CACHE_REQUESTS, "namespace", "users", "result", "miss")).isEqualTo(2);
    assertThat(registry.find(MeterNames.CACHE_LOADS).functionTimer().count()).isEqualTo(3);
    assertThat(registry.find(MeterNames.CACHE_LOADS).functionTimer().totalTime(TimeUnit.MILLISECONDS)).isEqualTo(6.0);
    assertThat(registry.find(MeterNames.CACHE_REQUESTS).tags("result", "stale").meters()).isEmpty();
    assertThat(registry.find(MeterNames.CACHE_FLUSHES).meters()).isEmpty();
    assertThat(count(MeterNames.RATELIMIT_DECISIONS, "limiter", "api", "outcome", "allowed")).isEqualTo(99);
    assertThat(count(MeterNames.RATELIMIT_DECISIONS, "limiter", "api", "outcome", "fallback_rejected")).isEqualTo(4);
    assertThat(count(MeterNames.RATELIMIT_POLICY_SWITCHES, "limiter", "api")).isEqualTo(1);
    assertThat(registry.find(MeterNames.RATELIMIT_DENY_CACHE_HITS).meters()).isEmpty();
    assertThatThrownBy(() -> metrics.bindCache("users", CacheMeterSource.builder().build()))
      .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> metrics.bindCache(" ", CacheMeterSource.builder().build()))
      .isInstanceOf(IllegalArgumentException.class).hasMessage("namespace: must not be blank, was \" \"");
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
    RedisKitMetrics metrics = RedisKitMetrics.create(vertx, registry);
    metrics.bindGateway(gw);
    metrics.bindHealth(new FakeHealthCheck(), 0);
    metrics.bindCache("users", fullCacheSource());
    metrics.bindRateLimiter("api", fullLimiterSource());
    gw.observer.onCommand("GET", Outcome.SUCCESS, 1);
    Set<String> registered = registry.getMeters().stream().map(m -> m.getId().getName()).collect(Collectors.toCollection(TreeSet::new));
    Set<String> documented = MeterNames.METERS.stream().map(MeterNames.Meter::name).collect(Collectors.toCollection(TreeSet::new));
    assertThat(registered).isEqualTo(documented);
    for (MeterNames.Meter m : MeterNames.METERS) {
      Set<String> tagKeys = registry.find(m.name()).meters().stream().flatMap(x -> x.getId().getTags().stream())
        .map(io.micrometer.core.instrument.Tag::getKey).collect(Collectors.toSet());
      assertThat(tagKeys).as(m.name()).containsExactlyInAnyOrderElementsOf(m.tags());
    }
    // The exact Prometheus series, as the documentation lists them.
    Set<String> scraped = MetricsDocTest.seriesNames(registry.scrape());
    Set<String> listed = MeterNames.METERS.stream().flatMap(m -> MetricsDocTest.prometheusSeries(m).stream())
      .collect(Collectors.toCollection(TreeSet::new));
    assertThat(scraped).isEqualTo(listed);
  }

  static CacheMeterSource fullCacheSource() {
    CacheMeterSource.Builder b = CacheMeterSource.builder();
    for (CacheMeterSource.Result r : CacheMeterSource.Result.values()) {
      b.requests(r, () -> 1);
    }
    return b.loads(() -> 1, () -> 1).loadFailures(() -> 1).singleFlightJoins(() -> 1).leaseWaits(() -> 1)
      .refreshAheadRuns(() -> 1).flushes(() -> 1, () -> 1).build();
  }

  static RateLimitMeterSource fullLimiterSource() {
    RateLimitMeterSource.Builder b = RateLimitMeterSource.builder();
    for (RateLimitMeterSource.Outcome o : RateLimitMeterSource.Outcome.values()) {
      b.decisions(o, () -> 1);
    }
    return b.denyCacheHits(() -> 1).policySwitches(() -> 1).build();
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
