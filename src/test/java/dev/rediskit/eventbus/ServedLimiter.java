package dev.rediskit.eventbus;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.ratelimit.RateLimitOptions;
import dev.rediskit.ratelimit.RateLimiter;
import dev.rediskit.test.Futures;
import dev.rediskit.test.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;

import java.util.Map;

import static dev.rediskit.test.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A rate limiter served on the event bus, for the tests of the {@code ratelimit.*} addresses: a
 * Vert.x of its own, a gateway to the test's Redis, the limiter and its consumers under a prefix.
 *
 * @param vertx the Vert.x instance
 * @param gateway the limiter's gateway
 * @param limiter the limiter
 * @param consumers its consumers
 * @param prefix the address prefix
 */
record ServedLimiter(Vertx vertx, RedisGateway gateway, RateLimiter limiter, RateLimitConsumers consumers, String prefix) {

  /**
   * @param server the Redis
   * @param name the limiter's name
   * @param prefix the address prefix
   * @param options the limiter's settings
   * @return the limiter, its consumers registered
   */
  static ServedLimiter start(RedisServer server, String name, String prefix, RateLimitOptions options) {
    Vertx vertx = Vertx.vertx();
    // A patient connect: the build machine is shared, and a slow first connect is not what these tests are about.
    RedisGateway gateway = RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(server.uri()).setConnectTimeoutMs(10_000));
    join(gateway.ready());
    RateLimiter limiter = RateLimiter.create(vertx, gateway, name, options);
    return new ServedLimiter(vertx, gateway, limiter, join(RateLimitConsumers.register(vertx, limiter, prefix)), prefix);
  }

  /** Unregisters the consumers, closes the gateway, then Vert.x. */
  void close() {
    join(consumers.unregister());
    join(gateway.close());
    join(vertx.close());
  }

  /**
   * @param address an address without the prefix
   * @param body the request's body
   * @return the failure the request got, which must be a {@link ReplyException}
   */
  ReplyException failure(String address, Object body) {
    Throwable t = Futures.failure(vertx.eventBus().request(prefix + address, body));
    assertThat(t).isInstanceOf(ReplyException.class);
    return (ReplyException) t;
  }

  /**
   * @param server the Redis
   * @return how many scripts it ran ({@code EVAL} and {@code EVALSHA} calls), to see a request that never reached it
   */
  static long scriptCalls(RedisServer server) {
    Map<String, String> stats = server.info("commandstats");
    long calls = 0;
    for (String cmd : new String[] {"cmdstat_evalsha", "cmdstat_eval"}) {
      String line = stats.get(cmd);
      if (line != null) {
        calls += Long.parseLong(line.substring("calls=".length(), line.indexOf(',')));
      }
    }
    return calls;
  }
}
