package dev.rediskit.config;

import dev.rediskit.RedisKit;
import dev.rediskit.RedisKitOptions;
import java.util.List;

/**
 * Settings that cannot work, found by {@link RedisKitOptions#validate()} at start-up. The message
 * lists every problem at once, each naming the key, the value (never a secret) and what is allowed.
 */
public class ConfigurationException extends IllegalArgumentException {

  /** Every problem found, each naming the key, the value and what is allowed. */
  private final List<String> problems;

  /** @param problems one line per invalid setting */
  public ConfigurationException(List<String> problems) {
    super("Invalid RedisKit configuration (" + problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + "):\n  - "
      + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  /** @return one line per invalid setting */
  public List<String> problems() {
    return problems;
  }
}
