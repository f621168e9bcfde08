package dev.rediskit.error;

/**
 * Redis answered a command with an error reply (e.g. {@code WRONGTYPE}, {@code OOM}), code 500.
 * The connection is healthy; these do not count against the circuit breaker.
 */
public class RedisCommandException extends RedisKitException {

  /** Event-bus failure code of an error reply. */
  public static final int CODE = 500;

  /**
   * @param message the error reply, prefixed by the command that caused it
   * @param cause the client's error value
   */
  public RedisCommandException(String message, Throwable cause) {
    super(CODE, message, cause);
  }

  /** @return the error kind Redis sent first in its reply, e.g. {@code WRONGTYPE} or {@code NOSCRIPT} */
  public String errorKind() {
    String m;
    if (getCause() instanceof RedisCommandException wrapped) {
      // A failure that names its component around Redis's own: the reply is the wrapped one's.
      return wrapped.errorKind();
    }
    if (getCause() != null && getCause().getMessage() != null) {
      m = getCause().getMessage();
    } else {
      // Without the client's error value, the reply follows the command's name: "EVALSHA: NOPERM ...".
      String own = getMessage() == null ? "" : getMessage();
      int colon = own.indexOf(": ");
      m = colon > 0 ? own.substring(colon + 2) : own;
    }
    int sp = m.indexOf(' ');
    return sp > 0 ? m.substring(0, sp) : m;
  }
}
