package dev.rediskit.error;

/**
 * A request that fails validation (code 400). It never reaches Redis. The message names the field
 * and the reason, e.g. {@code "ttlMs: must be > 0, was -5"}.
 */
public class InvalidRequestException extends RedisKitException {

  /** Event-bus failure code of an invalid request. */
  public static final int CODE = 400;

  /** The request field that is wrong. */
  private final String field;

  /**
   * @param field the offending field (JSON key or parameter name)
   * @param reason why the value is refused, including the value where it is not secret
   */
  public InvalidRequestException(String field, String reason) {
    super(CODE, field + ": " + reason, null);
    this.field = field;
  }

  /** @return the name of the offending field */
  public String field() {
    return field;
  }
}
