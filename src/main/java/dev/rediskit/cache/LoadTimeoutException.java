package dev.rediskit.cache;

import dev.rediskit.RedisTimeoutException;

/**
 * A loader that did not complete within {@code cache.loadTimeoutMs} (code 504). The load counts as
 * failed: a stale value is served instead when there is one.
 */
public class LoadTimeoutException extends RedisTimeoutException {

  /** @param message which key, and after how long */
  public LoadTimeoutException(String message) {
    super(message);
  }
}
