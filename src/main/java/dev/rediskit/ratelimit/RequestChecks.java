package dev.rediskit.ratelimit;

import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.config.RequestText;

/**
 * The rules every rate-limit request is checked against before anything is sent to Redis, shared
 * by the Java API and the event-bus consumers so that both refuse the same input with the same
 * message ({@code field: reason, was value}).
 */
public final class RequestChecks {

  /** Longest key accepted by {@code check}, in characters. */
  public static final int MAX_KEY_LENGTH = 1024;
  /** Longest token accepted by {@code verifyAndLimit}, in characters. */
  public static final int MAX_TOKEN_LENGTH = 4096;

  private RequestChecks() {
  }

  /**
   * @param field the field name to report
   * @param key the key
   * @throws InvalidRequestException when missing, empty, too long or holding control characters
   */
  public static void key(String field, String key) {
    RequestText.checkPrintable(field, key, MAX_KEY_LENGTH);
  }

  /**
   * @param field the field name to report ({@code endpoint} or {@code service})
   * @param name an endpoint or service name
   * @throws InvalidRequestException when missing, empty, longer than {@link RateLimits#MAX_NAME_LENGTH}
   * or holding control characters
   */
  public static void name(String field, String name) {
    RequestText.checkPrintable(field, name, RateLimits.MAX_NAME_LENGTH);
  }

  /**
   * @param field the field name to report
   * @param limit units per window
   * @throws InvalidRequestException when not positive
   */
  public static void limit(String field, long limit) {
    if (limit <= 0) {
      throw new InvalidRequestException(field, "must be > 0, was " + limit);
    }
  }

  /**
   * @param field the field name to report
   * @param windowMs the window in ms
   * @throws InvalidRequestException when not positive or longer than 366 days
   */
  public static void windowMs(String field, long windowMs) {
    if (windowMs <= 0) {
      throw new InvalidRequestException(field, "must be > 0, was " + windowMs);
    }
    if (windowMs > Limit.MAX_WINDOW_MS) {
      throw new InvalidRequestException(field, "must be at most " + Limit.MAX_WINDOW_MS + " (366 days), was " + windowMs);
    }
  }

  /**
   * @param field the field name to report
   * @param cost the cost of the request
   * @param limit the limit it is charged against
   * @throws InvalidRequestException when not positive, or more than the limit or its burst could ever grant
   */
  public static void cost(String field, long cost, Limit limit) {
    if (cost <= 0) {
      throw new InvalidRequestException(field, "must be > 0, was " + cost);
    }
    if (cost > limit.limit()) {
      throw new InvalidRequestException(field, "must be <= limit (" + limit.limit() + "), was " + cost);
    }
    if (cost > limit.burst()) {
      throw new InvalidRequestException(field, "must be <= burst (" + limit.burst() + "), was " + cost);
    }
  }

  /**
   * @param field the field name to report
   * @param token a token, or {@code null}
   * @throws InvalidRequestException when empty or too long
   */
  public static void token(String field, String token) {
    if (token != null) {
      RequestText.check(field, token, MAX_TOKEN_LENGTH);
    }
  }

  /**
   * @param field the field name to report
   * @param ip an IP address literal, or {@code null}
   * @param ipv6PrefixLength the bits that identify one IPv6 client
   * @return the client key of the address ({@link IpAddresses#clientKey}), or {@code null} for {@code null}
   * @throws InvalidRequestException when not an IP address literal
   */
  public static String ip(String field, String ip, int ipv6PrefixLength) {
    if (ip == null) {
      return null;
    }
    String key = IpAddresses.clientKey(ip, ipv6PrefixLength);
    if (key == null) {
      String shown = ip.length() > 64 ? ip.substring(0, 64) + "..." : ip;
      throw new InvalidRequestException(field, "must be an IPv4 or IPv6 address, was \"" + shown + "\"");
    }
    return key;
  }

  /** Most holders a concurrency limit may allow. */
  public static final int MAX_CONCURRENT = 1_000_000;
  /** Longest permit lease, in ms: one day (renew for longer work). */
  public static final long MAX_LEASE_TTL_MS = 86_400_000L;
  /** Longest permit id, in characters. */
  public static final int MAX_PERMIT_ID_LENGTH = 64;

  /**
   * @param field the field name to report
   * @param maxConcurrent the most holders of a concurrency limit
   * @throws InvalidRequestException when not between 1 and {@link #MAX_CONCURRENT}
   */
  public static void maxConcurrent(String field, long maxConcurrent) {
    if (maxConcurrent < 1 || maxConcurrent > MAX_CONCURRENT) {
      throw new InvalidRequestException(field, "must be between 1 and " + MAX_CONCURRENT + ", was " + maxConcurrent);
    }
  }

  /**
   * @param field the field name to report
   * @param leaseTtlMs a permit's lease in ms
   * @throws InvalidRequestException when not between 1 and {@link #MAX_LEASE_TTL_MS}
   */
  public static void leaseTtlMs(String field, long leaseTtlMs) {
    if (leaseTtlMs < 1 || leaseTtlMs > MAX_LEASE_TTL_MS) {
      throw new InvalidRequestException(field, "must be between 1 and " + MAX_LEASE_TTL_MS + " (1 day), was " + leaseTtlMs);
    }
  }

  /**
   * @param field the field name to report
   * @param id a permit id, as {@link Permit#id()} returned it
   * @throws InvalidRequestException when missing, too long, or not made of {@code [A-Za-z0-9._-]}
   */
  public static void permitId(String field, String id) {
    if (id == null || id.isEmpty()) {
      throw new InvalidRequestException(field, "is required");
    }
    if (id.length() > MAX_PERMIT_ID_LENGTH) {
      throw new InvalidRequestException(field, "must be at most " + MAX_PERMIT_ID_LENGTH + " characters, was " + id.length());
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-')) {
        throw new InvalidRequestException(field, "must hold only letters, digits, '.', '_' and '-', was \""
          + (id.length() > 32 ? id.substring(0, 32) + "..." : id) + "\"");
      }
    }
  }

  /** Longest wait a reservation may ask for, in ms: one hour. */
  public static final long MAX_WAIT_MS = 3_600_000L;

  /**
   * @param field the field name to report
   * @param maxWaitMs the most a request may wait for a reserved slot, in ms
   * @throws InvalidRequestException when negative or longer than {@link #MAX_WAIT_MS}
   */
  public static void maxWaitMs(String field, long maxWaitMs) {
    if (maxWaitMs < 0 || maxWaitMs > MAX_WAIT_MS) {
      throw new InvalidRequestException(field, "must be between 0 and " + MAX_WAIT_MS + " (1 hour), was " + maxWaitMs);
    }
  }
}
