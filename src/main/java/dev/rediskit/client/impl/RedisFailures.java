package dev.rediskit.client.impl;

import dev.rediskit.config.Redaction;
import dev.rediskit.error.RedisCommandException;
import dev.rediskit.error.RedisPermissionException;
import dev.rediskit.error.RedisKitException;
import dev.rediskit.client.GatewayOptions;
import dev.rediskit.error.RedisTimeoutException;
import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.error.RedisUnavailableException.Reason;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

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
    String hint = mapped == cause ? null : TlsHints.hint(cause, options);
    return hint == null ? mapped : new RedisUnavailableException(mapped.reason(), mapped.getMessage() + hint, mapped.getCause());
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
