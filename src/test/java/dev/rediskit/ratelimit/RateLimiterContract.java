package dev.rediskit.ratelimit;

import dev.rediskit.test.RedisTarget;
import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.RedisKitOptions;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.ratelimit.Decision.Source;
import dev.rediskit.ratelimit.RateLimitOptions.Algorithm;
import dev.rediskit.ratelimit.RateLimitStats.Outcome;
import dev.rediskit.test.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a limiter must do on any topology; run on a standalone server and on the 3-master cluster
 * by the subclasses. Expectations about time come from Redis TIME taken around the calls, never
 * from sleeping: a busy two-core machine may stall the test for a long time, which the brackets
 * then simply widen.
 */
abstract class RateLimiterContract {

  /** Generous, because the build machine is shared: a passing run takes milliseconds. */
  static final long AWAIT_SECONDS = 60;
  /** The tolerance the issue asks for on reset and retry-after, on top of what the TIME brackets leave open. */
  static final long TOLERANCE_MS = 10;

  private final List<RedisGateway> gateways = new ArrayList<>();
  private final List<Vertx> extraVertx = new ArrayList<>();

  abstract RedisTarget target();

  @AfterEach
  void closeGateways() {
    gateways.forEach(g -> await(g.close()));
    gateways.clear();
    extraVertx.forEach(v -> await(v.close()));
    extraVertx.clear();
  }

  static <T> T await(Future<T> f) {
    return dev.rediskit.test.Futures.join(f, java.time.Duration.ofSeconds(AWAIT_SECONDS));
  }

  RedisKitOptions redisOptions() {
    // Timeouts well above anything a loaded machine causes: these tests are about Redis deciding.
    return target().options().setMaxPendingCommands(50_000).setCommandTimeoutMs(30_000);
  }

  RateLimiter limiter(Vertx vertx, RateLimitOptions options) {
    RedisGateway gateway = RedisGateway.create(vertx, redisOptions());
    gateways.add(gateway);
    await(gateway.ready());
    return RateLimiter.create(vertx, gateway, "test", options);
  }

  static RateLimitOptions patient() {
    return new RateLimitOptions().setTimeoutMs(30_000);
  }

  // ---------------------------------------------------------------- stored limits

  @Test
  void aStoredChangeIsEnforcedByAnotherInstanceOfTheTopology(Vertx vertx) {
    Vertx other = Vertx.vertx();
    extraVertx.add(other);
    RateLimitOptions options = patient().setRuntimeLimits(true).setDenyCacheSize(0).setDefaultIpLimit(null);
    RateLimiter a = limiter(vertx, options);
    RateLimiter b = limiter(other, options);
    String endpoint = "/stored-" + System.nanoTime();
    // With the links confirmed, the figure below is Redis's change report, not the periodic read.
    Await.until(() -> "CONFIRMED".equals(b.admin().status().getString("link")), Duration.ofSeconds(15),
      "the other instance's tracking link");
    long started = System.nanoTime();
    await(a.admin().apply(new LimitChange().setEndpoint(endpoint, new EndpointLimits(null, null, Limit.parse("2/1h")))
      .setService("stored-svc", Limit.parse("1/1h"))));
    // The bound is limitsRefreshMs (5 s) plus one read; three times that, for a stalled machine.
    Await.until(() -> Limit.parse("2/1h").equals(b.limits().endpoint(endpoint).endpoint()), Duration.ofSeconds(15),
      "the other instance sees the change");
    System.out.printf("stored limits on %s: in force on the other instance %d ms after apply() began%n",
      getClass().getSimpleName(), (System.nanoTime() - started) / 1_000_000);
    assertThat(await(b.verifyAndLimit(null, null, endpoint)).allowed()).isTrue();
    assertThat(await(b.verifyAndLimit(null, null, endpoint)).allowed()).isTrue();
    assertThat(await(b.verifyAndLimit(null, null, endpoint)).allowed()).isFalse();
    assertThat(await(b.serviceLimit("stored-svc")).allowed()).isTrue();
    assertThat(await(b.serviceLimit("stored-svc")).allowed()).isFalse();
    await(a.close());
    await(b.close());
  }

  // ---------------------------------------------------------------- exactness

