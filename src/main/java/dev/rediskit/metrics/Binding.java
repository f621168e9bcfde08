package dev.rediskit.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToDoubleFunction;

/** The meters of one bound component, removed together when it is closed. */
abstract class Binding implements MetricsBinding {
  final RedisKitMetricsImpl owner;
  final MeterRegistry registry;
  // Lock-free: a timer may be added from the gateway's event loop the first time a command and outcome are seen.
  final ConcurrentLinkedQueue<Meter> meters = new ConcurrentLinkedQueue<>();
  final AtomicBoolean closed = new AtomicBoolean();
  final Queue<String> keys = new ConcurrentLinkedQueue<>();

  Binding(RedisKitMetricsImpl owner, MeterRegistry registry) {
    this.owner = owner;
    this.registry = registry;
  }

  <M extends Meter> M add(M meter) {
    meters.add(meter);
    return meter;
  }

  <T> void counter(String name, Tags tags, T source, ToDoubleFunction<T> count) {
    add(FunctionCounter.builder(name, source, count).tags(tags).description(description(name)).register(registry));
  }

  /** Called once registered with the binder: start feeding the meters. */
  void started() {
  }

  /** Called once on close, before the meters are removed: stop feeding them. */
  void stopped() {
  }

  @Override
  public boolean active() {
    return !closed.get();
  }

  @Override
  public List<Meter.Id> meterIds() {
    return meters.stream().map(Meter::getId).toList();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    stopped();
    for (Meter m : meters) {
      registry.remove(m);
    }
    owner.released(this);
  }

  /** @return the meter's documented description, as Micrometer passes it on (Prometheus' HELP): without Markdown */
  static String description(String meter) {
    return MeterNames.meter(meter).description().replace("`", "");
  }
}
