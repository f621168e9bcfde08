package dev.rediskit.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads one section of a JSON configuration into an options object without ever throwing: a value
 * of the wrong type is recorded as a problem (key, expected type, value) and the option keeps its
 * default, so that {@code validate()} can report every problem at once. Strings are accepted for
 * numbers and booleans, because environment variables and system properties only carry strings
 * and go through the same conversion.
 *
 * <p>Internal: shared by the options classes of the module's packages; not part of the API.
 */
public final class JsonOptionsReader {

  private final JsonObject json;
  private final String prefix;
  private final Map<String, String> problems;
  private final Set<String> known = new LinkedHashSet<>();

  /**
   * @param json the section to read; {@code null} reads as empty
   * @param prefix prepended to each key in problems: {@code ""} at the top level, {@code "cache."} for a section
   * @param problems where problems are put, keyed by the full key, each value a full message line
   */
  public JsonOptionsReader(JsonObject json, String prefix, Map<String, String> problems) {
    this.json = json == null ? new JsonObject() : json;
    this.prefix = prefix;
    this.problems = problems;
  }

  /**
   * @param name a key of this section
   * @return the value as a long, or {@code null} when absent, JSON {@code null} or invalid (then recorded)
   */
  public Long readLong(String name) {
    return readNumber(name, Long.MIN_VALUE, Long.MAX_VALUE, false);
  }

  /**
   * @param name a key of this section
   * @return the value as an int, or {@code null} when absent, JSON {@code null} or invalid (then recorded)
   */
  public Integer readInt(String name) {
    Long v = readNumber(name, Integer.MIN_VALUE, Integer.MAX_VALUE, false);
    return v == null ? null : v.intValue();
  }

  /**
   * Like {@link #readInt(String)}, but an empty string also means "not set", as an empty
   * environment variable does.
   *
   * @param name a key of this section
   * @return the value, or {@code null}
   */
  public Integer readOptionalInt(String name) {
    Long v = readNumber(name, Integer.MIN_VALUE, Integer.MAX_VALUE, true);
    return v == null ? null : v.intValue();
  }

  /**
   * @param name a key of this section
   * @return whether the section holds it as a blank string: "not set" said explicitly, not left out
   */
  public boolean holdsBlank(String name) {
    return raw(name) instanceof String s && s.isBlank();
  }

  /**
   * @param name a key of this section
   * @return whether the section holds it as JSON {@code null}, rather than leaving it out
   */
  public boolean holdsNull(String name) {
    return json.containsKey(name) && raw(name) == null;
  }

  /**
   * @param name a key of this section
   * @return the value as a finite double, or {@code null} when absent, JSON {@code null} or invalid (then recorded)
   */
  public Double readDouble(String name) {
    Object raw = raw(name);
    if (raw == null) {
      return null;
    }
    Double d = null;
    if (raw instanceof Number n) {
      d = n.doubleValue();
    } else if (raw instanceof String s) {
      try {
        d = Double.valueOf(s.trim());
      } catch (NumberFormatException e) {
        d = null;
      }
    }
    if (d == null || !Double.isFinite(d)) {
      problem(name, "expected a number, was " + OptionChecks.describe(raw));
      return null;
    }
    return d;
  }

  /**
   * @param name a key of this section
   * @return the value, or {@code null} when absent, JSON {@code null} or invalid (then recorded)
   */
  public Boolean readBoolean(String name) {
    Object raw = raw(name);
    if (raw == null) {
      return null;
    }
    if (raw instanceof Boolean b) {
      return b;
    }
    if (raw instanceof String s) {
      String t = s.trim();
      if (t.equalsIgnoreCase("true")) {
        return true;
      }
      if (t.equalsIgnoreCase("false")) {
        return false;
      }
    }
    problem(name, "expected true or false, was " + OptionChecks.describe(raw));
    return null;
  }

  /**
   * @param name a key of this section
   * @return the value, or {@code null} when absent, JSON {@code null} or not a string (then recorded)
   */
  public String readString(String name) {
    return readString(name, false);
  }

  /**
   * Like {@link #readString(String)}, but a value of the wrong type is described by its type only,
   * never echoed.
   *
   * @param name a key of this section holding a secret
   * @return the value, or {@code null}
   */
  public String readSecret(String name) {
    return readString(name, true);
  }

  private String readString(String name, boolean secret) {
    Object raw = raw(name);
    if (raw == null) {
      return null;
    }
    if (raw instanceof String s) {
      return s;
    }
    problem(name, "expected a string, was " + (secret ? OptionChecks.typeName(raw) : OptionChecks.describe(raw)));
    return null;
  }

  /**
   * Reads an enum constant by name, ignoring case and accepting {@code -} for {@code _}.
   *
   * @param name a key of this section
   * @param type the enum type
   * @param <E> the enum type
   * @return the constant, or {@code null} when absent, JSON {@code null} or unknown (then recorded)
   */
  public <E extends Enum<E>> E readEnum(String name, Class<E> type) {
    Object raw = raw(name);
    if (raw == null) {
      return null;
    }
    List<String> names = Arrays.stream(type.getEnumConstants()).map(Enum::name).toList();
    if (raw instanceof String s) {
      String wanted = s.trim().replace('-', '_').toUpperCase(Locale.ROOT);
      for (E e : type.getEnumConstants()) {
        if (e.name().equals(wanted)) {
          return e;
        }
      }
    }
    problem(name, "expected one of " + String.join(", ", names) + ", was " + OptionChecks.describe(raw));
    return null;
  }

