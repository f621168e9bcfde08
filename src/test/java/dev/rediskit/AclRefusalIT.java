package dev.rediskit;

import ch.qos.logback.classic.Level;
import dev.rediskit.error.RedisPermissionException;
import dev.rediskit.cache.LoadOptions;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.ratelimit.Decision;
import dev.rediskit.ratelimit.EndpointLimits;
import dev.rediskit.ratelimit.Limit;
import dev.rediskit.ratelimit.LimitChange;
import dev.rediskit.ratelimit.Permit;
import dev.rediskit.ratelimit.RateLimitOptions;
import dev.rediskit.ratelimit.RateLimiter;
import dev.rediskit.ratelimit.RateLimitOptions.FailurePolicy;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.eventbus.Addresses;
import dev.rediskit.eventbus.CacheClient;
import dev.rediskit.eventbus.CacheConsumers;
import dev.rediskit.eventbus.FailureCodes;
import dev.rediskit.metrics.MeterNames;
import dev.rediskit.metrics.MetricsBinding;
import dev.rediskit.metrics.RedisKitMetrics;
import dev.rediskit.test.Await;
import dev.rediskit.test.FaultProxy;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.LogCapture;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.rediskit.test.Futures.await;
import static dev.rediskit.test.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An ACL user that lacks what the module needs: RedisKit refuses to start and says what to grant; a permission
 * taken away while it runs leaves the limiter on its failure policy, loudly (typed failure, ERROR, counter,
 * degraded health), until it is granted again. Against a real redis-server, users changed with ACL SETUSER over
 * an admin connection (the default user).
 */
