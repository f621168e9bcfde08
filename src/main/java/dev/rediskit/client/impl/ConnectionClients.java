package dev.rediskit.client.impl;

import dev.rediskit.client.GatewayOptions;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;

/**
 * Which Redis client each connect attempt of the pipelined connection uses. The first, and every
 * attempt on a standalone server, use the shared client (also that of dedicated work). Later
 * attempts on a cluster or with Sentinel each use a client of their own: a fresh one asks the
 * cluster for its slots, or the sentinels for the master, instead of trusting the topology the
 * shared client cached (for up to a second) before the failover. After a sentinel announced a new
 * master, the next attempt goes straight to it: another sentinel, asked first, may not know of it
 * yet. A replaced client is closed once the commands still on its connection are over.
 *
 * <p>Touched only on the owning event loop.
 */
final class ConnectionClients {

  private final Vertx vertx;
  private final Redis shared;
  private final RedisOptions redisOptions;
  private final GatewayOptions<?> options;
  /** The client the connection in use came from. */
  private Redis current;
  /** The master a sentinel announced, for the next attempt to go straight to. */
  private String announcedMaster;

  /**
   * @param vertx the Vert.x instance
   * @param shared the client of the first connection; closed by its owner
   * @param redisOptions what the other clients are made from
   * @param options the topology and the command timeout
   */
  ConnectionClients(Vertx vertx, Redis shared, RedisOptions redisOptions, GatewayOptions<?> options) {
    this.vertx = vertx;
    this.shared = shared;
    this.current = shared;
    this.redisOptions = redisOptions;
    this.options = options;
  }

  /** @param hostPort the master a sentinel just announced, for the next attempt */
  void announced(String hostPort) {
    announcedMaster = hostPort;
  }

  /**
   * @param first whether it is the gateway's first attempt
   * @return the client for an attempt
   */
  Redis next(boolean first) {
    if (first || options.getType() == RedisClientType.STANDALONE) {
      return shared;
    }
    String master = announcedMaster;
    announcedMaster = null;
    return Redis.createClient(vertx, master != null ? RedisOptionsFactory.forMaster(redisOptions, master) : redisOptions);
  }

  /** @param source the client whose connection is now the one in use */
  void adopt(Redis source) {
    Redis previous = current;
    current = source;
    if (previous != shared && previous != source) {
      // Commands in flight on the replaced connection end within a command timeout; the margin lets their replies land.
      vertx.setTimer(options.getCommandTimeoutMs() + 250, id -> previous.close());
    }
  }

  /** @param source the client of an attempt that failed or came too late */
  void unused(Redis source) {
    if (source != shared && source != current) {
      source.close();
    }
  }

  /** Closes the client of the connection in use, unless it is the shared one. */
  void close() {
    if (current != shared) {
      current.close();
    }
  }
}
