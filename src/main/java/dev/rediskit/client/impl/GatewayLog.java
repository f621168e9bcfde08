package dev.rediskit.client.impl;

import dev.rediskit.client.RedisGateway;

/**
 * The gateway's log lines: one logger for every piece of the gateway (the name users configure),
 * each line prefixed with the gateway's name so that lines of several gateways can be told apart.
 */
final class GatewayLog {

  private static final System.Logger LOG = System.getLogger(RedisGateway.class.getName());

  private final String prefix;

  /** @param name the gateway's name */
  GatewayLog(String name) {
    this.prefix = "Redis gateway \"" + name + "\": ";
  }

  /**
   * @param level the level
   * @param message the line, without the gateway's name
   */
  void log(System.Logger.Level level, String message) {
    if (LOG.isLoggable(level)) {
      LOG.log(level, prefix + message);
    }
  }
}
