package dev.rediskit.client.impl;

import dev.rediskit.config.Redaction;
import dev.rediskit.error.RedisCommandException;
import dev.rediskit.error.RedisPermissionException;
import dev.rediskit.error.RedisKitException;
import dev.rediskit.client.GatewayOptions;
import dev.rediskit.error.RedisTimeoutException;
import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.error.RedisUnavailableException.Reason;
import io.netty.util.NetUtil;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;

import java.io.IOException;
import java.net.URI;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLHandshakeException;

/**
 * Tells what a failure from the Redis client means, and maps it to the module's typed failures: an
 * error reply from Redis (the connection works) or the client failing (the connection does not).
 *
 * <p>The client fails a command's future with an error value, a {@link Throwable} that is also a
 * {@link Response} of type {@link ResponseType#ERROR}, both for Redis's error replies and for some
 * failures of its own; the public {@code Response} view is enough to read it.
 */
final class RedisFailures {

  /** How each line of a batch's folded failure starts. */
  private static final String BATCH_LINE = "ERR [";
  /** A {@code Throwable.toString()}: a qualified class name, alone or followed by ": " and the message. */
  private static final Pattern JAVA_EXCEPTION = Pattern.compile("(?:[a-z_][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?::|$)");

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

  private RedisFailures() {
  }

  /**
   * @param cause a failure from the client
   * @return whether it is an error value (an error reply, or one of the client's own error values)
   */
  static boolean isErrorValue(Throwable cause) {
    return cause instanceof Response r && r.type() == ResponseType.ERROR;
  }

  /**
   * @param cause a failure from the client
   * @return whether it is an error reply from Redis: the command reached a working connection
   */
  static boolean isErrorReply(Throwable cause) {
    return isErrorValue(cause) && !isClientSideError(cause);
  }

  /**
   * Whether an error value carries an error code, as the client itself tests it: the message starts
   * with the code, or with {@code "ERR "} and the code (servers that prefix every error with ERR).
   *
   * @param cause a failure from the client
   * @param code an error code such as {@code NOSCRIPT}
   * @return whether {@code cause} is an error value with that code
   */
  static boolean hasCode(Throwable cause, String code) {
    if (!isErrorValue(cause)) {
      return false;
    }
    String message = cause.getMessage();
    if (message == null) {
      return false;
    }
    return message.startsWith(code) || (!code.equals("ERR") && message.startsWith("ERR " + code));
  }

