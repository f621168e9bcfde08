package dev.rediskit.cache;

/**
 * A loader that did not complete within {@code cache.loadTimeoutMs} (code 524, distinct from 504,
 * which is a Redis command's timeout). The load counts as failed: a stale value is served instead
 * when there is one.
 */
public class LoadTimeoutException extends LoaderException {

  /** Event-bus failure code of a loader that timed out. */
  public static final int CODE = 524;

  /** @param message which key, and after how long */
  public LoadTimeoutException(String message) {
    super(CODE, message, null);
  }
}
