package dev.rediskit.client;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.metrics.MeterNames;
import dev.rediskit.metrics.RedisKitMetrics;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static dev.rediskit.test.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An EVALSHA answered NOSCRIPT, which the gateway recovers from by sending the script's source, is
 * not an error: the caller gets the script's reply, and the command metrics count the EVAL that
 * answered, not a Redis error.
 */
@IntegrationTest
class GatewayNoscriptMetricsIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  @Test
  void aRecoveredNoscriptIsCountedAsTheEvalThatAnswered(Vertx vertx, RedisServer server) {
    RedisGateway gw = await(RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(server.uri())).ready());
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RedisKitMetrics metrics = RedisKitMetrics.create(vertx, registry);
    try {
      metrics.bindGateway(gw);
      Script script = Script.of("return 7");
      assertThat(await(gw.eval(script, List.of(), List.of())).toInteger()).isEqualTo(7);
      // As after a restart or a failover: the server no longer knows the script.
      server.command("SCRIPT", "FLUSH");
      long evalsBefore = count(registry, "EVAL", MeterNames.OUTCOME_SUCCESS);

      assertThat(await(gw.eval(script, List.of(), List.of())).toInteger()).isEqualTo(7);

      assertThat(registry.get(MeterNames.COMMAND_ERRORS).tag(MeterNames.TAG_KIND, MeterNames.OUTCOME_REDIS_ERROR)
        .counter().count()).as("Redis errors counted").isZero();
      assertThat(count(registry, "EVALSHA", MeterNames.OUTCOME_REDIS_ERROR)).as("EVALSHA counted as a Redis error").isZero();
      assertThat(count(registry, "EVAL", MeterNames.OUTCOME_SUCCESS)).as("EVAL successes").isEqualTo(evalsBefore + 1);
      // The script is cached again: the next call is one EVALSHA that succeeds.
      long shasBefore = count(registry, "EVALSHA", MeterNames.OUTCOME_SUCCESS);
      assertThat(await(gw.eval(script, List.of(), List.of())).toInteger()).isEqualTo(7);
      assertThat(count(registry, "EVALSHA", MeterNames.OUTCOME_SUCCESS)).isEqualTo(shasBefore + 1);
    } finally {
      metrics.close();
      await(gw.close());
    }
  }

  private static long count(SimpleMeterRegistry registry, String command, String outcome) {
    Timer t = registry.find(MeterNames.COMMANDS).tag(MeterNames.TAG_COMMAND, command).tag(MeterNames.TAG_OUTCOME, outcome).timer();
    return t == null ? 0 : t.count();
  }
}
