package dev.rediskit.ratelimit;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.ratelimit.Decision.Source;
import dev.rediskit.test.Await;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.FaultProxy;
import dev.rediskit.test.RedisServers;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Concurrency limits on a real Redis: never more holders than the limit across two instances,
 * every permit released, a dead holder's places back after the lease, renewals, idempotent release.
 */
@IntegrationTest
class ConcurrencyLimitIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  @RegisterExtension
  final Instances instances = new Instances(Duration.ofSeconds(120));

  static <T> T await(Future<T> f) {
    return dev.rediskit.test.Futures.join(f, java.time.Duration.ofSeconds(120));
  }

  private RateLimiter limiter(Vertx vertx) {
    RedisGateway gateway = instances.gateway(vertx, new RedisKitOptions().setEndpoint(redis.server().uri())
      .setMaxPendingCommands(50_000).setCommandTimeoutMs(30_000).setConnectTimeoutMs(20_000));
    return RateLimiter.create(vertx, gateway, "conc", new RateLimitOptions());
  }

  private Vertx newVertx() {
    return instances.newVertx();
  }

  private static long zcard(String key) {
    return (Long) redis.server().command("ZCARD", "rediskit:rl:c:" + key);
  }

  @Test
  void twoThousandHoldersFromTwoInstancesNeverExceedTheLimitAndAllRelease() {
    RateLimiter a = limiter(newVertx());
    RateLimiter b = limiter(newVertx());
    AtomicInteger holding = new AtomicInteger();
    AtomicInteger maxSeen = new AtomicInteger();
    AtomicInteger rejections = new AtomicInteger();
    List<Future<Void>> all = new ArrayList<>();
    long started = System.nanoTime();
    for (int i = 0; i < 2_000; i++) {
      RateLimiter l = i % 2 == 0 ? a : b;
      Vertx v = i % 2 == 0 ? instances.vertxes.get(0) : instances.vertxes.get(1);
      Promise<Void> done = Promise.promise();
      all.add(done.future());
      hold(v, l, holding, maxSeen, rejections, done);
    }
    await(Future.all(all));
    long ms = (System.nanoTime() - started) / 1_000_000;
    System.out.printf("concurrency checker: 2000 holders, max 20: most held at once %d, rejected attempts %d, %d ms%n",
      maxSeen.get(), rejections.get(), ms);
    // The checker counts a holder from its grant until just before its release is sent, so it can
    // only undercount what Redis holds: a count above 20 would be a real overshoot.
    assertThat(maxSeen.get()).isBetween(1, 20);
    assertThat(holding.get()).isZero();
    assertThat(zcard("tenant-7")).as("every permit released").isZero();
    RateLimitStats sa = a.stats();
    RateLimitStats sb = b.stats();
    assertThat(sa.toJson().getJsonObject("permits").getLong("acquired") + sb.toJson().getJsonObject("permits").getLong("acquired"))
      .isEqualTo(2_000);
    assertThat(sa.toJson().getJsonObject("permits").getLong("released") + sb.toJson().getJsonObject("permits").getLong("released"))
      .isEqualTo(2_000);
  }

  /** Acquires (retrying after a random pause when full), holds for a few ms, releases. */
  private static void hold(Vertx v, RateLimiter l, AtomicInteger holding, AtomicInteger maxSeen, AtomicInteger rejections,
                           Promise<Void> done) {
    l.acquire("tenant-7", 20, Duration.ofSeconds(60)).onComplete(ar -> {
      if (ar.failed()) {
        done.fail(ar.cause());
        return;
      }
      Permit p = ar.result();
      if (!p.acquired()) {
        assertThat(p.source()).isEqualTo(Source.REDIS);
        rejections.incrementAndGet();
        v.setTimer(ThreadLocalRandom.current().nextInt(50, 200), t -> hold(v, l, holding, maxSeen, rejections, done));
        return;
      }
      int now = holding.incrementAndGet();
      maxSeen.accumulateAndGet(now, Math::max);
      v.setTimer(ThreadLocalRandom.current().nextInt(1, 10), t -> {
        holding.decrementAndGet();
        p.release().onSuccess(live -> {
          if (live) {
            done.complete();
          } else {
            done.fail("a live permit released as already ended: " + p);
          }
        }).onFailure(done::fail);
      });
    });
  }

  @Test
  void theHoldersOfAClosedInstanceGiveTheirPlacesBackWhenTheLeaseEnds() {
    Vertx dying = newVertx();
    RateLimiter gone = limiter(dying);
    for (int i = 0; i < 5; i++) {
      assertThat(await(gone.acquire("upstream", 5, Duration.ofMillis(1_500))).acquired()).isTrue();
    }
    // The instance goes away without releasing anything: its gateway and Vert.x are closed.
    await(instances.gateways.remove(0).close());
    await(instances.vertxes.remove(0).close());
    long closed = System.nanoTime();
    RateLimiter survivor = limiter(newVertx());
    Permit refused = await(survivor.acquire("upstream", 5, Duration.ofSeconds(10)));
    assertThat(refused.acquired()).isFalse();
    assertThat(refused.held()).isEqualTo(5);
    assertThat(refused.retryAfterMs()).isBetween(1L, 1_500L);
    // Generous: the lease is 1.5 s of Redis time; a loaded machine may take much longer to ask again.
    Permit back = Await.value(() -> await(survivor.acquire("upstream", 5, Duration.ofSeconds(10))), Permit::acquired,
      Duration.ofSeconds(30), "a place comes back once the dead holders' leases end");
    long ms = (System.nanoTime() - closed) / 1_000_000;
    System.out.printf("dead holder: a place came back %d ms after the holder closed (lease 1500 ms)%n", ms);
    assertThat(ms).as("not before the lease ended").isGreaterThanOrEqualTo(1_000);
    // The dead leases end one after the other (they were taken one after the other): the first to end frees a place.
    assertThat(back.held()).isBetween(1, 5);
    assertThat(await(back.release())).isTrue();
  }

  @Test
  void theHoldersOfAKilledJvmGiveTheirPlacesBackWhenTheLeaseEnds() throws Exception {
    java.nio.file.Path log = java.nio.file.Files.createTempFile("permit-holder", ".log");
    Process child = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      "-cp", System.getProperty("java.class.path"), PermitHolderChild.class.getName(),
      redis.server().uri(), "killed", "5", "5", "1500")
      .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      // Generous: a JVM start, a Vert.x instance and five round trips on a loaded two-core machine.
      Await.until(() -> readLog(log).contains(PermitHolderChild.HELD) || !child.isAlive(), Duration.ofSeconds(120),
        "the child holds its places");
      assertThat(readLog(log)).as("child output").contains(PermitHolderChild.HELD);
      RateLimiter survivor = limiter(newVertx());
      assertThat(await(survivor.acquire("killed", 5, Duration.ofSeconds(10))).acquired()).as("all places held").isFalse();
      child.destroyForcibly(); // SIGKILL: no shutdown hook, no release
      assertThat(child.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      long killed = System.nanoTime();
      // Generous: the lease is 1.5 s of Redis time; a loaded machine may take much longer to ask again.
      Permit back = Await.value(() -> await(survivor.acquire("killed", 5, Duration.ofSeconds(10))), Permit::acquired,
        Duration.ofSeconds(30), "a place comes back once the killed JVM's leases end");
      System.out.printf("killed holder JVM: a place came back %d ms after the kill (lease 1500 ms)%n",
        (System.nanoTime() - killed) / 1_000_000);
      assertThat(back.held()).isBetween(1, 5);
      assertThat(await(back.release())).isTrue();
    } finally {
      child.destroyForcibly();
      java.nio.file.Files.deleteIfExists(log);
    }
  }

  private static String readLog(java.nio.file.Path log) {
    try {
      return java.nio.file.Files.readString(log);
    } catch (java.io.IOException e) {
      return "";
    }
  }

  @Test
  void underLocalAnUnreachableRedisGrantsThisInstancesShareAndRedisDecidesAgainWhenBack() {
    Vertx vertx = newVertx();
    FaultProxy proxy = FaultProxy.start(vertx, redis.server());
    try {
      RedisGateway gateway = instances.gateway(vertx, new RedisKitOptions().setEndpoint(proxy.uri())
        .setCommandTimeoutMs(500).setConnectTimeoutMs(500).setReconnectMaxDelayMs(200)
        .setBreakerMaxFailures(3).setBreakerResetTimeoutMs(300));
      RateLimiter l = RateLimiter.create(vertx, gateway, "conc-local", new RateLimitOptions()
        .setFailurePolicy(RateLimitOptions.FailurePolicy.LOCAL).setLocalSharePercent(50));
      String key = "local-" + ThreadLocalRandom.current().nextInt(1_000_000);
      Permit fromRedis = await(l.acquire(key, 10, Duration.ofMinutes(1)));
      assertThat(fromRedis.source()).isEqualTo(Source.REDIS);
      assertThat(await(fromRedis.release())).isTrue();

      proxy.reset();
      List<Permit> local = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        local.add(await(l.acquire(key, 10, Duration.ofMinutes(1))));
      }
      // Half of 10 places for this instance alone while Redis is away.
      assertThat(local).extracting(Permit::acquired).containsExactly(true, true, true, true, true, false);
      assertThat(local).allMatch(p -> p.source() == Source.FALLBACK);
      assertThat(l.stats().permits(RateLimitStats.PermitOutcome.FALLBACK_GRANTED)).isEqualTo(5);
      assertThat(l.stats().permitsHeld()).isEqualTo(5);
      assertThat(await(local.get(0).release())).isTrue();
      assertThat(await(l.release(key, local.get(1).id()))).as("released by id, as the event bus does").isTrue();
      assertThat(await(local.get(2).renew(Duration.ofMinutes(2)))).isTrue();
      assertThat(l.stats().permitsHeld()).isEqualTo(3);
      assertThat(await(l.acquire(key, 10, Duration.ofMinutes(1))).acquired()).isTrue();

      proxy.pass();
      // Reconnection with back-off and a half-open breaker: polled, within a bound generous for a busy machine.
      Await.until(() -> await(l.acquire(key + "-back", 10, Duration.ofSeconds(5))).source() == Source.REDIS,
        Duration.ofSeconds(30), "Redis to decide permits again");
      await(l.close());
    } finally {
      proxy.close();
    }
  }

  @Test
  void renewExtendsALiveLeaseAndRefusesAnEndedOne() {
    RateLimiter l = limiter(newVertx());
    // Long enough that no stall of the machine ends it before the renewal.
    Permit p = await(l.acquire("long-report", 2, Duration.ofSeconds(20)));
    assertThat(p.acquired()).isTrue();
    assertThat(await(p.renew(Duration.ofMinutes(5)))).isTrue();
    long score = Long.parseLong(redis.server().command("ZSCORE", "rediskit:rl:c:long-report", p.id()).toString());
    long nowMs = redisNowMs();
    assertThat(score - nowMs).as("the lease now ends about 5 minutes from now").isBetween(290_000L, 300_000L);
    // An ended lease is not revived: its place may already belong to someone else.
    Permit shortLived = await(l.acquire("long-report", 2, Duration.ofMillis(1)));
    assertThat(shortLived.acquired()).isTrue();
    Await.until(() -> redisNowMs() > Long.parseLong(redis.server().command("ZSCORE", "rediskit:rl:c:long-report",
      shortLived.id()).toString()), "the 1 ms lease ends");
    assertThat(await(shortLived.renew())).isFalse();
    assertThat(await(p.release())).isTrue();
  }

  private static long redisNowMs() {
    List<?> t = (List<?>) redis.server().command("TIME");
    return Long.parseLong(t.get(0).toString()) * 1000 + Long.parseLong(t.get(1).toString()) / 1000;
  }

  @Test
  void releaseIsIdempotentAndAnEndedLeaseReleasesAsFalse() {
    RateLimiter l = limiter(newVertx());
    Permit p = await(l.acquire("idem", 1, Duration.ofSeconds(30)));
    Future<Boolean> first = p.release();
    Future<Boolean> second = p.release();
    assertThat(second).isSameAs(first);
    assertThat(await(first)).isTrue();
    assertThat(await(p.release())).isTrue();
    assertThat(zcard("idem")).isZero();
    assertThat(await(l.release("idem", p.id()))).as("by id, after it is gone").isFalse();
    assertThat(await(p.renew())).isFalse();
    Permit next = await(l.acquire("idem", 1, Duration.ofSeconds(30)));
    assertThat(next.acquired()).isTrue();
    assertThat(next.id()).isNotEqualTo(p.id());
    assertThat(await(next.release())).isTrue();
  }

  @Test
  void theKeyExpiresWithItsLongestLease() {
    RateLimiter l = limiter(newVertx());
    await(l.acquire("ttl", 3, Duration.ofSeconds(20)));
    await(l.acquire("ttl", 3, Duration.ofSeconds(40)));
    long pttl = (Long) redis.server().command("PTTL", "rediskit:rl:c:ttl");
    assertThat(pttl).isBetween(30_000L, 40_000L);
    redis.server().command("DEL", "rediskit:rl:c:ttl");
  }

  @Test
  void badArgumentsAreRefusedNamingTheFieldAndNeverReachRedis() {
    RateLimiter l = limiter(newVertx());
    long before = (Long) redis.server().command("DBSIZE");
    assertThatThrownBy(() -> await(l.acquire("k", 0, Duration.ofSeconds(1))))
      .isInstanceOf(InvalidRequestException.class).hasMessage("maxConcurrent: must be between 1 and 1000000, was 0");
    assertThatThrownBy(() -> await(l.acquire("k", 5, Duration.ZERO)))
      .isInstanceOf(InvalidRequestException.class).hasMessageStartingWith("leaseTtl: must be between 1 and");
    assertThat(dev.rediskit.test.Futures.failure(l.acquire("k", 5, Duration.ofSeconds(Long.MAX_VALUE))))
      .isInstanceOf(InvalidRequestException.class).hasMessageStartingWith("leaseTtl: must be between 1 and");
    assertThatThrownBy(() -> await(l.acquire("k\n", 5, Duration.ofSeconds(1))))
      .isInstanceOf(InvalidRequestException.class).hasMessageStartingWith("key:");
    assertThatThrownBy(() -> await(l.release("k", "x y")))
      .isInstanceOf(InvalidRequestException.class).hasMessageStartingWith("permitId: must hold only");
    assertThat((Long) redis.server().command("DBSIZE")).isEqualTo(before);
  }
}
