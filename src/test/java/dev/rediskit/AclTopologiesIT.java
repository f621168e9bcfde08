package dev.rediskit;

import dev.rediskit.cache.CacheNamespace;
import dev.rediskit.cache.CacheOptions;
import dev.rediskit.cache.CacheResult;
import dev.rediskit.cache.LoadOptions;
import dev.rediskit.cache.NamespaceOptions;
import dev.rediskit.cache.NearCacheOptions;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.client.TrackingLink;
import dev.rediskit.ratelimit.Decision;
import dev.rediskit.ratelimit.RateLimitOptions;
import dev.rediskit.ratelimit.RateLimiter;
import dev.rediskit.test.Await;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.LogCapture;
import dev.rediskit.test.RedisCluster;
import dev.rediskit.test.RedisSentinel;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import dev.rediskit.test.TlsCertificates;
import ch.qos.logback.classic.Level;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisClientType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import static dev.rediskit.test.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * RedisKit as the ACL user of docs/DEPLOYING.md on a 3-master cluster and behind Sentinel: each node and Sentinel is
 * given exactly the grants the page lists for its topology (read from the page, so the two cannot drift apart), and
 * every feature runs without a refusal. Every server's {@code ACL LOG} is checked to be empty at the end, so that a
 * refusal the module survives (a retry, a fallback) fails the test too. Both topologies run in plain text and again
 * over TLS (their own servers, started by the test).
 */
@IntegrationTest
class AclTopologiesIT {

  @RegisterExtension
  static final RedisServers redis = new RedisServers();

