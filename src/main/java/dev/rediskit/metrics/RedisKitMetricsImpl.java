package dev.rediskit.metrics;

import dev.rediskit.cache.CacheStats;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.client.CommandObserver;
import dev.rediskit.client.GatewayStatus;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.health.HealthSnapshot;
import dev.rediskit.health.RedisHealthCheck;
import dev.rediskit.ratelimit.RateLimitStats;
import dev.rediskit.ratelimit.RateLimiter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/** The binder: one {@link Binding} per bound component, each owning the meters it registered. */
final class RedisKitMetricsImpl implements RedisKitMetrics {

  private static final System.Logger LOG = System.getLogger(RedisKitMetrics.class.getName());

  /**
   * Histogram buckets of the command timer: a fixed handful, from the sub-millisecond replies of a
   * nearby Redis to the seconds of a struggling one. Micrometer's full percentile histogram would
   * publish some 70 buckets per command and outcome; these few give usable quantiles at a fraction
   * of the series.
   */
  static final Duration[] COMMAND_SLOS = {
    Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofNanos(2_500_000),
    Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
    Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2_500)};

  /**
   * Distinct command names timed per gateway before the rest share {@value #OTHER_COMMAND}: Redis'
   * command set is bounded, but a module or a misuse of {@code Command.create} must not be able to
   * flood the registry.
   */
  static final int MAX_COMMAND_NAMES = 256;
  static final String OTHER_COMMAND = "OTHER";

  private static final CommandObserver.Outcome[] OUTCOMES = CommandObserver.Outcome.values();

  private final Vertx vertx;
  private final Supplier<MeterRegistry> registrySupplier;
  private final Set<Binding> bindings = ConcurrentHashMap.newKeySet();
  private final Set<String> boundKeys = ConcurrentHashMap.newKeySet();
  private final long namespaceCheckMs;

  RedisKitMetricsImpl(Vertx vertx, Supplier<MeterRegistry> registrySupplier) {
    this(vertx, registrySupplier, NAMESPACE_CHECK_MS);
  }

  /** @param namespaceCheckMs how often bound caches are listed again (shorter in tests) */
  RedisKitMetricsImpl(Vertx vertx, Supplier<MeterRegistry> registrySupplier, long namespaceCheckMs) {
    this.vertx = vertx;
    this.registrySupplier = registrySupplier;
    this.namespaceCheckMs = namespaceCheckMs;
  }

  @Override
  public MeterRegistry registry() {
    try {
      return registrySupplier.get();
    } catch (RuntimeException | LinkageError e) {
      // Metrics are an extra: a broken lookup must never take the application down with it.
      LOG.log(System.Logger.Level.WARNING, "No Micrometer registry available; RedisKit meters are off", e);
      return null;
    }
  }

  @Override
  public MetricsBinding bindGateway(RedisGateway gateway) {
    return bindGateway(DEFAULT_GATEWAY_NAME, gateway);
  }

  @Override
  public MetricsBinding bindGateway(String name, RedisGateway gateway) {
    Objects.requireNonNull(gateway, "gateway");
    return bind("gateway " + requireName(name, "name"), registry -> new GatewayBinding(registry, name, gateway));
  }

  @Override
  public MetricsBinding bindHealth(RedisHealthCheck check, long probeIntervalMs) {
    return bindHealth(DEFAULT_GATEWAY_NAME, check, probeIntervalMs);
  }

  @Override
  public MetricsBinding bindHealth(String name, RedisHealthCheck check, long probeIntervalMs) {
    Objects.requireNonNull(check, "check");
    if (probeIntervalMs < 0) {
      throw new IllegalArgumentException("probeIntervalMs: must be >= 0 ms, was " + probeIntervalMs);
    }
    return bind("health " + requireName(name, "name"), registry -> new HealthBinding(registry, name, check, probeIntervalMs));
  }

  @Override
  public MetricsBinding bindCaches(Collection<? extends RedisCache> caches) {
    Objects.requireNonNull(caches, "caches");
    return bind(null, registry -> new CacheBinding(registry, caches));
  }

  @Override
  public MetricsBinding bindRateLimiters(String name, Collection<? extends RateLimiter> limiters) {
    Objects.requireNonNull(limiters, "limiters");
    return bind("limiter " + requireName(name, "name"), registry -> new RateLimitBinding(registry, name, limiters));
  }

  @Override
  public void close() {
    for (Binding b : bindings) {
      b.close();
    }
  }

  private static String requireName(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + ": must not be blank, was " + (value == null ? "null" : "\"" + value + "\""));
    }
    return value;
  }

  /**
   * @param key what the binding claims for itself ("gateway x"), or {@code null} when it claims its
   *   keys as it registers (a cache, namespace by namespace)
   */
  private MetricsBinding bind(String key, Function<MeterRegistry, Binding> factory) {
    MeterRegistry registry = registry();
    if (registry == null) {
      return Inactive.INSTANCE;
    }
    if (key != null && !claim(key)) {
      throw alreadyBound(key);
    }
    Binding binding;
    try {
      binding = factory.apply(registry);
    } catch (RuntimeException e) {
      if (key != null) {
        boundKeys.remove(key);
      }
      throw e;
    }
    if (key != null) {
      binding.keys.add(key);
    }
    bindings.add(binding);
    binding.started();
    return binding;
  }

  // A second binding of the same thing would share the first one's meters (Micrometer keeps the first registered) and lie.
  private boolean claim(String key) {
    return boundKeys.add(key);
  }

  private static IllegalStateException alreadyBound(String key) {
    return new IllegalStateException(key + " is already bound; close its binding first");
  }

  /** @return the meter's documented description, as Micrometer passes it on (Prometheus' HELP): without Markdown */
  static String description(String meter) {
    return MeterNames.meter(meter).description().replace("`", "");
  }

  /** What a bind returns when there is no registry. */
  private enum Inactive implements MetricsBinding {
    INSTANCE;

    @Override
    public boolean active() {
      return false;
    }

    @Override
    public List<Meter.Id> meterIds() {
      return List.of();
    }

    @Override
    public void close() {
    }
  }

  /** The meters of one bound component. */
  private abstract class Binding implements MetricsBinding {
    final MeterRegistry registry;
    // Lock-free: a timer may be added from the gateway's event loop the first time a command and outcome are seen.
    final ConcurrentLinkedQueue<Meter> meters = new ConcurrentLinkedQueue<>();
    final AtomicBoolean closed = new AtomicBoolean();
    final Queue<String> keys = new ConcurrentLinkedQueue<>();

    Binding(MeterRegistry registry) {
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
      bindings.remove(this);
      boundKeys.removeAll(keys);
    }
  }

  /** Gateway meters; also the gateway's observer, fed on its event loop. */
  private final class GatewayBinding extends Binding implements CommandObserver {
    final RedisGateway gateway;
    final Tags tags;
    final Map<String, Timer[]> timers = new ConcurrentHashMap<>();
    final Counter[] errors = new Counter[OUTCOMES.length];
    final Map<CircuitBreakerState, Counter> transitions = new EnumMap<>(CircuitBreakerState.class);
    final Counter shortCircuits;
    volatile boolean breakerOpen;

    GatewayBinding(MeterRegistry registry, String name, RedisGateway gateway) {
      super(registry);
      this.gateway = gateway;
      this.tags = Tags.of(MeterNames.TAG_GATEWAY, name);
      // Counters are registered up front so that rate() over them starts at 0, not at the first failure.
      for (Outcome o : OUTCOMES) {
        if (o != Outcome.SUCCESS) {
          errors[o.ordinal()] = add(Counter.builder(MeterNames.COMMAND_ERRORS).tags(tags).tag(MeterNames.TAG_KIND, tagValue(o))
            .description(description(MeterNames.COMMAND_ERRORS)).register(registry));
        }
      }
      for (CircuitBreakerState s : CircuitBreakerState.values()) {
        transitions.put(s, add(Counter.builder(MeterNames.BREAKER_TRANSITIONS).tags(tags).tag(MeterNames.TAG_STATE, tagValue(s))
          .description(description(MeterNames.BREAKER_TRANSITIONS)).register(registry)));
      }
      shortCircuits = add(Counter.builder(MeterNames.BREAKER_SHORT_CIRCUITS).tags(tags)
        .description(description(MeterNames.BREAKER_SHORT_CIRCUITS)).register(registry));
      add(Gauge.builder(MeterNames.BREAKER_STATE, gateway, g -> breakerCode(g.status().breakerState())).tags(tags)
        .description(description(MeterNames.BREAKER_STATE)).register(registry));
      add(Gauge.builder(MeterNames.BREAKER_FAILURES, gateway, g -> g.status().breakerFailures()).tags(tags)
        .description(description(MeterNames.BREAKER_FAILURES)).register(registry));
      add(Gauge.builder(MeterNames.COMMANDS_PENDING, gateway, g -> g.status().pending()).tags(tags)
        .description(description(MeterNames.COMMANDS_PENDING)).register(registry));
      add(Gauge.builder(MeterNames.CONNECTION_STATE, gateway, g -> connectionCode(g.status().connectionState())).tags(tags)
        .description(description(MeterNames.CONNECTION_STATE)).register(registry));
      add(FunctionCounter.builder(MeterNames.CONNECTION_RECONNECTS, gateway, g -> g.status().reconnects()).tags(tags)
        .description(description(MeterNames.CONNECTION_RECONNECTS)).register(registry));
    }

    @Override
    void started() {
      breakerOpen = gateway.status().breakerState() == CircuitBreakerState.OPEN;
      gateway.observer(this);
    }

    @Override
    void stopped() {
      gateway.observer(null);
    }

    @Override
    public void onCommand(String command, Outcome outcome, long nanos) {
      if (closed.get()) {
        return;
      }
      Timer[] byOutcome = timers.get(command);
      if (byOutcome == null) {
        String tagged = timers.size() < MAX_COMMAND_NAMES ? command : OTHER_COMMAND;
        byOutcome = timers.computeIfAbsent(tagged, c -> new Timer[OUTCOMES.length]);
      }
      int i = outcome.ordinal();
      Timer timer = byOutcome[i];
      if (timer == null) {
        // Once per command and outcome; the registry hands back the same timer should two threads race here.
        String tagged = timers.get(command) == byOutcome ? command : OTHER_COMMAND;
        timer = add(Timer.builder(MeterNames.COMMANDS).tags(tags)
          .tag(MeterNames.TAG_COMMAND, tagged).tag(MeterNames.TAG_OUTCOME, tagValue(outcome))
          .serviceLevelObjectives(COMMAND_SLOS)
          .description(description(MeterNames.COMMANDS)).register(registry));
        byOutcome[i] = timer;
      }
      timer.record(nanos, TimeUnit.NANOSECONDS);
      if (outcome != Outcome.SUCCESS) {
        errors[i].increment();
        if (outcome == Outcome.REJECTED && breakerOpen) {
          shortCircuits.increment();
        }
      }
    }

    @Override
    public void onBreakerState(CircuitBreakerState state) {
      breakerOpen = state == CircuitBreakerState.OPEN;
      if (!closed.get()) {
        transitions.get(state).increment();
      }
    }
  }

  /** Health gauges, and the probe that keeps them current. */
  private final class HealthBinding extends Binding {
    final RedisHealthCheck check;
    final long probeIntervalMs;
    final AtomicBoolean probing = new AtomicBoolean();
    volatile long timerId = -1;

    HealthBinding(MeterRegistry registry, String name, RedisHealthCheck check, long probeIntervalMs) {
      super(registry);
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

  /**
   * Cache meters of every namespace the caches use, each the sum over the caches at scrape time; the
   * namespaces are listed again every {@link #namespaceCheckMs}.
   */
  private final class CacheBinding extends Binding {
    final Collection<? extends RedisCache> caches;
    final Set<String> bound = ConcurrentHashMap.newKeySet();
    final Set<String> refused = ConcurrentHashMap.newKeySet();
    volatile long timerId = -1;

    CacheBinding(MeterRegistry registry, Collection<? extends RedisCache> caches) {
      super(registry);
      this.caches = caches;
      try {
        check(true);
      } catch (RuntimeException e) {
        close();
        throw e;
      }
    }

    @Override
    void started() {
      timerId = vertx.setPeriodic(namespaceCheckMs, id -> {
        try {
          check(false);
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "Cannot list the cache namespaces to meter", e);
        }
      });
    }

    @Override
    void stopped() {
      long id = timerId;
      if (id != -1) {
        vertx.cancelTimer(id);
      }
    }

    /** Binds the namespaces not bound yet; one bound elsewhere fails the bind, or is retried at later checks. */
    private void check(boolean atBind) {
      for (RedisCache cache : caches) {
        for (String namespace : cache.allStats().keySet()) {
          if (!closed.get() && !bound.contains(namespace)) {
            bindNamespace(namespace, atBind);
          }
        }
      }
      if (closed.get()) {
        // Closed while this check ran: take back what it may have added after the close removed the rest.
        meters.forEach(registry::remove);
        boundKeys.removeAll(keys);
      }
    }

    private void bindNamespace(String namespace, boolean atBind) {
      String key = "cache " + requireName(namespace, "namespace");
      if (!claim(key)) {
        if (atBind) {
          throw alreadyBound(key);
        }
        if (refused.add(namespace)) {
          LOG.log(System.Logger.Level.WARNING, key + " is already bound elsewhere; its meters wait until that binding is closed");
        }
        return;
      }
      keys.add(key);
      refused.remove(namespace);
      bound.add(namespace);
      Tags tags = Tags.of(MeterNames.TAG_NAMESPACE, namespace);
      requests(tags, MeterNames.RESULT_HIT, namespace, CacheStats::hits);
      requests(tags, MeterNames.RESULT_MISS, namespace, CacheStats::misses);
      requests(tags, MeterNames.RESULT_STALE, namespace, CacheStats::staleHits);
      add(FunctionTimer.builder(MeterNames.CACHE_LOADS, this, b -> b.sum(namespace, CacheStats::loads),
          b -> b.sum(namespace, CacheStats::loadTimeMs), TimeUnit.MILLISECONDS)
        .tags(tags).description(description(MeterNames.CACHE_LOADS)).register(registry));
      counter(MeterNames.CACHE_LOAD_FAILURES, tags, namespace, CacheStats::loadFailures);
      counter(MeterNames.CACHE_SINGLEFLIGHT_JOINS, tags, namespace, CacheStats::singleFlightJoins);
      counter(MeterNames.CACHE_LEASE_WAITS, tags, namespace, CacheStats::leaseWaits);
      counter(MeterNames.CACHE_REFRESH_AHEAD, tags, namespace, CacheStats::refreshes);
      counter(MeterNames.CACHE_FLUSHES, tags, namespace, CacheStats::flushes);
      counter(MeterNames.CACHE_FLUSH_KEYS, tags, namespace, CacheStats::flushedKeys);
    }

    private void requests(Tags tags, String result, String namespace, ToLongFunction<CacheStats> count) {
      counter(MeterNames.CACHE_REQUESTS, tags.and(MeterNames.TAG_RESULT, result), namespace, count);
    }

    private void counter(String name, Tags tags, String namespace, ToLongFunction<CacheStats> count) {
      counter(name, tags, this, b -> b.sum(namespace, count));
    }

    private long sum(String namespace, ToLongFunction<CacheStats> count) {
      long sum = 0;
      for (RedisCache cache : caches) {
        CacheStats stats = cache.allStats().get(namespace);
        if (stats != null) {
          sum += count.applyAsLong(stats);
        }
      }
      return sum;
    }
  }

  /** Rate-limit meters, each the sum over the limiters' stats at scrape time. */
  private final class RateLimitBinding extends Binding {
    final Collection<? extends RateLimiter> limiters;

    RateLimitBinding(MeterRegistry registry, String name, Collection<? extends RateLimiter> limiters) {
      super(registry);
      this.limiters = limiters;
      Tags tags = Tags.of(MeterNames.TAG_LIMITER, name);
      for (RateLimitStats.Outcome o : RateLimitStats.Outcome.values()) {
        counter(MeterNames.RATELIMIT_DECISIONS, tags.and(MeterNames.TAG_OUTCOME, tagValue(o)), this, b -> b.sum(s -> s.decisions(o)));
      }
      counter(MeterNames.RATELIMIT_DENY_CACHE_HITS, tags, this, b -> b.sum(RateLimitStats::denyCacheHits));
      counter(MeterNames.RATELIMIT_POLICY_SWITCHES, tags, this, b -> b.sum(RateLimitStats::policySwitches));
    }

    private long sum(ToLongFunction<RateLimitStats> count) {
      long sum = 0;
      for (RateLimiter limiter : limiters) {
        sum += count.applyAsLong(limiter.stats());
      }
      return sum;
    }
  }

  static String tagValue(RateLimitStats.Outcome outcome) {
    return switch (outcome) {
      case ALLOWED -> MeterNames.DECISION_ALLOWED;
      case REJECTED -> MeterNames.DECISION_REJECTED;
      case SHADOW_REJECTED -> MeterNames.DECISION_SHADOW_REJECTED;
      case FALLBACK_ALLOWED -> MeterNames.DECISION_FALLBACK_ALLOWED;
      case FALLBACK_REJECTED -> MeterNames.DECISION_FALLBACK_REJECTED;
      case OVERLOADED_REJECTED -> MeterNames.DECISION_OVERLOADED_REJECTED;
    };
  }

  static String tagValue(CommandObserver.Outcome outcome) {
    return switch (outcome) {
      case SUCCESS -> MeterNames.OUTCOME_SUCCESS;
      case REDIS_ERROR -> MeterNames.OUTCOME_REDIS_ERROR;
      case TIMEOUT -> MeterNames.OUTCOME_TIMEOUT;
      case CONNECTION -> MeterNames.OUTCOME_CONNECTION;
      case REJECTED -> MeterNames.OUTCOME_REJECTED;
    };
  }

  static String tagValue(CircuitBreakerState state) {
    return switch (state) {
      case CLOSED -> MeterNames.STATE_CLOSED;
      case HALF_OPEN -> MeterNames.STATE_HALF_OPEN;
      case OPEN -> MeterNames.STATE_OPEN;
    };
  }

  static int breakerCode(CircuitBreakerState state) {
    return switch (state) {
      case CLOSED -> 0;
      case HALF_OPEN -> 1;
      case OPEN -> 2;
    };
  }

  static int connectionCode(GatewayStatus.ConnectionState state) {
    return switch (state) {
      case CONNECTED -> 0;
      case CONNECTING -> 1;
      case DISCONNECTED -> 2;
      case CLOSED -> 3;
    };
  }
}
