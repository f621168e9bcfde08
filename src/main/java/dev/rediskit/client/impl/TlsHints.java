package dev.rediskit.client.impl;

import dev.rediskit.client.GatewayOptions;
import dev.rediskit.error.RedisTimeoutException;
import io.netty.util.NetUtil;
import io.vertx.redis.client.RedisClientType;

import java.net.URI;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLHandshakeException;

/**
 * What to tell a user whose connection failed on TLS: a scheme that does not match the port, a
 * certificate no trusted CA signed, a client certificate missing or refused, a certificate that does
 * not name the host (an endpoint's, or one the topology announced). The JDK's and the client's
 * failures say what broke, not what to change; these hints name the setting.
 */
final class TlsHints {

  /**
   * The JDK's words for a certificate that does not name the host connected to
   * ({@code sun.security.util.HostnameChecker}); the host is group 1. Read from the text because a
   * cluster client's failure keeps only the text of each node's failure.
   */
  private static final Pattern HOST_NOT_NAMED =
    Pattern.compile("No (?:subject alternative (?:names|DNS name)|name) matching (?:IP address )?(\\S+?)\\.? found");

  /** The TLS alerts (RFC 8446 names, as the JDK reports them) a server sends about the client's certificate. */
  private static final List<String> CLIENT_CERTIFICATE_ALERTS = List.of("certificate_required", "unknown_ca",
    "bad_certificate", "certificate_unknown", "certificate_expired", "certificate_revoked", "unsupported_certificate",
    "access_denied", "decrypt_error");

  private TlsHints() {
  }

