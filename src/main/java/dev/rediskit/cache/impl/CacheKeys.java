package dev.rediskit.cache.impl;

import dev.rediskit.cache.CacheNames;
import dev.rediskit.config.KeyFamily;
import dev.rediskit.error.InvalidRequestException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Builds the Redis keys of cache entries: {@code <keyPrefix>:c:<namespace>:<version>:<key>}
 * ({@link KeyFamily#CACHE_ENTRY}), of their leases: {@code <keyPrefix>:cl:<namespace>:<version>:<key>}
 * ({@link KeyFamily#CACHE_LEASE}), and of the namespace versions: {@code <keyPrefix>:cv:<namespace>}
 * ({@link KeyFamily#CACHE_NAMESPACE_VERSION}).
 *
 * <p>The version is in every entry key, 0 included, so that the layout stays unambiguous: a key
 * may contain {@code ':'} and digits, and {@code c:users:3:a} can only be key {@code a} at version 3
 * (at version 0 it would be {@code c:users:0:3:a}).
 *
 * <p>The family segment after the prefix is fixed, so no namespace, whatever its name, reaches
 * another family's keys (namespace {@code rl} is {@code <keyPrefix>:c:rl:}, not the limiter's
 * {@code <keyPrefix>:rl:}). A namespace may not contain {@code ':'}: otherwise namespace {@code a}
 * would own the keys of namespace {@code a:b} and flushing one would flush the other.
 */
public final class CacheKeys {

  private final String prefix;
  private final String leasePrefix;
  private final String versionPrefix;

  /** @param keyPrefix the validated key prefix of the module (no glob characters, no whitespace) */
  public CacheKeys(String keyPrefix) {
    this.prefix = KeyFamily.CACHE_ENTRY.start(keyPrefix);
    this.leasePrefix = KeyFamily.CACHE_LEASE.start(keyPrefix);
    this.versionPrefix = KeyFamily.CACHE_NAMESPACE_VERSION.start(keyPrefix);
  }

  /**
   * @param namespace a valid namespace
   * @return {@code <keyPrefix>:c:<namespace>:}, what the keys of its entries start with at every version
   */
  public String namespaceStart(String namespace) {
    return prefix + namespace + ':';
  }

  /**
   * @param namespace a valid namespace
   * @param version its version
   * @return {@code <keyPrefix>:c:<namespace>:<version>:}, the start of its entries' keys at that version
   */
  public String entryStart(String namespace, long version) {
    return prefix + namespace + ':' + version + ':';
  }

  /**
   * @param namespace a valid namespace
   * @return the key of its version counter
   */
  public String versionKey(String namespace) {
    return versionPrefix + namespace;
  }


  /**
   * Checks every key (reporting {@code keys[i]}) and drops repeats, keeping the first occurrence's order.
   *
   * @param keys keys inside a namespace
   * @return them, each once
   * @throws InvalidRequestException naming {@code keys} when null, or the first invalid {@code keys[i]}
   */
  static List<String> checkKeys(Collection<String> keys) {
    if (keys == null) {
      throw new InvalidRequestException("keys", "is required");
    }
    LinkedHashSet<String> unique = new LinkedHashSet<>();
    int i = 0;
    for (String k : keys) {
      CacheNames.checkKey("keys[" + i + "]", k);
      unique.add(k);
      i++;
    }
    return new ArrayList<>(unique);
  }

  /**
   * @param namespace a valid namespace
   * @param version the namespace's version
   * @param key a valid key
   * @return the Redis key of the entry
   */
  public String entryKey(String namespace, long version, String key) {
    return prefix + namespace + ':' + version + ':' + key;
  }

  /**
   * @param entryKey the Redis key of an entry
   * @return the key of the lease that guards its loading
   */
  public String leaseKey(String entryKey) {
    return leasePrefix + entryKey.substring(prefix.length());
  }

  /**
   * @param namespace a valid namespace
   * @return the SCAN MATCH pattern of every entry of the namespace, of every version, glob characters escaped
   */
  public String matchPattern(String namespace) {
    return escapeGlob(prefix) + escapeGlob(namespace) + ":*";
  }

  /**
   * Escapes the characters SCAN MATCH treats specially ({@code * ? [ ] \}), so that namespace
   * {@code user*} matches only itself.
   *
   * @param s any text
   * @return the text as a literal glob
   */
  public static String escapeGlob(String s) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        if (sb == null) {
          sb = new StringBuilder(s.length() + 8).append(s, 0, i);
        }
        sb.append('\\');
      }
      if (sb != null) {
        sb.append(c);
      }
    }
    return sb == null ? s : sb.toString();
  }
}
