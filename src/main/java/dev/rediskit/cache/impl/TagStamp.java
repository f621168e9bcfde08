package dev.rediskit.cache.impl;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The tags of an entry being written with their versions at that moment, encoded once as the
 * header section of {@link EntryFormat#VERSION_TAGGED}: a batch of entries with the same tags shares
 * one stamp.
 */
final class TagStamp {

  private final List<String> tags;
  private final long[] versions;
  private final byte[] section;

  /**
   * @param tags checked tags, without repeats (1 to {@link dev.rediskit.cache.CacheNames#MAX_TAGS})
   * @param versions the version of each, in the same order
   */
  TagStamp(List<String> tags, long[] versions) {
    this.tags = tags;
    this.versions = versions.clone();
    ByteArrayOutputStream out = new ByteArrayOutputStream(1 + tags.size() * 24);
    out.write(tags.size());
    ByteBuffer v = ByteBuffer.allocate(8);
    for (int i = 0; i < tags.size(); i++) {
      byte[] b = tags.get(i).getBytes(StandardCharsets.UTF_8);
      out.write(b.length >>> 8);
      out.write(b.length & 0xFF);
      out.write(b, 0, b.length);
      out.write(v.clear().putLong(versions[i]).array(), 0, 8);
    }
    this.section = out.toByteArray();
  }

  /** @return the tags */
  List<String> tags() {
    return tags;
  }

  /** @return the encoded section: the number of tags, then each tag's UTF-8 length, bytes and version */
  byte[] section() {
    return section;
  }

  /**
   * @param i a tag's index
   * @return its version in this stamp
   */
  long version(int i) {
    return versions[i];
  }
}
