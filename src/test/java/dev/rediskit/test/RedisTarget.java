package dev.rediskit.test;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.client.KeySlots;
import io.vertx.redis.client.RedisClientType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Redis a test runs on, the same for a standalone server and a cluster, so that one test class
 * body serves both: how to connect, which node holds a key, and server-side observations (PTTL,
 * TIME, DBSIZE, command counts) taken on that node.
 */
public interface RedisTarget {

  /** @return options connecting to this target */
  RedisKitOptions options();

  /**
   * @param key a key
   * @return the master holding it now
   */
  RedisServer nodeFor(String key);

  /** @return every master holding data */
  List<RedisServer> masters();

  /**
   * @param key the key the command touches (picks the node)
   * @param args the command
   * @return the reply
   */
  default Object command(String key, String... args) {
    return nodeFor(key).command(args);
  }

  /** @return keys in all masters */
  default long dbsize() {
    return masters().stream().mapToLong(m -> (Long) m.command("DBSIZE")).sum();
  }

  /**
   * @param key a key
   * @return its PTTL in ms (-2 when absent, -1 without expiry)
   */
  default long pttl(String key) {
    return (Long) command(key, "PTTL", key);
  }

  /**
   * @param key a key
   * @return Redis TIME of the node holding it, in microseconds
   */
  default long timeMicros(String key) {
    List<?> t = (List<?>) nodeFor(key).command("TIME");
    return Long.parseLong((String) t.get(0)) * 1_000_000 + Long.parseLong((String) t.get(1));
  }

  /**
   * @param pattern a KEYS pattern
   * @return every key matching it on every master (tests only: KEYS is fine on a handful of keys)
   */
  default List<String> keys(String pattern) {
    List<String> out = new ArrayList<>();
    for (RedisServer m : masters()) {
      for (Object k : (List<?>) m.command("KEYS", pattern)) {
        out.add((String) k);
      }
    }
    return out;
  }

  /**
   * @param command a command in lower case, e.g. {@code evalsha}
   * @return its calls summed over every master, from INFO commandstats
   */
  default long calls(String command) {
    long sum = 0;
    for (RedisServer m : masters()) {
      Map<String, String> stats = m.info("commandstats");
      String line = stats.get("cmdstat_" + command);
      if (line != null) {
        for (String part : line.split(",")) {
          if (part.startsWith("calls=")) {
            sum += Long.parseLong(part.substring("calls=".length()));
          }
        }
      }
    }
    return sum;
  }

  /**
   * @param server a standalone server
   * @return it as a target
   */
  static RedisTarget standalone(RedisServer server) {
    return new RedisTarget() {
      @Override
      public RedisKitOptions options() {
        return new RedisKitOptions().setEndpoint(server.uri());
      }

      @Override
      public RedisServer nodeFor(String key) {
        return server;
      }

      @Override
      public List<RedisServer> masters() {
        return List.of(server);
      }
    };
  }

  /**
   * @param cluster a cluster
   * @return it as a target, keys routed by their slot to the current master
   */
  static RedisTarget cluster(RedisCluster cluster) {
    return new RedisTarget() {
      @Override
      public RedisKitOptions options() {
        return new RedisKitOptions().setType(RedisClientType.CLUSTER).setEndpoints(cluster.endpoints());
      }

      @Override
      public RedisServer nodeFor(String key) {
        return cluster.masterForSlot(KeySlots.slot(key));
      }

      @Override
      public List<RedisServer> masters() {
        return cluster.currentMasters();
      }
    };
  }
}
