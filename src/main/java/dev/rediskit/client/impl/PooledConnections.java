package dev.rediskit.client.impl;

import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.impl.PooledRedisConnection;
import io.vertx.redis.client.impl.RedisConnectionInternal;

/**
 * The gateway's only reach under the Redis client's public API, to the connection its pool wrapper
 * holds. vertx-redis-client 5.0.7's public {@link RedisConnection} offers none of the three things
 * below, so they stay here, in one place to check when the client is upgraded.
 */
final class PooledConnections {

  private PooledConnections() {
  }

  /**
   * The connection to write commands on. The client's pool wrapper builds a reporter for every
   * command (the server's address formatted into strings, plus an extra future stage), which
   * feeds Vert.x tracing and the client's metrics; with neither enabled it has nothing to report
   * and cost about 7% of the event loop's time in the rate-limit benchmark, so commands then go
   * to the connection underneath. The wrapper stays the connection that is watched and closed.
   *
   * @param conn a connection from the client
   * @return the connection to send commands on
   */
  static RedisConnection sender(RedisConnection conn) {
    if (conn instanceof PooledRedisConnection pooled) {
      RedisConnectionInternal actual = pooled.actual();
      if (actual.vertx().tracer() == null && actual.metrics() == null) {
        return actual;
      }
    }
    return conn;
  }

  /**
   * @param conn a connection from the client, or {@code null}
   * @return the {@code host:port} of the server it is connected to, or {@code null} when unknown
   *         (the public connection does not tell it)
   */
  static String remoteAddress(RedisConnection conn) {
    if (conn instanceof PooledRedisConnection pooled) {
      io.vertx.core.net.SocketAddress a = pooled.actual().remoteAddress();
      if (a != null && a.host() != null) {
        return a.host() + ":" + a.port();
      }
    }
    return null;
  }

  /**
   * Closes the socket of a connection that may be stalled: the public {@code close()} would only
   * hand it back to the pool, to be leased again with its stuck replies.
   *
   * @param conn a connection from the client, or {@code null}
   */
  static void forceClose(RedisConnection conn) {
    if (conn == null) {
      return;
    }
    if (conn instanceof PooledRedisConnection pooled) {
      pooled.actual().forceClose();
    } else {
      conn.close();
    }
  }
}
