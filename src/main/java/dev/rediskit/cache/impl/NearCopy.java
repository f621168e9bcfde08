package dev.rediskit.cache.impl;

import dev.rediskit.cache.CacheCodec;
import dev.rediskit.cache.impl.EntryFormat.Entry;

/**
 * A copy in a {@link NearCache}: the entry (payload copied off the reply), its value decoded once
 * per codec, the version it was read at, and the end of its life here: its entry's fresh TTL, or
 * the near cache's {@code ttlMs} from the fill if sooner. What a hit reads is held here rather than
 * behind the entry or another object: with thousands of copies each object a hit reaches is likely
 * a miss of the CPU's cache, the largest cost left in a hit.
 */
final class NearCopy {

  /** Not decoded yet ({@code null} is a value: an entry that caches an absent value). */
  private static final Object UNDECODED = new Object();

  final Entry entry;
  /** The start of the Redis keys at the version it was read at: one instance per version, shared by the copies. */
  private final String start;
  /** Its estimated heap, as the near cache's byte bound counts it. */
  final int weight;
  /** When it stops being servable here, epoch ms. */
  final long servableUntilMs;
  /** The entry's fresh-until time, epoch ms. */
  final long freshUntil;
  /** Whether the entry carries tags (checked against the tags' versions on every hit). */
  final boolean tagged;
  /** The codec of the view that filled the copy, whose decoded value {@link #value} holds. */
  private final CacheCodec<?> codec;
  /** The value decoded by {@link #codec}, {@link #UNDECODED} until a hit of that view decodes it. */
  private volatile Object value = UNDECODED;
  /** The value decoded by another view's codec, if one read it. */
  private volatile Decoded other;

  private record Decoded(CacheCodec<?> codec, Object value) {
  }

  /**
   * @param entry the entry, its payload already copied off the reply
   * @param start the start of the Redis keys at the version it was read at
   * @param weight its estimated heap
   * @param servableUntilMs when it stops being servable here, epoch ms
   * @param codec the codec of the view that filled it
   */
  NearCopy(Entry entry, String start, int weight, long servableUntilMs, CacheCodec<?> codec) {
    this.entry = entry;
    this.start = start;
    this.weight = weight;
    this.servableUntilMs = servableUntilMs;
    this.freshUntil = entry.freshUntil;
    this.tagged = entry.hasTags();
    this.codec = codec;
  }

  /**
   * @param versionStart the start of the namespace's Redis keys at its current version
   * @return whether the copy was read at that version
   */
  boolean isAt(String versionStart) {
    // The same instance per version, held by NamespaceVersions; equals() only in case it was rebuilt.
    return start == versionStart || start.equals(versionStart);
  }

  /**
   * @param entries the view asking
   * @param <V> its value type
   * @return the value decoded by the view's codec, decoded on its first read (values are shared
   *     between the callers of a view, as documented)
   * @throws RuntimeException when the codec cannot decode it
   */
  @SuppressWarnings("unchecked")
  <V> V value(NamespaceEntries<V> entries) {
    CacheCodec<V> c = entries.codec();
    if (c == codec) {
      Object v = value;
      if (v == UNDECODED) {
        // Two first hits may both decode: either result is the value.
        v = entries.valueOf(entry);
        value = v;
      }
      return (V) v;
    }
    Decoded d = other;
    if (d != null && d.codec == c) {
      return (V) d.value;
    }
    V v = entries.valueOf(entry);
    other = new Decoded(c, v);
    return v;
  }
}
