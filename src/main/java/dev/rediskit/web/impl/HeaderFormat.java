package dev.rediskit.web.impl;

/**
 * Formats the fields of draft-ietf-httpapi-ratelimit-headers-11: structured-field lists (RFC
 * 9651) of items whose value is the policy name as an sf-string, with parameters:
 * {@code "name";q=100;w=60} in {@code RateLimit-Policy}, {@code "name";r=42;t=30} in
 * {@code RateLimit}; a concurrency limit is {@code "name";q=20;qu="concurrent-requests"} (no
 * window); the optional partition key is {@code pk=:<base64>:}, a byte sequence. Seconds are
 * whole (the draft allows no fractions), rounded up so that a client never comes back early.
 */
public final class HeaderFormat {

  private HeaderFormat() {
  }

  /**
   * @param name the policy name
   * @param quota its quota
   * @param windowMs its window in ms
   * @return the Quota Policy Item, the window rounded up to at least one second (the draft's {@code w} must not be 0)
   */
  public static String policyItem(String name, long quota, long windowMs) {
    return sfString(name) + ";q=" + quota + ";w=" + Math.max(1, seconds(windowMs));
  }

  /** The draft's quota unit of a concurrency limit. */
  public static final String CONCURRENT_REQUESTS = "concurrent-requests";

  /**
   * @param name the policy name
   * @param maxConcurrent its most requests in flight
   * @param partitionKey the partition key, or {@code null}
   * @return the Quota Policy Item of a concurrency limit: quota unit {@value #CONCURRENT_REQUESTS}, no window
   */
  public static String concurrencyPolicyItem(String name, long maxConcurrent, byte[] partitionKey) {
    return sfString(name) + ";q=" + maxConcurrent + ";qu=" + sfString(CONCURRENT_REQUESTS) + pk(partitionKey);
  }

  /**
   * @param name the policy name
   * @param quota its quota
   * @param windowMs its window in ms
   * @param partitionKey the partition key, or {@code null}
   * @return the Quota Policy Item with its partition key
   */
  public static String policyItem(String name, long quota, long windowMs, byte[] partitionKey) {
    return policyItem(name, quota, windowMs) + pk(partitionKey);
  }

  /**
   * @param name the policy name
   * @param remaining units (or places) left
   * @param resetSeconds seconds of the effective window, or a negative number for none (a concurrency limit has no window)
   * @param partitionKey the partition key, or {@code null}
   * @return the Service Limit Item
   */
  public static String limitItem(String name, long remaining, long resetSeconds, byte[] partitionKey) {
    return sfString(name) + ";r=" + Math.max(0, remaining) + (resetSeconds < 0 ? "" : ";t=" + resetSeconds) + pk(partitionKey);
  }

  /**
   * @param partitionKey bytes, or {@code null}
   * @return {@code ;pk=:<base64>:} (an sf-binary: standard base64 with padding), or nothing
   */
  static String pk(byte[] partitionKey) {
    return partitionKey == null ? "" : ";pk=:" + java.util.Base64.getEncoder().encodeToString(partitionKey) + ":";
  }

  /**
   * @param name the policy name
   * @param remaining units left
   * @param resetSeconds seconds until more quota is available
   * @return the Service Limit Item
   */
  public static String limitItem(String name, long remaining, long resetSeconds) {
    return sfString(name) + ";r=" + Math.max(0, remaining) + ";t=" + Math.max(0, resetSeconds);
  }

  /**
   * @param ms a duration in ms
   * @return it in whole seconds, rounded up
   */
  public static long seconds(long ms) {
    return ms <= 0 ? 0 : (ms + 999) / 1000;
  }

  /**
   * @param s printable ASCII
   * @return it as an sf-string: in double quotes, with {@code "} and {@code \} escaped
   * @throws IllegalArgumentException for characters an sf-string cannot hold
   */
  public static String sfString(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        throw new IllegalArgumentException("not allowed in a structured-field string: U+" + Integer.toHexString(c));
      }
      if (c == '"' || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.append('"').toString();
  }
}
