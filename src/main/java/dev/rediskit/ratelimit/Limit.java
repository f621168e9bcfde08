package dev.rediskit.ratelimit;

import dev.rediskit.config.RequestFields;
import dev.rediskit.error.InvalidRequestException;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.Locale;

/**
 * One quota: {@code limit} units per {@code window}, and for GCRA the burst (how many units may
 * be spent at once; the limit unless set).
 *
 * <p>Written in configuration as {@code "100/1m"} (100 per minute), {@code "10/1s;burst=20"},
 * {@code "1000/1d"} (units: {@code ms}, {@code s}, {@code m}, {@code h}, {@code d}; a bare number
 * is milliseconds), or as an object {@code {"limit": 100, "windowMs": 60000, "burst": 150}}.
 *
 * @param limit units allowed per window: 1 to {@link #MAX_LIMIT}, and at most one per microsecond
 * of the window
 * @param windowMs the window in milliseconds: 1 to {@link #MAX_WINDOW_MS}
 * @param burst units that may be spent at once (GCRA only; the other algorithms count to the
 * limit): at least 1, and {@code burst * windowMs / limit} at most {@link #MAX_WINDOW_MS}
 */
public record Limit(long limit, long windowMs, long burst) {

  /** Largest limit accepted. */
  public static final long MAX_LIMIT = 1_000_000_000L;
  /**
   * Longest window accepted: 366 days. It keeps every time the scripts compute, in microseconds
   * since the epoch, exact in a Lua number (a double).
   */
  public static final long MAX_WINDOW_MS = 366L * 24 * 3600 * 1000;

