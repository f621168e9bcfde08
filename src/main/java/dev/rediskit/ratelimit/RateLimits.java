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
 * service for {@link RateLimiter#serviceLimit(String)}, per plan (the per-token limit of the
 * tokens a {@link PlanResolver} puts on that plan), and the endpoint defaults. Filled from
 * {@link RateLimitOptions} at start-up and changeable at run time, from any thread: a change
 * applies from the next decision on. State in Redis is kept across changes (GCRA keeps its
 * theoretical arrival time, so a new rate takes over smoothly).
 *
 * <p>Two layers: the configured limits (with the changes made through this object's setters,
 * which stay local to this instance) and, on top, the limits stored in Redis through a
 * {@link RateLimitAdmin}, which every instance sharing the Redis picks up. A stored entry
 * replaces the configured one of the same name as a whole; where nothing is stored the
 * configured limits apply.
 *
 * <p>Reads are lock-free: each change publishes a new immutable snapshot.
 */
public final class RateLimits {

  /** Longest endpoint or service name accepted, in characters. */
  public static final int MAX_NAME_LENGTH = 256;

  private record Snapshot(EndpointLimits defaults, Map<String, EndpointLimits> endpoints, Map<String, Limit> services,
                          Map<String, Limit> plans) {
    Snapshot(EndpointLimits defaults, Map<String, EndpointLimits> endpoints, Map<String, Limit> services) {
      this(defaults, endpoints, services, Map.of());
    }

    Snapshot withEndpoint(String name, EndpointLimits limits) {
      return new Snapshot(defaults, with(endpoints, name, limits), services, plans);
    }

    Snapshot withService(String name, Limit limit) {
      return new Snapshot(defaults, endpoints, with(services, name, limit), plans);
    }

    Snapshot withPlan(String name, Limit limit) {
      return new Snapshot(defaults, endpoints, services, with(plans, name, limit));
    }

    /** A copy of {@code m} with {@code name} set to {@code value}, or removed when it is {@code null}. */
    private static <V> Map<String, V> with(Map<String, V> m, String name, V value) {
      Map<String, V> out = new LinkedHashMap<>(m);
      if (value == null) {
        out.remove(name);
      } else {
        out.put(name, value);
      }
      return Collections.unmodifiableMap(out);
    }
  }

  /** The limits stored in Redis, read by the limiter: they win over the configured ones of the same name. */
  private record Stored(Map<String, EndpointLimits> endpoints, Map<String, Limit> services, Map<String, Limit> plans) {
  }

  private static final Stored NOTHING_STORED = new Stored(Map.of(), Map.of(), Map.of());

