package dev.rediskit.cache;

/**
 * No loader can be called for the request (code 501): the namespace has no loader address
 * configured and the request names none, or nothing consumes the loader address (the loader's
 * verticle is not deployed, or was undeployed). Nothing is written to Redis.
 */
public class LoaderUnavailableException extends LoaderException {

  /** Event-bus failure code of a missing loader. */
  public static final int CODE = 501;

  /** @param message which namespace or address, and what is missing */
  public LoaderUnavailableException(String message) {
    super(CODE, message, null);
  }
}
