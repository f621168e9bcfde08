package dev.rediskit.error;

/**
 * Redis cannot be used right now (code 503): the circuit breaker is open, the connection is down
 * or was lost, too many commands are queued, authentication failed, or the gateway is closed.
 * {@link #reason()} tells which.
 */
public class RedisUnavailableException extends RedisKitException {

  /** Event-bus failure code of an unavailable Redis. */
  public static final int CODE = 503;

  /** Why Redis is unavailable. */
  public enum Reason {
    /** The circuit breaker is open (or half-open and busy with its trial call): failing fast. */
    BREAKER_OPEN,
    /** No connection to Redis could be established yet. */
    DISCONNECTED,
    /** The connection broke while the command was in flight; the command may or may not have run. */
    CONNECTION_LOST,
    /** More commands are queued than the configured maximum: failing fast instead of queueing without bound. */
    OVERLOADED,
    /** Redis refused the credentials: a configuration problem that retrying will not fix. */
    AUTHENTICATION,
    /** The gateway was closed. */
    CLOSED
  }

  /** Why Redis is unavailable. */
  private final Reason reason;

  /**
   * @param reason why Redis is unavailable
   * @param message details for a human reader (never includes secrets)
   * @param cause the underlying failure, may be {@code null}
   */
  public RedisUnavailableException(Reason reason, String message, Throwable cause) {
    super(CODE, message, cause);
    this.reason = reason;
  }

  /** @return why Redis is unavailable */
  public Reason reason() {
    return reason;
  }

  /**
   * Whether a failure means that Redis itself cannot answer (down, unreachable, stalled, refusing
   * the credentials, behind an open breaker), as opposed to the module's own back-pressure
   * ({@link Reason#OVERLOADED}) or an error reply. Fallbacks (a limiter's failure policy, a cache
   * read falling through to the loader) are for the first case only: taking them on the module's
   * own overload would switch limiting off, or send a burst to the database, exactly when the load
   * is highest.
   *
   * @param failure any failure of a Redis operation
   * @return {@code true} for a {@link RedisTimeoutException}, or a {@link RedisUnavailableException}
   * for any reason but {@link Reason#OVERLOADED}
   */
  public static boolean isRedisUnavailable(Throwable failure) {
    if (failure instanceof RedisUnavailableException rue) {
      return rue.reason() != Reason.OVERLOADED;
    }
    return failure instanceof RedisTimeoutException;
  }
}