  private final AtomicReference<Snapshot> snapshot;
  private volatile Stored stored = NOTHING_STORED;

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
   * @param defaults limits for endpoints without their own, or {@link EndpointLimits#NONE}
   * @param endpoints limits per endpoint name
   * @param services limits per service name
   * @param plans the per-token limit of each plan
   * @throws InvalidRequestException when a name is empty or too long
   */
  public RateLimits(EndpointLimits defaults, Map<String, EndpointLimits> endpoints, Map<String, Limit> services,
                    Map<String, Limit> plans) {
    this(defaults, endpoints, services);
    plans.forEach((n, l) -> {
      checkName("plan", n);
      Objects.requireNonNull(l, "limit");
    });
    snapshot.set(new Snapshot(defaults, snapshot.get().endpoints, snapshot.get().services, freeze(plans)));
  }

  /**
   * @param options the configured defaults, endpoint and service limits
   * @return the limits the options describe
   */
  public static RateLimits from(RateLimitOptions options) {
    return new RateLimits(options.getDefaultLimits(), options.getEndpointLimits(), options.getServiceLimits(),
      options.getPlanLimits());
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
    update(s -> new Snapshot(defaults, s.endpoints, s.services, s.plans));
    return this;
  }

  /**
   * @param endpoint an endpoint name
   * @return the limits that apply to it: its own, completed from the defaults
   */
  public EndpointLimits endpoint(String endpoint) {
    return endpoint(endpoint, null);
  }

  /**
   * The limits of a call by a token on a plan: the endpoint's own per-token limit wins (a sensitive
   * endpoint such as {@code /login} stays strict for every plan), then the plan's, then the
   * defaults'.
   *
   * @param endpoint an endpoint name
   * @param plan the caller's plan, or {@code null}
   * @return the limits that apply
   */
  public EndpointLimits endpoint(String endpoint, String plan) {
    Snapshot s = snapshot.get();
    EndpointLimits own = stored.endpoints.get(endpoint);
    if (own == null) {
      own = s.endpoints.get(endpoint);
    }
    if (plan != null && (own == null || own.token() == null)) {
      Limit planLimit = plan(plan);
      if (planLimit != null) {
        own = own == null ? new EndpointLimits(planLimit, null, null) : new EndpointLimits(planLimit, own.ip(), own.endpoint());
      }
    }
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
    update(s -> s.withEndpoint(endpoint, limits));
    return this;
  }

  /**
   * @param endpoint an endpoint name
   * @return this; the endpoint falls back to the defaults
   */
  public RateLimits removeEndpoint(String endpoint) {
    update(s -> s.withEndpoint(endpoint, null));
    return this;
  }

  /** @return the endpoints' own limits, by name, the stored ones over the configured ones (a snapshot) */
  public Map<String, EndpointLimits> endpoints() {
    return merged(snapshot.get().endpoints, stored.endpoints);
  }

  /**
   * @param service a service name
   * @return its limit, or {@code null} when none is set
   */
  public Limit service(String service) {
    Limit l = stored.services.get(service);
    return l != null ? l : snapshot.get().services.get(service);
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
    update(s -> s.withService(service, limit));
    return this;
  }

  /**
   * @param service a service name
   * @return this
   */
  public RateLimits removeService(String service) {
    update(s -> s.withService(service, null));
    return this;
  }

  /** @return the services' limits, by name, the stored ones over the configured ones (a snapshot) */
  public Map<String, Limit> services() {
    return merged(snapshot.get().services, stored.services);
  }

  /**
   * @param plan a plan name
   * @return the per-token limit of the plan, or {@code null} when it has none
   */
  public Limit plan(String plan) {
    Limit l = stored.plans.get(plan);
    return l != null ? l : snapshot.get().plans.get(plan);
  }

  /**
   * @param plan a plan name
   * @param limit the per-token limit of the tokens on that plan
   * @return this
   * @throws InvalidRequestException when the name is empty or too long
   */
  public RateLimits setPlan(String plan, Limit limit) {
    checkName("plan", plan);
    Objects.requireNonNull(limit, "limit");
    update(s -> s.withPlan(plan, limit));
    return this;
  }

  /**
   * @param plan a plan name
   * @return this; tokens on that plan get the ordinary per-token limits
   */
  public RateLimits removePlan(String plan) {
    update(s -> s.withPlan(plan, null));
    return this;
  }

  /** @return the plans' limits, by name, the stored ones over the configured ones (a snapshot) */
  public Map<String, Limit> plans() {
    return merged(snapshot.get().plans, stored.plans);
  }

  /**
   * Replaces the layer of stored limits: what the limiter does each time it has read them from
   * Redis. Not for applications, which change stored limits through {@link RateLimitAdmin} so that
   * every instance sees the change.
   *
   * @param endpoints the stored endpoint limits
   * @param services the stored service limits
   * @param plans the stored plan limits
   */
  public void replaceStored(Map<String, EndpointLimits> endpoints, Map<String, Limit> services, Map<String, Limit> plans) {
    this.stored = endpoints.isEmpty() && services.isEmpty() && plans.isEmpty() ? NOTHING_STORED
      : new Stored(freeze(endpoints), freeze(services), freeze(plans));
  }

  private static <V> Map<String, V> merged(Map<String, V> configured, Map<String, V> overlay) {
    if (overlay.isEmpty()) {
      return configured;
    }
    Map<String, V> m = new LinkedHashMap<>(configured);
    m.putAll(overlay);
    return Collections.unmodifiableMap(m);
  }

  private void update(UnaryOperator<Snapshot> change) {
    snapshot.updateAndGet(change);
  }
}
