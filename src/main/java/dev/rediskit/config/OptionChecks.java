package dev.rediskit.config;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The checks and message formats shared by the options classes, so that a fluent setter's
 * {@link IllegalArgumentException} and a line of {@code validate()}'s report read the same:
 * {@code key: must be ..., was value}.
 *
 * <p>Internal: shared by the options classes of the module's packages; not part of the API.
 */
public final class OptionChecks {

  private static final int MAX_SHOWN_CHARS = 80;

  private OptionChecks() {
  }

  /**
   * Ends a {@code validate()}: throws when anything was found.
   *
   * @param problems every problem of the options checked
   * @throws dev.rediskit.config.ConfigurationException listing them all, when there is any
   */
  public static void requireNone(java.util.List<String> problems) {
    if (!problems.isEmpty()) {
      throw new dev.rediskit.config.ConfigurationException(problems);
    }
  }

  /**
   * @param key the full key
   * @param value the value
   * @param min the smallest value allowed
   * @param max the largest value allowed
   * @param unit the unit, e.g. {@code ms}, or an empty string
   * @return the problem, or {@code null} when {@code min <= value <= max}
   */
  public static String between(String key, long value, long min, long max, String unit) {
    if (value >= min && value <= max) {
      return null;
    }
    return violation(key, "must be between " + min + " and " + max + unitSuffix(unit), value);
  }

  /**
   * @param key the full key
   * @param value the value
   * @param min the smallest value allowed
   * @param unit the unit, e.g. {@code ms}, or an empty string
   * @return the problem, or {@code null} when {@code value >= min}
   */
  public static String atLeast(String key, long value, long min, String unit) {
    if (value >= min) {
      return null;
    }
    return violation(key, "must be >= " + min + unitSuffix(unit), value);
  }

  private static String unitSuffix(String unit) {
    return unit.isEmpty() ? "" : " " + unit;
  }

  /**
   * Checks an HTTP route path given in the configuration: it must be literal, because the module
   * mounts it as an exact route and documents it as the URL to probe or scrape.
   *
   * @param key the full key
   * @param path the path
   * @return the problem, or {@code null} when it starts with {@code /} and holds no whitespace,
   * {@code *} (wildcard), {@code :} (path parameter) or {@code ?}/{@code #}
   */
  public static String routePathProblem(String key, String path) {
    if (path == null || path.isEmpty() || path.charAt(0) != '/') {
      return violation(key, "must start with '/'", path);
    }
    if (path.chars().anyMatch(Character::isWhitespace)) {
      return violation(key, "must not contain whitespace", path);
    }
    if (path.chars().anyMatch(c -> "*:?#".indexOf(c) >= 0)) {
      return violation(key, "must be a literal path, without * : ? or #", path);
    }
    return null;
  }

  /**
   * Fails a fluent setter at once, for a value that no configuration could make valid.
   *
   * @param problem a problem line, or {@code null}
   * @throws IllegalArgumentException with the problem as message, when there is one
   */
  public static void require(String problem) {
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /**
   * @param problems where to add
   * @param problem a problem line, or {@code null} (then nothing is added)
   */
  public static void collect(List<String> problems, String problem) {
    if (problem != null) {
      problems.add(problem);
    }
  }

  /**
   * Formats a rule violation the way every problem reads.
   *
   * @param key the full key
   * @param rule what is allowed, e.g. {@code must be >= 1}
   * @param value the value, never a secret
   * @return {@code key: rule, was value}
   */
  public static String violation(String key, String rule, Object value) {
    return key + ": " + rule + ", was " + describe(value);
  }

  /**
   * Shows a value in a problem message: strings quoted (and shortened when long), other values as JSON.
   *
   * @param value a JSON value, never a secret
   * @return the value as shown
   */
  public static String describe(Object value) {
    if (value == null) {
      return "null";
    }
    String shown;
    if (value instanceof String s) {
      shown = s;
    } else if (value instanceof Map<?, ?> m) {
      shown = new JsonObject(castMap(m)).encode();
    } else if (value instanceof List<?> l) {
      shown = new JsonArray(new ArrayList<>(l)).encode();
    } else if (value instanceof Number || value instanceof Boolean || value instanceof JsonObject || value instanceof JsonArray) {
      shown = Json.encode(value);
    } else {
      shown = String.valueOf(value);
    }
    if (shown.length() > MAX_SHOWN_CHARS) {
      shown = shown.substring(0, MAX_SHOWN_CHARS) + "...";
    }
    return value instanceof String ? Json.encode(shown) : shown;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }

  /**
   * Names the JSON type of a value, for problems about values that must not be shown.
   *
   * @param value a JSON value
   * @return {@code "a number"}, {@code "an object"} etc.
   */
  public static String typeName(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String) {
      return "a string";
    }
    if (value instanceof Number) {
      return "a number";
    }
    if (value instanceof Boolean) {
      return "a boolean";
    }
    if (value instanceof JsonObject || value instanceof Map) {
      return "an object";
    }
    if (value instanceof JsonArray || value instanceof List) {
      return "an array";
    }
    return "a " + value.getClass().getSimpleName();
  }

  /**
   * Finds the candidate a mistyped name most likely meant: the same name ignoring case, one within
   * a small edit distance (typos, swapped letters) of the candidate or of its last dotted segment
   * (so {@code ttlMs} at the top level suggests {@code cache.ttlMs}), or one the name is the
   * beginning of.
   *
   * @param unknown the name that matched nothing
   * @param candidates the valid names
   * @return the best candidate, or {@code null} when none is close
   */
  public static String suggest(String unknown, Collection<String> candidates) {
    String u = unknown.toLowerCase(Locale.ROOT);
    int limit = u.length() <= 4 ? 1 : u.length() <= 10 ? 2 : 3;
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      String c = candidate.toLowerCase(Locale.ROOT);
      int dot = c.lastIndexOf('.');
      String segment = dot >= 0 ? c.substring(dot + 1) : c;
      int d = Math.min(distance(u, c), distance(u, segment));
      // A name cut short ("ttlJitter" for "ttlJitterPercent", "timeout" for "timeoutMs") counts as close.
      if (u.length() >= 4 && (c.startsWith(u) || segment.startsWith(u))) {
        d = Math.min(d, 1);
      }
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    return bestDistance <= limit ? best : null;
  }

  /** Optimal string alignment distance: Levenshtein plus the transposition of two adjacent letters. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
