package dev.rediskit.ratelimit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * Turns an API token into the form that may appear in a Redis key: SHA-256, truncated to 128
 * bits, base64url without padding (22 characters). A raw token never reaches Redis, so neither
 * a key listing nor a memory dump reveals one; 128 bits keep collisions out of reach while
 * keeping keys short.
 */
public final class TokenHash {

  /** Length of a hash, in characters. */
  public static final int LENGTH = 22;

  // MessageDigest is not thread-safe and costs a provider lookup to create: one per thread.
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      // Every JVM must provide SHA-256 (java.security.MessageDigest contract).
      throw new IllegalStateException(e);
    }
  });

  private TokenHash() {
  }

  /**
   * @param token the raw token
   * @return its hash, 22 characters of {@code [A-Za-z0-9_-]}
   */
  public static String of(String token) {
    MessageDigest md = SHA256.get();
    byte[] digest = md.digest(token.getBytes(StandardCharsets.UTF_8));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
  }
}
