package dev.rediskit.eventbus.impl;

/**
 * The key of a copy in a {@link ClientNearCache}: a namespace and a key. Not a concatenation of
 * the two, which copies both strings and hashes the result on every read: this combines the two
 * strings' own (cached) hashes, and compares the key before the namespace, the namespace being
 * most often the very same instance.
 */
final class NearKey {

  final String namespace;
  final String key;
  private final int hash;

  /**
   * @param namespace the namespace
   * @param key the key; {@code null} (a drop asked for by a caller's list of keys: reads of it are
   *            never held) as {@code "null"}, dropping more rather than failing
   */
  NearKey(String namespace, String key) {
    this.namespace = namespace;
    this.key = key == null ? "null" : key;
    this.hash = 31 * namespace.hashCode() + this.key.hashCode();
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NearKey k && hash == k.hash && key.equals(k.key) && namespace.equals(k.namespace);
  }

  @Override
  public String toString() {
    return namespace + '/' + key;
  }
}
