package dev.rediskit.metrics;

import io.micrometer.core.instrument.Meter;

import java.util.List;

/**
 * The meters one {@code bind...} call registered, and the handle to remove them. Closing is
 * idempotent. A binding made while no registry is available is inactive and registers nothing.
 */
public interface MetricsBinding extends AutoCloseable {

  /** @return whether meters were registered (a registry was available at bind time) and not yet removed */
  boolean active();

  /** @return the ids of the meters registered so far (more may appear as new commands or outcomes are seen) */
  List<Meter.Id> meterIds();

  /**
   * Removes the meters from the registry and stops whatever fed them (the gateway observer, the
   * health probe).
   */
  @Override
  void close();
}