  static final String USER = "rediskit";
  static final String PASSWORD = "app-pw";
  static final String NS = "hot";
  /** A failover and a first connect on a loaded 2-core machine take seconds; the bound only stops a hung test. */
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  /**
   * The rules of the {@code ACL SETUSER rediskit ...} block that follows a marker comment of docs/DEPLOYING.md
   * ({@code <!-- acl-grant: NAME -->}), without the user's {@code on >password}, which the test sets itself.
   */
  static String documented(String name) {
    try {
      String page = Files.readString(Path.of("docs", "DEPLOYING.md"));
      String marker = "<!-- acl-grant: " + name + " -->";
      int at = page.indexOf(marker);
      assertThat(at).as("the marker %s in docs/DEPLOYING.md", marker).isPositive();
      String start = "ACL SETUSER " + USER + " ";
      int from = page.indexOf(start, at);
      int fence = page.indexOf("```", at);
      assertThat(from).as("an ACL SETUSER block right after %s", marker).isGreaterThan(fence);
      String block = page.substring(from + start.length(), page.indexOf("```", from));
      return List.of(block.trim().split("\\s+")).stream()
        .filter(t -> !t.equals("on") && !t.equals(">from-a-secret"))
        .collect(Collectors.joining(" "));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** (Re)creates the user with the test's password and the rules, over the server's admin (default) user. */
  private static void grant(RedisServer server, String rules) {
    List<String> args = new ArrayList<>(List.of("ACL", "SETUSER", USER, "reset", "on", ">" + PASSWORD));
    args.addAll(List.of(rules.split(" ")));
    server.command(args.toArray(String[]::new));
    server.command("ACL", "LOG", "RESET");
  }

  /** Adds rules to the existing user. */
  private static void add(RedisServer server, String rules) {
    List<String> args = new ArrayList<>(List.of("ACL", "SETUSER", USER));
    args.addAll(List.of(rules.split(" ")));
    server.command(args.toArray(String[]::new));
  }

  /** What each server refused, for the assertion's message: {@code ACL LOG} entries as text, per server. */
  private static String refusals(List<RedisServer> servers) {
    StringBuilder out = new StringBuilder();
    for (RedisServer server : servers) {
      List<?> log = (List<?>) server.command("ACL", "LOG");
      for (Object entry : log) {
        List<?> e = (List<?>) entry;
        Map<String, Object> fields = new java.util.LinkedHashMap<>();
        for (int i = 0; i + 1 < e.size(); i += 2) {
          fields.put(String.valueOf(e.get(i)), e.get(i + 1));
        }
        out.append(server).append(": ").append(fields.get("reason")).append(' ').append(fields.get("object"))
          .append(" (user ").append(fields.get("username")).append(", context ").append(fields.get("context"))
          .append(")\n");
      }
    }
    return out.toString();
  }

  /** How many refusals a server logged: ACL LOG folds repeated ones into one entry with a count. */
  private static long refusalCount(RedisServer server) {
    long count = 0;
    for (Object entry : (List<?>) server.command("ACL", "LOG")) {
      List<?> e = (List<?>) entry;
      for (int i = 0; i + 1 < e.size(); i += 2) {
        if ("count".equals(String.valueOf(e.get(i)))) {
          count += (Long) e.get(i + 1);
        }
      }
    }
    return count;
  }

  private static RedisKitOptions options(RedisClientType type, List<String> endpoints) {
    RedisKitOptions options = new RedisKitOptions().setType(type).setEndpoints(endpoints)
      .setUser(USER).setPassword(PASSWORD).setConnectTimeoutMs(10_000)
      .setCache(new CacheOptions().putNamespace(NS, new NamespaceOptions().setNearCache(new NearCacheOptions().setEnabled(true))))
      .setRateLimit(new RateLimitOptions().setRuntimeLimits(true).setLimitsRefreshMs(60_000));
    return options;
  }

  /** TLS with the test certificates' CA and hostname verification, as a deployment would have it. */
  private static UnaryOperator<RedisKitOptions> tls(TlsCertificates certs) {
    return options -> options.setTlsCaPath(certs.caCert().toString()).setTlsHostnameVerification(true);
  }

  @Test
  void theDocumentedClusterGrantServesEveryFeature(Vertx vertx, RedisCluster cluster) {
    clusterServesEveryFeature(vertx, cluster, UnaryOperator.identity());
  }

  @Test
  void theDocumentedClusterGrantServesEveryFeatureOverTls(Vertx vertx) {
    // The grants do not depend on the transport; what TLS adds is a connection per master, the tracking links and the
    // slot map's TLS ports, each logging in as the user.
    TlsCertificates certs = TlsCertificates.shared();
    try (RedisCluster cluster = RedisCluster.builder().tls(certs).start()) {
      clusterServesEveryFeature(vertx, cluster, tls(certs));
    }
  }

  private static void clusterServesEveryFeature(Vertx vertx, RedisCluster cluster, UnaryOperator<RedisKitOptions> transport) {
    for (RedisServer node : cluster.nodes()) {
      grant(node, documented("standalone"));
      add(node, documented("cluster"));
    }
    RedisKitOptions options = transport.apply(options(RedisClientType.CLUSTER, cluster.endpoints()));
    RedisKit kit = await(RedisKit.create(vertx, "acl-cluster", options));
    RedisGateway other = await(RedisGateway.create(vertx, options, "writer").ready());
    try {
      exercise(vertx, kit, other);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\nrefused: " + refusals(cluster.nodes()), e);
    } finally {
      await(other.close());
      await(kit.close());
    }
    assertThat(refusals(cluster.nodes())).as("what the nodes refused").isEmpty();
  }

  @Test
  void theDocumentedSentinelGrantServesEveryFeatureAndFollowsAFailover(Vertx vertx, RedisSentinel setup) {
    sentinelServesEveryFeatureAndFollowsAFailover(vertx, setup, UnaryOperator.identity());
  }

  @Test
  void theDocumentedSentinelGrantServesEveryFeatureAndFollowsAFailoverOverTls(Vertx vertx) {
    // Sentinels on TLS ports, talking TLS to the data nodes: the gateway asks them as the user, then logs in to the
    // master (and, after the failover, to the promoted one) over TLS.
    TlsCertificates certs = TlsCertificates.shared();
    try (RedisSentinel setup = RedisSentinel.builder().tls(certs).start()) {
      sentinelServesEveryFeatureAndFollowsAFailover(vertx, setup, tls(certs));
    }
  }

  private static void sentinelServesEveryFeatureAndFollowsAFailover(Vertx vertx, RedisSentinel setup,
                                                                    UnaryOperator<RedisKitOptions> transport) {
    List<RedisServer> data = List.of(setup.master(), setup.replica());
    for (RedisServer node : data) {
      grant(node, documented("standalone"));
    }
    for (RedisServer sentinel : setup.sentinels()) {
      grant(sentinel, documented("sentinel"));
    }
    List<RedisServer> all = new ArrayList<>(data);
    all.addAll(setup.sentinels());
    RedisKitOptions options = transport.apply(options(RedisClientType.SENTINEL, setup.sentinelEndpoints())
      .setMasterName(setup.masterName()));
    RedisKit kit = await(RedisKit.create(vertx, "acl-sentinel", options));
    RedisGateway other = await(RedisGateway.create(vertx, options, "writer").ready());
    try {
      try {
        exercise(vertx, kit, other);
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "\nrefused: " + refusals(all), e);
      }
      assertThat(refusals(all)).as("what the data nodes and Sentinels refused").isEmpty();

      RedisServer before = setup.currentMaster();
      setup.sentinel().command("SENTINEL", "FAILOVER", setup.masterName());
      RedisServer after = setup.awaitNewMaster(before);
      // The gateway hears +switch-master (or finds out on reconnect) and connects to the promoted master as the
      // ACL user; until then a write may fail (READONLY, a closed connection).
      Await.until(() -> await(kit.cache().set("where", "after", Duration.ofMinutes(1)).map(true).otherwise(false))
          && "after".equals(await(kit.cache().get("where"))), TIMEOUT, "the cache to write to the promoted master " + after);
      assertThat(await(kit.rateLimiter().check("after", 10, Duration.ofMinutes(1))).source()).isEqualTo(Decision.Source.REDIS);
      Await.until(() -> {
        JsonObject health = await(kit.health().checkAsJson());
        return "UP".equals(health.getString("status")) && !health.getJsonObject("data").getBoolean("degraded")
          && !health.getJsonObject("data").containsKey("warnings");
      }, TIMEOUT, () -> "health UP, not degraded, no warnings after the failover: " + await(kit.health().checkAsJson()).encode());
    } finally {
      await(other.close());
      await(kit.close());
    }
    assertThat(refusals(all)).as("what the data nodes and Sentinels refused").isEmpty();
  }

  @Test
  void aClusterUserWithoutSubscribeIsToldWhyTheNearCacheIsBypassed(Vertx vertx, RedisCluster cluster) {
    String withoutSubscribe = documented("standalone").replace("+subscribe ", "");
    assertThat(withoutSubscribe).isNotEqualTo(documented("standalone"));
    for (RedisServer node : cluster.nodes()) {
      grant(node, withoutSubscribe);
      add(node, documented("cluster"));
    }
    try (LogCapture log = LogCapture.of(RedisGateway.class.getName())) {
      RedisKit kit = await(RedisKit.create(vertx, "acl-nosubscribe", options(RedisClientType.CLUSTER, cluster.endpoints())));
      try {
        // Before, the refused SUBSCRIBE left the link CONNECTING with no error and no log line.
        Await.until(() -> String.valueOf(kit.gateway().status().tracking().getString("lastError")).contains("SUBSCRIBE"),
          TIMEOUT, () -> "the tracking link to say why it is not confirmed: " + kit.gateway().status().tracking());
        assertThat(kit.gateway().status().tracking().getString("lastError"))
          .contains("Redis refuses SUBSCRIBE __redis__:invalidate (NOPERM")
          .contains("grant the ACL user +subscribe and the channel (resetchannels &__redis__:invalidate)");
        assertThat(kit.gateway().status().tracking().getString("state")).isNotEqualTo(TrackingLink.State.CONFIRMED.name());
        assertThat(log.messages(Level.WARN, "Redis refuses SUBSCRIBE __redis__:invalidate")).isNotEmpty();
      } finally {
        await(kit.close());
      }
    }
  }

  @Test
  void aSentinelUserWithoutSubscribeIsSaidOnceAndTheGatewayStillServes(Vertx vertx, RedisSentinel setup) {
    for (RedisServer node : List.of(setup.master(), setup.replica())) {
      grant(node, documented("standalone"));
    }
    String withoutSubscribe = documented("sentinel").replace("+subscribe ", "");
    assertThat(withoutSubscribe).isNotEqualTo(documented("sentinel"));
    for (RedisServer sentinel : setup.sentinels()) {
      grant(sentinel, withoutSubscribe);
    }
    try (LogCapture log = LogCapture.of(RedisGateway.class.getName())) {
      RedisKitOptions options = options(RedisClientType.SENTINEL, setup.sentinelEndpoints()).setMasterName(setup.masterName());
      RedisKit kit = await(RedisKit.create(vertx, "acl-sentinel-nosubscribe", options));
      try {
        // Before, the refused subscription passed for a working one, without a word even at DEBUG.
        Await.until(() -> !log.messages(Level.WARN, "refuses SUBSCRIBE +switch-master").isEmpty(), TIMEOUT,
          "a WARN about the refused +switch-master subscription");
        assertThat(log.messages(Level.WARN, "refuses SUBSCRIBE +switch-master").get(0))
          .contains("NOPERM").contains("grant the Sentinels' user +subscribe and the channel (resetchannels &+switch-master)");
        assertThat(await(kit.rateLimiter().check("k", 10, Duration.ofMinutes(1))).source()).isEqualTo(Decision.Source.REDIS);
        // Retried every second, said once.
        Await.until(() -> refusalCount(setup.sentinel()) >= 2, TIMEOUT, "a retried subscription");
        assertThat(log.messages(Level.WARN, "refuses SUBSCRIBE +switch-master")).hasSize(setup.sentinels().size());
      } finally {
        await(kit.close());
      }
    }
  }

  @Test
  void sentinelsWithoutTheUserFailTheStartWithWhatTheyAnswered(Vertx vertx, RedisSentinel setup) {
    for (RedisServer node : List.of(setup.master(), setup.replica())) {
      grant(node, documented("standalone"));
    }
    // Open Sentinels (no rediskit user), an ACL user on the data nodes only: the client logs in to both as the user.
    for (RedisServer sentinel : setup.sentinels()) {
      sentinel.command("ACL", "DELUSER", USER);
    }
    RedisKitOptions options = options(RedisClientType.SENTINEL, setup.sentinelEndpoints()).setMasterName(setup.masterName());
    Throwable err = dev.rediskit.test.Futures.failure(RedisKit.create(vertx, "acl-open-sentinels", options));
    assertThat(err).hasMessageStartingWith("RedisKit cannot start").hasMessageContaining("WRONGPASS")
      .hasMessageContaining("every Sentinel needs the same user and password")
      .hasMessageNotContaining(PASSWORD);
  }

  /** Every feature once, as the ACL user: the cache, the limiter, the near cache's tracking and health. */
  private static void exercise(Vertx vertx, RedisKit kit, RedisGateway other) {
    Duration minute = Duration.ofMinutes(1);
    RateLimiter limiter = kit.rateLimiter();
    AclRefusalIT.everyLimiterFeature(limiter);

    RedisCache cache = kit.cache();
    CacheNamespace<Object> users = cache.namespace("users");
    // Keys on every master of a cluster: the flush below walks them all.
    for (int i = 0; i < 30; i++) {
      await(users.set("u" + i, "v" + i, minute));
    }
    assertThat(await(users.get("u1"))).isEqualTo("v1");
    assertThat(await(users.getMany(List.of("u1", "u2", "missing")))).containsOnlyKeys("u1", "u2");
    assertThat(await(users.getOrLoad("42", () -> Future.succeededFuture("ada"), LoadOptions.ttl(minute)))).isEqualTo("ada");
    await(cache.bumpVersion("tmp"));
    await(cache.invalidateTag("t"));
    assertThat(await(cache.flush("users"))).isGreaterThanOrEqualTo(31);
    assertThat(await(users.get("u1"))).isNull();

    // The near cache: a write by another client (a second gateway as the same user) reaches it as an invalidation.
    Await.until(() -> kit.gateway().status().tracking() != null
        && TrackingLink.State.CONFIRMED.name().equals(kit.gateway().status().tracking().getString("state")),
      TIMEOUT, () -> "tracking link not confirmed: " + kit.gateway().status().tracking());
    CacheNamespace<Object> near = cache.namespace(NS);
    CacheNamespace<Object> writer = RedisCache.create(vertx, other).namespace(NS);
    await(writer.set("k", "v1"));
    Await.until(() -> {
      await(near.get("k"));
      return await(near.lookup("k")).source() == CacheResult.Source.NEAR;
    }, TIMEOUT, "k never cached locally");
    await(writer.set("k", "v2"));
    Await.until(() -> "v2".equals(await(near.get("k"))), TIMEOUT, "the near cache never saw the other client's write");
    assertThat(cache.nearCacheStats().get(NS).invalidations()).isPositive();

    assertThat(limiter.stats().permissionRefusals()).isZero();
    assertThat(limiter.stats().decisions(Decision.Source.FALLBACK)).isZero();
    JsonObject health = await(kit.health().checkAsJson());
    assertThat(health.getString("status")).as(health.encode()).isEqualTo("UP");
    assertThat(health.getJsonObject("data").getBoolean("degraded")).as(health.encode()).isFalse();
    assertThat(health.getJsonObject("data").containsKey("warnings")).as(health.encode()).isFalse();
  }
}
