package dev.rediskit.error;

import java.util.Locale;

/**
 * Redis refused a command for lack of permission (code 500): the ACL user may not run the command,
 * or touch one of its keys, or the script it runs called a command or a key the user may not
 * ({@code NOPERM}, {@code NOAUTH}, or the script error Redis sends for a refused inner call). The
 * connection works and Redis is up: this is a misconfiguration, which retrying will not fix and a
 * fallback must not hide.
 *
 * <p>Redis 6.2 and 7.0 word these replies slightly differently ({@code "... the 'evalsha' command
 * or its subcommand"} on 6.2, {@code "... the 'evalsha' command"} on 7.0; a refusal inside a script
 * is an {@code ERR ... The user executing the script can't ...} on both): {@link #isRefusal} and
 * {@link #refused} read both.
 */
public class RedisPermissionException extends RedisCommandException {

  /** What Redis 6.2 and 7.0 put in the error of a script whose inner call the ACL refused. */
  private static final String SCRIPT_REFUSAL = "The user executing the script can't";

  /**
   * @param message what was refused, prefixed by the command (or the component) that was refused
   * @param cause the client's error value, may be {@code null}
   */
  public RedisPermissionException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * @param errorReply the text of an error reply, with or without a command name before it
   * @return whether it is a permission refusal: {@code NOPERM} (also after {@code ERR}), {@code NOAUTH}, or a
   * script's refused inner call
   */
  public static boolean isRefusal(String errorReply) {
    if (errorReply == null || errorReply.startsWith("EXECABORT")) {
      // A command discarded with a transaction another command of which was refused: not refused itself.
      return false;
    }
    return errorReply.startsWith("NOPERM") || errorReply.startsWith("ERR NOPERM") || errorReply.startsWith("NOAUTH")
      || errorReply.contains(": NOPERM ") || errorReply.contains(SCRIPT_REFUSAL);
  }

  /**
   * Says in a few words what Redis refused, from its reply.
   *
   * @param errorReply the text of a permission refusal (see {@link #isRefusal})
   * @return e.g. {@code "the command EVALSHA"}, {@code "a key of the command"}, {@code "a command the script calls"},
   * {@code "a key the script touches"}, or {@code "the command"} when the reply says no more
   */
  public static String refused(String errorReply) {
    String m = errorReply == null ? "" : errorReply;
    int run = m.indexOf("to run the '");
    if (run >= 0) {
      int start = run + "to run the '".length();
      int end = m.indexOf('\'', start);
      if (end > start) {
        return "the command " + m.substring(start, end).toUpperCase(Locale.ROOT);
      }
    }
    if (m.contains(SCRIPT_REFUSAL)) {
      return m.contains("access") ? "a key the script touches" : "a command the script calls";
    }
    if (m.contains("keys") || m.contains("key ")) {
      return "a key of the command";
    }
    if (m.contains("channel")) {
      return "a channel of the command";
    }
    if (m.startsWith("NOAUTH") || m.contains(": NOAUTH")) {
      return "the command to an unauthenticated connection";
    }
    return "the command";
  }
}
