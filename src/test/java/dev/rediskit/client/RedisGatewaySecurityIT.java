package dev.rediskit.client;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.error.RedisUnavailableException.Reason;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import dev.rediskit.test.TlsCertificates;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.rediskit.test.Futures.await;
import static dev.rediskit.test.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

/** ACL users, passwords and TLS with CA and hostname verification, against real servers. */
@IntegrationTest
class RedisGatewaySecurityIT {

  @RegisterExtension
  static final RedisServers secured = RedisServers.standalone().withPassword("s3cret-pw").withAclUser("alice", "alice-pw");

  @RegisterExtension
  static final RedisServers tls = RedisServers.standalone().tls();

  /** Why a gateway with these options fails to start; the gateway is closed after. */
  static Throwable startFailure(Vertx vertx, RedisKitOptions options) {
    RedisGateway gw = RedisGateway.create(vertx, options);
    Throwable err = failure(gw.ready());
    await(gw.close());
    return err;
  }

  @Test
  void aclUserWorks(Vertx vertx) {
    RedisServer server = secured.server();
    RedisGateway gw = await(RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(server.uri())
      .setUser("alice").setPassword("alice-pw")).ready());
    assertThat(await(gw.send(Request.cmd(Command.ACL).arg("WHOAMI"))).toString()).isEqualTo("alice");
    await(gw.close());
  }

  @Test
  void wrongPasswordFailsAtOnceWithoutRetryStorm(Vertx vertx) {
    RedisServer server = secured.server();
    long t0 = System.nanoTime();
    RedisGateway gw = RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(server.uri())
      .setUser("alice").setPassword("wrong-pw").setReconnectMaxDelayMs(2_000));
    Throwable err = failure(gw.ready());
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(err).isInstanceOf(RedisUnavailableException.class).hasMessageContaining("WRONGPASS")
      .hasMessageNotContaining("wrong-pw");
    assertThat(((RedisUnavailableException) err).reason()).isEqualTo(Reason.AUTHENTICATION);
    // "At once": one round trip to a local server, far below the connect timeout (2 s default).
    assertThat(ms).isLessThan(1_500);

    long connectionsBefore = Long.parseLong(server.info("stats").get("total_connections_received"));
    for (int i = 0; i < 50; i++) {
      Throwable e = failure(gw.send(Request.cmd(Command.PING)));
      assertThat(((RedisUnavailableException) e).reason()).isIn(Reason.AUTHENTICATION, Reason.BREAKER_OPEN);
    }
    long connectionsAfter = Long.parseLong(server.info("stats").get("total_connections_received"));
    // Calls fail fast without each trying to connect; only the slow back-off retries may add one or two
    // (plus the one connection this check itself opens for INFO).
    assertThat(connectionsAfter - connectionsBefore).isLessThanOrEqualTo(3);
    await(gw.close());
  }

  @Test
  void tlsWithCaAndHostnameVerification(Vertx vertx) {
    RedisServer server = tls.server();
    TlsCertificates certs = tls.tlsCertificates();
    assertThat(server.uri()).startsWith("rediss://localhost:");
    RedisGateway gw = await(RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(server.uri())
      .setTlsCaPath(certs.caCert().toString()).setTlsHostnameVerification(true)).ready());
    assertThat(await(gw.send(Request.cmd(Command.PING))).toString()).isEqualTo("PONG");
    await(gw.close());
  }

  @Test
  void untrustedCertificateIsRefused(Vertx vertx) {
    RedisServer server = tls.server();
    TlsCertificates certs = tls.tlsCertificates();
    Throwable err = startFailure(vertx, new RedisKitOptions().setEndpoint(server.uri())
      .setTlsCaPath(certs.untrustedCaCert().toString()));
    assertThat(err).isInstanceOf(RedisUnavailableException.class);
  }

  @Test
  void hostnameMismatchIsRefused(Vertx vertx) throws Exception {
    RedisServer server = tls.server();
    TlsCertificates certs = tls.tlsCertificates();
    // The certificate names localhost, 127.0.0.1 and ::1. The machine's own host name is none of these; it
    // reaches the server only where it resolves to 127.0.0.1 (as in /etc/hosts of most test machines).
    String host = java.net.InetAddress.getLocalHost().getHostName();
    org.junit.jupiter.api.Assumptions.assumeTrue(
      "127.0.0.1".equals(java.net.InetAddress.getByName(host).getHostAddress()) && !"localhost".equals(host),
      "the host name must resolve to 127.0.0.1 for this check");
    String other = "rediss://" + host + ":" + server.port();
    Throwable err = startFailure(vertx, new RedisKitOptions().setEndpoint(other)
      .setTlsCaPath(certs.caCert().toString()).setTlsHostnameVerification(true));
    assertThat(err).isInstanceOf(RedisUnavailableException.class);
  }

  @Test
  void anUntrustedCertificateNamesTheTrustItWasCheckedAgainst(Vertx vertx) {
    RedisServer server = tls.server();
    String untrusted = tls.tlsCertificates().untrustedCaCert().toString();
    // A generous connect timeout: the first TLS connection of a JVM builds Vert.x's default SSL context, which
    // takes seconds on a loaded machine, and the refusal, not the timeout, is what this test reads.
    Throwable err = startFailure(vertx, new RedisKitOptions().setEndpoint(server.uri())
      .setTlsCaPath(untrusted).setConnectTimeoutMs(10_000));
    assertThat(err).isInstanceOf(RedisUnavailableException.class)
      .hasMessageContaining("not signed by a CA in tlsCaPath (" + untrusted + ")");
  }

  @Test
  void tlsToAPlainPortSaysSoWhenItTimesOut(Vertx vertx) {
    RedisServer plain = secured.server();
    Throwable err = startFailure(vertx, new RedisKitOptions().setEndpoint("rediss://localhost:" + plain.port())
      .setTlsCaPath(tls.tlsCertificates().caCert().toString()).setConnectTimeoutMs(500));
    assertThat(err).isInstanceOf(RedisUnavailableException.class).hasMessageContaining("connectTimeoutMs")
      .hasMessageContaining("if the port serves plain Redis, not TLS, use redis://");
  }

  @Test
  void plainToATlsPortSaysSo(Vertx vertx) {
    RedisServer server = tls.server();
    // Redis resets a plain client at once, or (a slower server) leaves it waiting until the connect timeout.
    Throwable err = startFailure(vertx, new RedisKitOptions().setEndpoint("redis://localhost:" + server.port())
      .setConnectTimeoutMs(500));
    assertThat(err).isInstanceOf(RedisUnavailableException.class)
      .hasMessageContaining("if the port serves TLS only (tls-port), use rediss://");
  }

  @Test
  void aHostnameMismatchNamesTheSetting(Vertx vertx) throws Exception {
    RedisServer server = tls.server();
    String host = java.net.InetAddress.getLocalHost().getHostName();
    org.junit.jupiter.api.Assumptions.assumeTrue(
      "127.0.0.1".equals(java.net.InetAddress.getByName(host).getHostAddress()) && !"localhost".equals(host),
      "the host name must resolve to 127.0.0.1 for this check");
    // Generous, as in anUntrustedCertificateNamesTheTrustItWasCheckedAgainst.
    Throwable err = startFailure(vertx, new RedisKitOptions().setEndpoint("rediss://" + host + ":" + server.port())
      .setTlsCaPath(tls.tlsCertificates().caCert().toString()).setConnectTimeoutMs(10_000));
    assertThat(err).isInstanceOf(RedisUnavailableException.class).hasMessageContaining("tlsHostnameVerification");
  }

  @Test
  void theFirstTlsConnectionOfAJvmReadsNoTrustStoreOnAnEventLoop() throws Exception {
    RedisServer server = tls.server();
    // A JVM of its own: this one has made TLS connections already, and the trust is built once per JVM.
    Process probe = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      "-cp", System.getProperty("java.class.path"), TlsFirstConnectProbe.class.getName(),
      server.uri(), tls.tlsCertificates().caCert().toString()).redirectErrorStream(true).start();
    String output;
    try (java.io.InputStream in = probe.getInputStream()) {
      output = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    // Generous: a JVM's start, a TLS handshake and one PING; it returns as soon as the probe exits.
    assertThat(probe.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).as(output).isTrue();
    assertThat(output).contains("reply PONG").doesNotContain(TlsFirstConnectProbe.ON_EVENT_LOOP);
  }

  @Test
  void aServerRequiringAClientCertificateSaysHowToServeTheGateway(Vertx vertx) {
    try (RedisServer strict = RedisServer.builder().tls(tls.tlsCertificates()).tlsAuthClients(true).start()) {
      // Generous, as in anUntrustedCertificateNamesTheTrustItWasCheckedAgainst.
      Throwable err = startFailure(vertx, new RedisKitOptions().setEndpoint(strict.uri())
        .setTlsCaPath(tls.tlsCertificates().caCert().toString()).setConnectTimeoutMs(10_000));
      assertThat(err).isInstanceOf(RedisUnavailableException.class).hasMessageContaining("certificate_required")
        .hasMessageContaining("none is configured: set tlsCertPath and tlsKeyPath")
        .hasMessageContaining("or run the server with tls-auth-clients optional");
    }
  }

  @Test
  void aTrackingLinkRefusedByTheAclSaysSoOnce(Vertx vertx) {
    try (RedisServer server = RedisServer.builder().aclUser("nocli", "nocli-pw", "~* &* +@all -client").start();
         dev.rediskit.test.LogCapture log = dev.rediskit.test.LogCapture.of(RedisGateway.class.getName())) {
      RedisGateway gw = await(RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(server.uri())
        .setUser("nocli").setPassword("nocli-pw").setReconnectMaxDelayMs(50)).ready());
      TrackingLink link = gw.track(java.util.List.of("rediskit:c:users:"), new TrackingLink.Listener() {
        @Override
        public void invalidated(String key) {
        }

        @Override
        public void flushed(TrackingLink.FlushCause cause) {
        }
      });
      dev.rediskit.test.Await.until(() -> !log.messages(ch.qos.logback.classic.Level.WARN, "NOPERM").isEmpty(),
        "the refused tracking set-up to be logged");
      // Retried every 50 ms at most: several more refusals, still one line.
      long refusals = aclRefusals(server);
      dev.rediskit.test.Await.until(() -> aclRefusals(server) >= refusals + 3, "more refused set-ups");
      assertThat(log.messages(ch.qos.logback.classic.Level.WARN, "NOPERM")).hasSize(1).allSatisfy(m ->
        assertThat(m).contains("cannot set up tracking").contains("near caches bypassed").doesNotContain("nocli-pw"));
      await(link.close());
      await(gw.close());
    }
  }

  /** @return how many commands the server refused by its ACL, summed over ACL LOG's entries (7.0 has no INFO field for it) */
  private static long aclRefusals(RedisServer server) {
    long sum = 0;
    for (Object entry : (java.util.List<?>) server.command("ACL", "LOG")) {
      java.util.List<?> fields = (java.util.List<?>) entry;
      sum += (Long) fields.get(fields.indexOf("count") + 1);
    }
    return sum;
  }
}
