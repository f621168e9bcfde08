package dev.rediskit.cache;

import dev.rediskit.error.RedisKitException;

/**
 * A loader called over the event bus failed: it answered with a failure or with a reply that is
 * not the loader contract's, and there was no stale value to serve instead (code 502). Nothing is
 * written to Redis. The loader's own failure, when there is one, is the cause and is quoted in
 * the message.
 */
public class LoaderException extends RedisKitException {

  /** Event-bus failure code of a loader that failed. */
  public static final int CODE = 502;

  /** @param message which loader, which key, and what it answered */
  public LoaderException(String message) {
    this(CODE, message, null);
  }

  /**
   * @param message which loader, which key, and what it answered
   * @param cause the loader's failure
   */
  public LoaderException(String message, Throwable cause) {
    this(CODE, message, cause);
  }

  /**
   * For the loader failures that have a code of their own.
   *
   * @param code the event-bus failure code
   * @param message what went wrong
   * @param cause the underlying failure, or {@code null}
   */
  protected LoaderException(int code, String message, Throwable cause) {
    super(code, message, cause);
  }
}
