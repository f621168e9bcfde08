package dev.rediskit.client.impl;

import io.vertx.redis.client.Request;
import io.vertx.redis.client.impl.RequestImpl;

import java.util.List;

/**
 * Which key a command names, read with the Redis client's own key specifications, so that the
 * gateway picks a cluster node's breaker for exactly the node the client routes the command to.
 * vertx-redis-client 5.0.7 has no public way to ask a {@link Request} for its keys; this is the
 * one place that reaches for {@link RequestImpl}, to check when the client is upgraded.
 */
final class RequestKeys {

  private RequestKeys() {
  }

  /**
   * @param request a command
   * @return its first key, or {@code null} for a command without keys (PING, SCRIPT LOAD...) or
   *         one the client cannot tell the keys of
   */
  static byte[] firstKey(Request request) {
    if (request instanceof RequestImpl impl) {
      List<byte[]> keys = impl.keys();
      return keys.isEmpty() ? null : keys.get(0);
    }
    return null;
  }
}
