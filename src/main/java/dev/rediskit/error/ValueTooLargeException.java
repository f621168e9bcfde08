package dev.rediskit.error;

/** A value larger than the configured maximum (code 413). Nothing is written to Redis. */
public class ValueTooLargeException extends RedisKitException {

  /** Event-bus failure code of a value that is too large. */
  public static final int CODE = 413;

  /**
   * @param field the field holding the value
   * @param size the encoded size in bytes
   * @param max the configured maximum in bytes
   */
  public ValueTooLargeException(String field, long size, long max) {
    super(CODE, field + ": encoded value is " + size + " bytes, larger than the maximum of " + max + " bytes", null);
  }

  /**
   * Rebuilds the failure from its message, e.g. from an event-bus reply with code 413.
   *
   * @param message the message of the original failure
   */
  public ValueTooLargeException(String message) {
    super(CODE, message, null);
  }
}
