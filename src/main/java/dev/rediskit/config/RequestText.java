package dev.rediskit.config;

import dev.rediskit.error.InvalidRequestException;

/**
 * The check every text field of a request starts with (cache keys and namespaces, rate-limit
 * keys, names and tokens), so that all refuse a missing, empty or overlong value with the same
 * message.
 *
 * <p>Internal: shared by the module's packages; not part of the API.
 */
public final class RequestText {

  private RequestText() {
  }

  /**
   * @param field the field name to report
   * @param value the value
   * @param maxLength the longest value accepted, in characters
   * @return the value, when present, not empty and at most {@code maxLength} characters
   * @throws InvalidRequestException naming {@code field} otherwise
   */
  public static String check(String field, String value, int maxLength) {
    if (value == null) {
      throw new InvalidRequestException(field, "is required");
    }
    if (value.isEmpty()) {
      throw new InvalidRequestException(field, "must not be empty");
    }
    if (value.length() > maxLength) {
      throw new InvalidRequestException(field, "must be at most " + maxLength + " characters, was " + value.length());
    }
    return value;
  }

  /** Longest event-bus address accepted (a loader's, or a loader prefix), in characters. */
  public static final int MAX_ADDRESS_LENGTH = 256;

  /**
   * @param field the field name to report
   * @param address an event-bus address
   * @return it, when 1 to {@link #MAX_ADDRESS_LENGTH} characters without whitespace or control characters
   * @throws InvalidRequestException naming {@code field} otherwise
   */
  public static String checkAddress(String field, String address) {
    check(field, address, MAX_ADDRESS_LENGTH);
    for (int i = 0; i < address.length(); i++) {
      char c = address.charAt(i);
      if (Character.isISOControl(c) || Character.isWhitespace(c) || Character.isSpaceChar(c)) {
        throw new InvalidRequestException(field, "must not contain whitespace or control characters (at index " + i
          + "), was " + OptionChecks.describe(address));
      }
    }
    return address;
  }

  /**
   * {@link #check} and no control characters: the rule of every key-like field (cache keys, rate-limit
   * keys, service and endpoint names). Spaces are fine; control characters are not (CR and LF break
   * logs and redis-cli output, NUL truncates keys in many tools).
   *
   * @param field the field name to report
   * @param value the value
   * @param maxLength the longest value accepted, in characters
   * @return the value, when valid
   * @throws InvalidRequestException naming {@code field} otherwise
   */
  public static String checkPrintable(String field, String value, int maxLength) {
    check(field, value, maxLength);
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw new InvalidRequestException(field, "must not contain control characters (at index " + i + ")");
      }
    }
    return value;
  }
}
