package dev.rediskit.metrics;

import dev.rediskit.client.CommandObserver;
import dev.rediskit.client.GatewayStatus;
import dev.rediskit.client.RedisGateway;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.vertx.circuitbreaker.CircuitBreakerState;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Gateway meters; also the gateway's observer, fed on its event loop. */
final class GatewayMeters extends Binding implements CommandObserver {

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
  /** The command name of a call a breaker refused before a command was sent. */
  static final String BREAKER_COMMAND = "breaker";

  private static final Outcome[] OUTCOMES = Outcome.values();

  final RedisGateway gateway;
  final Tags tags;
  final Map<String, Timer[]> timers = new ConcurrentHashMap<>();
  final Counter[] errors = new Counter[OUTCOMES.length];
  final Map<CircuitBreakerState, Counter> transitions = new EnumMap<>(CircuitBreakerState.class);
  final Counter shortCircuits;
  /** Per cluster master: its transition counters by state; registered when the node is first seen. */
  final Map<String, Map<CircuitBreakerState, Counter>> nodeTransitions = new ConcurrentHashMap<>();
  volatile boolean breakerOpen;

  GatewayMeters(RedisKitMetricsImpl owner, MeterRegistry registry, String name, RedisGateway gateway) {
    super(owner, registry);
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
    GatewayStatus status = gateway.status();
    breakerOpen = status.breakerState() == CircuitBreakerState.OPEN;
    for (GatewayStatus.NodeStatus n : status.nodes()) {
      node(n.node());
    }
    gateway.observer(this);
  }

  /** The meters of a cluster master, registered the first time it is seen (nodes appear as the slot map is learnt). */
  private Map<CircuitBreakerState, Counter> node(String node) {
    return nodeTransitions.computeIfAbsent(node, n -> {
      Tags nodeTags = tags.and(MeterNames.TAG_NODE, n);
      add(Gauge.builder(MeterNames.NODE_BREAKER_STATE, gateway, g -> nodeBreakerCode(g.status(), n)).tags(nodeTags)
        .description(description(MeterNames.NODE_BREAKER_STATE)).register(registry));
      Map<CircuitBreakerState, Counter> byState = new EnumMap<>(CircuitBreakerState.class);
      for (CircuitBreakerState s : CircuitBreakerState.values()) {
        byState.put(s, add(Counter.builder(MeterNames.NODE_BREAKER_TRANSITIONS).tags(nodeTags).tag(MeterNames.TAG_STATE, tagValue(s))
          .description(description(MeterNames.NODE_BREAKER_TRANSITIONS)).register(registry)));
      }
      return byState;
    });
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
      // "breaker" names a call a breaker refused: the gateway's, or on a cluster a master's.
      if (outcome == Outcome.REJECTED && (breakerOpen || BREAKER_COMMAND.equals(command))) {
        shortCircuits.increment();
      }
    }
  }

  @Override
  public void onNodeKnown(String node) {
    if (!closed.get()) {
      node(node);
    }
  }

  @Override
  public void onNodeBreakerState(String node, CircuitBreakerState state) {
    if (!closed.get()) {
      node(node).get(state).increment();
    }
  }

  @Override
  public void onBreakerState(CircuitBreakerState state) {
    breakerOpen = state == CircuitBreakerState.OPEN;
    if (!closed.get()) {
      transitions.get(state).increment();
    }
  }

static String tagValue(Outcome outcome) {
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

static double nodeBreakerCode(GatewayStatus status, String node) {
  for (GatewayStatus.NodeStatus n : status.nodes()) {
    if (n.node().equals(node)) {
      return breakerCode(n.breaker());
    }
  }
  return Double.NaN;
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
