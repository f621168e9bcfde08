package dev.rediskit.ratelimit;

import dev.rediskit.error.InvalidRequestException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * The named limits of one limiter: per endpoint for {@link RateLimiter#verifyAndLimit}, per
 * service for {@link RateLimiter#serviceLimit(String)}, and the endpoint defaults. Filled from
 * {@link RateLimitOptions} at start-up and changeable at run time, from any thread: a change
 * applies from the next decision on. State in Redis is kept across changes (GCRA keeps its
 * theoretical arrival time, so a new rate takes over smoothly).
 *
 * <p>Reads are lock-free: each change publishes a new immutable snapshot.
 */
public final class RateLimits {

  /** Longest endpoint or service name accepted, in characters. */
  public static final int MAX_NAME_LENGTH = 256;

  private record Snapshot(EndpointLimits defaults, Map<String, EndpointLimits> endpoints, Map<String, Limit> services) {
  }

  private final AtomicReference<Snapshot> snapshot;

  /**
   * @param defaults limits for endpoints without their own, or {@link EndpointLimits#NONE}
   * @param endpoints limits per endpoint name
   * @param services limits per service name
   * @throws InvalidRequestException when a name is empty or too long
   */
  public RateLimits(EndpointLimits defaults, Map<String, EndpointLimits> endpoints, Map<String, Limit> services) {
    endpoints.forEach((n, l) -> {
      checkName("endpoint", n);
      Objects.requireNonNull(l, "limits");
    });
    services.forEach((n, l) -> {
      checkName("service", n);
      Objects.requireNonNull(l, "limit");
    });
    this.snapshot = new AtomicReference<>(new Snapshot(Objects.requireNonNull(defaults, "defaults"),
      freeze(endpoints), freeze(services)));
  }

  /**
   * @param options the configured defaults, endpoint and service limits
   * @return the limits the options describe
   */
  public static RateLimits from(RateLimitOptions options) {
    return new RateLimits(options.getDefaultLimits(), options.getEndpointLimits(), options.getServiceLimits());
  }

  private static <V> Map<String, V> freeze(Map<String, V> map) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }

  static void checkName(String field, String name) {
    RequestChecks.name(field, name);
  }

  /** @return the limits applied where an endpoint has none of its own */
  public EndpointLimits defaults() {
    return snapshot.get().defaults;
  }

  /**
   * @param defaults the limits applied where an endpoint has none of its own
   * ({@link EndpointLimits#NONE} for none)
   * @return this
   */
  public RateLimits setDefaults(EndpointLimits defaults) {
    Objects.requireNonNull(defaults, "defaults");
    update(s -> new Snapshot(defaults, s.endpoints, s.services));
    return this;
  }

  /**
   * @param endpoint an endpoint name
   * @return the limits that apply to it: its own, completed from the defaults
   */
  public EndpointLimits endpoint(String endpoint) {
    Snapshot s = snapshot.get();
    EndpointLimits own = s.endpoints.get(endpoint);
    return own == null ? s.defaults : own.orElse(s.defaults);
  }

  /**
   * @param endpoint an endpoint name
   * @param limits its limits (unset ones come from the defaults)
   * @return this
   * @throws InvalidRequestException when the name is empty or too long
   */
  public RateLimits setEndpoint(String endpoint, EndpointLimits limits) {
    checkName("endpoint", endpoint);
    Objects.requireNonNull(limits, "limits");
    update(s -> {
      Map<String, EndpointLimits> m = new LinkedHashMap<>(s.endpoints);
      m.put(endpoint, limits);
      return new Snapshot(s.defaults, Collections.unmodifiableMap(m), s.services);
    });
    return this;
  }

  /**
   * @param endpoint an endpoint name
   * @return this; the endpoint falls back to the defaults
   */
  public RateLimits removeEndpoint(String endpoint) {
    update(s -> {
      Map<String, EndpointLimits> m = new LinkedHashMap<>(s.endpoints);
      m.remove(endpoint);
      return new Snapshot(s.defaults, Collections.unmodifiableMap(m), s.services);
    });
    return this;
  }

  /** @return the endpoints' own limits, by name (a snapshot) */
  public Map<String, EndpointLimits> endpoints() {
    return snapshot.get().endpoints;
  }

  /**
   * @param service a service name
   * @return its limit, or {@code null} when none is set
   */
  public Limit service(String service) {
    return snapshot.get().services.get(service);
  }

  /**
   * @param service a service name
   * @param limit its limit
   * @return this
   * @throws InvalidRequestException when the name is empty or too long
   */
  public RateLimits setService(String service, Limit limit) {
    checkName("service", service);
    Objects.requireNonNull(limit, "limit");
    update(s -> {
      Map<String, Limit> m = new LinkedHashMap<>(s.services);
      m.put(service, limit);
      return new Snapshot(s.defaults, s.endpoints, Collections.unmodifiableMap(m));
    });
    return this;
  }

  /**
   * @param service a service name
   * @return this
   */
  public RateLimits removeService(String service) {
    update(s -> {
      Map<String, Limit> m = new LinkedHashMap<>(s.services);
      m.remove(service);
      return new Snapshot(s.defaults, s.endpoints, Collections.unmodifiableMap(m));
    });
    return this;
  }

  /** @return the services' limits, by name (a snapshot) */
  public Map<String, Limit> services() {
    return snapshot.get().services;
  }

  private void update(UnaryOperator<Snapshot> change) {
    snapshot.updateAndGet(change);
  }
}
