package dev.rediskit.metrics;

import dev.rediskit.health.HealthSnapshot;
import dev.rediskit.health.RedisHealthCheck;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.vertx.core.Vertx;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** Health gauges, and the probe that keeps them current. */
final class HealthMeters extends Binding {
  final Vertx vertx;
  final RedisHealthCheck check;
  final long probeIntervalMs;
  final AtomicBoolean probing = new AtomicBoolean();
  volatile long timerId = -1;

  HealthMeters(RedisKitMetricsImpl owner, MeterRegistry registry, Vertx vertx, String name, RedisHealthCheck check,
               long probeIntervalMs) {
    super(owner, registry);
    this.vertx = vertx;
    this.check = check;
    this.probeIntervalMs = probeIntervalMs;
    Tags tags = Tags.of(MeterNames.TAG_GATEWAY, name);
    add(Gauge.builder(MeterNames.REDIS_UP, check, c -> flag(c.lastSnapshot(), true)).tags(tags)
      .description(description(MeterNames.REDIS_UP)).register(registry));
    add(Gauge.builder(MeterNames.REDIS_DEGRADED, check, c -> flag(c.lastSnapshot(), false)).tags(tags)
      .description(description(MeterNames.REDIS_DEGRADED)).register(registry));
    add(TimeGauge.builder(MeterNames.REDIS_PING, check, TimeUnit.MILLISECONDS, c -> {
      HealthSnapshot s = c.lastSnapshot();
      return s == null ? Double.NaN : s.pingMs();
    }).tags(tags).description(description(MeterNames.REDIS_PING)).register(registry));
  }

  private static double flag(HealthSnapshot s, boolean up) {
    if (s == null) {
      return Double.NaN;
    }
    return (up ? s.up() : s.degraded()) ? 1 : 0;
  }

  @Override
  void started() {
    if (probeIntervalMs > 0) {
      probe();
      timerId = vertx.setPeriodic(probeIntervalMs, id -> probe());
    }
  }

  private void probe() {
    // A run lasts at most the health timeout, which may exceed the interval: never stack them up.
    if (!closed.get() && probing.compareAndSet(false, true)) {
      check.check().onComplete(ar -> probing.set(false));
    }
  }

  @Override
  void stopped() {
    long id = timerId;
    if (id != -1) {
      vertx.cancelTimer(id);
    }
  }
}
