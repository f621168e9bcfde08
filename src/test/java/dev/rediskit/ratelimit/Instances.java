package dev.rediskit.ratelimit;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.test.Futures;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The application instances of a rate-limit test that needs several: Vert.x instances and gateways
 * of their own, in the order they were started, all closed after each test (the gateways first).
 * Register as an instance field with {@code @RegisterExtension}.
 */
final class Instances implements AfterEachCallback {

  /** The gateways started, in order; a test that closes one itself removes it. */
  final List<RedisGateway> gateways = new ArrayList<>();
  /** The Vert.x instances started, in order; a test that closes one itself removes it. */
  final List<Vertx> vertxes = new ArrayList<>();
  private final Duration timeout;

  /** @param timeout how long starting or closing one may take */
  Instances(Duration timeout) {
    this.timeout = timeout;
  }

  /** @return a new Vert.x instance, closed after the test */
  Vertx newVertx() {
    Vertx v = Vertx.vertx();
    vertxes.add(v);
    return v;
  }

  /**
   * @param vertx the Vert.x instance
   * @param options the gateway's settings
   * @return a gateway, ready, closed after the test
   */
  RedisGateway gateway(Vertx vertx, RedisKitOptions options) {
    RedisGateway gateway = RedisGateway.create(vertx, options);
    gateways.add(gateway);
    Futures.join(gateway.ready(), timeout);
    return gateway;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    gateways.forEach(g -> Futures.join(g.close(), timeout));
    gateways.clear();
    vertxes.forEach(v -> Futures.join(v.close(), timeout));
    vertxes.clear();
  }
}
