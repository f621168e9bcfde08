package dev.rediskit.ratelimit;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.test.Futures;
import io.vertx.core.Vertx;

import java.time.Duration;

/**
 * Run in a child JVM by {@link ConcurrencyLimitIT}: acquires places of one key and holds them until
 * the JVM is killed, never releasing anything. Prints {@value #HELD} once it holds them all.
 */
public final class PermitHolderChild {

  static final String HELD = "PERMITS-HELD";

  private PermitHolderChild() {
  }

  /**
   * @param args the Redis URI, the key, how many places, the limit, the lease in ms
   * @throws InterruptedException never in practice: the parent kills this JVM
   */
  public static void main(String[] args) throws InterruptedException {
    Vertx vertx = Vertx.vertx();
    RedisGateway gateway = Futures.join(RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(args[0])).ready(),
      Duration.ofSeconds(60));
    RateLimiter limiter = RateLimiter.create(vertx, gateway, "conc", new RateLimitOptions());
    int places = Integer.parseInt(args[2]);
    for (int i = 0; i < places; i++) {
      Permit p = Futures.join(limiter.acquire(args[1], Integer.parseInt(args[3]), Duration.ofMillis(Long.parseLong(args[4]))),
        Duration.ofSeconds(60));
      if (!p.acquired()) {
        System.out.println("NOT-ACQUIRED " + i);
        System.exit(2);
      }
    }
    System.out.println(HELD);
    System.out.flush();
    // Held until the parent kills this JVM (SIGKILL): nothing is released, the leases must end by themselves.
    Thread.sleep(Long.MAX_VALUE);
  }
}
