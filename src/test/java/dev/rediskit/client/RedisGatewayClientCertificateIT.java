package dev.rediskit.client;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.cache.CacheNamespace;
import dev.rediskit.cache.CacheOptions;
import dev.rediskit.cache.CacheResult;
import dev.rediskit.cache.NamespaceOptions;
import dev.rediskit.cache.NearCacheOptions;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.test.Await;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisCluster;
import dev.rediskit.test.RedisSentinel;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import dev.rediskit.test.TlsCertificates;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static dev.rediskit.test.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mutual TLS: servers started with {@code tls-auth-clients yes} (Redis' default when TLS is on),
 * which refuse a client without a certificate signed by their CA. The gateway presents
 * {@code tlsCertPath} and {@code tlsKeyPath} on every connection it opens: the pipelined and pooled
 * ones, a tracking link's, a cluster's per-master ones and the Sentinels'. Without a certificate, or
 * with one of another CA, the start fails saying which of the two it is.
 */
@IntegrationTest
class RedisGatewayClientCertificateIT {

  @RegisterExtension
  static final RedisServers strict = RedisServers.of(RedisServer.builder().tls(TlsCertificates.shared()).tlsAuthClients(true));

  private static final TlsCertificates CERTS = TlsCertificates.shared();

  /**
   * A generous connect timeout: the first TLS connection of a JVM builds the TLS context (seconds on a loaded 2-core
   * machine), and a cluster client opens one connection per master at start.
   */
  private static RedisKitOptions mutualTls(RedisKitOptions options) {
    return withoutCertificate(options).setTlsCertPath(CERTS.clientCert().toString())
      .setTlsKeyPath(CERTS.clientKey().toString());
  }

  private static RedisKitOptions withoutCertificate(RedisKitOptions options) {
    return options.setTlsCaPath(CERTS.caCert().toString()).setTlsHostnameVerification(true).setConnectTimeoutMs(10_000);
  }

  private static Throwable startFailure(Vertx vertx, RedisKitOptions options) {
    return RedisGatewaySecurityIT.startFailure(vertx, options);
  }

  @Test
  void theServerRequiresClientCertificates() {
    assertThat(strict.server().command("CONFIG", "GET", "tls-auth-clients")).isEqualTo(List.of("tls-auth-clients", "yes"));
  }

  @Test
  void aStandaloneGatewayPresentingTheCertificateServesTheCacheAndTheRateLimiter(Vertx vertx) {
    RedisGatewayTlsTopologiesIT.cacheAndRateLimiter(vertx, "mtls-standalone",
      mutualTls(new RedisKitOptions().setEndpoint(strict.uri())));
  }

  @Test
  void pooledConnectionsAndTheTrackingLinkPresentTheCertificateToo(Vertx vertx) {
    RedisKitOptions options = mutualTls(new RedisKitOptions().setEndpoint(strict.uri()).setKeyPrefix("m"));
    RedisGateway reader = await(RedisGateway.create(vertx, options, "reader").ready());
    RedisGateway writer = await(RedisGateway.create(vertx, options, "writer").ready());
    try {
      // Work needing a connection of its own runs on a pooled one, opened now.
      assertThat(await(reader.withConnection(c -> c.send(Request.cmd(Command.SET).arg("m:own").arg("1"))
        .compose(ok -> c.send(Request.cmd(Command.INCR).arg("m:own"))))).toInteger()).isEqualTo(2);
      RedisCache near = RedisCache.create(vertx, reader, new CacheOptions()
        .putNamespace("hot", new NamespaceOptions().setNearCache(new NearCacheOptions().setEnabled(true))));
      CacheNamespace<Object> a = near.namespace("hot");
      CacheNamespace<Object> b = RedisCache.create(vertx, writer).namespace("hot");
      RedisGatewayTlsTopologiesIT.awaitTrackingConfirmed(reader);
      await(b.set("k", "v1"));
      Await.until(() -> {
        await(a.get("k"));
        return await(a.lookup("k")).source() == CacheResult.Source.NEAR;
      }, Duration.ofSeconds(30), "k never cached locally");
      await(b.set("k", "v2"));
      Await.until(() -> "v2".equals(await(a.get("k"))), Duration.ofSeconds(30), "the near copy of k stayed v1");
    } finally {
      await(reader.close());
      await(writer.close());
    }
  }

  @Test
  void withoutACertificateTheFailureSaysToConfigureOne(Vertx vertx) {
    Throwable err = startFailure(vertx, withoutCertificate(new RedisKitOptions().setEndpoint(strict.uri())));
    assertThat(err).isInstanceOf(RedisUnavailableException.class).hasMessageContaining("certificate_required")
      .hasMessageContaining("the server requires a client certificate (tls-auth-clients yes, Redis' default) and none "
        + "is configured: set tlsCertPath and tlsKeyPath")
      .hasMessageContaining("or run the server with tls-auth-clients optional");
  }

  @Test
  void aCertificateOfAnotherCaIsReportedAsRefused(Vertx vertx) {
    Throwable err = startFailure(vertx, withoutCertificate(new RedisKitOptions().setEndpoint(strict.uri()))
      .setTlsCertPath(CERTS.untrustedClientCert().toString()).setTlsKeyPath(CERTS.untrustedClientKey().toString()));
    assertThat(err).isInstanceOf(RedisUnavailableException.class)
      .hasMessageContaining("the server refused the module's client certificate (")
      .hasMessageContaining("tlsCertPath " + CERTS.untrustedClientCert())
      .hasMessageContaining("it must be signed by a CA of the server's tls-ca-cert-file");
  }

  @Test
  void aTlsClusterRequiringClientCertificatesServesEveryMasterAndTheTrackingLinks(Vertx vertx) {
    try (RedisCluster redis = RedisCluster.builder().tls(CERTS).eachNode(n -> n.tlsAuthClients(true)).start()) {
      assertThat(redis.node(0).command("CONFIG", "GET", "tls-auth-clients")).isEqualTo(List.of("tls-auth-clients", "yes"));
      RedisKitOptions options = mutualTls(new RedisKitOptions().setType(RedisClientType.CLUSTER)
        .setEndpoints(redis.endpoints()));
      RedisGatewayTlsTopologiesIT.commandsReachEveryMaster(vertx, redis, options);
      RedisGatewayTlsTopologiesIT.cacheAndRateLimiter(vertx, "mtls-cluster", options);
      RedisGatewayTlsTopologiesIT.nearCacheInvalidations(vertx, redis, options);
      Throwable err = startFailure(vertx, withoutCertificate(new RedisKitOptions().setType(RedisClientType.CLUSTER)
        .setEndpoints(redis.endpoints())));
      assertThat(err).isInstanceOf(RedisUnavailableException.class)
        .hasMessageContaining("none is configured: set tlsCertPath and tlsKeyPath");
    }
  }

  @Test
  void sentinelsAndDataNodesRequiringClientCertificatesServeTheGateway(Vertx vertx) {
    try (RedisSentinel setup = RedisSentinel.builder().tls(CERTS).eachDataNode(n -> n.tlsAuthClients(true))
        .eachSentinel(n -> n.tlsAuthClients(true)).start()) {
      // A Sentinel has no CONFIG command; its configuration file has the same tls-auth-clients line as the nodes'.
      assertThat(setup.currentMaster().command("CONFIG", "GET", "tls-auth-clients")).isEqualTo(List.of("tls-auth-clients", "yes"));
      RedisGatewayTlsTopologiesIT.cacheAndRateLimiter(vertx, "mtls-sentinel", mutualTls(new RedisKitOptions()
        .setType(RedisClientType.SENTINEL).setEndpoints(setup.sentinelEndpoints()).setMasterName(setup.masterName())));
      // The Sentinels themselves refuse a client without a certificate.
      Throwable err = startFailure(vertx, withoutCertificate(new RedisKitOptions().setType(RedisClientType.SENTINEL)
        .setEndpoints(setup.sentinelEndpoints()).setMasterName(setup.masterName())));
      assertThat(err).isInstanceOf(RedisUnavailableException.class)
        .hasMessageContaining("none is configured: set tlsCertPath and tlsKeyPath");
    }
  }
}