  /**
   * Checks the values.
   *
   * @param limit units per window
   * @param windowMs the window in milliseconds
   * @param burst units that may be spent at once
   * @throws InvalidRequestException naming the field ({@code limit}, {@code windowMs} or
   * {@code burst}) and the reason
   */
  public Limit {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new InvalidRequestException("limit", "must be between 1 and " + MAX_LIMIT + ", was " + limit);
    }
    if (windowMs < 1 || windowMs > MAX_WINDOW_MS) {
      throw new InvalidRequestException("windowMs", "must be between 1 and " + MAX_WINDOW_MS + " (366 days), was " + windowMs);
    }
    if (limit > windowMs * 1000) {
      // GCRA spaces units in whole microseconds.
      throw new InvalidRequestException("limit", "must be at most one per microsecond of the window ("
        + windowMs * 1000 + " for " + windowMs + " ms), was " + limit);
    }
    if (burst < 1 || burst > MAX_LIMIT) {
      throw new InvalidRequestException("burst", "must be between 1 and " + MAX_LIMIT + ", was " + burst);
    }
    if ((double) burst * windowMs / limit > MAX_WINDOW_MS) {
      throw new InvalidRequestException("burst", "must keep burst * windowMs / limit within " + MAX_WINDOW_MS
        + " ms (366 days), was " + burst);
    }
  }

  /**
   * @param limit units per window
   * @param window the window
   * @return the limit, with burst = limit
   * @throws InvalidRequestException when a value is out of range
   */
  public static Limit of(long limit, Duration window) {
    return new Limit(limit, toMillis(window), limit);
  }

  /**
   * @param limit units per window
   * @param windowMs the window in milliseconds
   * @return the limit, with burst = limit
   * @throws InvalidRequestException when a value is out of range
   */
  public static Limit of(long limit, long windowMs) {
    return new Limit(limit, windowMs, limit);
  }

  /**
   * @param burst units that may be spent at once (GCRA)
   * @return a copy with that burst
   * @throws InvalidRequestException when out of range
   */
  public Limit withBurst(long burst) {
    return new Limit(limit, windowMs, burst);
  }

  /**
   * @param windowMs another window, in milliseconds
   * @return a copy with that window and the same limit and burst
   * @throws InvalidRequestException when out of range
   */
  public Limit withWindowMs(long windowMs) {
    return new Limit(limit, windowMs, burst);
  }

  /** @return the window as a duration */
  public Duration window() {
    return Duration.ofMillis(windowMs);
  }

  /**
   * Reads a limit from its configuration form: a string such as {@code "100/1m"} or
   * {@code "10/1s;burst=20"}, or an object {@code {"limit", "windowMs", "burst"?}}.
   *
   * @param value the string or object
   * @return the limit
   * @throws InvalidRequestException naming what is wrong
   */
  public static Limit parse(Object value) {
    if (value instanceof String s) {
      return parse(s);
    }
    if (value instanceof JsonObject o) {
      for (String f : o.fieldNames()) {
        if (!f.equals("limit") && !f.equals("windowMs") && !f.equals("burst")) {
          throw new InvalidRequestException(f, "unknown field (expected limit, windowMs, burst)");
        }
      }
      long limit = number(o, "limit", true);
      long window = number(o, "windowMs", true);
      Long burst = o.containsKey("burst") ? number(o, "burst", false) : null;
      return new Limit(limit, window, burst == null ? limit : burst);
    }
    throw new InvalidRequestException("limit", "expected a string such as \"100/1m\" or an object {limit, windowMs, burst?}, was "
      + (value == null ? "null" : value.getClass().getSimpleName()));
  }

  private static long number(JsonObject o, String field, boolean required) {
    Object v = o.getValue(field);
    if (v == null) {
      if (required) {
        throw new InvalidRequestException(field, "is required");
      }
      return 0;
    }
    if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      return n.longValue();
    }
    throw new InvalidRequestException(field, "must be a whole number, was " + v);
  }

  /**
   * @param spec e.g. {@code "100/1m"}, {@code "5/500ms"}, {@code "10/1s;burst=20"}
   * @return the limit
   * @throws InvalidRequestException naming what is wrong
   */
  public static Limit parse(String spec) {
    String s = spec.trim();
    Long burst = null;
    int semi = s.indexOf(';');
    if (semi >= 0) {
      String param = s.substring(semi + 1).trim();
      s = s.substring(0, semi).trim();
      if (!param.startsWith("burst=")) {
        throw new InvalidRequestException("limit", "unknown parameter \"" + param + "\" in \"" + spec + "\" (only burst=N)");
      }
      burst = parseLong(param.substring("burst=".length()).trim(), spec);
    }
    int slash = s.indexOf('/');
    if (slash <= 0) {
      throw new InvalidRequestException("limit", "expected LIMIT/WINDOW such as \"100/1m\", was \"" + spec + "\"");
    }
    long limit = parseLong(s.substring(0, slash).trim(), spec);
    long window = parseWindow(s.substring(slash + 1).trim(), spec);
    return new Limit(limit, window, burst == null ? limit : burst);
  }

  private static long parseWindow(String w, String spec) {
    String lower = w.toLowerCase(Locale.ROOT);
    long factor;
    String digits;
    if (lower.endsWith("ms")) {
      factor = 1;
      digits = lower.substring(0, lower.length() - 2);
    } else if (lower.endsWith("s")) {
      factor = 1000;
      digits = lower.substring(0, lower.length() - 1);
    } else if (lower.endsWith("m")) {
      factor = 60_000;
      digits = lower.substring(0, lower.length() - 1);
    } else if (lower.endsWith("h")) {
      factor = 3_600_000;
      digits = lower.substring(0, lower.length() - 1);
    } else if (lower.endsWith("d")) {
      factor = 86_400_000;
      digits = lower.substring(0, lower.length() - 1);
    } else {
      factor = 1;
      digits = lower;
    }
    long n = parseLong(digits.trim(), spec);
    if (n > MAX_WINDOW_MS / factor) {
      throw new InvalidRequestException("windowMs", "must be at most 366 days, was \"" + w + "\"");
    }
    return n * factor;
  }

  private static long parseLong(String digits, String spec) {
    if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new InvalidRequestException("limit", "expected LIMIT/WINDOW[;burst=N] with whole numbers, such as \"100/1m\", was \""
        + spec + "\"");
    }
    return Long.parseLong(digits);
  }

  /**
   * @return the configuration form, with the largest unit that divides the window:
   * {@code "100/1m"}, {@code "10/1500ms;burst=20"}
   */
  @Override
  public String toString() {
    String w;
    if (windowMs % 86_400_000 == 0) {
      w = windowMs / 86_400_000 + "d";
    } else if (windowMs % 3_600_000 == 0) {
      w = windowMs / 3_600_000 + "h";
    } else if (windowMs % 60_000 == 0) {
      w = windowMs / 60_000 + "m";
    } else if (windowMs % 1000 == 0) {
      w = windowMs / 1000 + "s";
    } else {
      w = windowMs + "ms";
    }
    return limit + "/" + w + (burst == limit ? "" : ";burst=" + burst);
  }

  /** @return {@code {limit, windowMs, burst}} */
  public JsonObject toJson() {
    return new JsonObject().put("limit", limit).put("windowMs", windowMs).put("burst", burst);
  }

  static long toMillis(Duration window) {
    if (window == null) {
      throw new InvalidRequestException("window", "is required");
    }
    if (window.isNegative() || window.isZero()) {
      throw new InvalidRequestException("window", "must be > 0, was " + RequestFields.saturatedMillis(window) + " ms");
    }
    if (window.compareTo(Duration.ofMillis(MAX_WINDOW_MS)) > 0) {
      throw new InvalidRequestException("window", "must be at most 366 days, was " + window);
    }
    long ms = window.toMillis();
    if (ms == 0 || !Duration.ofMillis(ms).equals(window)) {
      throw new InvalidRequestException("window", "must be a whole number of milliseconds, was " + window);
    }
    return ms;
  }
}
