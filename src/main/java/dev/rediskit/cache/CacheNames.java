package dev.rediskit.cache;

import dev.rediskit.config.OptionChecks;
import dev.rediskit.config.RequestText;
import dev.rediskit.error.InvalidRequestException;

/**
 * The rules a namespace and a key must follow, checked before anything reaches Redis by the Java
 * API and the event-bus consumers alike, so that both refuse the same input with the same message.
 * A namespace may not contain {@code ':'}: otherwise namespace {@code a} would own the keys of
 * namespace {@code a:b}, and flushing one would flush the other.
 */
public final class CacheNames {

  /** Longest namespace accepted, in characters. */
  public static final int MAX_NAMESPACE_LENGTH = 128;
  /** Longest key accepted, in characters. */
  public static final int MAX_KEY_LENGTH = 1024;

  private CacheNames() {
  }

  /**
   * @param namespace a namespace
   * @return it, when valid
   * @throws InvalidRequestException naming field {@code namespace}
   */
  public static String checkNamespace(String namespace) {
    return checkNamespace("namespace", namespace);
  }

  /**
   * @param field the field name to report
   * @param namespace a namespace
   * @return it, when valid
   * @throws InvalidRequestException naming {@code field}
   */
  public static String checkNamespace(String field, String namespace) {
    RequestText.check(field, namespace, MAX_NAMESPACE_LENGTH);
    for (int i = 0; i < namespace.length(); i++) {
      char c = namespace.charAt(i);
      if (c == ':') {
        throw new InvalidRequestException(field, "must not contain ':' (it separates namespace and key), was "
          + OptionChecks.describe(namespace));
      }
      if (isControlOrSpace(c)) {
        throw new InvalidRequestException(field, "must not contain whitespace or control characters (at index " + i
          + "), was " + OptionChecks.describe(namespace));
      }
    }
    return namespace;
  }

  /**
   * @param field the field name to report ({@code key}, {@code keys[3]}...)
   * @param key a key inside a namespace
   * @return it, when valid
   * @throws InvalidRequestException naming {@code field}
   */
  public static String checkKey(String field, String key) {
    return RequestText.checkPrintable(field, key, MAX_KEY_LENGTH);
  }

  private static boolean isControlOrSpace(char c) {
    return Character.isISOControl(c) || Character.isWhitespace(c) || Character.isSpaceChar(c);
  }
}
