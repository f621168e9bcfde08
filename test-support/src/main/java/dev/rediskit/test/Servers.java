package dev.rediskit.test;

import java.time.Duration;
import java.util.List;

/** What the multi-process setups ({@link RedisCluster}, {@link RedisSentinel}) do with all their servers alike. */
final class Servers {

  private Servers() {
  }

  /**
   * Closes every server, also when closing one fails.
   *
   * @param servers the servers, closed in this order
   * @throws RuntimeException the first failure, with the later ones suppressed
   */
  static void closeAll(List<RedisServer> servers) {
    RuntimeException failure = null;
    for (RedisServer server : servers) {
      try {
        server.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Closes the servers a setup started before it failed to come up, so that no process outlives it.
   *
   * @param started the servers started so far
   * @param failure why the setup failed; a failure to close is added to it as suppressed
   */
  static void closeAfter(List<RedisServer> started, Throwable failure) {
    try {
      closeAll(started);
    } catch (RuntimeException suppressed) {
      failure.addSuppressed(suppressed);
    }
  }

  /**
   * Waits until a server holds no keys, e.g. a replica after its master's {@code FLUSHALL}.
   *
   * @param server a running server
   * @param timeout how long it may take
   */
  static void awaitEmpty(RedisServer server, Duration timeout) {
    Await.until(() -> Long.valueOf(0).equals(server.command("DBSIZE")), timeout,
        () -> server + " to be empty after FLUSHALL");
  }
}
