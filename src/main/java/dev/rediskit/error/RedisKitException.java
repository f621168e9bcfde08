package dev.rediskit.error;

/**
 * Base class of every failure the module reports. Each subclass carries the failure code used on
 * the event bus (HTTP-like: 400, 413, 503, 504, 500), so a failure can be told apart by type in
 * Java and by code across the event bus.
 */
public class RedisKitException extends RuntimeException {

  /** The event-bus failure code. */
  private final int code;

  /**
   * @param code the event-bus failure code of this kind of failure
   * @param message what went wrong, naming the field or the server where possible
   * @param cause the underlying failure, may be {@code null}
   */
  public RedisKitException(int code, String message, Throwable cause) {
    super(message, cause, false, true);
    this.code = code;
  }

  /** @return the event-bus failure code (400 invalid request, 413 too large, 503 unavailable, 504 timeout, 500 other) */
  public int code() {
    return code;
  }
}
