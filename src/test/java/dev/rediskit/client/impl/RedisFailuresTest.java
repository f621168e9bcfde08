package dev.rediskit.client.impl;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.error.RedisCommandException;
import dev.rediskit.error.RedisTimeoutException;
import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.error.RedisUnavailableException.Reason;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.impl.types.ErrorType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.SocketException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLHandshakeException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a failure from the Redis client means. The error values are built as the client builds them
 * (its {@code ErrorType}, the type its futures fail with), so the test needs no server.
 */
class RedisFailuresTest {

  private static ErrorType error(String message) {
    return ErrorType.create(message);
  }

  @Test
  void anErrorReplyIsARedisReplyNotAConnectionFailure() {
    ErrorType wrongType = error("WRONGTYPE Operation against a key holding the wrong kind of value");
    assertThat(RedisFailures.isErrorValue(wrongType)).isTrue();
    assertThat(RedisFailures.isErrorReply(wrongType)).isTrue();
    assertThat(RedisFailures.isConnectionFailure(wrongType)).isFalse();
  }

  @Test
  void theClientsOwnErrorValuesAreConnectionFailures() {
    for (String own : List.of("CONNECTION_CLOSED", "ILLEGAL_STATE Unexpected reply")) {
      assertThat(RedisFailures.isErrorValue(error(own))).as(own).isTrue();
      assertThat(RedisFailures.isErrorReply(error(own))).as(own).isFalse();
      assertThat(RedisFailures.isConnectionFailure(error(own))).as(own).isTrue();
    }
    // A script may reply with a message that merely starts like the client's value.
    assertThat(RedisFailures.isErrorReply(error("CONNECTION_CLOSED by the script"))).isTrue();
  }

  @Test
  void aBatchFailureIsTheClientsWhenAnyLineIsAJavaExceptionOrTheClientsValue() {
    assertThat(RedisFailures.isErrorReply(error("ERR [0] WRONGTYPE Operation against a key\nERR [3] WRONGTYPE Operation"))).isTrue();
    assertThat(RedisFailures.isErrorReply(error("ERR [0] java.net.SocketException: Connection reset\n"
      + "ERR [1] java.net.SocketException: Connection reset"))).isFalse();
    assertThat(RedisFailures.isErrorReply(error("ERR [0] WRONGTYPE Operation\nERR [2] CONNECTION_CLOSED"))).isFalse();
    // A Throwable.toString() without a message is the class name alone.
    assertThat(RedisFailures.isErrorReply(error("ERR [0] io.netty.channel.StacklessClosedChannelException"))).isFalse();
    // A plain ERR reply that is not a batch frame is a reply.
    assertThat(RedisFailures.isErrorReply(error("ERR unknown command 'FOO'"))).isTrue();
  }

  @Test
  void failuresThatAreNoErrorValueAreNeverReplies() {
    IOException reset = new IOException("Connection reset");
    assertThat(RedisFailures.isErrorValue(reset)).isFalse();
    assertThat(RedisFailures.isErrorReply(reset)).isFalse();
    assertThat(RedisFailures.hasCode(new IllegalStateException("NOSCRIPT"), "NOSCRIPT")).isFalse();
  }

  @Test
  void codesMatchAsTheClientMatchesThem() {
    assertThat(RedisFailures.hasCode(error("NOSCRIPT No matching script. Please use EVAL."), "NOSCRIPT")).isTrue();
    // Servers that prefix every error with ERR.
    assertThat(RedisFailures.hasCode(error("ERR NOSCRIPT No matching script"), "NOSCRIPT")).isTrue();
    assertThat(RedisFailures.hasCode(error("ERR unknown command"), "ERR")).isTrue();
    assertThat(RedisFailures.hasCode(error("WRONGPASS invalid username-password pair"), "NOAUTH")).isFalse();
    assertThat(RedisFailures.hasCode(ErrorType.create(null), "ERR")).isFalse();
  }

