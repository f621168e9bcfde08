package dev.rediskit.error;

/** A Redis command that did not complete within its timeout (code 504). */
public class RedisTimeoutException extends RedisKitException {

  /** Event-bus failure code of a timeout. */
  public static final int CODE = 504;

  /** @param message which command timed out, and after how long */
  public RedisTimeoutException(String message) {
    super(CODE, message, null);
  }
}
