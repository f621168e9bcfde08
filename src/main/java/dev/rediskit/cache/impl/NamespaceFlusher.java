package dev.rediskit.cache.impl;

import dev.rediskit.client.RedisGateway;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Flushes a namespace without ever blocking Redis: {@code SCAN MATCH} (glob characters of the
 * namespace escaped) on every master, each page deleted with {@code UNLINK}, never {@code KEYS}.
 *
 * <p>A node is walked on dedicated connections, one after the other, each running pages for at
 * most {@code chunkNanos}: the gateway bounds a dedicated connection by the command timeout, and a
 * flush of millions of keys takes longer than that.
 */
final class NamespaceFlusher {

  /** SCAN COUNT: about this many hash buckets examined per call, well under a millisecond of Redis time. */
  static final int SCAN_COUNT = 1000;

  private final RedisGateway gateway;
  private final CacheKeys keys;
  private final KeyBatches batches;
  private final long chunkNanos;
  private final Function<String, StatsImpl> statsOf;
  private final InvalidationListeners listeners;

  /**
   * @param gateway the gateway
   * @param keys the cache's key layout
   * @param batches how keys are grouped into UNLINKs
   * @param chunkNanos how long one dedicated connection runs pages
   * @param statsOf the counters of a namespace
   * @param listeners told of each completed flush
   */
  NamespaceFlusher(RedisGateway gateway, CacheKeys keys, KeyBatches batches, long chunkNanos,
                   Function<String, StatsImpl> statsOf, InvalidationListeners listeners) {
    this.gateway = gateway;
    this.keys = keys;
    this.batches = batches;
    this.chunkNanos = chunkNanos;
    this.statsOf = statsOf;
    this.listeners = listeners;
  }

  /**
   * @param namespace a valid namespace
   * @return how many entries were deleted, over all masters
   */
  Future<Long> flush(String namespace) {
    String pattern = keys.matchPattern(namespace);
    StatsImpl s = statsOf.apply(namespace);
    return gateway.masters().compose(masters -> {
      List<Future<Long>> each = new ArrayList<>(masters.size());
      for (String node : masters) {
        each.add(flushNode(node, pattern, "0", 0L));
      }
      return Future.all(each).map(cf -> {
        long total = 0;
        for (Future<Long> f : each) {
          total += f.result();
        }
        return total;
      });
    }).andThen(ar -> {
      if (ar.succeeded()) {
        s.flushes.increment();
        s.flushedKeys.add(ar.result());
        listeners.notifyFlush(namespace);
      } else {
        s.errors.increment();
      }
    });
  }

  /** Walks one node, a connection at a time: each connection runs pages for at most {@link #chunkNanos}. */
  private Future<Long> flushNode(String node, String pattern, String cursor, long removed) {
    return gateway.onNode(node, conn -> scanPages(conn, pattern, cursor, System.nanoTime() + chunkNanos, 0L))
      .compose(step -> {
        long total = removed + step.removed;
        return "0".equals(step.cursor) ? Future.succeededFuture(total) : flushNode(node, pattern, step.cursor, total);
      });
  }

  private record ScanStep(String cursor, long removed) {
  }

  private Future<ScanStep> scanPages(RedisConnection conn, String pattern, String cursor, long deadline, long removed) {
    Request scan = Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(pattern).arg("COUNT").arg(SCAN_COUNT);
    return conn.send(scan).compose(reply -> {
      String next = reply.get(0).toString();
      Response page = reply.get(1);
      List<String> found = new ArrayList<>(page.size());
      for (Response k : page) {
        found.add(k.toString());
      }
      Future<Long> deleted = found.isEmpty() ? Future.succeededFuture(0L)
        : KeyBatches.sumOf(conn.batch(batches.unlinkRequests(found)));
      if ("0".equals(next) || System.nanoTime() - deadline >= 0) {
        return deleted.map(n -> new ScanStep(next, removed + n));
      }
      // The next SCAN goes out right behind the UNLINKs on the same connection: one round trip per page, not two.
      Future<ScanStep> rest = scanPages(conn, pattern, next, deadline, 0L);
      return Future.all(deleted, rest).map(cf -> new ScanStep(rest.result().cursor, removed + deleted.result() + rest.result().removed));
    });
  }
}
