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
  /** Longest tag, in characters. */
  public static final int MAX_TAG_LENGTH = 256;
  /** Most tags of one entry. */
  public static final int MAX_TAGS = 32;

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

  /**
   * @param field the field name to report ({@code tag}, {@code tags[2]})
   * @param tag a tag
   * @return it, when valid: 1 to {@value #MAX_TAG_LENGTH} characters without control characters
   * @throws InvalidRequestException naming {@code field}
   */
  public static String checkTag(String field, String tag) {
    return RequestText.checkPrintable(field, tag, MAX_TAG_LENGTH);
  }

  /**
   * Checks an entry's tags (reporting {@code tags[i]}) and drops repeats, keeping the first
   * occurrence's order.
   *
   * @param tags the tags, {@code null} or empty for none
   * @return them, each once; empty for none
   * @throws InvalidRequestException naming {@code tags} when more than {@value #MAX_TAGS}, or the first invalid {@code tags[i]}
   */
  public static java.util.List<String> checkTags(java.util.Collection<String> tags) {
    if (tags == null || tags.isEmpty()) {
      return java.util.List.of();
    }
    java.util.LinkedHashSet<String> unique = new java.util.LinkedHashSet<>();
    int i = 0;
    for (String t : tags) {
      unique.add(checkTag("tags[" + i + "]", t));
      i++;
    }
    if (unique.size() > MAX_TAGS) {
      throw new InvalidRequestException("tags", "must hold at most " + MAX_TAGS + " tags, was " + unique.size());
    }
    return java.util.List.copyOf(unique);
  }

  private static boolean isControlOrSpace(char c) {
    return Character.isISOControl(c) || Character.isWhitespace(c) || Character.isSpaceChar(c);
  }
}
