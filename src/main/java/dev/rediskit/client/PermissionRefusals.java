package dev.rediskit.client;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The permission refusals standing on one gateway: a component that Redis keeps refusing for lack
 * of permission (an ACL changed while the application runs) reports it here, and clears it when
 * Redis runs its commands again, so that the health check, which knows no component, can show it.
 * The gateway only keeps the board; what counts as refused, and when it is over, is the
 * component's to say.
 *
 * <p>Thread-safe; reporting and clearing are meant for changes of state, not for every command.
 */
public final class PermissionRefusals {

  private final Map<String, String> standing = new ConcurrentHashMap<>();

  /**
   * @param component who is refused, e.g. {@code "rate limiter default"}
   * @param reason what Redis refuses, in words a reader can act on (never a secret)
   * @return whether the component was not reported refused before
   */
  public boolean report(String component, String reason) {
    return standing.put(component, reason) == null;
  }

  /**
   * @param component a component that Redis serves again
   * @return whether it was reported refused
   */
  public boolean clear(String component) {
    return standing.remove(component) != null;
  }

  /** @return the refusals standing now, by component name, in name order (a copy) */
  public Map<String, String> standing() {
    return new TreeMap<>(standing);
  }
}
