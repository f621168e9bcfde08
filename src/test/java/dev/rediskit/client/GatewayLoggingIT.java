package dev.rediskit.client;

import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.RedisKitOptions;
import dev.rediskit.test.Await;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import static dev.rediskit.test.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The gateway logs one start-up line, one line per breaker transition and per connection loss and
 * reconnection, each naming the gateway, so that an outage can be followed in the logs of an
 * application with several gateways. The lines go through SLF4J: here they are read from a Logback
 * appender (the binding on the test class path) on the logger {@code dev.rediskit.client.RedisGateway},
 * and a java.util.logging handler on {@code dev.rediskit} checks that none of them goes to JUL instead.
 */
@IntegrationTest
class GatewayLoggingIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  private final Logger logger = (Logger) LoggerFactory.getLogger(RedisGateway.class);
  private final List<ILoggingEvent> records = new CopyOnWriteArrayList<>();
  private final AppenderBase<ILoggingEvent> capture = new AppenderBase<>() {
    @Override
    protected void append(ILoggingEvent event) {
      records.add(event);
    }
  };
  private final java.util.logging.Logger julLogger = java.util.logging.Logger.getLogger("dev.rediskit");
  private final List<java.util.logging.LogRecord> julRecords = new CopyOnWriteArrayList<>();
  private final java.util.logging.Handler julCapture = new java.util.logging.Handler() {
    @Override
    public void publish(java.util.logging.LogRecord record) {
      julRecords.add(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };
  private Level levelBefore;

  @BeforeEach
  void captureLogs() {
    assertThat(logger.getName()).as("the gateway's logger name, documented in the README").isEqualTo("dev.rediskit.client.RedisGateway");
    levelBefore = logger.getLevel();
    logger.setLevel(Level.ALL);
    capture.start();
    logger.addAppender(capture);
    julLogger.addHandler(julCapture);
  }

  @AfterEach
  void releaseLogs() {
    logger.detachAppender(capture);
    capture.stop();
    logger.setLevel(levelBefore);
    julLogger.removeHandler(julCapture);
    assertThat(julRecords).as("lines that went to java.util.logging instead of SLF4J").isEmpty();
  }

  @Test
  void breakerTransitionsAndReconnectsAreLoggedOnceEachWithTheGatewaysName(Vertx vertx, RedisServer server) {
    RedisGateway gw = await(RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(server.uri())
      .setBreakerMaxFailures(3).setBreakerResetTimeoutMs(300).setReconnectMaxDelayMs(100), "orders").ready());
    assertThat(gw.name()).isEqualTo("orders");
    Map<CircuitBreakerState, AtomicInteger> transitions = new ConcurrentHashMap<>();
    gw.observer(new CommandObserver() {
      @Override
      public void onCommand(String command, Outcome outcome, long nanos) {
      }

      @Override
      public void onBreakerState(CircuitBreakerState state) {
        transitions.computeIfAbsent(state, s -> new AtomicInteger()).incrementAndGet();
      }
    });
    try {
      Await.until(() -> records.stream().anyMatch(r -> r.getFormattedMessage().contains("connected to Redis at")),
        Duration.ofSeconds(30), () -> "the start-up line: " + records.stream().map(ILoggingEvent::getFormattedMessage).toList());
      server.kill();
      // At a 300 ms reset timeout, a few failed trials follow each other within seconds; 30 s is for a loaded machine.
      Await.until(() -> count(transitions, CircuitBreakerState.HALF_OPEN) >= 2, Duration.ofSeconds(30),
        () -> "failed trials while Redis is down; gateway " + gw.status().toJson().encode());
      server.restart();
      Await.until(() -> gw.status().breakerState() == CircuitBreakerState.CLOSED && count(transitions, CircuitBreakerState.CLOSED) == 1,
        Duration.ofSeconds(30), () -> "the breaker to close; gateway " + gw.status().toJson().encode());
    } finally {
      await(gw.close());
    }

    List<String> lines = records.stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertThat(lines).as("every line names the gateway").isNotEmpty().allMatch(l -> l.startsWith("Redis gateway \"orders\": "), "names the gateway");
    for (CircuitBreakerState s : CircuitBreakerState.values()) {
      assertThat(lines.stream().filter(l -> l.contains("circuit breaker " + s.name())).count())
        .as("lines for transitions to " + s + " in " + lines).isEqualTo(count(transitions, s));
    }
    assertThat(records.stream().filter(r -> r.getFormattedMessage().contains("circuit breaker OPEN after")).toList())
      .as("the first opening is a warning").singleElement()
      .satisfies(r -> assertThat(r.getLevel()).isEqualTo(Level.WARN));
    assertThat(records.stream().filter(r -> r.getFormattedMessage().contains("connected to Redis at " + server.uri())).toList())
      .as("one start-up line naming the server, at INFO, in " + lines).singleElement()
      .satisfies(r -> assertThat(r.getLevel()).isEqualTo(Level.INFO));
    assertThat(lines.stream().filter(l -> l.contains("connection to Redis lost")).count()).as("losses in " + lines).isEqualTo(1);
    assertThat(lines.stream().filter(l -> l.contains("reconnected to Redis")).count()).as("reconnections in " + lines)
      .isEqualTo(gw.status().reconnects()).isEqualTo(1);
  }

  /**
   * An entry point that cannot reach Redis fails and closes its gateway: the WARN of the failed attempt says
   * another comes, so the close says that none will.
   */
  @Test
  void anEntryPointThatCannotStartSaysThatNoFurtherAttemptIsMade(Vertx vertx) throws Exception {
    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Throwable failed = dev.rediskit.test.Futures.failure(dev.rediskit.RedisKit.create(vertx, new RedisKitOptions()
      .setEndpoint("redis://127.0.0.1:" + closedPort).setConnectTimeoutMs(500)));
    assertThat(failed).hasMessageStartingWith("RedisKit cannot start: ");
    List<String> lines = records.stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertThat(lines).anyMatch(l -> l.contains("cannot connect to Redis") && l.contains("next attempt in"));
    assertThat(lines).as("%s", lines).last().asString().endsWith("closed while not connected to Redis: no further attempts");
  }

  @Test
  void aBlankNameIsRefused(Vertx vertx) {
    assertThatThrownBy(() -> RedisGateway.create(vertx, new RedisKitOptions(), " "))
      .isInstanceOf(InvalidRequestException.class).hasMessage("name: must not be blank, was \" \"");
  }

  @Test
  void anUnnamedGatewayLogsAsDefault(Vertx vertx, RedisServer server) {
    RedisGateway gw = await(RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(server.uri())
      .setReconnectMaxDelayMs(100)).ready());
    try {
      assertThat(gw.name()).isEqualTo(RedisGateway.DEFAULT_NAME);
      server.kill();
      Await.until(() -> records.stream().anyMatch(r -> r.getFormattedMessage().contains("connection to Redis lost")),
        Duration.ofSeconds(30), () -> "the loss to be logged: " + records.stream().map(ILoggingEvent::getFormattedMessage).toList());
      assertThat(records).allSatisfy(r -> assertThat(r.getFormattedMessage()).startsWith("Redis gateway \"default\": "));
    } finally {
      await(gw.close());
    }
  }

  private static long count(Map<CircuitBreakerState, AtomicInteger> transitions, CircuitBreakerState s) {
    AtomicInteger n = transitions.get(s);
    return n == null ? 0 : n.get();
  }
}