  @Test
  void theFirstLineOfABatchFailureLosesItsFrame() {
    assertThat(RedisFailures.firstLine(error("ERR [0] java.net.SocketException: Connection reset\r\n"
      + "ERR [1] java.net.SocketException: Connection reset"))).isEqualTo("java.net.SocketException: Connection reset");
    assertThat(RedisFailures.firstLine(error("CONNECTION_CLOSED"))).isEqualTo("CONNECTION_CLOSED");
    // Only the client's error values carry the frame; another exception's message is kept as it is.
    assertThat(RedisFailures.firstLine(new IOException("ERR [0] x\nsecond"))).isEqualTo("ERR [0] x");
    assertThat(RedisFailures.firstLine(new IOException())).isEqualTo("null");
  }

  @Test
  void aConnectFailureSaysWhetherTheCredentialsOrTheServerFailedWithoutThePassword() {
    List<String> endpoints = List.of("redis://app:s3cret@h:1");
    for (String refusal : List.of("WRONGPASS invalid username-password pair", "NOAUTH Authentication required.",
        "NOPERM this user has no permissions")) {
      RedisUnavailableException auth = RedisFailures.connectFailure(error(refusal), endpoints);
      assertThat(auth.reason()).as(refusal).isEqualTo(Reason.AUTHENTICATION);
      // The endpoint and its user named, the password not.
      assertThat(auth.getMessage()).isEqualTo("authentication to Redis at redis://app:***@h:1 failed: " + refusal);
    }
    RedisUnavailableException down = RedisFailures.connectFailure(new IOException("Connection refused"), endpoints);
    assertThat(down.reason()).isEqualTo(Reason.DISCONNECTED);
    assertThat(down.getMessage()).startsWith("cannot connect to Redis at ").contains("h:1")
      .endsWith(": Connection refused").doesNotContain("s3cret");
    RedisTimeoutException late = new RedisTimeoutException("connecting to Redis did not complete within 5 ms (connectTimeoutMs)");
    RedisUnavailableException timedOut = RedisFailures.connectFailure(late, endpoints);
    assertThat(timedOut.reason()).isEqualTo(Reason.DISCONNECTED);
    assertThat(timedOut.getMessage()).isEqualTo(late.getMessage());
    assertThat(timedOut.getCause()).isSameAs(late);
    RedisUnavailableException given = new RedisUnavailableException(Reason.OVERLOADED, "busy", null);
    assertThat(RedisFailures.connectFailure(given, endpoints)).isSameAs(given);
  }

  @Test
  void sentinelsRefusingTheLoginSayThatTheyNeedTheUserToo() {
    RedisKitOptions options = new RedisKitOptions().setType(RedisClientType.SENTINEL).setMasterName("mymaster")
      .setEndpoint("redis://app:s3cret@s:26379");
    IOException aggregated = new IOException("Cannot connect to any of the provided endpoints\n"
      + "- WRONGPASS invalid username-password pair or user is disabled.");
    RedisUnavailableException mapped = RedisFailures.connectFailure(aggregated, options);
    assertThat(mapped.reason()).isEqualTo(Reason.AUTHENTICATION);
    assertThat(mapped.getMessage()).contains("WRONGPASS").contains("every Sentinel needs the same user and password")
      .doesNotContain("s3cret");
    // The same failure of a standalone gateway is no Sentinel's business.
    RedisKitOptions standalone = new RedisKitOptions().setEndpoint("redis://app:s3cret@h:1");
    assertThat(RedisFailures.connectFailure(aggregated, standalone).getMessage()).doesNotContain("Sentinel");
  }

  /** The JDK's refusal of a certificate for an address it does not list, wrapped as Netty hands it on. */
  private static SSLHandshakeException notNamed(String what) {
    SSLHandshakeException e = new SSLHandshakeException("No subject alternative names matching " + what + " found");
    e.initCause(new CertificateException("No subject alternative names matching " + what + " found"));
    return e;
  }

