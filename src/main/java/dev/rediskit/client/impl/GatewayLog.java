package dev.rediskit.client.impl;

import dev.rediskit.client.RedisGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The gateway's log lines: one logger for every piece of the gateway (the name users configure),
 * each line prefixed with the gateway's name so that lines of several gateways can be told apart.
 */
final class GatewayLog {

  private static final Logger LOG = LoggerFactory.getLogger(RedisGateway.class);

  private final String prefix;

  /** @param name the gateway's name */
  GatewayLog(String name) {
    this.prefix = "Redis gateway \"" + name + "\": ";
  }

  /**
   * @param level the level
   * @param message the line, without the gateway's name
   */
  void log(Level level, String message) {
    // The check first: most lines are DEBUG and off, and the prefix would be concatenated for nothing.
    if (LOG.isEnabledForLevel(level)) {
      LOG.atLevel(level).log(prefix + message);
    }
  }
}