  /**
   * The client reports a closed connection and protocol trouble as error values too; those are
   * connection failures, not replies from Redis.
   *
   * <p>A batch folds the failures of its commands into one error value, a line per failed command:
   * {@code "ERR [<index>] " + failure.toString()} (vertx-redis-client 5.0's
   * {@code RedisStandaloneConnection.doBatch}). For an error reply that is the reply itself
   * ({@code WRONGTYPE ...}); for a lost connection it is the client's {@code CONNECTION_CLOSED}
   * value, or the exception the socket failed with, whose {@code toString()} starts with its class
   * name ({@code java.net.SocketException: Connection reset}). Redis error replies start with an
   * upper-case code and never with a qualified Java class name, so the two can be told apart.
   *
   * @param errorValue an error value (see {@link #isErrorValue})
   * @return whether it is the client failing rather than Redis replying
   */
  static boolean isClientSideError(Throwable errorValue) {
    String message = errorValue.getMessage();
    if (message == null) {
      return false;
    }
    if (isClientFailure(message)) {
      return true;
    }
    if (!message.startsWith(BATCH_LINE)) {
      return false;
    }
    for (String line : message.split("\\R")) {
      int end = line.indexOf("] ");
      if (line.startsWith(BATCH_LINE) && end > 0) {
        String failure = line.substring(end + 2);
        if (isClientFailure(failure) || JAVA_EXCEPTION.matcher(failure).lookingAt()) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The client's own error values: exactly {@code CONNECTION_CLOSED} (a script may well reply with
   * a message that merely starts with it), and the parser's {@code ILLEGAL_STATE ...}, after which
   * the client fails the connection.
   */
  private static boolean isClientFailure(String message) {
    return message.equals("CONNECTION_CLOSED") || message.startsWith("ILLEGAL_STATE ");
  }

  /**
   * What broke the connection, from a failure: for a batch, the first command's failure without the
   * client's {@code ERR [<index>]} frame (the other lines repeat it for each command).
   *
   * @param cause a failure from the client
   * @return one line that says what failed
   */
  static String firstLine(Throwable cause) {
    String m = String.valueOf(cause.getMessage());
    int eol = m.indexOf('\n');
    String line = eol < 0 ? m : m.substring(0, eol).stripTrailing();
    int end = line.indexOf("] ");
    return isErrorValue(cause) && line.startsWith(BATCH_LINE) && end > 0 ? line.substring(end + 2) : line;
  }

  /**
   * The lines of a batch's folded failure (see {@link #isClientSideError}), by the index of the
   * command each belongs to.
   *
   * @param cause a batch's failure
   * @return each failed command's failure, without the client's {@code ERR [<index>]} frame
   */
  static Map<Integer, String> batchLines(Throwable cause) {
    Map<Integer, String> lines = new HashMap<>();
    String message = cause.getMessage();
    if (message == null) {
      return lines;
    }
    for (String line : message.split("\\R")) {
      int end = line.indexOf("] ");
      if (line.startsWith(BATCH_LINE) && end > BATCH_LINE.length()) {
        try {
          lines.put(Integer.parseInt(line.substring(BATCH_LINE.length(), end)), line.substring(end + 2));
        } catch (NumberFormatException notAnIndex) {
          // Not a line of the frame (a reply's own text): it belongs to the line before, which is kept as it is.
        }
      }
    }
    return lines;
  }

  /**
   * The client's refusals of a batch before anything of it is written (vertx-redis-client 5.0's
   * {@code doBatch}): a command that fails the client's own arity check, or no room left among the
   * connection's waiting handlers.
   *
   * @param cause a batch's failure
   * @return whether it is one of those, so that nothing of the batch reached Redis
   */
  static boolean isRefusedBeforeWriting(Throwable cause) {
    if (isErrorValue(cause)) {
      return false;
    }
    String message = String.valueOf(cause.getMessage());
    return message.startsWith("Redis command is not valid") || message.equals("Redis waiting queue is full");
  }

  /**
   * @param cause why a connection could not be made
   * @param endpoints the configured endpoints, named (with their passwords redacted) in the message
   * @return the failure to hand to callers: an authentication refusal, or Redis out of reach
   */
  static RedisUnavailableException connectFailure(Throwable cause, List<String> endpoints) {
    if (cause instanceof RedisUnavailableException rue) {
      return rue;
    }
    String msg = String.valueOf(cause.getMessage());
    if (hasCode(cause, "WRONGPASS") || hasCode(cause, "NOAUTH") || hasCode(cause, "NOPERM")) {
      return new RedisUnavailableException(Reason.AUTHENTICATION, "authentication to Redis at "
        + Redaction.redact(String.join(",", endpoints)) + " failed: " + msg, null);
    }
    if (cause instanceof RedisTimeoutException) {
      return new RedisUnavailableException(Reason.DISCONNECTED, msg, cause);
    }
    return new RedisUnavailableException(Reason.DISCONNECTED, "cannot connect to Redis at "
      + Redaction.redact(String.join(",", endpoints)) + ": " + msg, cause);
  }

  /**
   * {@link #connectFailure(Throwable, List)}, told also what in the TLS settings a failure points at:
   * a refused certificate says which trust it was checked against ({@code tlsCaPath} or the JVM's
   * trust store) or that it does not name the host (and, for an address a cluster, the Sentinels or a
   * master announced rather than an endpoint, how to make them announce a name), that the server wants a client
   * certificate none is configured for (tlsCertPath) or refused the configured one, and a connect timeout (or, without TLS, a reset)
   * says that TLS to a plain port, or plain to a TLS port, fails that way: neither side reads the other.
   *
   * @param cause why a connection could not be made
   * @param options the endpoints and the TLS settings
   * @return the failure to hand to callers
   */
  static RedisUnavailableException connectFailure(Throwable cause, GatewayOptions<?> options) {
    RedisUnavailableException mapped = connectFailure(cause, options.getEndpoints());
    if (mapped != cause && options.getType() == RedisClientType.SENTINEL) {
      String msg = String.valueOf(cause.getMessage());
      // The sentinel client reports the Sentinels' answers inside "Cannot connect to any of the provided endpoints",
      // which is no error value of its own: a refused login there is still a login, and it is the Sentinels'.
      if (msg.contains("WRONGPASS") || msg.contains("NOAUTH") || msg.contains("NOPERM")) {
        return new RedisUnavailableException(Reason.AUTHENTICATION, mapped.getMessage() + "; with type SENTINEL the "
          + "user and password log in to the Sentinels as well as to the master they name (vertx-redis-client 5.0.7 "
          + "has no separate Sentinel credentials): every Sentinel needs the same user and password, allowed SENTINEL "
          + "GET-MASTER-ADDR-BY-NAME, SENTINELS and SLAVES, and SUBSCRIBE on +switch-master (see DEPLOYING.md)",
          mapped.getCause());
      }
    }
    String hint = mapped == cause ? null : tlsHint(cause, options);
    return hint == null ? mapped : new RedisUnavailableException(mapped.reason(), mapped.getMessage() + hint, mapped.getCause());
  }

  private static String tlsHint(Throwable cause, GatewayOptions<?> options) {
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

  /**
   * @param cause why work on a dedicated connection failed
   * @return the module's failure for it: kept when already one, an error reply as a
   *         {@link RedisCommandException}, anything else as a lost connection
   */
  static Throwable dedicatedFailure(Throwable cause) {
    if (cause instanceof RedisKitException) {
      return cause;
    }
    if (isErrorReply(cause)) {
      return RedisPermissionException.isRefusal(cause.getMessage()) ? new RedisPermissionException(cause.getMessage(), cause)
        : new RedisCommandException(cause.getMessage(), cause);
    }
    return new RedisUnavailableException(Reason.CONNECTION_LOST, String.valueOf(cause.getMessage()), cause);
  }

  /**
   * Whether a failure of dedicated work is the connection failing (reset, closed, broken pipe), as
   * opposed to an error reply or a failure of the work's own making.
   *
   * @param cause why the work failed
   * @return whether the breaker should hear of it
   */
  static boolean isConnectionFailure(Throwable cause) {
    if (isErrorValue(cause)) {
      return isClientSideError(cause);
    }
    for (Throwable t = cause; t != null && !(t instanceof RedisKitException); t = t.getCause()) {
      // The client's own words when a command is written on a connection it already saw close.
      if (t instanceof IOException || "Connection is closed".equals(t.getMessage())) {
        return true;
      }
    }
    return false;
  }
}
