package dev.rediskit.client;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A Lua script run with {@code EVALSHA}. Its SHA-1 is computed once here, so a call sends only the
 * digest; when a server answers {@code NOSCRIPT} (after {@code SCRIPT FLUSH}, a restart or a
 * failover) the gateway sends the source once and goes on with the digest.
 */
public final class Script {

  private final String source;
  private final String sha;

  private Script(String source) {
    this.source = source;
    this.sha = sha1(source);
  }

  /**
   * @param source the Lua source
   * @return the script
   */
  public static Script of(String source) {
    Objects.requireNonNull(source, "source");
    if (source.isBlank()) {
      throw new IllegalArgumentException("source: must not be blank");
    }
    return new Script(source);
  }

  /** @return the Lua source */
  public String source() {
    return source;
  }

  /** @return the lower-case hex SHA-1 of the source, as Redis computes it */
  public String sha() {
    return sha;
  }

  private static String sha1(String s) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-1");
      return HexFormat.of().formatHex(md.digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      // Every JVM must provide SHA-1 (java.security.MessageDigest contract).
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "Script[" + sha + "]";
  }
}
