package dev.rediskit.cache.impl;

import dev.rediskit.client.KeySlots;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Cuts lists of keys into the multi-key commands Redis accepts: one hash slot per command on a
 * cluster (else CROSSSLOT), and a bounded number of keys per command everywhere, so one command
 * never holds Redis for long.
 */
final class KeyBatches {

  /** Keys per MGET or UNLINK, and commands per pipelined chunk of a large write. */
  static final int MAX_KEYS_PER_COMMAND = 1000;

  private final boolean cluster;

  /** @param cluster whether the keys live on a Redis Cluster (group them by hash slot) */
  KeyBatches(boolean cluster) {
    this.cluster = cluster;
  }

  /**
   * @param redisKeys full Redis keys
   * @return the groups, each in input order, of one slot on a cluster and at most
   *     {@link #MAX_KEYS_PER_COMMAND} keys
   */
  List<List<String>> groups(List<String> redisKeys) {
    List<List<String>> out = new ArrayList<>();
    Collection<List<String>> bySlot = cluster ? KeySlots.groupBySlot(redisKeys).values() : List.of(redisKeys);
    for (List<String> group : bySlot) {
      for (int i = 0; i < group.size(); i += MAX_KEYS_PER_COMMAND) {
        out.add(group.subList(i, Math.min(group.size(), i + MAX_KEYS_PER_COMMAND)));
      }
    }
    return out;
  }

  /**
   * @param redisKeys full Redis keys
   * @return one UNLINK per group of {@link #groups}
   */
  List<Request> unlinkRequests(List<String> redisKeys) {
    List<Request> out = new ArrayList<>();
    for (List<String> group : groups(redisKeys)) {
      Request r = Request.cmd(Command.UNLINK);
      for (String k : group) {
        r.arg(k);
      }
      out.add(r);
    }
    return out;
  }

  /**
   * @param replies the integer replies of a batch (UNLINK counts)
   * @return their sum
   */
  static Future<Long> sumOf(Future<List<Response>> replies) {
    return replies.map(list -> {
      long n = 0;
      for (Response r : list) {
        n += r.toLong();
      }
      return n;
    });
  }
}
