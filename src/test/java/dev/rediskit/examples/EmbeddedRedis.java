package dev.rediskit.examples;

import dev.rediskit.test.RedisServer;

/**
 * Starts a throw-away Redis for the example when none is configured: {@code redis-server} from the
 * PATH, or else the binary shipped in the embedded-redis jar (example and test scope only; the
 * library itself carries no Redis binaries).
 */
final class EmbeddedRedis implements AutoCloseable {

  private final RedisServer server;

  private EmbeddedRedis(RedisServer server) {
    this.server = server;
  }

  /** @return a started server on a free loopback port */
  static EmbeddedRedis start() {
    return new EmbeddedRedis(RedisServer.builder().name("example").start());
  }

  /** @return its connection URL */
  String uri() {
    return server.uri();
  }

  /** @return which binary runs it, for the log */
  String describe() {
    return server.binary().toString();
  }

  @Override
  public void close() {
    server.close();
  }
}
