package dev.rediskit.ratelimit;

import dev.rediskit.error.InvalidRequestException;

import java.util.List;

/**
 * A limit change refused before anything was written (code 400, like every invalid request): it
 * lists every problem of the change at once, each naming the entry and the reason, e.g.
 * {@code "endpoints./login.token: expected LIMIT/WINDOW..."}. Nothing of the change was applied.
 */
public class InvalidLimitChangeException extends InvalidRequestException {

  /** Every problem of the refused change, in the order of its entries. */
  private final List<String> problems;

  /**
   * @param problems every problem of the change, each naming its entry
   */
  public InvalidLimitChangeException(List<String> problems) {
    super("change", "refused, nothing applied: " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  /** @return every problem of the change, in the order of its entries */
  public List<String> problems() {
    return problems;
  }
}
