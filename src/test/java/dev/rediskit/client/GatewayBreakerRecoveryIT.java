package dev.rediskit.client;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.test.Await;
import dev.rediskit.test.FaultProxy;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServers;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static dev.rediskit.test.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A half-open breaker whose trial call meets an error reply must close: the reply proves the
 * connection works. The case that matters: after a restart or failover the server has lost its
 * scripts, so the trial call of a script user is an EVALSHA answered NOSCRIPT.
 */
@IntegrationTest
class GatewayBreakerRecoveryIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  @Test
  void anErrorReplyToTheTrialCallClosesTheBreaker(Vertx vertx) throws Exception {
    FaultProxy proxy = FaultProxy.start(vertx, redis.server());
    RedisGateway gateway = RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(proxy.uri())
      .setBreakerMaxFailures(2).setBreakerResetTimeoutMs(200).setReconnectMaxDelayMs(100));
    try {
      join(gateway.ready());
      Script script = Script.of("return 42");
      assertThat(join(gateway.eval(script, List.of(), List.of())).toInteger()).isEqualTo(42);

      proxy.reset();
      Await.until(() -> {
        gateway.eval(script, List.of(), List.of());
        return gateway.status().breakerState() == CircuitBreakerState.OPEN;
      }, Duration.ofSeconds(30), "the breaker to open while the proxy resets every connection");
      // The server loses its scripts meanwhile, as a restarted one would.
      redis.server().command("SCRIPT", "FLUSH");
      proxy.pass();

      // The trial call is the gateway's own PING, or an EVALSHA that got there first and meets NOSCRIPT;
      // either way the breaker closes, and the EVALSHA answered NOSCRIPT is sent again as EVAL.
      Await.until(() -> {
        try {
          return join(gateway.eval(script, List.of(), List.of())).toInteger() == 42;
        } catch (RedisUnavailableException e) {
          return false;
        }
      }, Duration.ofSeconds(30), () -> "the script to run again; gateway " + gateway.status().toJson().encode());
      assertThat(gateway.status().breakerState()).isEqualTo(CircuitBreakerState.CLOSED);
    } finally {
      join(gateway.close());
      proxy.close();
    }
  }
}
