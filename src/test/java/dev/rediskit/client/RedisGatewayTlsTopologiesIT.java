package dev.rediskit.client;

import dev.rediskit.RedisKit;
import dev.rediskit.RedisKitOptions;
import dev.rediskit.cache.CacheNamespace;
import dev.rediskit.cache.CacheOptions;
import dev.rediskit.cache.CacheResult;
import dev.rediskit.cache.NamespaceOptions;
import dev.rediskit.cache.NearCacheOptions;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.ratelimit.Decision;
import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.test.Await;
import dev.rediskit.test.RedisBinary;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisCluster;
import dev.rediskit.test.RedisSentinel;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import dev.rediskit.test.TlsCertificates;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.rediskit.test.Futures.await;
import static dev.rediskit.test.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway, the cache, the rate limiter and the near cache's tracking links over TLS on a
 * TLS-only Redis Cluster (cluster bus and replication on TLS too) and a TLS-only Sentinel setup
 * (Sentinels on {@code tls-port}, talking TLS to the nodes they monitor), with CA and hostname
 * checks on: the nodes announce {@code 127.0.0.1}, which the shared test certificate names, while
 * the seeds are {@code rediss://localhost:PORT}. A slot move (MOVED), a cluster master killed and a
 * Sentinel failover are followed over TLS. The Sentinel setup's data nodes also serve a REPLICATION gateway.
 *
 * <p>With a certificate that names {@code localhost} only ({@link TlsCertificates#namesOnly()}),
 * as managed services' certificates name hosts: announced IPs are refused with a message saying
 * what the servers must announce, and announced host names work (a cluster on Redis 7 only, which
 * the cluster's settings need). Plain Sentinels in front of TLS data nodes fail with a message
 * saying that the master takes the Sentinels' scheme.
 */
@IntegrationTest
class RedisGatewayTlsTopologiesIT {

  @RegisterExtension
  static final RedisServers cluster = RedisServers.cluster().tls();

  @RegisterExtension
  static final RedisServers sentinel = RedisServers.sentinel().tls();

  /** Sentinel detection and promotion take seconds; a minute only guards against a hang on a busy machine. */
  private static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(60);

  private static RedisKitOptions tls(RedisKitOptions options) {
    // A generous connect timeout: the first TLS connection of a JVM builds the TLS context (seconds on a loaded
    // 2-core machine), and a cluster client opens one connection per master at start.
    return options.setTlsCaPath(cluster.tlsCertificates().caCert().toString()).setTlsHostnameVerification(true)
      .setConnectTimeoutMs(10_000);
  }

  private static RedisKitOptions clusterOptions() {
    return tls(new RedisKitOptions().setType(RedisClientType.CLUSTER).setEndpoints(cluster.endpoints()));
  }

  private static RedisKitOptions sentinelOptions() {
    RedisSentinel setup = sentinel.redisSentinel();
    return tls(new RedisKitOptions().setType(RedisClientType.SENTINEL).setEndpoints(setup.sentinelEndpoints())
      .setMasterName(setup.masterName()));
  }

  // ---------------------------------------------------------------- cluster

  @Test
  void theClusterServesTlsOnlyAndAnnouncesItsTlsPorts() {
    RedisCluster redis = cluster.redisCluster();
    assertThat(redis.endpoints()).allSatisfy(e -> assertThat(e).startsWith("rediss://localhost:"));
    for (RedisServer node : redis.nodes()) {
      assertThat(node.command("CONFIG", "GET", "port")).isEqualTo(List.of("port", "0"));
      assertThat(node.command("CONFIG", "GET", "tls-cluster")).isEqualTo(List.of("tls-cluster", "yes"));
    }
    for (Object range : (List<?>) redis.node(0).command("CLUSTER", "SLOTS")) {
      List<?> master = (List<?>) ((List<?>) range).get(2);
      assertThat(master.get(0)).isEqualTo("127.0.0.1");
      int port = ((Long) master.get(1)).intValue();
      assertThat(redis.masters()).anySatisfy(m -> assertThat(m.port()).isEqualTo(port));
    }
  }

  @Test
  void clusterCommandsReachEveryMasterOverTls(Vertx vertx) {
    commandsReachEveryMaster(vertx, cluster.redisCluster(), clusterOptions());
  }

  @Test
  void aSlotMovedToAnotherMasterIsFollowedThroughMovedOverTls(Vertx vertx) {
    followsMoved(vertx, cluster.redisCluster(), clusterOptions());
  }

  @Test
  void cacheAndRateLimiterThroughRedisKitOnTheCluster(Vertx vertx) {
    cacheAndRateLimiter(vertx, "tls-cluster", clusterOptions());
  }

  @Test
  void nearCacheTrackingLinksOverTlsOnTheCluster(Vertx vertx) {
    nearCacheInvalidations(vertx, cluster.redisCluster(), clusterOptions());
  }

  /** SET on a key of every master, a batch of GETs, a script per master. */
  static void commandsReachEveryMaster(Vertx vertx, RedisCluster redis, RedisKitOptions options) {
    RedisGateway gw = await(RedisGateway.create(vertx, options).ready());
    try {
      Map<Integer, String> keyPerMaster = keyPerMaster(redis);
      List<Future<Response>> sets = new ArrayList<>();
      keyPerMaster.values().forEach(k -> sets.add(gw.send(Request.cmd(Command.SET).arg(k).arg("v-" + k))));
      await(Future.all(sets));
      List<Request> gets = keyPerMaster.values().stream().map(k -> Request.cmd(Command.GET).arg(k)).toList();
      List<Response> values = await(gw.batch(gets));
      int i = 0;
      for (String k : keyPerMaster.values()) {
        assertThat(values.get(i++).toString()).isEqualTo("v-" + k);
      }
      for (RedisServer m : redis.masters()) {
        // Each master holds the key that hashes to it: the gateway talked TLS to every one of them.
        assertThat(m.command("GET", keyPerMaster.get(m.port()))).isEqualTo("v-" + keyPerMaster.get(m.port()));
      }
      Script echo = Script.of("redis.call('SET', KEYS[1], ARGV[1]); return redis.call('GET', KEYS[1])");
      for (String k : keyPerMaster.values()) {
        assertThat(await(gw.eval(echo, List.of(k), List.of("e"))).toString()).isEqualTo("e");
      }
      assertThat(await(gw.masters())).hasSize(3);
      assertThat(gw.status().connectionState()).isEqualTo(GatewayStatus.ConnectionState.CONNECTED);
    } finally {
      await(gw.close());
    }
  }

  /**
   * A slot moved to another master (empty: the key is deleted first, so no key migration is needed); the old owner
   * answers the gateway's next write to it with MOVED, and the client follows to the new owner over TLS.
   */
  private static void followsMoved(Vertx vertx, RedisCluster redis, RedisKitOptions options) {
    redis.flushAll();
    RedisGateway gw = await(RedisGateway.create(vertx, options).ready());
    String key = "moving-key";
    int slot = KeySlots.slot(key);
    RedisServer original = redis.masterForSlot(slot);
    try {
      await(gw.send(Request.cmd(Command.SET).arg(key).arg("before")));
      await(gw.send(Request.cmd(Command.DEL).arg(key)));
      // The client refreshes its slot map every second on its own; a write landing after such a refresh goes to
      // the new owner directly, without MOVED. Moving on (bounded) until a write got a MOVED keeps the test about
      // the redirect; one move is nearly always enough, the refresh being rare against the milliseconds it takes.
      boolean redirected = false;
      for (int attempt = 1; attempt <= 10 && !redirected; attempt++) {
        RedisServer from = redis.masterForSlot(slot);
        RedisServer to = redis.masters().stream().filter(m -> m != from).findFirst().orElseThrow();
        assign(redis, slot, to);
        long movedBefore = moved(from);
        await(gw.send(Request.cmd(Command.SET).arg(key).arg("after-" + attempt)));
        assertThat(to.command("GET", key)).isEqualTo("after-" + attempt);
        assertThat(await(gw.send(Request.cmd(Command.GET).arg(key))).toString()).isEqualTo("after-" + attempt);
        await(gw.send(Request.cmd(Command.DEL).arg(key)));
        redirected = moved(from) > movedBefore;
      }
      assertThat(redirected).as("a write answered MOVED by the slot's old owner").isTrue();
    } finally {
      await(gw.close());
      redis.flushAll();
      assign(redis, slot, original);
    }
  }

  /** A near cache's tracking link on every master delivers invalidations, the module's and another client's. */
  static void nearCacheInvalidations(Vertx vertx, RedisCluster redis, RedisKitOptions clusterOptions) {
    RedisKitOptions options = new RedisKitOptions(clusterOptions).setKeyPrefix("n");
    RedisGateway reader = await(RedisGateway.create(vertx, options, "reader").ready());
    RedisGateway writer = await(RedisGateway.create(vertx, options, "writer").ready());
    try {
      RedisCache near = RedisCache.create(vertx, reader, new CacheOptions()
        .putNamespace("hot", new NamespaceOptions().setNearCache(new NearCacheOptions().setEnabled(true))));
      CacheNamespace<Object> a = near.namespace("hot");
      CacheNamespace<Object> b = RedisCache.create(vertx, writer).namespace("hot");
      awaitTrackingConfirmed(reader);
      // One key per master: each master's tracking link must deliver its invalidations.
      Map<Integer, String> keys = new HashMap<>();
      for (int i = 0; keys.size() < redis.masters().size(); i++) {
        String k = "k" + i;
        keys.putIfAbsent(redis.masterForSlot(KeySlots.slot("n:c:hot:0:" + k)).port(), k);
      }
      for (String k : keys.values()) {
        await(b.set(k, "v1"));
        Await.until(() -> {
          await(a.get(k));
          return await(a.lookup(k)).source() == CacheResult.Source.NEAR;
        }, Duration.ofSeconds(30), k + " never cached locally");
      }
      long invalidations = near.nearCacheStats().get("hot").invalidations();
      for (String k : keys.values()) {
        await(b.set(k, "v2"));
      }
      for (String k : keys.values()) {
        Await.until(() -> "v2".equals(await(a.get(k))), Duration.ofSeconds(30), "the near copy of " + k + " stayed v1");
      }
      assertThat(near.nearCacheStats().get("hot").invalidations()).isGreaterThanOrEqualTo(invalidations + keys.size());
      // A client other than the module writes: the invalidation still arrives over the TLS tracking link.
      String k = keys.values().iterator().next();
      Await.until(() -> {
        await(a.get(k));
        return await(a.lookup(k)).source() == CacheResult.Source.NEAR;
      }, Duration.ofSeconds(30), k + " never cached locally again");
      String redisKey = "n:c:hot:0:" + k;
      redis.masterForSlot(KeySlots.slot(redisKey)).command("DEL", redisKey);
      Await.until(() -> !await(a.lookup(k)).found(), Duration.ofSeconds(30), "the outside DEL never reached the near cache");
    } finally {
      await(reader.close());
      await(writer.close());
    }
  }

  @Test
  void aClusterMasterKilledIsReplacedByItsReplicaOverTls(Vertx vertx) {
    try (RedisCluster redis = RedisCluster.builder().tls(cluster.tlsCertificates()).replicasPerMaster(1)
        .eachNode(n -> n.config("cluster-require-full-coverage no")).start()) {
      RedisGateway gw = await(RedisGateway.create(vertx, tls(new RedisKitOptions().setType(RedisClientType.CLUSTER)
        .setEndpoints(redis.endpoints()))).ready());
      try {
        RedisServer dead = redis.masters().get(0);
        RedisServer heir = redis.replicas().get(0);
        String key = keyPerMaster(redis).get(dead.port());
        await(gw.send(Request.cmd(Command.SET).arg(key).arg("before")));
        redis.killNode(0);
        // The replica is promoted after cluster-node-timeout (3 s) and the election; the gateway rebuilds its
        // cluster connection (TLS seeds, TLS nodes) once the slot map names it.
        Await.until(() -> await(gw.send(Request.cmd(Command.SET).arg(key).arg("after")).map(true).otherwise(false))
            && "after".equals(heir.command("GET", key)),
          FAILOVER_TIMEOUT, "writes on the dead master's slots to reach its promoted replica " + heir);
        assertThat(((List<?>) heir.command("ROLE")).get(0)).isEqualTo("master");
        assertThat(await(gw.send(Request.cmd(Command.GET).arg(key))).toString()).isEqualTo("after");
      } finally {
        await(gw.close());
      }
    }
  }

  // ---------------------------------------------------------------- sentinel

  @Test
  void theSentinelSetupServesTlsOnly() {
    RedisSentinel setup = sentinel.redisSentinel();
    assertThat(setup.sentinelEndpoints()).allSatisfy(e -> assertThat(e).startsWith("rediss://localhost:"));
    for (RedisServer node : setup.dataNodes()) {
      assertThat(node.command("CONFIG", "GET", "port")).isEqualTo(List.of("port", "0"));
    }
    // The start-up waited until the Sentinel saw the master and its replica in sync: with no plain port left, it
    // reached both over TLS (tls-replication yes).
    RedisServer master = setup.currentMaster();
    assertThat(setup.sentinel().command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", setup.masterName()))
      .isEqualTo(List.of("127.0.0.1", String.valueOf(master.port())));
  }

  @Test
  void sentinelDiscoveryAndFailoverOverTls(Vertx vertx) {
    RedisSentinel setup = sentinel.redisSentinel();
    RedisGateway gw = await(RedisGateway.create(vertx, sentinelOptions()).ready());
    try {
      failover(setup, gw);
    } finally {
      await(gw.close());
      // The old master comes back as a replica of the new one (Sentinel reconfigures it over TLS).
      setup.restartStopped();
    }
  }

  @Test
  void cacheAndRateLimiterThroughRedisKitBehindSentinel(Vertx vertx) {
    cacheAndRateLimiter(vertx, "tls-sentinel", sentinelOptions());
  }

  // ---------------------------------------------------------------- replication

  @Test
  void replicationOverTls(Vertx vertx) {
    // REPLICATION names the master and its replica directly: the Sentinel setup's data nodes, TLS only.
    RedisSentinel setup = sentinel.redisSentinel();
    RedisServer master = setup.currentMaster();
    List<String> endpoints = new ArrayList<>(List.of(master.uri()));
    setup.dataNodes().stream().filter(n -> n != master).forEach(n -> endpoints.add(n.uri()));
    RedisKitOptions options = tls(new RedisKitOptions().setType(RedisClientType.REPLICATION).setEndpoints(endpoints));
    cacheAndRateLimiter(vertx, "tls-replication", options);

    // The tracking link goes to the master over TLS too: another client's delete reaches the near cache.
    RedisGateway reader = await(RedisGateway.create(vertx, options, "reader").ready());
    try {
      RedisCache cache = RedisCache.create(vertx, reader, new CacheOptions()
        .putNamespace("hot", new NamespaceOptions().setNearCache(new NearCacheOptions().setEnabled(true))));
      CacheNamespace<Object> hot = cache.namespace("hot");
      awaitTrackingConfirmed(reader);
      await(hot.set("k", "v1"));
      Await.until(() -> {
        await(hot.get("k"));
        return await(hot.lookup("k")).source() == CacheResult.Source.NEAR;
      }, Duration.ofSeconds(30), "k never cached locally");
      String redisKey = reader.options().getKeyPrefix() + ":c:hot:0:k";
      assertThat(master.command("GET", redisKey)).as("the entry's key on the master").isNotNull();
      master.command("DEL", redisKey);
      Await.until(() -> !await(hot.lookup("k")).found(), Duration.ofSeconds(30), "the outside DEL never reached the near cache");
      assertThat(cache.nearCacheStats().get("hot").invalidations()).isPositive();
    } finally {
      await(reader.close());
    }
  }

  // ---------------------------------------------------------------- certificates that name hosts only

  @Test
  void aClusterAnnouncingIpsToACertificateWithoutThemFailsSayingWhatToAnnounce(Vertx vertx) {
    TlsCertificates namesOnly = cluster.tlsCertificates().namesOnly();
    try (RedisCluster redis = RedisCluster.builder().tls(namesOnly).start()) {
      Throwable err = startFailure(vertx, tls(new RedisKitOptions().setType(RedisClientType.CLUSTER)
        .setEndpoints(redis.endpoints())));
      // The seeds (localhost) pass; the nodes as CLUSTER SLOTS announces them (127.0.0.1) do not.
      assertThat(err).isInstanceOf(RedisUnavailableException.class)
        .hasMessageContaining("No subject alternative names matching IP address 127.0.0.1 found")
        .hasMessageContaining("does not name 127.0.0.1, the address the cluster announces for a node")
        .hasMessageContaining("cluster-announce-hostname and cluster-preferred-endpoint-type hostname");

      // A seed by an IPv6 address (the nodes bind ::1 too): the refused ::1 is the endpoint's [::1], not an address
      // the cluster announced.
      Throwable v6 = startFailure(vertx, tls(new RedisKitOptions().setType(RedisClientType.CLUSTER)
        .setEndpoints(List.of("rediss://[::1]:" + redis.masters().get(0).port()))));
      assertThat(v6).isInstanceOf(RedisUnavailableException.class)
        .hasMessageContaining("does not name the host of the endpoint (tlsHostnameVerification)")
        .hasMessageNotContaining("the address the cluster announces");
    }
  }

  @Test
  void aClusterAnnouncingHostNamesWorksWithACertificateWithoutIps(Vertx vertx) {
    Assumptions.assumeTrue(RedisBinary.get().majorVersion() >= 7, "cluster-announce-hostname needs Redis 7");
    TlsCertificates namesOnly = cluster.tlsCertificates().namesOnly();
    try (RedisCluster redis = RedisCluster.builder().tls(namesOnly).announceHostnames().start()) {
      assertThat(((List<?>) ((List<?>) redis.node(0).command("CLUSTER", "SLOTS")).get(0)).get(2))
        .asList().first().isEqualTo(RedisServer.TLS_HOST);
      RedisKitOptions options = tls(new RedisKitOptions().setType(RedisClientType.CLUSTER)
        .setEndpoints(redis.endpoints()));
      commandsReachEveryMaster(vertx, redis, options);
      followsMoved(vertx, redis, options);
      nearCacheInvalidations(vertx, redis, options);
    }
  }

  @Test
  void aSentinelAnnouncingIpsToACertificateWithoutThemFailsSayingWhatToAnnounce(Vertx vertx) {
    TlsCertificates namesOnly = cluster.tlsCertificates().namesOnly();
    try (RedisSentinel setup = RedisSentinel.builder().tls(namesOnly).start()) {
      Throwable err = startFailure(vertx, tls(new RedisKitOptions().setType(RedisClientType.SENTINEL)
        .setEndpoints(setup.sentinelEndpoints()).setMasterName(setup.masterName())));
      // The Sentinel (localhost) passes; the master as the Sentinel announces it (127.0.0.1) does not.
      assertThat(err).isInstanceOf(RedisUnavailableException.class)
        .hasMessageContaining("does not name 127.0.0.1, the master's address as the Sentinels announce it")
        .hasMessageContaining("sentinel resolve-hostnames yes and sentinel announce-hostnames yes");
    }
  }

  @Test
  void aSentinelAnnouncingHostNamesWorksWithACertificateWithoutIpsThroughAFailover(Vertx vertx) {
    TlsCertificates namesOnly = cluster.tlsCertificates().namesOnly();
    try (RedisSentinel setup = RedisSentinel.builder().tls(namesOnly).announceHostnames().sentinels(3).start()) {
      assertThat(((List<?>) setup.sentinel().command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", setup.masterName())).get(0))
        .isEqualTo(RedisServer.TLS_HOST);
      RedisGateway gw = await(RedisGateway.create(vertx, tls(new RedisKitOptions().setType(RedisClientType.SENTINEL)
        .setEndpoints(setup.sentinelEndpoints()).setMasterName(setup.masterName()))).ready());
      try {
        failover(setup, gw);
        // The promoted replica is handed out by name too (replica-announce-ip), by every Sentinel.
        for (RedisServer s : setup.sentinels()) {
          assertThat(((List<?>) s.command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", setup.masterName())).get(0))
            .isEqualTo(RedisServer.TLS_HOST);
        }
      } finally {
        await(gw.close());
      }
    }
  }

  @Test
  void plainSentinelsInFrontOfTlsDataNodesFailSayingTheMasterTakesTheSentinelsScheme(Vertx vertx) {
    TlsCertificates certs = cluster.tlsCertificates();
    // The Sentinel listens in plain text and talks TLS to the data nodes (tls-replication yes and a certificate
    // to present, no tls-port): a setup Redis supports, which the client cannot follow.
    try (RedisSentinel setup = RedisSentinel.builder().eachDataNode(n -> n.tls(certs)).eachSentinel(n -> n.config(
        "tls-replication yes", "tls-cert-file " + certs.serverCert(), "tls-key-file " + certs.serverKey(),
        "tls-ca-cert-file " + certs.caCert())).start()) {
      assertThat(setup.sentinelEndpoints()).allSatisfy(e -> assertThat(e).startsWith("redis://"));
      Throwable err = startFailure(vertx, new RedisKitOptions().setType(RedisClientType.SENTINEL)
        .setEndpoints(setup.sentinelEndpoints()).setMasterName(setup.masterName()).setConnectTimeoutMs(1_000));
      assertThat(err).isInstanceOf(RedisUnavailableException.class)
        .hasMessageContaining("if the port serves TLS only (tls-port), use rediss://")
        .hasMessageContaining("the master is reached with the scheme of the sentinel endpoints");
    }
  }

  // ---------------------------------------------------------------- helpers

  static void cacheAndRateLimiter(Vertx vertx, String name, RedisKitOptions options) {
    RedisKit kit = await(RedisKit.create(vertx, name, options));
    try {
      CacheNamespace<Object> users = kit.cache().namespace("users");
      await(users.set("42", new JsonObject().put("name", "Ada"), Duration.ofSeconds(30)));
      assertThat(((JsonObject) await(users.get("42"))).getString("name")).isEqualTo("Ada");
      for (int i = 0; i < 20; i++) {
        await(users.set("u" + i, i));
      }
      // On a cluster the flush scans every master on a connection of its own (TLS like the others).
      assertThat(await(kit.cache().flush("users"))).isEqualTo(21L);
      assertThat(await(users.get("42"))).isNull();
      Decision first = await(kit.rateLimiter().check("tls", 1, Duration.ofMinutes(1)));
      Decision second = await(kit.rateLimiter().check("tls", 1, Duration.ofMinutes(1)));
      assertThat(first.allowed()).isTrue();
      assertThat(second.allowed()).isFalse();
    } finally {
      await(kit.close());
    }
  }

  /** Writes, makes Sentinel fail over (SENTINEL FAILOVER), and waits for the gateway's writes to reach the new master. */
  private static void failover(RedisSentinel setup, RedisGateway gw) {
    RedisServer before = setup.currentMaster();
    await(gw.send(Request.cmd(Command.SET).arg("where").arg("first")));
    assertThat(before.command("GET", "where")).isEqualTo("first");

    setup.sentinel().command("SENTINEL", "FAILOVER", setup.masterName());
    RedisServer after = setup.awaitNewMaster(before);
    assertThat(after).isNotSameAs(before);
    // The gateway hears +switch-master over its TLS subscription (or finds out on reconnect) and connects to
    // the new master over TLS; until then a write may fail (READONLY, a closed connection).
    Await.until(() -> await(gw.send(Request.cmd(Command.SET).arg("where").arg("second")).map(true).otherwise(false))
        && "second".equals(after.command("GET", "where")),
      FAILOVER_TIMEOUT, "writes to reach the promoted master " + after);
    assertThat(await(gw.send(Request.cmd(Command.GET).arg("where"))).toString()).isEqualTo("second");
    assertThat(gw.status().connectionState()).isEqualTo(GatewayStatus.ConnectionState.CONNECTED);
  }

  /** Why a gateway with these options fails to start; the gateway is closed after. */
  private static Throwable startFailure(Vertx vertx, RedisKitOptions options) {
    RedisGateway gw = RedisGateway.create(vertx, options);
    Throwable err = failure(gw.ready());
    await(gw.close());
    return err;
  }

  /** @return for each master's port a key that hashes to one of its slots */
  private static Map<Integer, String> keyPerMaster(RedisCluster redis) {
    Map<Integer, String> keys = new HashMap<>();
    for (int i = 0; keys.size() < redis.masters().size(); i++) {
      keys.putIfAbsent(redis.masterForSlot(KeySlots.slot("tls" + i)).port(), "tls" + i);
    }
    return keys;
  }

  /** @return how many MOVED replies a node sent (INFO errorstats, Redis 6.2 and later) */
  private static long moved(RedisServer node) {
    String stat = node.info("errorstats").get("errorstat_MOVED");
    return stat == null ? 0 : Long.parseLong(stat.substring("count=".length()));
  }

  /** Gives an empty slot to another master on every master's view, as a resharding step does. */
  private static void assign(RedisCluster redis, int slot, RedisServer owner) {
    String id = RedisCluster.nodeId(owner);
    for (RedisServer m : redis.currentMasters()) {
      m.command("CLUSTER", "SETSLOT", String.valueOf(slot), "NODE", id);
    }
    Await.until(() -> redis.masterForSlot(slot) == owner, "slot " + slot + " to move to " + owner);
  }

  /** Waits until every tracking link of the gateway is confirmed (30 s: a TLS handshake per master on a busy machine). */
  static void awaitTrackingConfirmed(RedisGateway gateway) {
    Await.until(() -> gateway.status().tracking() != null
        && TrackingLink.State.CONFIRMED.name().equals(gateway.status().tracking().getString("state")),
      Duration.ofSeconds(30), () -> "tracking links never confirmed: " + gateway.status().tracking());
  }
}
