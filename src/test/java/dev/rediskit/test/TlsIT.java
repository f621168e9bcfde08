package dev.rediskit.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Checks the generated certificates and a TLS-only server, with the fixture's own client and with Vert.x. */
@IntegrationTest
class TlsIT {

  private static final TlsCertificates CERTS = TlsCertificates.shared();
  private static RedisServer redis;

  @BeforeAll
  static void start() {
    redis = RedisServer.builder().tls(CERTS).password("pw").start();
  }

  @AfterAll
  static void stop() {
    redis.close();
  }

  @Test
  void writesPemFiles() throws Exception {
    assertThat(Files.readString(CERTS.caCert())).startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(Files.readString(CERTS.serverKey())).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(CERTS.serverCert()).exists();
    assertThat(CERTS.clientCert()).exists();
    assertThat(CERTS.clientKey()).exists();
    assertThat(CERTS.untrustedCaCert()).exists();
    assertThat(CERTS.untrustedServerCert()).exists();
    assertThat(CERTS.untrustedServerKey()).exists();
  }

  @Test
  void answersOverTlsAndRefusesPlainTcp() {
    assertThat(redis.uri()).isEqualTo("rediss://localhost:" + redis.port());
    assertThat(redis.command("PING")).isEqualTo("PONG");
    assertThat(redis.command("CONFIG", "GET", "port")).isEqualTo(java.util.List.of("port", "0"));

    // A plain client gets no RESP answer from a TLS port: the server drops the connection on the bad handshake.
    try (RespConnection plain = RespConnection.open(RedisServer.HOST, redis.port())) {
      assertThatThrownBy(() -> plain.call("PING")).isInstanceOf(UncheckedIOException.class);
    }
  }

  @Test
  void vertxClientConnectsWithTheCaAndRejectsTheUntrustedOne() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Redis trusting = Redis.createClient(vertx, new RedisOptions()
          .setConnectionString(redis.uri(null, "pw"))
          .setNetClientOptions(new NetClientOptions()
              .setSsl(true)
              .setHostnameVerificationAlgorithm("HTTPS")
              .setTrustOptions(CERTS.trustOptions())));
      Response pong = trusting.send(Request.cmd(Command.PING)).await(20, TimeUnit.SECONDS);
      assertThat(pong.toString()).isEqualTo("PONG");
      trusting.close();

      Redis distrusting = Redis.createClient(vertx, new RedisOptions()
          .setConnectionString(redis.uri(null, "pw"))
          .setNetClientOptions(new NetClientOptions()
              .setSsl(true)
              .setHostnameVerificationAlgorithm("HTTPS")
              .setTrustOptions(CERTS.untrustedTrustOptions())));
      assertThatThrownBy(() -> distrusting.send(Request.cmd(Command.PING)).await(20, TimeUnit.SECONDS))
          .hasStackTraceContaining("SSL");
      distrusting.close();
    } finally {
      vertx.close().await(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void clientCertificateCanBeRequired() {
    try (RedisServer strict = RedisServer.builder().tls(CERTS).tlsAuthClients(true).start()) {
      // The fixture's socket factory presents the client certificate, so it gets in.
      assertThat(strict.command("PING")).isEqualTo("PONG");
      assertThat(strict.command("CONFIG", "GET", "tls-auth-clients"))
          .isEqualTo(java.util.List.of("tls-auth-clients", "yes"));
    }
  }
}