  /**
   * @param cause why a connection could not be made
   * @param options the endpoints and the TLS settings
   * @return the hint to append to the failure's message (starting with {@code "; "}), or {@code null}
   */
  static String hint(Throwable cause, GatewayOptions<?> options) {
    boolean tls = TlsWarmUp.usesTls(options);
    // The client reaches the master a Sentinel names with the sentinel endpoint's scheme (vertx-redis-client
    // 5.0.7 has no setting for it), so a mismatch may be at the master while the Sentinels are fine.
    String sentinelScheme = options.getType() != RedisClientType.SENTINEL ? ""
      : " (the master is reached with the scheme of the sentinel endpoints: Sentinels and data nodes must both "
        + "serve TLS, or both plain text)";
    if (cause instanceof RedisTimeoutException && tls) {
      return "; if the port serves plain Redis, not TLS, use redis://: the TLS handshake never completes there"
        + sentinelScheme;
    }
    // A TLS port drops a plain client at its first bytes, or waits for a handshake that never comes.
    if (!tls && (cause instanceof RedisTimeoutException || "Connection reset".equals(cause.getMessage()))) {
      return "; if the port serves TLS only (tls-port), use rediss://" + sentinelScheme;
    }
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof CertPathBuilderException || t instanceof CertPathValidatorException) {
        return "; the server's TLS certificate is not signed by a CA "
          + (options.getTlsCaPath() == null ? "of the JVM's trust store (tlsCaPath is not set)"
          : "in tlsCaPath (" + options.getTlsCaPath() + ")");
      }
      String refusal = certificateRefusal(t);
      if (refusal != null) {
        return clientCertificateHint(refusal, options);
      }
    }
    String refused = hostNotNamed(cause);
    if (refused == null) {
      return null;
    }
    if (options.getType() != RedisClientType.STANDALONE
      && endpointHosts(options).stream().noneMatch(host -> sameHost(host, refused))) {
      return announcedHostHint(options.getType(), refused);
    }
    return "; the server's TLS certificate does not name the host of the endpoint (tlsHostnameVerification): "
      + "connect by a name the certificate lists";
  }

  /**
   * The TLS alerts a server sends about the client's certificate: {@code certificate_required} when
   * it wants one and got none (OpenSSL's answer to {@code tls-auth-clients yes} with TLS 1.3), the
   * others when it got one it does not accept. With TLS 1.3 the server checks the client's
   * certificate after the client considers the handshake done, so the alert may come as a plain
   * {@code SSLException} on the first read rather than an {@link SSLHandshakeException}.
   *
   * @param t one cause of a connect failure
   * @return the alert's name, or {@code null}
   */
  private static String certificateRefusal(Throwable t) {
    // By the JDK's words for a received alert, not the type: a cluster client's failure keeps only the text.
    String message = String.valueOf(t.getMessage());
    for (String alert : CLIENT_CERTIFICATE_ALERTS) {
      if (message.contains("fatal alert: " + alert)) {
        return alert;
      }
    }
    return null;
  }

  private static String clientCertificateHint(String alert, GatewayOptions<?> options) {
    if (options.getTlsCertPath() == null) {
      return "; the server requires a client certificate (tls-auth-clients yes, Redis' default) and none is "
        + "configured: set tlsCertPath and tlsKeyPath to a certificate signed by a CA of the server's "
        + "tls-ca-cert-file and its key, or run the server with tls-auth-clients optional";
    }
    return "; the server refused the module's client certificate (" + alert + ", tlsCertPath "
      + options.getTlsCertPath() + "): it must be signed by a CA of the server's tls-ca-cert-file (or "
      + "tls-ca-cert-dir), be valid now, and allow client authentication";
  }

  /**
   * @param cause why a TLS connection failed
   * @return the host the server's certificate was refused for not naming, or {@code null}
   */
  static String hostNotNamed(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      Matcher m = HOST_NOT_NAMED.matcher(String.valueOf(t.getMessage()));
      if (m.find()) {
        return m.group(1);
      }
    }
    return null;
  }

  /**
   * Host names compare without case, as DNS names do; IP addresses by their bytes, since one IPv6
   * address has many spellings ({@code [::1]} in an endpoint, {@code 0:0:0:0:0:0:0:1} announced).
   * Parsing a literal never looks a name up.
   */
  static boolean sameHost(String a, String b) {
    String x = a.replace("[", "").replace("]", "");
    String y = b.replace("[", "").replace("]", "");
    byte[] ipX = NetUtil.createByteArrayFromIpAddressString(x);
    byte[] ipY = NetUtil.createByteArrayFromIpAddressString(y);
    if (ipX != null || ipY != null) {
      return ipX != null && ipY != null && Arrays.equals(ipX, ipY);
    }
    return x.equalsIgnoreCase(y);
  }

  private static List<String> endpointHosts(GatewayOptions<?> options) {
    return options.getEndpoints().stream().map(e -> {
      try {
        String host = URI.create(e).getHost();
        return host == null ? "" : host.replace("[", "").replace("]", "").toLowerCase(Locale.ROOT);
      } catch (IllegalArgumentException notAUri) {
        return "";
      }
    }).toList();
  }

  /**
   * A certificate refused for an address the topology handed out rather than one of the endpoints:
   * the client connects to what the cluster, the Sentinels or the master announce, so listing
   * names in the endpoints does not help; the servers must announce a name the certificate lists.
   */
  private static String announcedHostHint(RedisClientType type, String host) {
    String start = "; the TLS certificate does not name " + host + ", ";
    String end = ", or use certificates that list the announced addresses (tlsHostnameVerification)";
    return switch (type) {
      case CLUSTER -> start + "the address the cluster announces for a node (CLUSTER SLOTS, MOVED), which the "
        + "gateway connects to whatever the endpoints name: make every node announce a name the certificate lists "
        + "(cluster-announce-hostname and cluster-preferred-endpoint-type hostname, Redis 7 or later)" + end;
      case SENTINEL -> start + "the master's address as the Sentinels announce it, which the gateway connects to "
        + "whatever the endpoints name: make them announce a name the certificate lists (sentinel resolve-hostnames "
        + "yes and sentinel announce-hostnames yes on every Sentinel, the master monitored by that name, and "
        + "replica-announce-ip on every data node, Redis 6.2 or later)" + end;
      default -> start + "an address the master announces for a replica (INFO replication), which the gateway "
        + "connects to whatever the endpoints name: make every replica announce a name the certificate lists "
        + "(replica-announce-ip)" + end;
    };
  }
}
