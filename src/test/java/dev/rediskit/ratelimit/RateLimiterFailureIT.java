package dev.rediskit.ratelimit;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.error.RedisTimeoutException;
import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.ratelimit.Decision.Source;
import dev.rediskit.ratelimit.RateLimitOptions.FailurePolicy;
import dev.rediskit.ratelimit.RateLimitStats.Outcome;
import dev.rediskit.test.Await;
import dev.rediskit.test.FaultProxy;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.rediskit.ratelimit.RateLimiterContract.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The failure policies: Redis killed (commands fail fast) and Redis stalled (no reply: the
 * limiter's own timeout decides), then Redis back. Standalone only: what is tested is the
 * limiter's reaction to a failing gateway, which does not depend on the topology.
 */
@IntegrationTest
class RateLimiterFailureIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  /**
   * How late past its timeout an answer may come in these tests. The limiter itself answers
   * within its timeout; the slack is for a shared two-core machine, where an event loop or the
   * test thread can stall for several hundred milliseconds.
   */
  static final long SLACK_MS = 750;

  private final List<RedisGateway> gateways = new ArrayList<>();
  private final List<FaultProxy> proxies = new ArrayList<>();

  @AfterEach
  void close() {
    gateways.forEach(g -> await(g.close()));
    gateways.clear();
    proxies.forEach(FaultProxy::close);
    proxies.clear();
  }

  private RateLimiter limiter(Vertx vertx, String uri, long commandTimeoutMs, RateLimitOptions options) {
    RedisGateway gateway = RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(uri)
      .setCommandTimeoutMs(commandTimeoutMs).setConnectTimeoutMs(1_000).setReconnectMaxDelayMs(200)
      .setBreakerMaxFailures(3).setBreakerResetTimeoutMs(300));
    gateways.add(gateway);
    await(gateway.ready());
    return RateLimiter.create(vertx, gateway, "failure-" + options.getFailurePolicy(), options);
  }

  private static Decision timed(RateLimiter limiter, String key, long limit, long withinMs) {
    long start = System.nanoTime();
    Decision d = await(limiter.check(key, limit, Duration.ofHours(1)));
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertThat(tookMs).as("decision time of " + d).isLessThanOrEqualTo(withinMs + SLACK_MS);
    return d;
  }

  @ParameterizedTest
  @EnumSource(FailurePolicy.class)
  void redisKilledThePolicyAnswersAndRedisDecidesAgainWhenBack(FailurePolicy policy, Vertx vertx) {
    RedisServer server = redis.server();
    long timeoutMs = 150;
    RateLimiter limiter = limiter(vertx, server.uri(), 2_000, new RateLimitOptions().setTimeoutMs(timeoutMs)
      .setFailurePolicy(policy).setLocalSharePercent(50).setDenyCacheSize(0));
    assertThat(await(limiter.check("k", 4, Duration.ofHours(1))).source()).isEqualTo(Source.REDIS);

    server.kill();
    List<Decision> down = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      down.add(timed(limiter, "k", 4, timeoutMs));
    }
    assertThat(down).allMatch(d -> d.source() == Source.FALLBACK && d.failure() != null);
    switch (policy) {
      case FAIL_OPEN -> {
        assertThat(down).allMatch(Decision::allowed);
        assertThat(limiter.stats().decisions(Outcome.FALLBACK_ALLOWED)).isEqualTo(4);
      }
      case FAIL_CLOSED -> {
        assertThat(down).noneMatch(Decision::allowed);
        assertThat(down).allMatch(d -> d.retryAfterMs() == 1_000);
        assertThat(limiter.stats().decisions(Outcome.FALLBACK_REJECTED)).isEqualTo(4);
      }
      case LOCAL -> {
        // Half of 4 an hour for this instance alone: 2 pass, then it rejects.
        assertThat(down).extracting(Decision::allowed).containsExactly(true, true, false, false);
        assertThat(down.get(0).limit()).isEqualTo(2);
        assertThat(down.get(3).retryAfterMs()).isBetween(29 * 60_000L, 30 * 60_000L);
      }
    }
    assertThat(down.get(0).failure()).isInstanceOfAny(RedisUnavailableException.class, RedisTimeoutException.class);
    assertThat(limiter.stats().switchesToFallback()).isEqualTo(1);
    assertThat(limiter.stats().fallbackActive()).isTrue();

    server.restart();
    // The gateway reconnects with back-off and the breaker half-opens after 300 ms; then Redis
    // decides again (the restarted server has lost the script: EVALSHA's NOSCRIPT is handled).
    Decision[] last = new Decision[1];
    Await.until(() -> (last[0] = await(limiter.check("after", 4, Duration.ofHours(1)))).source() == Source.REDIS,
      Duration.ofSeconds(30), () -> "Redis decisions to resume after the restart; last: " + last[0]
        + ", gateway " + gateways.get(0).status().toJson().encode());
    assertThat(limiter.stats().switchesToRedis()).isEqualTo(1);
    assertThat(limiter.stats().fallbackActive()).isFalse();
  }

  @Test
  void stalledRedisIsDecidedByThePolicyWithinTheLimitersOwnTimeout(Vertx vertx) {
    FaultProxy proxy = FaultProxy.start(vertx, redis.server());
    proxies.add(proxy);
    long timeoutMs = 200;
    // The gateway would wait 5 s: the limiter's own, shorter timeout must decide.
    RateLimiter limiter = limiter(vertx, proxy.uri(), 5_000, new RateLimitOptions().setTimeoutMs(timeoutMs)
      .setFailurePolicy(FailurePolicy.FAIL_CLOSED).setDenyCacheSize(0));
    assertThat(await(limiter.check("s", 4, Duration.ofHours(1))).source()).isEqualTo(Source.REDIS);
    proxy.blackhole();
    for (int i = 0; i < 3; i++) {
      long start = System.nanoTime();
      Decision d = await(limiter.check("s", 4, Duration.ofHours(1)));
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(d.source()).isEqualTo(Source.FALLBACK);
      assertThat(d.allowed()).isFalse();
      assertThat(d.failure()).isInstanceOf(RedisTimeoutException.class).hasMessageContaining("rateLimit.timeoutMs");
      // Not before half the timeout, nor (beyond scheduling) after it.
      assertThat(tookMs).isGreaterThanOrEqualTo(timeoutMs / 2).isLessThanOrEqualTo(timeoutMs + SLACK_MS);
    }
    proxy.pass();
    Await.until(() -> await(limiter.check("s2", 4, Duration.ofHours(1))).source() == Source.REDIS,
      Duration.ofSeconds(30), "Redis decisions to resume once the proxy passes traffic again");
  }

  @Test
  void lateRepliesWhileRedisKeepsAnsweringAreWaitedForNotHandedToThePolicy(Vertx vertx) {
    FaultProxy proxy = FaultProxy.start(vertx, redis.server());
    proxies.add(proxy);
    long timeoutMs = 500;
    long limit = 20;
    RateLimiter limiter = limiter(vertx, proxy.uri(), 5_000, new RateLimitOptions().setTimeoutMs(timeoutMs)
      .setFailurePolicy(FailurePolicy.FAIL_OPEN).setDenyCacheSize(0));
    assertThat(await(limiter.check("warm", limit, Duration.ofHours(1))).source()).isEqualTo(Source.REDIS);
    List<Decision> decided = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Long> tookMs = java.util.Collections.synchronizedList(new ArrayList<>());
    List<io.vertx.core.Future<Decision>> sent = java.util.Collections.synchronizedList(new ArrayList<>());
    // The delay grows to 300 ms each way while decisions keep going, so replies never stop coming:
    // round trips of up to 600 ms, past the limiter's 450 ms deadline, within one more timeout
    // (950 ms) by 350 ms, room for a stalled event loop on a busy machine.
    long[] delayMs = {0};
    long ramp = vertx.setPeriodic(100, id -> {
      if (delayMs[0] < 300) {
        delayMs[0] += 50;
        proxy.delay(Duration.ofMillis(delayMs[0]));
      }
    });
    long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    long load = vertx.setPeriodic(25, id -> {
      if (System.nanoTime() - until < 0) {
        long start = System.nanoTime();
        sent.add(limiter.check("burst", limit, Duration.ofHours(1)).onSuccess(d -> {
          decided.add(d);
          tookMs.add((System.nanoTime() - start) / 1_000_000);
        }));
      }
    });
    Await.until(() -> System.nanoTime() - until >= 0, Duration.ofSeconds(30), "the load to end");
    vertx.cancelTimer(load);
    vertx.cancelTimer(ramp);
    Await.until(() -> {
      synchronized (sent) {
        return sent.stream().allMatch(io.vertx.core.Future::isComplete);
      }
    }, Duration.ofSeconds(30), "every decision to complete");
    proxy.pass();
    synchronized (decided) {
      assertThat(decided).hasSizeGreaterThan((int) limit * 2);
      assertThat(decided).as("decisions the failure policy took although Redis kept answering")
        .noneMatch(d -> d.source() == Source.FALLBACK);
      assertThat(decided.stream().filter(Decision::allowed).count()).as("allowed of a limit of " + limit)
        .isEqualTo(limit);
    }
    synchronized (tookMs) {
      // The scenario did what it says: many replies came later than the limiter's timeout.
      assertThat(tookMs.stream().filter(t -> t > timeoutMs).count()).isGreaterThanOrEqualTo(limit);
    }
  }

  @Test
  void withATimeoutNoShorterThanTheGatewaysTheGatewayDeadlineDecides(Vertx vertx) {
    FaultProxy proxy = FaultProxy.start(vertx, redis.server());
    proxies.add(proxy);
    RateLimiter limiter = limiter(vertx, proxy.uri(), 300, new RateLimitOptions().setTimeoutMs(1_000)
      .setFailurePolicy(FailurePolicy.FAIL_OPEN).setDenyCacheSize(0));
    assertThat(await(limiter.check("g", 4, Duration.ofHours(1))).source()).isEqualTo(Source.REDIS);
    proxy.blackhole();
    Decision d = timed(limiter, "g", 4, 1_000);
    assertThat(d.source()).isEqualTo(Source.FALLBACK);
    assertThat(d.allowed()).isTrue();
    assertThat(d.failure()).isInstanceOfAny(RedisTimeoutException.class, RedisUnavailableException.class);
    proxy.pass();
  }
}