  @Test
  void aCertificateRefusedForAnEndpointsHostSaysToConnectByAListedName() {
    RedisKitOptions options = new RedisKitOptions().setEndpoint("rediss://10.0.0.5:6380");
    assertThat(RedisFailures.connectFailure(notNamed("IP address 10.0.0.5"), options).getMessage())
      .contains("does not name the host of the endpoint (tlsHostnameVerification)")
      .contains("connect by a name the certificate lists");
    // The same host among a cluster's seeds: the seed itself was refused, not an announced node.
    RedisKitOptions cluster = new RedisKitOptions().setType(RedisClientType.CLUSTER)
      .setEndpoints(List.of("rediss://10.0.0.5:6380", "rediss://10.0.0.6:6380"));
    assertThat(RedisFailures.connectFailure(notNamed("IP address 10.0.0.6"), cluster).getMessage())
      .contains("connect by a name the certificate lists");
    // IPv6 addresses compare by their bytes, whatever their spelling: [::1] is 0:0:0:0:0:0:0:1.
    RedisKitOptions v6 = new RedisKitOptions().setType(RedisClientType.CLUSTER)
      .setEndpoints(List.of("rediss://[::1]:6380", "rediss://[fd00::5]:6380"));
    assertThat(RedisFailures.connectFailure(notNamed("IP address 0:0:0:0:0:0:0:1"), v6).getMessage())
      .contains("connect by a name the certificate lists");
    assertThat(RedisFailures.connectFailure(notNamed("IP address fd00:0:0:0:0:0:0:6"), v6).getMessage())
      .as("another address: one the cluster announced").contains("does not name fd00:0:0:0:0:0:0:6, the address the cluster announces");
    // Host names compare without case, as DNS names do.
    RedisKitOptions named = new RedisKitOptions().setType(RedisClientType.SENTINEL).setMasterName("m")
      .setEndpoint("rediss://Sentinel-0.Example:26379");
    assertThat(RedisFailures.connectFailure(new SSLHandshakeException(
        "No subject alternative DNS name matching sentinel-0.example found."), named).getMessage())
      .contains("connect by a name the certificate lists");
  }

  @Test
  void aServerWantingAClientCertificateSaysToConfigureOneOrThatItRefusedTheOneConfigured() {
    RedisKitOptions none = new RedisKitOptions().setEndpoint("rediss://redis.example:6380");
    assertThat(RedisFailures.connectFailure(new SSLHandshakeException("Received fatal alert: certificate_required"), none)
      .getMessage()).contains("the server requires a client certificate (tls-auth-clients yes, Redis' default) and "
        + "none is configured: set tlsCertPath and tlsKeyPath").contains("tls-auth-clients optional");
    RedisKitOptions configured = new RedisKitOptions().setEndpoint("rediss://redis.example:6380")
      .setTlsCertPath("/etc/rediskit/client.pem").setTlsKeyPath("/etc/rediskit/client.key");
    assertThat(RedisFailures.connectFailure(new SSLHandshakeException("Received fatal alert: unknown_ca"), configured)
      .getMessage()).contains("the server refused the module's client certificate (unknown_ca, tlsCertPath "
        + "/etc/rediskit/client.pem): it must be signed by a CA of the server's tls-ca-cert-file")
      .doesNotContain("client.key").doesNotContain("none is configured");
    // Sent after the client's side of a TLS 1.3 handshake is done: a plain SSLException, and only its text in a
    // cluster client's failure.
    RedisKitOptions cluster = new RedisKitOptions(configured).setType(RedisClientType.CLUSTER);
    Exception all = new Exception("Failed to connect to all nodes of the cluster\n- "
      + new javax.net.ssl.SSLException("Received fatal alert: bad_certificate"));
    assertThat(RedisFailures.connectFailure(all, cluster).getMessage())
      .contains("the server refused the module's client certificate (bad_certificate");
    // The words of an alert alone, not as an alert received, are no refusal.
    assertThat(RedisFailures.connectFailure(new IOException("unknown_ca"), configured).getMessage())
      .doesNotContain("refused the module's client certificate");
  }

  @Test
  void aCertificateRefusedForAnAddressTheClusterAnnouncedSaysWhatTheNodesMustAnnounce() {
    RedisKitOptions options = new RedisKitOptions().setType(RedisClientType.CLUSTER)
      .setEndpoints(List.of("rediss://redis-0.example:6380", "rediss://redis-1.example:6380"));
    // The cluster client keeps only the text of each node's failure.
    Exception all = new Exception("Failed to connect to all nodes of the cluster\n- "
      + notNamed("IP address 10.1.2.3") + "\n- " + notNamed("IP address 10.1.2.4"));
    RedisUnavailableException mapped = RedisFailures.connectFailure(all, options);
    assertThat(mapped.reason()).isEqualTo(Reason.DISCONNECTED);
    assertThat(mapped.getMessage()).contains("does not name 10.1.2.3, the address the cluster announces")
      .contains("cluster-announce-hostname and cluster-preferred-endpoint-type hostname, Redis 7 or later")
      .doesNotContain("connect by a name the certificate lists");
  }

