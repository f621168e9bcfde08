package dev.rediskit.client;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Redis Cluster hash slots: CRC16 (XMODEM) of the key, or of its hash tag, modulo 16384, as the
 * cluster specification defines it. Multi-key commands (MGET, UNLINK) must only name keys of one
 * slot on a cluster, so callers group keys with {@link #groupBySlot(Collection)} first.
 *
 * <p>Kept here rather than borrowed from the client's internal packages, which may change without
 * notice between releases.
 *
 * <p>Internal: not part of the API.
 */
public final class KeySlots {

  /** Number of hash slots of a Redis Cluster. */
  public static final int SLOTS = 16384;

  private static final int[] TABLE = new int[256];

  static {
    for (int i = 0; i < 256; i++) {
      int crc = i << 8;
      for (int b = 0; b < 8; b++) {
        crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
      }
      TABLE[i] = crc & 0xFFFF;
    }
  }

  private KeySlots() {
  }

  /**
   * @param bytes the data
   * @param from first index
   * @param to index after the last
   * @return the CRC16/XMODEM of {@code bytes[from, to)}
   */
  public static int crc16(byte[] bytes, int from, int to) {
    int crc = 0;
    for (int i = from; i < to; i++) {
      crc = ((crc << 8) ^ TABLE[((crc >>> 8) ^ bytes[i]) & 0xFF]) & 0xFFFF;
    }
    return crc;
  }

  /**
   * @param key a key
   * @return its hash slot, honouring a non-empty {@code {hash tag}}
   */
  public static int slot(String key) {
    return slot(key.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * @param b a key's bytes
   * @return its hash slot, honouring a non-empty {@code {hash tag}}
   */
  public static int slot(byte[] b) {
    int open = -1;
    for (int i = 0; i < b.length; i++) {
      if (b[i] == '{') {
        open = i;
        break;
      }
    }
    if (open >= 0) {
      for (int j = open + 1; j < b.length; j++) {
        if (b[j] == '}') {
          if (j > open + 1) {
            return crc16(b, open + 1, j) & (SLOTS - 1);
          }
          break;
        }
      }
    }
    return crc16(b, 0, b.length) & (SLOTS - 1);
  }

  /**
   * Groups keys by hash slot, keeping their order inside each group and the order in which slots
   * were first met.
   *
   * @param keys the keys
   * @return the keys of each slot
   */
  public static Map<Integer, List<String>> groupBySlot(Collection<String> keys) {
    Map<Integer, List<String>> groups = new LinkedHashMap<>();
    for (String k : keys) {
      groups.computeIfAbsent(slot(k), s -> new ArrayList<>()).add(k);
    }
    return groups;
  }
}
