package dev.rediskit.test;

/**
 * An error reply ({@code -ERR ...}, {@code -NOAUTH ...}, {@code -WRONGPASS ...}) from a Redis server, as raised by
 * {@link RespConnection} and {@link RedisServer#command(String...)}.
 */
public final class RespError extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates an error from the text of the reply, without the leading {@code -}.
   *
   * @param message the error line, e.g. {@code "NOAUTH Authentication required."}
   */
  public RespError(String message) {
    super(message);
  }

  /**
   * The error code Redis puts first, which is what tests usually want to assert on.
   *
   * @return the first word of the reply, e.g. {@code "ERR"}, {@code "NOAUTH"}, {@code "WRONGPASS"}
   */
  public String code() {
    String message = getMessage();
    int space = message.indexOf(' ');
    return space < 0 ? message : message.substring(0, space);
  }
}