  @Test
  void aCertificateRefusedForTheMasterTheSentinelsAnnouncedSaysWhatTheyMustAnnounce() {
    RedisKitOptions options = new RedisKitOptions().setType(RedisClientType.SENTINEL).setMasterName("mymaster")
      .setEndpoints(List.of("rediss://sentinel-0.example:26379"));
    assertThat(RedisFailures.connectFailure(notNamed("IP address 10.1.2.3"), options).getMessage())
      .contains("does not name 10.1.2.3, the master's address as the Sentinels announce it")
      .contains("sentinel resolve-hostnames yes and sentinel announce-hostnames yes")
      .contains("replica-announce-ip");
    RedisKitOptions replication = new RedisKitOptions().setType(RedisClientType.REPLICATION)
      .setEndpoint("rediss://master.example:6380");
    assertThat(RedisFailures.connectFailure(new SSLHandshakeException(
        "No subject alternative DNS name matching replica-1.internal found."), replication).getMessage())
      .contains("does not name replica-1.internal, an address the master announces for a replica");
  }

  @Test
  void aSchemeMismatchBehindSentinelsSaysTheMasterTakesTheirScheme() {
    String coupling = "the master is reached with the scheme of the sentinel endpoints";
    RedisKitOptions plain = new RedisKitOptions().setType(RedisClientType.SENTINEL).setMasterName("mymaster")
      .setEndpoint("redis://sentinel-0.example:26379");
    assertThat(RedisFailures.connectFailure(new SocketException("Connection reset"), plain).getMessage())
      .contains("if the port serves TLS only (tls-port), use rediss://").contains(coupling);
    RedisKitOptions tls = new RedisKitOptions(plain).setEndpoint("rediss://sentinel-0.example:26379");
    RedisTimeoutException late = new RedisTimeoutException("connecting to Redis did not complete within 5 ms (connectTimeoutMs)");
    assertThat(RedisFailures.connectFailure(late, tls).getMessage())
      .contains("if the port serves plain Redis, not TLS, use redis://").contains(coupling);
    // Other topologies choose the scheme of every connection in their endpoints.
    assertThat(RedisFailures.connectFailure(late, new RedisKitOptions().setEndpoint("rediss://h:6380")).getMessage())
      .contains("use redis://").doesNotContain(coupling);
  }

  @Test
  void dedicatedWorkFailuresMapToTheModulesFailures() {
    RedisTimeoutException own = new RedisTimeoutException("late");
    assertThat(RedisFailures.dedicatedFailure(own)).isSameAs(own);
    assertThat(RedisFailures.dedicatedFailure(error("WRONGTYPE Operation")))
      .isInstanceOf(RedisCommandException.class).hasMessage("WRONGTYPE Operation");
    Throwable lost = RedisFailures.dedicatedFailure(new SocketException("Connection reset"));
    assertThat(lost).isInstanceOf(RedisUnavailableException.class).hasMessage("Connection reset");
    assertThat(((RedisUnavailableException) lost).reason()).isEqualTo(Reason.CONNECTION_LOST);
    assertThat(RedisFailures.dedicatedFailure(error("CONNECTION_CLOSED"))).isInstanceOf(RedisUnavailableException.class);
  }

  @Test
  void onlyTheConnectionFailingCountsAsAConnectionFailure() {
    assertThat(RedisFailures.isConnectionFailure(new RuntimeException("wrapped", new SocketException("Broken pipe")))).isTrue();
    assertThat(RedisFailures.isConnectionFailure(new IllegalStateException("Connection is closed"))).isTrue();
    assertThat(RedisFailures.isConnectionFailure(new IllegalArgumentException("the work's own bug"))).isFalse();
    // A failure the module already typed is not looked into: the breaker heard of it where it was made.
    assertThat(RedisFailures.isConnectionFailure(
      new RedisUnavailableException(Reason.CONNECTION_LOST, "lost", new IOException("reset")))).isFalse();
  }
}