  @Test
  void tenThousandConcurrentChecksOnOneKeyAllowExactlyTheLimit(Vertx vertx) {
    RateLimiter limiter = limiter(vertx, patient());
    // An hour-long window: no unit comes back while the checks run, however slow the machine.
    List<Future<Decision>> all = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      all.add(limiter.check("hot", 100, Duration.ofHours(1)));
    }
    await(Future.all(all));
    // Rejections may come from the deny cache once Redis has rejected the key; allowances only from Redis.
    assertThat(all).noneMatch(f -> f.result().source() == Source.FALLBACK);
    assertThat(all.stream().filter(f -> f.result().allowed()).count()).isEqualTo(100);
    assertThat(all).filteredOn(f -> f.result().allowed()).allMatch(f -> f.result().source() == Source.REDIS);
    assertThat(limiter.stats().decisions(Outcome.ALLOWED)).isEqualTo(100);
    assertThat(limiter.stats().decisions(Outcome.REJECTED)).isEqualTo(9_900);
  }

  @Test
  void twoVertxInstancesSharingRedisAllowExactlyTheLimitBetweenThem(Vertx vertx) {
    Vertx other = Vertx.vertx();
    extraVertx.add(other);
    RateLimiter a = limiter(vertx, patient().setDenyCacheSize(0));
    RateLimiter b = limiter(other, patient().setDenyCacheSize(0));
    List<Future<Decision>> all = new ArrayList<>();
    // Interleaved, so that both instances' commands are in flight together.
    for (int i = 0; i < 5_000; i++) {
      all.add(a.check("shared", 100, Duration.ofHours(1)));
      all.add(b.check("shared", 100, Duration.ofHours(1)));
    }
    await(Future.all(all));
    assertThat(all).allMatch(f -> f.result().source() == Source.REDIS);
    assertThat(all.stream().filter(f -> f.result().allowed()).count()).isEqualTo(100);
    assertThat(a.stats().decisions(Outcome.ALLOWED) + b.stats().decisions(Outcome.ALLOWED)).isEqualTo(100);
  }

  // ---------------------------------------------------------------- semantics

  @Test
  void resetAndRetryAfterFollowRedisTime(Vertx vertx) {
    RateLimiter limiter = limiter(vertx, patient().setDenyCacheSize(0));
    String key = "rl-test:precise";
    String redisKey = "rediskit:rl:g:k:" + key;
    // 10 per second: one unit every 100 ms, all 10 at once.
    long t0 = target().timeMicros(redisKey);
    Decision first = await(limiter.check(key, 10, Duration.ofSeconds(1)));
    long t0b = target().timeMicros(redisKey);
    assertThat(first.allowed()).isTrue();
    assertThat(first.remaining()).isEqualTo(9);
    for (int i = 0; i < 9; i++) {
      assertThat(await(limiter.check(key, 10, Duration.ofSeconds(1))).allowed()).isTrue();
    }
    long t1 = target().timeMicros(redisKey);
    Decision denied = await(limiter.check(key, 10, Duration.ofSeconds(1)));
    long t1b = target().timeMicros(redisKey);
    assertThat(denied.allowed()).isFalse();
    assertThat(denied.remaining()).isZero();
    // The first call ran at some Redis time in [t0, t0b]: the quota is full again one window after
    // it; the rejected call ran in [t1, t1b].
    long resetLow = (t0 + 1_000_000 - t1b) / 1000;
    long resetHigh = (t0b + 1_000_000 - t1 + 999) / 1000;
    assertThat(denied.resetMs()).isBetween(resetLow - TOLERANCE_MS, resetHigh + TOLERANCE_MS);
    // One unit (100 ms) comes back 900 ms before the quota is full.
    assertThat(denied.retryAfterMs()).isBetween(resetLow - 900 - TOLERANCE_MS, resetHigh - 900 + TOLERANCE_MS);
    assertThat((Long) target().nodeFor(redisKey).command("PTTL", redisKey)).isPositive()
      .isLessThanOrEqualTo(denied.resetMs() + TOLERANCE_MS);
  }

  @Test
  void afterABurstRequestsPassAgainAtTheConfiguredRate(Vertx vertx) {
    RateLimiter limiter = limiter(vertx, patient().setDenyCacheSize(0));
    String key = "rl-test:rate";
    String redisKey = "rediskit:rl:g:k:" + key;
    Duration window = Duration.ofSeconds(2);
    // 10 per 2 s: a burst of 10, then one every 200 ms.
    long start = target().timeMicros(redisKey);
    int allowed = 0;
    for (int i = 0; i < 10; i++) {
      allowed += await(limiter.check(key, 10, window)).allowed() ? 1 : 0;
    }
    assertThat(allowed).isEqualTo(10);
    Decision denied = await(limiter.check(key, 10, window));
    assertThat(denied.allowed()).isFalse();
    assertThat(denied.retryAfterMs()).isBetween(1L, 200L);
    // Keep asking for about 1.6 s of Redis time. The limiter guarantees the upper bound exactly.
    // The lower bound holds unless the test thread stalls for a whole burst (2 s), since units
    // missed meanwhile accumulate up to the burst: a generous margin for a shared machine.
    long end = start + 1_600_000;
    long now;
    do {
      allowed += await(limiter.check(key, 10, window)).allowed() ? 1 : 0;
      now = target().timeMicros(redisKey);
    } while (now < end);
    long elapsedUnits = (now - start) / 200_000;
    assertThat((long) allowed).isLessThanOrEqualTo(10 + elapsedUnits + 1).isGreaterThanOrEqualTo(10 + elapsedUnits - 3);
  }

  @Test
  void costTakesSeveralUnitsOrNone(Vertx vertx) {
    RateLimiter limiter = limiter(vertx, patient());
    assertThat(await(limiter.check("cost", 10, Duration.ofHours(1), 7)).remaining()).isEqualTo(3);
    Decision tooMuch = await(limiter.check("cost", 10, Duration.ofHours(1), 4));
    assertThat(tooMuch.allowed()).isFalse();
    // Nothing was taken by the rejected request: 3 still fit.
    assertThat(await(limiter.check("cost", 10, Duration.ofHours(1), 3)).allowed()).isTrue();
  }

  @Test
  void limitsFinerThanAMillisecondAreDecidedExactlyInMicroseconds(Vertx vertx) {
    RateLimiter limiter = limiter(vertx, patient().setDenyCacheSize(0));
    // 36,000.01 ms per unit: not a whole number of milliseconds, so the microsecond script decides.
    Limit limit = Limit.of(100, Duration.ofMillis(3_600_001));
    List<Future<Decision>> all = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      all.add(limiter.check("fine", limit, 1));
    }
    await(Future.all(all));
    assertThat(all.stream().filter(f -> f.result().allowed()).count()).isEqualTo(100);
    String fineKey = "rediskit:rl:g:k:fine";
    // That script keeps the theoretical arrival time in the value; the millisecond one keeps it in the expiry.
    assertThat((String) target().nodeFor(fineKey).command("GET", fineKey)).matches("[0-9]+");
    await(limiter.check("coarse", 100, Duration.ofHours(1)));
    String coarseKey = "rediskit:rl:g:k:coarse";
    assertThat((String) target().nodeFor(coarseKey).command("GET", coarseKey)).isEqualTo("0");
  }

  @Test
  void aKeyKeepsItsStateWhenItsLimitMovesBetweenMillisecondsAndMicroseconds(Vertx vertx) {
    RateLimiter limiter = limiter(vertx, patient().setDenyCacheSize(0));
    Limit whole = Limit.of(10, Duration.ofHours(1));
    // Almost the same limit, but 360,000.1 ms per unit.
    Limit fine = Limit.of(10, Duration.ofMillis(3_600_001));
    for (int i = 0; i < 5; i++) {
      assertThat(await(limiter.check("moves", whole, 1)).allowed()).isTrue();
    }
    // Each script reads the state the other wrote: 5 units used, then 6, then 7. The fine unit is
    // 0.1 ms longer, so 3 whole units are free again only about 0.1 ms after the last call: a call
    // answered sooner than that (a fast, warm machine) sees 2. Without shared state it would see 9.
    assertThat(await(limiter.check("moves", fine, 1)).remaining()).isEqualTo(4);
    assertThat(await(limiter.check("moves", whole, 1)).remaining()).isBetween(2L, 3L);
  }

  @Test
  void gcraBurstCanDifferFromTheLimit(Vertx vertx) {
    RateLimiter limiter = limiter(vertx, patient());
    Limit limit = Limit.of(100, Duration.ofHours(1)).withBurst(3);
    for (int i = 0; i < 3; i++) {
      assertThat(await(limiter.check("burst", limit, 1)).allowed()).isTrue();
    }
    Decision d = await(limiter.check("burst", limit, 1));
    assertThat(d.allowed()).isFalse();
    assertThat(d.limit()).isEqualTo(100);
    // 36 s per unit at 100 an hour.
    assertThat(d.retryAfterMs()).isBetween(35_000L, 36_000L);
  }

  @Test
  void everyKeyHasATtlAndAGcraKeyIsSmall(Vertx vertx) {
    RateLimiter gcra = limiter(vertx, patient());
    RateLimiter fixed = limiter(vertx, patient().setAlgorithm(Algorithm.FIXED_WINDOW));
    RateLimiter sliding = limiter(vertx, patient().setAlgorithm(Algorithm.SLIDING_WINDOW));
    RateLimitOptions verify = patient().setDefaultTokenLimit(Limit.parse("5/1h")).setDefaultIpLimit(Limit.parse("5/1h"))
      .setDefaultEndpointLimit(Limit.parse("50/1h")).putServiceLimit("mailer", Limit.parse("5/1m"));
    RateLimiter verifier = limiter(vertx, verify);
    for (RateLimiter l : List.of(gcra, fixed, sliding)) {
      await(l.check("ttl-a", 5, Duration.ofMinutes(1)));
      await(l.check("ttl-b", 5, Duration.ofDays(1), 2));
      await(l.serviceLimit("svc", 5, Duration.ofSeconds(10)));
    }
    await(verifier.verifyAndLimit("secret-token", "192.0.2.7", "/orders"));
    await(verifier.verifyAndLimit("secret-token", "2001:db8::1", "/orders"));
    await(verifier.serviceLimit("mailer"));
    List<String> keys = target().keys("rediskit:rl:*");
    assertThat(keys).hasSize(3 * 3 + 4 + 1);
    for (String key : keys) {
      assertThat((Long) target().nodeFor(key).command("PTTL", key)).as("PTTL of " + key).isPositive();
    }
    // No raw token anywhere in a key.
    assertThat(keys).noneMatch(k -> k.contains("secret-token"));
    String gcraKey = "rediskit:rl:g:k:ttl-a";
    Long bytes = (Long) target().nodeFor(gcraKey).command("MEMORY", "USAGE", gcraKey);
    System.out.println("MEMORY USAGE of a GCRA key (" + gcraKey + "): " + bytes + " bytes");
    // A shared integer plus its TTL (the expiry is the state): constant, whatever the traffic.
    assertThat(bytes).isPositive().isLessThan(100);
  }

  @Test
  void fixedWindowsEndOnRedisTimeBoundaries(Vertx vertx) {
    RateLimiter limiter = limiter(vertx, patient().setAlgorithm(Algorithm.FIXED_WINDOW).setDenyCacheSize(0));
    String redisKey = "rediskit:rl:f:k:fixed";
    for (int i = 0; i < 3; i++) {
      assertThat(await(limiter.check("fixed", 3, Duration.ofHours(1))).allowed()).isTrue();
    }
    long t = target().timeMicros(redisKey);
    Decision d = await(limiter.check("fixed", 3, Duration.ofHours(1)));
    long tb = target().timeMicros(redisKey);
    assertThat(d.allowed()).isFalse();
    long hourMs = 3_600_000;
    long high = hourMs - (t / 1000) % hourMs;
    long low = hourMs - (tb / 1000) % hourMs;
    assertThat(d.retryAfterMs()).isBetween(low - TOLERANCE_MS, high + TOLERANCE_MS);
    assertThat(d.resetMs()).isEqualTo(d.retryAfterMs());
    assertThat((Long) target().nodeFor(redisKey).command("PTTL", redisKey)).isBetween(low - 1_000, high + TOLERANCE_MS);
  }

  @Test
  void slidingWindowWeighsThePreviousWindow(Vertx vertx) {
    RateLimiter limiter = limiter(vertx, patient().setAlgorithm(Algorithm.SLIDING_WINDOW).setDenyCacheSize(0));
    String redisKey = "rediskit:rl:w:k:sliding";
    for (int i = 0; i < 3; i++) {
      assertThat(await(limiter.check("sliding", 3, Duration.ofHours(1))).allowed()).isTrue();
    }
    long t = target().timeMicros(redisKey);
    Decision d = await(limiter.check("sliding", 3, Duration.ofHours(1)));
    long tb = target().timeMicros(redisKey);
    assertThat(d.allowed()).isFalse();
    long hourMs = 3_600_000;
    // 3 in this window: the next request fits once a third of them has slid out of the next window.
    long low = hourMs - (tb / 1000) % hourMs + hourMs / 3;
    long high = hourMs - (t / 1000) % hourMs + hourMs / 3;
    assertThat(d.retryAfterMs()).isBetween(low - TOLERANCE_MS, high + TOLERANCE_MS);
  }

  @Test
  void serviceLimitsHaveTheirOwnKeySpace(Vertx vertx) {
    RateLimiter limiter = limiter(vertx, patient().putServiceLimit("partner-api", Limit.parse("2/1h")));
    assertThat(await(limiter.serviceLimit("partner-api")).allowed()).isTrue();
    assertThat(await(limiter.serviceLimit("partner-api")).allowed()).isTrue();
    Decision third = await(limiter.serviceLimit("partner-api"));
    assertThat(third.allowed()).isFalse();
    assertThat(third.policy()).isEqualTo("service:partner-api");
    // The same name through check() is another key.
    assertThat(await(limiter.check("partner-api", 2, Duration.ofHours(1))).allowed()).isTrue();
    assertThatThrownBy(() -> await(limiter.serviceLimit("unknown")))
      .isInstanceOf(InvalidRequestException.class).hasMessage("service: no limit configured for service \"unknown\"");
    // Changed at run time: the new rate applies at once. GCRA keeps what was spent (2 units of
    // 30 min each, i.e. the whole hour), so at 5 an hour the next unit is 12 min away, not 30.
    limiter.limits().setService("partner-api", Limit.parse("5/1h"));
    Decision changed = await(limiter.serviceLimit("partner-api"));
    assertThat(changed.limit()).isEqualTo(5);
    assertThat(changed.retryAfterMs()).isBetween(11 * 60_000L, 12 * 60_000L);
  }

  // ---------------------------------------------------------------- verifyAndLimit

  @Test
  void verifyIsAllOrNothingAndSaysWhichLimitDecided(Vertx vertx) {
    RateLimitOptions options = patient().setDenyCacheSize(0)
      .putEndpointLimits("/login", new EndpointLimits(Limit.parse("5/1h"), Limit.parse("3/1h"), Limit.parse("100/1h")));
    RateLimiter limiter = limiter(vertx, options);
    for (int i = 0; i < 3; i++) {
      Decision d = await(limiter.verifyAndLimit("token-a", "198.51.100.1", "/login"));
      assertThat(d.allowed()).isTrue();
      // The strictest limit is the IP's (3 - (i + 1) left).
      assertThat(d.policy()).isEqualTo("ip");
      assertThat(d.remaining()).isEqualTo(2 - i);
    }
    Decision rejected = await(limiter.verifyAndLimit("token-a", "198.51.100.1", "/login"));
    assertThat(rejected.allowed()).isFalse();
    assertThat(rejected.policy()).isEqualTo("ip");
    Map<String, Decision> byPolicy = byPolicy(rejected);
    // The token's quota was not consumed by the rejected request: 2 left, as after the 3rd.
    assertThat(byPolicy.get("token").remaining()).isEqualTo(2);
    assertThat(byPolicy.get("token").allowed()).isTrue();
    assertThat(byPolicy.get("endpoint").remaining()).isEqualTo(97);
    // From another address the same token still has those 2.
    Decision other = await(limiter.verifyAndLimit("token-a", "198.51.100.2", "/login"));
    assertThat(other.allowed()).isTrue();
    assertThat(byPolicy(other).get("token").remaining()).isEqualTo(1);
    assertThat(target().keys("*token-a*")).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void everyAlgorithmDecidesVerifyAllOrNothingAndTheDenyCacheHoldsTheBlockedIp(Algorithm algorithm, Vertx vertx) {
    RateLimitOptions options = patient().setAlgorithm(algorithm)
      .putEndpointLimits("/pay", new EndpointLimits(Limit.parse("5/1h"), Limit.parse("2/1h"), null));
    RateLimiter limiter = limiter(vertx, options);
    assertThat(await(limiter.verifyAndLimit("tok", "203.0.113.1", "/pay")).allowed()).isTrue();
    assertThat(await(limiter.verifyAndLimit("tok", "203.0.113.1", "/pay")).allowed()).isTrue();
    Decision rejected = await(limiter.verifyAndLimit("tok", "203.0.113.1", "/pay"));
    assertThat(rejected.allowed()).isFalse();
    assertThat(rejected.source()).isEqualTo(Source.REDIS);
    assertThat(rejected.policy()).isEqualTo("ip");
    assertThat(rejected.retryAfterMs()).isPositive();
    assertThat(byPolicy(rejected).get("token").remaining()).isEqualTo(3);
    // The blocked IP is held locally whatever token comes with it.
    Decision cached = await(limiter.verifyAndLimit("other-token", "203.0.113.1", "/pay"));
    assertThat(cached.allowed()).isFalse();
    assertThat(cached.source()).isEqualTo(Source.DENY_CACHE);
    assertThat(cached.policy()).isEqualTo("ip");
    // The token was not charged by the rejections: 3 left from another address.
    Decision elsewhere = await(limiter.verifyAndLimit("tok", "203.0.113.2", "/pay"));
    assertThat(elsewhere.allowed()).isTrue();
    assertThat(byPolicy(elsewhere).get("token").remaining()).isEqualTo(2);
    // Costs take several units or none.
    assertThat(await(limiter.check("cost-" + algorithm, 5, Duration.ofHours(1), 4)).remaining()).isEqualTo(1);
    assertThat(await(limiter.check("cost-" + algorithm, 5, Duration.ofHours(1), 2)).allowed()).isFalse();
    assertThat(await(limiter.check("cost-" + algorithm, 5, Duration.ofHours(1), 1)).allowed()).isTrue();
  }

  @Test
  void verifyAppliesDefaultsAndRunTimeChanges(Vertx vertx) {
    RateLimiter limiter = limiter(vertx, patient().setDenyCacheSize(0).setDefaultEndpointLimit(Limit.parse("2/1h")));
    assertThat(await(limiter.verifyAndLimit(null, null, "/search")).policy()).isEqualTo("endpoint");
    assertThat(await(limiter.verifyAndLimit(null, null, "/search")).allowed()).isTrue();
    assertThat(await(limiter.verifyAndLimit(null, null, "/search")).allowed()).isFalse();
    limiter.limits().setEndpoint("/search", new EndpointLimits(null, null, Limit.parse("10/1h")));
    Decision changed = await(limiter.verifyAndLimit(null, null, "/search"));
    assertThat(changed.limit()).isEqualTo(10);
    // 2 units of 30 min were spent: at 10 an hour the next one is 6 min away.
    assertThat(changed.retryAfterMs()).isBetween(5 * 60_000L, 6 * 60_000L);
    // A window given per call replaces the configured one (braces in the name stay inside the hash tag).
    Decision d = await(limiter.verifyAndLimit(null, null, "/a{b}c", Duration.ofSeconds(10)));
    assertThat(d.windowMs()).isEqualTo(10_000);
    assertThat(target().keys("rediskit:rl:g:v:*")).contains("rediskit:rl:g:v:{/a%7Bb%7Dc}:e");
  }

  private static Map<String, Decision> byPolicy(Decision d) {
    Map<String, Decision> m = new java.util.HashMap<>();
    d.limits().forEach(l -> m.put(l.policy(), l));
    return m;
  }

  // ---------------------------------------------------------------- deny cache and shadow mode

  @Test
  void aBlockedKeyCostsNoRedisCommandUntilItMayPass(Vertx vertx) {
    RateLimiter limiter = limiter(vertx, patient());
    String key = "blocked";
    // 2 per 2 s: after both, the next unit is 1 s away.
    assertThat(await(limiter.check(key, 2, Duration.ofSeconds(2))).allowed()).isTrue();
    assertThat(await(limiter.check(key, 2, Duration.ofSeconds(2))).allowed()).isTrue();
    Decision denied = await(limiter.check(key, 2, Duration.ofSeconds(2)));
    assertThat(denied.allowed()).isFalse();
    assertThat(denied.source()).isEqualTo(Source.REDIS);
    long before = target().calls("evalsha") + target().calls("eval");
    int local = 0;
    int early = 0;
    Decision last;
    while (true) {
      last = await(limiter.check(key, 2, Duration.ofSeconds(2)));
      if (last.source() == Source.DENY_CACHE) {
        local++;
        assertThat(last.allowed()).isFalse();
        assertThat(last.retryAfterMs()).isPositive().isLessThanOrEqualTo(denied.retryAfterMs());
      } else if (!last.allowed()) {
        // The entry ends at the call's start plus Redis' wait, so up to one round trip early
        // (longer if the call queued on a busy machine): then Redis is asked and says "a moment more".
        early++;
        assertThat(last.retryAfterMs()).isLessThanOrEqualTo(200);
      } else {
        break;
      }
    }
    assertThat(last.source()).isEqualTo(Source.REDIS);
    assertThat(local).isPositive();
    assertThat(early).isLessThanOrEqualTo(5);
    // While the key was blocked (about a second of checks), Redis saw no command for it.
    assertThat(target().calls("evalsha") + target().calls("eval") - before).isEqualTo(1 + early);
    assertThat(limiter.stats().denyCacheHits()).isEqualTo(local);
    // Another cost, another limit: not covered by the entry.
    assertThat(await(limiter.check("other", 2, Duration.ofSeconds(2))).source()).isEqualTo(Source.REDIS);
  }

  @Test
  void shadowModeDecidesAndCountsButNeverRejects(Vertx vertx) {
    RateLimiter limiter = limiter(vertx, patient().setShadowMode(true));
    assertThat(await(limiter.check("shadow", 1, Duration.ofHours(1))).allowed()).isTrue();
    Decision second = await(limiter.check("shadow", 1, Duration.ofHours(1)));
    assertThat(second.allowed()).isTrue();
    assertThat(second.shadowRejected()).isTrue();
    Decision third = await(limiter.check("shadow", 1, Duration.ofHours(1)));
    assertThat(third.shadowRejected()).isTrue();
    assertThat(limiter.stats().decisions(Outcome.SHADOW_REJECTED)).isEqualTo(2);
    assertThat(limiter.stats().decisions(Outcome.REJECTED)).isZero();
    limiter.shadowMode(false);
    assertThat(await(limiter.check("shadow", 1, Duration.ofHours(1))).allowed()).isFalse();
  }

  @Test
  void badArgumentsFailBeforeRedis(Vertx vertx) {
    // No default limits, so that an endpoint without limits of its own is refused.
    RateLimiter limiter = limiter(vertx, patient().setDefaultIpLimit(null).setDefaultTokenLimit(null));
    long before = target().calls("evalsha") + target().calls("eval");
    assertThatThrownBy(() -> await(limiter.check("k", 0, Duration.ofSeconds(1))))
      .isInstanceOf(InvalidRequestException.class).hasMessage("limit: must be > 0, was 0");
    assertThatThrownBy(() -> await(limiter.check("k", 5, Duration.ZERO)))
      .isInstanceOf(InvalidRequestException.class).hasMessage("window: must be > 0, was 0 ms");
    assertThatThrownBy(() -> await(limiter.check("k", 5, Duration.ofSeconds(1), 6)))
      .isInstanceOf(InvalidRequestException.class).hasMessage("cost: must be <= limit (5), was 6");
    assertThatThrownBy(() -> await(limiter.check(null, 5, Duration.ofSeconds(1))))
      .isInstanceOf(InvalidRequestException.class).hasMessage("key: is required");
    assertThatThrownBy(() -> await(limiter.verifyAndLimit("t", "not-an-ip", "/x")))
      .isInstanceOf(InvalidRequestException.class).hasMessage("ip: must be an IPv4 or IPv6 address, was \"not-an-ip\"");
    assertThatThrownBy(() -> await(limiter.verifyAndLimit("t", null, "/x")))
      .isInstanceOf(InvalidRequestException.class).hasMessageStartingWith("endpoint: no rate limit applies to \"/x\"");
    assertThat(target().calls("evalsha") + target().calls("eval")).isEqualTo(before);
  }

  static void awaitRedisDecision(RateLimiter limiter, String key) {
    Await.until(() -> await(limiter.check(key, 1_000_000, Duration.ofHours(1))).source() == Source.REDIS,
      Duration.ofSeconds(AWAIT_SECONDS), "Redis decisions to resume");
  }
}