  /**
   * Reads a list of strings: a JSON array of strings, or one string holding comma-separated items
   * (blank items are dropped, the others trimmed).
   *
   * @param name a key of this section
   * @return the list, or {@code null} when absent, JSON {@code null} or invalid (then recorded)
   */
  public List<String> readStringList(String name) {
    Object raw = raw(name);
    if (raw == null) {
      return null;
    }
    if (raw instanceof String s) {
      List<String> items = new ArrayList<>();
      for (String item : s.split(",")) {
        if (!item.isBlank()) {
          items.add(item.trim());
        }
      }
      return items;
    }
    if (raw instanceof JsonArray array) {
      List<String> items = new ArrayList<>();
      boolean ok = true;
      for (int i = 0; i < array.size(); i++) {
        Object item = array.getValue(i);
        if (item instanceof String s) {
          items.add(s);
        } else {
          // Only the type: an object in a list of connection strings may well hold credentials.
          problems.put(prefix + name + "[" + i + "]", prefix + name + "[" + i + "]: expected a string, was " + OptionChecks.typeName(item));
          ok = false;
        }
      }
      return ok ? items : null;
    }
    problem(name, "expected a string or an array of strings, was " + OptionChecks.typeName(raw));
    return null;
  }

  /**
   * @param name a key of this section holding a nested section
   * @return the object, or {@code null} when absent, JSON {@code null} or not an object (then recorded)
   */
  public JsonObject readObject(String name) {
    Object raw = raw(name);
    if (raw == null) {
      return null;
    }
    if (raw instanceof JsonObject o) {
      return o;
    }
    if (raw instanceof Map<?, ?> m) {
      @SuppressWarnings("unchecked")
      Map<String, Object> map = (Map<String, Object>) m;
      return new JsonObject(map);
    }
    problem(name, "expected an object, was " + OptionChecks.describe(raw));
    return null;
  }

  /**
   * Like {@link #readObject(String)}, but also accepts a string holding the JSON text of an
   * object, the form an environment variable or system property carries.
   *
   * @param name a key of this section holding a JSON object
   * @return the object, or {@code null} when absent, JSON {@code null} or invalid (then recorded)
   */
  public JsonObject readJsonObject(String name) {
    Object raw = raw(name);
    if (raw instanceof String s) {
      try {
        return new JsonObject(s);
      } catch (RuntimeException e) {
        problem(name, "expected a JSON object, was " + OptionChecks.describe(raw));
        return null;
      }
    }
    return readObject(name);
  }

  /**
   * Records every key of the section that was not read as unknown, with the closest known key
   * when one is close enough to be a typo.
   *
   * @param otherCandidates further full key names worth suggesting (e.g. nested keys written at the top level)
   */
  public void reportUnknownKeys(Collection<String> otherCandidates) {
    List<String> candidates = new ArrayList<>();
    known.forEach(k -> candidates.add(prefix + k));
    candidates.addAll(otherCandidates);
    for (String field : json.fieldNames()) {
      if (known.contains(field)) {
        continue;
      }
      String key = prefix + field;
      String suggestion = OptionChecks.suggest(key, candidates);
      problems.put(key, key + ": unknown key" + (suggestion != null
        ? ", did you mean \"" + suggestion + "\"?"
        : " (the keys are listed in docs/CONFIGURATION.md)"));
    }
  }

  private Object raw(String name) {
    known.add(name);
    return json.getValue(name);
  }

  private Long readNumber(String name, long min, long max, boolean blankIsNull) {
    Object raw = raw(name);
    if (raw == null) {
      return null;
    }
    BigDecimal value = null;
    if (raw instanceof Integer || raw instanceof Long || raw instanceof Short || raw instanceof Byte) {
      value = BigDecimal.valueOf(((Number) raw).longValue());
    } else if (raw instanceof BigInteger b) {
      value = new BigDecimal(b);
    } else if (raw instanceof BigDecimal b) {
      value = b;
    } else if (raw instanceof Double || raw instanceof Float) {
      double d = ((Number) raw).doubleValue();
      value = Double.isFinite(d) ? BigDecimal.valueOf(d) : null;
    } else if (raw instanceof String s) {
      if (s.isBlank() && blankIsNull) {
        return null;
      }
      try {
        value = new BigDecimal(s.trim());
      } catch (NumberFormatException e) {
        value = null;
      }
    }
    if (value == null) {
      problem(name, "expected a number, was " + OptionChecks.describe(raw));
      return null;
    }
    BigInteger whole;
    try {
      whole = value.toBigIntegerExact();
    } catch (ArithmeticException e) {
      problem(name, "expected a whole number, was " + OptionChecks.describe(raw));
      return null;
    }
    if (whole.compareTo(BigInteger.valueOf(min)) < 0 || whole.compareTo(BigInteger.valueOf(max)) > 0) {
      problem(name, "expected a number between " + min + " and " + max + ", was " + OptionChecks.describe(raw));
      return null;
    }
    return whole.longValue();
  }

  /**
   * Records a problem with a key of this section, e.g. a value that has the right type but cannot be parsed.
   *
   * @param name a key of this section
   * @param message what is wrong, without the key
   */
  public void problem(String name, String message) {
    problems.put(prefix + name, prefix + name + ": " + message);
  }
}