@IntegrationTest
class AclRefusalIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  static final String PASSWORD = "app-pw";
  /** The ACL line of docs/DEPLOYING.md, read from the page, so that the page says what this test grants. */
  static String documentedGrant() {
    try {
      String page = Files.readString(Path.of("docs", "DEPLOYING.md"));
      String start = "ACL SETUSER rediskit on >from-a-secret ";
      int from = page.indexOf(start);
      assertThat(from).as("the ACL line in docs/DEPLOYING.md").isPositive();
      String line = page.substring(from + start.length(), page.indexOf("```", from));
      return String.join(" ", line.trim().split("\\s+"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** (Re)creates an ACL user with the password and the rules, over the admin connection. */
  private static void user(RedisServer server, String name, String rules) {
    List<String> args = new ArrayList<>(List.of("ACL", "SETUSER", name, "reset", "on", ">" + PASSWORD));
    args.addAll(List.of(rules.split(" ")));
    server.command(args.toArray(String[]::new));
  }

  private static RedisKitOptions options(RedisServer server, String user) {
    return new RedisKitOptions().setEndpoint(server.uri()).setUser(user).setPassword(PASSWORD);
  }

  /** Connections of an ACL user still open on the server. */
  private static long connections(RedisServer server, String user) {
    return ((String) server.command("CLIENT", "LIST")).lines().filter(l -> l.contains(" user=" + user + " ")).count();
  }

  private static Throwable startFailure(Vertx vertx, RedisServer server, String user) {
    Throwable err = failure(RedisKit.create(vertx, "acl-" + user, options(server, user)));
    // Nothing left open: the gateway of the refused start is closed.
    Await.until(() -> connections(server, user) == 0, "the refused start's connections to close");
    return err;
  }

  @Test
  void aUserDeniedEvalshaAndEvalCannotStartAndIsToldWhatToGrant(Vertx vertx, RedisServer server) {
    user(server, "noeval", "~* &* +@all -evalsha -eval");
    Throwable err = startFailure(vertx, server, "noeval");
    assertThat(err).isInstanceOf(RedisPermissionException.class)
      .hasMessageStartingWith("RedisKit cannot start: rate limiter default: Redis refuses the command EVAL")
      .hasMessageContaining("NOPERM this user has no permissions to run the 'eval")
      .hasMessageContaining("on rediskit:rl:g:probe")
      .hasMessageContaining("grant the ACL user +evalsha +eval +time +get +set +pttl and the key pattern ~rediskit:rl:*")
      // The cache's lease script is refused alike, and said so in the same message.
      .hasMessageContaining("cache: Redis refuses")
      .hasMessageNotContaining(PASSWORD);
    assertThat(((RedisPermissionException) err).errorKind()).isEqualTo("NOPERM");
  }

  @Test
  void aKeyPatternWithoutTheLimitersFamilyCannotStart(Vertx vertx, RedisServer server) {
    user(server, "cacheonly", "~rediskit:c* &* +@all");
    Throwable err = startFailure(vertx, server, "cacheonly");
    assertThat(err).isInstanceOf(RedisPermissionException.class)
      .hasMessageContaining("rate limiter default: Redis refuses a key of the command")
      .hasMessageContaining("NOPERM this user has no permissions to access one of the keys")
      .hasMessageContaining("~rediskit:rl:*")
      .hasMessageNotContaining("cache: Redis refuses");
  }

  @Test
  void aCommandTheLimitersScriptCallsDeniedCannotStart(Vertx vertx, RedisServer server) {
    user(server, "notime", "~* &* +@all -time");
    Throwable err = startFailure(vertx, server, "notime");
    assertThat(err).isInstanceOf(RedisPermissionException.class)
      .hasMessageContaining("rate limiter default: Redis refuses a command the script calls")
      .hasMessageContaining("The user executing the script can't run this command")
      .hasMessageNotContaining("cache: Redis refuses");
  }

  @Test
  void aCommandTheLimitersScriptCallsOnlyOnExistingStateDeniedCannotStart(Vertx vertx, RedisServer server) {
    // GCRA's script calls PTTL only on a key the whole-millisecond script wrote: the probe runs that one too.
    user(server, "nopttl", "~* &* +@all -pttl");
    Throwable err = startFailure(vertx, server, "nopttl");
    assertThat(err).isInstanceOf(RedisPermissionException.class)
      .hasMessageContaining("rate limiter default: Redis refuses")
      .hasMessageContaining("on rediskit:rl:g:probe")
      .hasMessageContaining("+pttl")
      .hasMessageNotContaining("cache: Redis refuses");
  }

  @Test
  void storedLimitsThatCannotBeReadCannotStart(Vertx vertx, RedisServer server) {
    user(server, "nohgetall", "~* &* +@all -hgetall");
    Throwable err = failure(RedisKit.create(vertx, "acl-nohgetall", options(server, "nohgetall")
      .setRateLimit(new RateLimitOptions().setRuntimeLimits(true))));
    Await.until(() -> connections(server, "nohgetall") == 0, "the refused start's connections to close");
    assertThat(err).isInstanceOf(RedisPermissionException.class)
      .hasMessageContaining("rate limiter default: Redis refuses a command the script calls")
      .hasMessageContaining("rediskit:rl:l::probe")
      .hasMessageContaining("grant the ACL user +evalsha +eval +time +get +set +pttl +hgetall and the key pattern ~rediskit:rl:*");
    // Without runtimeLimits the limiter reads no stored limits, and HGETALL is not asked for.
    RedisKit kit = await(RedisKit.create(vertx, "acl-nohgetall-off", options(server, "nohgetall")));
    await(kit.close());
  }

  @Test
  void aKeyPatternOfTheCachesEntriesAloneCannotStart(Vertx vertx, RedisServer server) {
    // Entries only: the leases (cl) and the namespace versions (cv) a load and a read need are refused.
    user(server, "entriesonly", "~rediskit:c:* ~rediskit:rl:* &* +@all");
    Throwable err = startFailure(vertx, server, "entriesonly");
    assertThat(err).isInstanceOf(RedisPermissionException.class)
      .hasMessageContaining("cache: Redis refuses a key of the command on rediskit:cl::probe, rediskit:cv::probe")
      .hasMessageContaining("the key pattern ~rediskit:c*")
      .hasMessageNotContaining("rate limiter default: Redis refuses");
  }

  @Test
  void theCachesCommandsDeniedCannotStart(Vertx vertx, RedisServer server) {
    user(server, "nomget", "~* &* +@all -mget");
    Throwable err = startFailure(vertx, server, "nomget");
    assertThat(err).isInstanceOf(RedisPermissionException.class)
      .hasMessage("RedisKit cannot start: cache: Redis refuses the command MGET on rediskit:c::probe (MGET: NOPERM this user "
        + "has no permissions to run the 'mget' command" + (err.getMessage().contains("or its subcommand") ? " or its subcommand" : "")
        + "); grant the ACL user +get +mget +set +unlink +scan +incr +evalsha +eval +del and the key pattern ~rediskit:c*");
  }

  @Test
  void theDocumentedGrantStartsAndServes(Vertx vertx, RedisServer server) {
    user(server, "documented", documentedGrant());
    RedisKitOptions options = options(server, "documented")
      .setRateLimit(new RateLimitOptions().setRuntimeLimits(true).setLimitsRefreshMs(60_000));
    RedisKit kit = await(RedisKit.create(vertx, "acl-documented", options));
    Duration minute = Duration.ofMinutes(1);
    RateLimiter limiter = kit.rateLimiter();
    // What the module sends, feature by feature: every decision script, permits, stored limits, the cache's paths.
    everyLimiterFeature(limiter);
    RedisCache cache = kit.cache();
    await(cache.set("a", "b", minute));
    assertThat(await(cache.get("a"))).isEqualTo("b");
    assertThat(await(cache.namespace("users").getOrLoad("42", () -> Future.succeededFuture("ada"), LoadOptions.ttl(minute))))
      .isEqualTo("ada");
    await(cache.bumpVersion("users"));
    assertThat(await(cache.delete("a"))).isEqualTo(1);
    await(cache.flush("users"));
    await(cache.invalidateTag("t"));
    assertThat(limiter.stats().permissionRefusals()).isZero();
    assertThat(limiter.stats().decisions(Decision.Source.FALLBACK)).isZero();
    JsonObject health = await(kit.health().checkAsJson());
    assertThat(health.getString("status")).isEqualTo("UP");
    assertThat(health.getJsonObject("data").getBoolean("degraded")).as(health.encode()).isFalse();
    assertThat(health.getJsonObject("data").containsKey("warnings")).as(health.encode()).isFalse();
    await(kit.close());
  }

  @Test
  void aProbeThatRedisCannotAnswerIsNoRefusal(Vertx vertx, RedisServer server) {
    try (FaultProxy proxy = FaultProxy.start(vertx, server)) {
      RedisGateway gateway = await(RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(proxy.uri())
        .setCommandTimeoutMs(300)).ready());
      RateLimiter limiter = RateLimiter.create(vertx, gateway);
      proxy.blackhole();
      // Redis out of reach is the failure policy's case: the check does not refuse the start over it.
      await(limiter.verifyAccess());
      await(dev.rediskit.cache.RedisCache.create(vertx, gateway).verifyAccess());
      await(limiter.close());
      await(gateway.close());
    }
  }

  @Test
  void aPermissionTakenAwayAtRuntimeIsLoudAndOverWhenGrantedAgain(Vertx vertx, RedisServer server) {
    user(server, "app", "~* &* +@all");
    RedisKit kit = await(RedisKit.create(vertx, "acl-app", options(server, "app")));
    RateLimiter limiter = kit.rateLimiter();
    assertThat(limiter.options().getFailurePolicy()).isEqualTo(FailurePolicy.FAIL_OPEN);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MetricsBinding binding = RedisKitMetrics.create(vertx, registry).bindRateLimiter(limiter);
    Duration minute = Duration.ofMinutes(1);
    assertThat(await(limiter.check("k", 2, minute)).source()).isEqualTo(Decision.Source.REDIS);

    try (LogCapture log = LogCapture.of(RateLimiter.class.getName())) {
      server.command("ACL", "SETUSER", "app", "-evalsha", "-eval");
      for (int i = 0; i < 5; i++) {
        // Over the limit of 2, yet allowed: FAIL_OPEN decides, as for Redis unavailable.
        Decision d = await(limiter.check("k", 2, minute));
        assertThat(d.allowed()).isTrue();
        assertThat(d.source()).isEqualTo(Decision.Source.FALLBACK);
        assertThat(d.failure()).isInstanceOf(RedisPermissionException.class).hasMessageContaining("NOPERM");
        assertThat(((RedisPermissionException) d.failure()).errorKind()).isEqualTo("NOPERM");
      }
      assertThat(limiter.stats().permissionRefusals()).isEqualTo(5);
      assertThat(limiter.stats().toJson().getLong("permissionRefusals")).isEqualTo(5);
      assertThat(registry.get(MeterNames.RATELIMIT_PERMISSION_REFUSALS).tag(MeterNames.TAG_LIMITER, "default")
        .functionCounter().count()).isEqualTo(5.0);
      assertThat(log.messages(Level.ERROR, "rate limiter default: Redis refuses the command EVALSHA"))
        .as("one ERROR when it starts, not one per decision").hasSize(1);
      assertThat(log.messages(Level.WARN, "Redis cannot decide")).as("not taken for Redis unavailable").isEmpty();

      // Concurrency permits are refused alike, and reported as a component of their own.
      Permit permit = await(limiter.acquire("jobs", 1, Duration.ofSeconds(10)));
      assertThat(permit.acquired()).isTrue();
      assertThat(permit.source()).isEqualTo(Decision.Source.FALLBACK);

      JsonObject health = await(kit.health().checkAsJson());
      assertThat(health.getString("status")).isEqualTo("UP");
      JsonObject data = health.getJsonObject("data");
      assertThat(data.getBoolean("degraded")).isTrue();
      List<Object> reasons = data.getJsonArray("reasons").getList();
      assertThat(reasons).hasSize(2);
      assertThat((String) reasons.get(1)).startsWith("permission refused: rate limiter default (concurrency permits): Redis "
        + "refuses the command EVALSHA").contains("+zadd");
      assertThat((String) reasons.get(0)).as("in component order").startsWith("permission refused: rate limiter default: Redis refuses the command EVALSHA")
        .contains("grant the ACL user +evalsha +eval");

      server.command("ACL", "SETUSER", "app", "+evalsha", "+eval");
      Decision back = await(limiter.check("k", 2, minute));
      assertThat(back.source()).isEqualTo(Decision.Source.REDIS);
      assertThat(back.allowed()).as("the second of 2: the refused decisions were never counted in Redis").isTrue();
      Decision over = await(limiter.check("k", 2, minute));
      assertThat(over.source()).isEqualTo(Decision.Source.REDIS);
      assertThat(over.allowed()).as("Redis decides the limit again").isFalse();
      assertThat(log.messages(Level.INFO, "rate limiter default: Redis runs the limiter's commands again")).hasSize(1);
      Permit again = await(limiter.acquire("jobs", 1, Duration.ofSeconds(10)));
      assertThat(again.source()).isEqualTo(Decision.Source.REDIS);
      await(again.release());
      JsonObject cleared = await(kit.health().checkAsJson()).getJsonObject("data");
      assertThat(cleared.getBoolean("degraded")).as(cleared.encode()).isFalse();
      assertThat(limiter.stats().permissionRefusals()).isEqualTo(5);
    } finally {
      binding.close();
      await(kit.close());
    }
  }

  @Test
  void permitReleasesAndRenewalsRefusedAtRuntimeAreComponentsOfTheirOwn(Vertx vertx, RedisServer server) {
    user(server, "permits", "~* &* +@all");
    RedisKit kit = await(RedisKit.create(vertx, "acl-permits", options(server, "permits")));
    RateLimiter limiter = kit.rateLimiter();
    Duration lease = Duration.ofSeconds(30);
    try (LogCapture log = LogCapture.of(RateLimiter.class.getName())) {
      Permit held = await(limiter.acquire("jobs", 2, lease));
      assertThat(held.source()).isEqualTo(Decision.Source.REDIS);

      // The release script's ZREM denied: the acquire, which never calls it, goes on.
      server.command("ACL", "SETUSER", "permits", "-zrem");
      for (int i = 0; i < 3; i++) {
        assertThat(failure(held.release())).as("the caller is told, every time").isInstanceOf(RedisPermissionException.class);
      }
      assertThat(log.messages(Level.ERROR, "rate limiter default (permit releases): Redis refuses")).as("once, not per call")
        .hasSize(1);
      assertThat(log.messages(Level.ERROR, "rate limiter default (permit releases)").get(0))
        .contains("+zrem").contains("a released permit's place stays held until its lease ends");
      Permit other = await(limiter.acquire("jobs", 2, lease));
      assertThat(other.source()).isEqualTo(Decision.Source.REDIS);
      assertThat(other.held()).as("the refused release left its place held").isEqualTo(2);
      assertThat(await(other.renew(lease))).isTrue();
      List<Object> reasons = await(kit.health().checkAsJson()).getJsonObject("data").getJsonArray("reasons").getList();
      assertThat(reasons).as("an acquire and a renewal served do not end the releases' refusal").hasSize(1);
      assertThat((String) reasons.get(0)).startsWith("permission refused: rate limiter default (permit releases): Redis refuses");

      server.command("ACL", "SETUSER", "permits", "+zrem");
      assertThat(await(held.release())).as("a failed release may be tried again").isTrue();
      assertThat(log.messages(Level.INFO, "rate limiter default (permit releases): Redis runs the permit releases again"))
        .hasSize(1);
      JsonObject cleared = await(kit.health().checkAsJson()).getJsonObject("data");
      assertThat(cleared.getBoolean("degraded")).as(cleared.encode()).isFalse();

      // ZADD denied: renewals refused, and acquires (their own component, answered by the failure policy).
      server.command("ACL", "SETUSER", "permits", "-zadd");
      assertThat(failure(other.renew(lease))).isInstanceOf(RedisPermissionException.class);
      assertThat(await(limiter.acquire("jobs", 2, lease)).source()).isEqualTo(Decision.Source.FALLBACK);
      List<Object> both = await(kit.health().checkAsJson()).getJsonObject("data").getJsonArray("reasons").getList();
      assertThat(both).hasSize(2);
      assertThat((String) both.get(0)).startsWith("permission refused: rate limiter default (concurrency permits)");
      assertThat((String) both.get(1)).startsWith("permission refused: rate limiter default (permit renewals): Redis refuses")
        .contains("+zadd");
      assertThat(log.messages(Level.ERROR, "rate limiter default (permit renewals)").get(0))
        .contains("a permit ends when its lease does");

      server.command("ACL", "SETUSER", "permits", "+zadd");
      assertThat(await(other.renew(lease))).isTrue();
      assertThat(await(limiter.acquire("jobs", 2, lease)).source()).isEqualTo(Decision.Source.REDIS);
      assertThat(log.messages(Level.INFO, "rate limiter default (permit renewals): Redis runs the permit renewals again"))
        .hasSize(1);
      JsonObject over = await(kit.health().checkAsJson()).getJsonObject("data");
      assertThat(over.getBoolean("degraded")).as(over.encode()).isFalse();
      assertThat(limiter.stats().permissionRefusals()).as("the counter is of decisions only").isZero();
    } finally {
      await(kit.close());
    }
  }

  @Test
  void aCacheRefusedAtRuntimeIsOnTheBoardUntilEachRefusedCommandIsServedAgain(Vertx vertx, RedisServer server) {
    user(server, "cacheapp", "~* &* +@all");
    RedisKit kit = await(RedisKit.create(vertx, "acl-cacheapp", options(server, "cacheapp")));
    RedisCache cache = kit.cache();
    Duration minute = Duration.ofMinutes(1);
    await(cache.set("a", "b", minute));
    // The namespace's version is held now: a read sends only the entry's GET.
    assertThat(await(cache.get("a"))).isEqualTo("b");
    CacheConsumers consumers = await(CacheConsumers.register(vertx.eventBus(), "acl.", cache));
    CacheClient client = CacheClient.create(vertx, "acl.");
    try (LogCapture log = LogCapture.of(RedisCache.class.getName())) {
      server.command("ACL", "SETUSER", "cacheapp", "-get");
      for (int i = 0; i < 5; i++) {
        assertThat(failure(cache.get("a"))).isInstanceOf(RedisPermissionException.class).hasMessageContaining("NOPERM");
      }
      // Over the event bus: the documented 500, typed back as the refusal by the client.
      ReplyException reply = (ReplyException) failure(vertx.eventBus().request("acl." + Addresses.CACHE_GET,
        new JsonObject().put("key", "a")));
      assertThat(reply.failureCode()).isEqualTo(FailureCodes.INTERNAL);
      assertThat(reply.getMessage()).contains("NOPERM");
      assertThat(failure(client.get(RedisCache.DEFAULT_NAMESPACE, "a"))).isInstanceOf(RedisPermissionException.class)
        .hasMessageContaining("NOPERM");
      assertThat(log.messages(Level.ERROR, "cache: Redis refuses the command GET"))
        .as("one ERROR when it starts, not one per call").hasSize(1);
      assertThat(log.messages(Level.ERROR, "cache: Redis refuses").get(0))
        .contains("grant the ACL user +get +mget +set").contains("Its calls fail with a RedisPermissionException");

      JsonObject data = await(kit.health().checkAsJson()).getJsonObject("data");
      assertThat(data.getBoolean("degraded")).as(data.encode()).isTrue();
      assertThat(data.getJsonArray("reasons").getList()).hasSize(1);
      assertThat(data.getJsonArray("reasons").getString(0)).startsWith("permission refused: cache: Redis refuses the command GET")
        .contains("grant the ACL user +get +mget +set +unlink +scan +incr +evalsha +eval +del and the key pattern ~rediskit:c*");

      // A write Redis still serves does not end the refusal of reads: no report over and over while one command is denied.
      await(cache.set("a", "c", minute));
      assertThat(failure(cache.get("a"))).isInstanceOf(RedisPermissionException.class);
      assertThat(log.messages(Level.INFO, "cache: Redis serves the cache's commands again")).isEmpty();
      assertThat(await(kit.health().checkAsJson()).getJsonObject("data").getBoolean("degraded")).isTrue();
      assertThat(log.messages(Level.ERROR, "cache: Redis refuses")).hasSize(1);

      server.command("ACL", "SETUSER", "cacheapp", "+get");
      assertThat(await(cache.get("a"))).isEqualTo("c");
      assertThat(log.messages(Level.INFO, "cache: Redis serves the cache's commands again")).hasSize(1);
      JsonObject cleared = await(kit.health().checkAsJson()).getJsonObject("data");
      assertThat(cleared.getBoolean("degraded")).as(cleared.encode()).isFalse();
      assertThat(await(client.get(RedisCache.DEFAULT_NAMESPACE, "a"))).isEqualTo("c");
    } finally {
      await(client.close());
      await(consumers.unregister());
      await(kit.close());
    }
  }

  @Test
  void aStoredLimitsReadRefusedAtRuntimeIsOnTheBoardUntilReadAgain(Vertx vertx, RedisServer server) {
    user(server, "limitsapp", "~* &* +@all");
    // A refresh period no test run reaches: the reads below are the test's own.
    RedisKit kit = await(RedisKit.create(vertx, "acl-limitsapp", options(server, "limitsapp")
      .setRateLimit(new RateLimitOptions().setRuntimeLimits(true).setLimitsRefreshMs(3_600_000))));
    RateLimiter limiter = kit.rateLimiter();
    Duration minute = Duration.ofMinutes(1);
    await(limiter.admin().apply(new LimitChange().setEndpoint("/login",
      new EndpointLimits(Limit.of(10, minute), Limit.of(10, minute), Limit.of(100, minute)))));
    Await.until(() -> limiter.limits().endpoint("/login") != null, "the stored limits to be read back");
    try (LogCapture log = LogCapture.of(RateLimiter.class.getName())) {
      long failuresBefore = limiter.stats().limitRefreshFailures();
      // HGETALL is called inside the read's script: refused as "a command the script calls".
      server.command("ACL", "SETUSER", "limitsapp", "-hgetall");
      assertThat(failure(limiter.admin().refresh())).isInstanceOf(RedisPermissionException.class);
      assertThat(failure(limiter.admin().refresh())).isInstanceOf(RedisPermissionException.class);
      assertThat(limiter.stats().limitRefreshFailures()).isEqualTo(failuresBefore + 2);
      assertThat(limiter.limits().endpoint("/login")).as("the limits read last stay in force").isNotNull();
      assertThat(log.messages(Level.ERROR, "rate limiter default (stored limits): Redis refuses a command the script calls"))
        .hasSize(1);
      assertThat(log.messages(Level.WARN, "cannot read the stored limits")).as("not taken for Redis unavailable").isEmpty();
      // Decisions are not refused: the board names the stored limits alone.
      assertThat(await(limiter.check("k", 10, minute)).source()).isEqualTo(Decision.Source.REDIS);
      JsonObject data = await(kit.health().checkAsJson()).getJsonObject("data");
      assertThat(data.getBoolean("degraded")).as(data.encode()).isTrue();
      assertThat(data.getJsonArray("reasons").getList()).hasSize(1);
      assertThat(data.getJsonArray("reasons").getString(0))
        .startsWith("permission refused: rate limiter default (stored limits): Redis refuses a command the script calls")
        .contains("+hgetall");

      server.command("ACL", "SETUSER", "limitsapp", "+hgetall");
      await(limiter.admin().refresh());
      assertThat(log.messages(Level.INFO, "rate limiter default (stored limits): Redis serves the stored limits again"))
        .hasSize(1);
      JsonObject cleared = await(kit.health().checkAsJson()).getJsonObject("data");
      assertThat(cleared.getBoolean("degraded")).as(cleared.encode()).isFalse();
    } finally {
      await(kit.close());
    }
  }

  /**
   * What the limiter sends, feature by feature, each decided by Redis: every decision script (GCRA in
   * whole and in fractional milliseconds, with a burst, a service limit), stored limits written and
   * read back, a verified (token, ip, endpoint) check, and a concurrency permit acquired, renewed and
   * released. The limiter must have {@code runtimeLimits} on.
   */
  static void everyLimiterFeature(RateLimiter limiter) {
    Duration minute = Duration.ofMinutes(1);
    assertThat(await(limiter.check("k", 10, minute)).source()).isEqualTo(Decision.Source.REDIS);
    assertThat(await(limiter.check("k", 3, Duration.ofSeconds(1))).source()).isEqualTo(Decision.Source.REDIS);
    assertThat(await(limiter.check("k2", 10, minute, Duration.ofMillis(100))).source()).isEqualTo(Decision.Source.REDIS);
    assertThat(await(limiter.serviceLimit("mailer", 10, minute)).source()).isEqualTo(Decision.Source.REDIS);
    await(limiter.admin().apply(new LimitChange().setEndpoint("/login",
      new EndpointLimits(Limit.of(10, minute), Limit.of(10, minute), Limit.of(100, minute)))));
    Await.until(() -> limiter.limits().endpoint("/login") != null, "the stored limits to be read back");
    assertThat(await(limiter.verifyAndLimit("token-1", "10.0.0.1", "/login")).source()).isEqualTo(Decision.Source.REDIS);
    Permit permit = await(limiter.acquire("jobs", 2, Duration.ofSeconds(10)));
    assertThat(permit.source()).isEqualTo(Decision.Source.REDIS);
    assertThat(await(limiter.renew("jobs", permit.id(), Duration.ofSeconds(10)))).isTrue();
    assertThat(await(permit.release())).isTrue();
  }
}
