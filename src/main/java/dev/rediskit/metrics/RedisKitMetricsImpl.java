package dev.rediskit.metrics;

import dev.rediskit.client.CommandObserver;
import dev.rediskit.client.GatewayStatus;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.health.HealthSnapshot;
import dev.rediskit.health.RedisHealthCheck;
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
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

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

  RedisKitMetricsImpl(Vertx vertx, Supplier<MeterRegistry> registrySupplier) {
    this.vertx = vertx;
    this.registrySupplier = registrySupplier;
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
  public MetricsBinding bindCache(String namespace, CacheMeterSource source) {
    Objects.requireNonNull(source, "source");
    return bind("cache " + requireName(namespace, "namespace"), registry -> new CacheBinding(registry, namespace, source));
  }

  @Override
  public MetricsBinding bindRateLimiter(String limiter, RateLimitMeterSource source) {
    Objects.requireNonNull(source, "source");
    return bind("limiter " + requireName(limiter, "limiter"), registry -> new RateLimitBinding(registry, limiter, source));
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

  private MetricsBinding bind(String key, java.util.function.Function<MeterRegistry, Binding> factory) {
    MeterRegistry registry = registry();
    if (registry == null) {
      return Inactive.INSTANCE;
    }
    if (!boundKeys.add(key)) {
      // A second binding would share the first one's gauges (Micrometer keeps the first registered) and lie.
      throw new IllegalStateException(key + " is already bound; close its binding first");
    }
    Binding binding;
    try {
      binding = factory.apply(registry);
    } catch (RuntimeException e) {
      boundKeys.remove(key);
      throw e;
    }
    binding.key = key;
    bindings.add(binding);
    binding.started();
    return binding;
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
    String key;

    Binding(MeterRegistry registry) {
      this.registry = registry;
    }

    <M extends Meter> M add(M meter) {
      meters.add(meter);
      return meter;
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
      boundKeys.remove(key);
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
            .description("Redis commands that failed, by kind").register(registry));
        }
      }
      for (CircuitBreakerState s : CircuitBreakerState.values()) {
        transitions.put(s, add(Counter.builder(MeterNames.BREAKER_TRANSITIONS).tags(tags).tag(MeterNames.TAG_STATE, tagValue(s))
          .description("Circuit breaker state changes, by state entered").register(registry)));
      }
      shortCircuits = add(Counter.builder(MeterNames.BREAKER_SHORT_CIRCUITS).tags(tags)
        .description("Calls refused at once because the circuit breaker was open").register(registry));
      add(Gauge.builder(MeterNames.BREAKER_STATE, gateway, g -> breakerCode(g.status().breakerState())).tags(tags)
        .description("Circuit breaker state: 0 closed, 1 half-open, 2 open").register(registry));
      add(Gauge.builder(MeterNames.BREAKER_FAILURES, gateway, g -> g.status().breakerFailures()).tags(tags)
        .description("Failures the circuit breaker counts now").register(registry));
      add(Gauge.builder(MeterNames.COMMANDS_PENDING, gateway, g -> g.status().pending()).tags(tags)
        .description("Redis commands queued or in flight").register(registry));
      add(Gauge.builder(MeterNames.CONNECTION_STATE, gateway, g -> connectionCode(g.status().connectionState())).tags(tags)
        .description("Connection state: 0 connected, 1 connecting, 2 disconnected, 3 closed").register(registry));
      add(FunctionCounter.builder(MeterNames.CONNECTION_RECONNECTS, gateway, g -> g.status().reconnects()).tags(tags)
        .description("Times the Redis connection was re-established").register(registry));
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
          .description("Redis commands: latency and count by command and outcome").register(registry));
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
        .description("1 when the latest Redis health check was UP, 0 when DOWN").register(registry));
      add(Gauge.builder(MeterNames.REDIS_DEGRADED, check, c -> flag(c.lastSnapshot(), false)).tags(tags)
        .description("1 when the latest Redis health check found Redis degraded").register(registry));
      add(TimeGauge.builder(MeterNames.REDIS_PING, check, TimeUnit.MILLISECONDS, c -> {
        HealthSnapshot s = c.lastSnapshot();
        return s == null ? Double.NaN : s.pingMs();
      }).tags(tags).description("PING round trip of the latest Redis health check").register(registry));
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

  /** Cache meters, read from the source at scrape time. */
  private final class CacheBinding extends Binding {
    // Held here because Micrometer keeps only weak references to what function meters read.
    final CacheMeterSource source;

    CacheBinding(MeterRegistry registry, String namespace, CacheMeterSource source) {
      super(registry);
      this.source = source;
      Tags tags = Tags.of(MeterNames.TAG_NAMESPACE, namespace);
      source.requests.forEach((result, count) -> add(FunctionCounter.builder(MeterNames.CACHE_REQUESTS, count, LongSupplier::getAsLong)
        .tags(tags).tag(MeterNames.TAG_RESULT, result.tagValue()).description("Cache reads by result").register(registry)));
      if (source.loads != null) {
        add(FunctionTimer.builder(MeterNames.CACHE_LOADS, source, s -> s.loads.getAsLong(), s -> s.loadNanos.getAsLong(),
          TimeUnit.NANOSECONDS).tags(tags).description("Cache loader calls and their time").register(registry));
      }
      counter(MeterNames.CACHE_LOAD_FAILURES, tags, source.loadFailures, "Cache loader calls that failed");
      counter(MeterNames.CACHE_SINGLEFLIGHT_JOINS, tags, source.singleFlightJoins, "Callers that joined a running load");
      counter(MeterNames.CACHE_LEASE_WAITS, tags, source.leaseWaits, "Waits for another node's load lease");
      counter(MeterNames.CACHE_REFRESH_AHEAD, tags, source.refreshAheadRuns, "Refresh-ahead reloads");
      counter(MeterNames.CACHE_FLUSHES, tags, source.flushRuns, "Namespace flushes");
      counter(MeterNames.CACHE_FLUSH_KEYS, tags, source.flushKeysRemoved, "Keys removed by namespace flushes");
    }

    private void counter(String name, Tags tags, LongSupplier count, String description) {
      if (count != null) {
        add(FunctionCounter.builder(name, count, LongSupplier::getAsLong).tags(tags).description(description).register(registry));
      }
    }
  }

  /** Rate-limit meters, read from the source at scrape time. */
  private final class RateLimitBinding extends Binding {
    // Held here because Micrometer keeps only weak references to what function meters read.
    final RateLimitMeterSource source;

    RateLimitBinding(MeterRegistry registry, String limiter, RateLimitMeterSource source) {
      super(registry);
      this.source = source;
      Tags tags = Tags.of(MeterNames.TAG_LIMITER, limiter);
      source.decisions.forEach((outcome, count) -> add(FunctionCounter.builder(MeterNames.RATELIMIT_DECISIONS, count,
        LongSupplier::getAsLong).tags(tags).tag(MeterNames.TAG_OUTCOME, outcome.tagValue())
        .description("Rate-limit decisions by outcome").register(registry)));
      if (source.denyCacheHits != null) {
        add(FunctionCounter.builder(MeterNames.RATELIMIT_DENY_CACHE_HITS, source.denyCacheHits, LongSupplier::getAsLong)
          .tags(tags).description("Decisions answered from the local deny cache").register(registry));
      }
      if (source.policySwitches != null) {
        add(FunctionCounter.builder(MeterNames.RATELIMIT_POLICY_SWITCHES, source.policySwitches, LongSupplier::getAsLong)
          .tags(tags).description("Switches between Redis and the failure policy").register(registry));
      }
    }
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
