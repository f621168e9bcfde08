package dev.rediskit.cache;

import dev.rediskit.client.KeySlots;
import dev.rediskit.test.RedisCluster;
import dev.rediskit.test.RedisServer;

import java.util.List;

/** Looks at the real server(s) behind a test, routing key commands to the node that owns the key. */
interface RedisInspector {

  /**
   * @param key the key the command touches (picks the node)
   * @param args the command
   * @return the reply
   */
  Object command(String key, String... args);

  /** @return the nodes holding data: the server, or every current master */
  List<RedisServer> masters();

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

  static RedisInspector of(RedisServer server) {
    return new RedisInspector() {
      @Override
      public Object command(String key, String... args) {
        return server.command(args);
      }

      @Override
      public List<RedisServer> masters() {
        return List.of(server);
      }
    };
  }

  static RedisInspector of(RedisCluster cluster) {
    return new RedisInspector() {
      @Override
      public Object command(String key, String... args) {
        return cluster.masterForSlot(KeySlots.slot(key)).command(args);
      }

      @Override
      public List<RedisServer> masters() {
        return cluster.currentMasters();
      }
    };
  }
}
