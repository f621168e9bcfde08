package dev.rediskit.ratelimit;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.test.RedisCluster;
import dev.rediskit.test.RedisServer;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.impl.ZModem;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the rate-limit integration tests need to know of the Redis they run on, the same for a
 * standalone server and a cluster: how to connect, which node holds a key, and server-side
 * observations (TIME, PTTL, command counts) taken on that node.
 */
interface RedisTarget {

  RedisKitOptions options();

  /** @return the master holding {@code key} */
  RedisServer nodeFor(String key);

  /** @return every master */
  List<RedisServer> masters();

  /** @return Redis TIME of the node holding {@code key}, in microseconds */
  default long timeMicros(String key) {
    List<?> t = (List<?>) nodeFor(key).command("TIME");
    return Long.parseLong((String) t.get(0)) * 1_000_000 + Long.parseLong((String) t.get(1));
  }

  /** @return every key matching {@code pattern} on every master (tests only: KEYS is fine on a handful of keys) */
  default List<String> keys(String pattern) {
    List<String> out = new ArrayList<>();
    for (RedisServer m : masters()) {
      for (Object k : (List<?>) m.command("KEYS", pattern)) {
        out.add((String) k);
      }
    }
    return out;
  }

  /** @return calls of a command (lower case, e.g. "evalsha") summed over every master, from INFO commandstats */
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

  static RedisTarget cluster(RedisCluster cluster) {
    return new RedisTarget() {
      @Override
      public RedisKitOptions options() {
        return new RedisKitOptions().setType(RedisClientType.CLUSTER).setEndpoints(cluster.endpoints());
      }

      @Override
      public RedisServer nodeFor(String key) {
        return cluster.masterForSlot(ZModem.generate(key));
      }

      @Override
      public List<RedisServer> masters() {
        return cluster.currentMasters();
      }
    };
  }
}
