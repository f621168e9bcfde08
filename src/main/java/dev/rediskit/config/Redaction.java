package dev.rediskit.config;

import java.util.regex.Pattern;

/**
 * Hides secrets in what is printed: every class that shows an endpoint or echoes a value that may
 * hold a password goes through here, so that no log line, error or health report carries one.
 */
public final class Redaction {

  /** What is shown instead of a secret. */
  public static final String REDACTED = "***";

  // Endpoints start at a scheme; a comma before one separates two endpoints (as in REDIS_URL lists).
  private static final Pattern ENDPOINT_START = Pattern.compile("(?<=,)(?=\\s*(?i:rediss?|unix)://)");
  private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password=)[^&#\\s]*");

  private Redaction() {
  }

  /**
   * Hides the password in a connection URL, or in several joined with commas, for printing:
   * {@code redis://user:secret@host} becomes {@code redis://user:***@host}. Works on malformed
   * URLs too (erring on the side of hiding more), since those are the ones that end up in error
   * messages. Every class that prints an endpoint goes through it.
   *
   * @param url a connection URL, possibly with {@code user:password@} or {@code ?password=}
   * @return the URL with the password replaced by {@value #REDACTED}; {@code null} for {@code null}
   */
  public static String redact(String url) {
    if (url == null) {
      return null;
    }
    StringBuilder sb = new StringBuilder(url.length());
    for (String part : ENDPOINT_START.split(url, -1)) {
      sb.append(redactOne(part));
    }
    return sb.toString();
  }

  private static String redactOne(String url) {
    String s = url;
    String tail = "";
    if (s.endsWith(",")) {
      tail = ",";
      s = s.substring(0, s.length() - 1);
    }
    s = PASSWORD_PARAM.matcher(s).replaceAll("$1" + REDACTED);
    int schemeEnd = s.indexOf("://");
    int start = schemeEnd < 0 ? 0 : schemeEnd + 3;
    // The last '@' ends the user info: a password typed with a raw '@' or '/' must still be hidden.
    int at = s.lastIndexOf('@');
    if (at >= start) {
      int colon = s.indexOf(':', start);
      if (colon >= 0 && colon < at) {
        return s.substring(0, colon + 1) + REDACTED + s.substring(at) + tail;
      }
      // No colon: the client reads it as a user name, but people do put a bare password there.
      return s.substring(0, start) + REDACTED + s.substring(at) + tail;
    }
    // No '@': "redis://user:secret" parses as host "user", port "secret". A port that is not a
    // number may be a password.
    int end = s.length();
    for (int i = start; i < s.length(); i++) {
      if ("/?#".indexOf(s.charAt(i)) >= 0) {
        end = i;
        break;
      }
    }
    String authority = s.substring(start, end);
    int colon = authority.lastIndexOf(':');
    if (colon >= 0 && !authority.endsWith("]")) {
      String port = authority.substring(colon + 1);
      if (!port.isEmpty() && !port.chars().allMatch(Character::isDigit)) {
        return s.substring(0, start + colon + 1) + REDACTED + s.substring(end) + tail;
      }
    }
    return s + tail;
  }
}
