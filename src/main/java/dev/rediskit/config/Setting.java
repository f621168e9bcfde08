package dev.rediskit.config;

import io.vertx.core.json.JsonArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One setting of an options class, declared once: its {@link ConfigKey} (name, type, default, unit,
 * meaning), how it is read from JSON and written back, and the rules its value must follow. A
 * {@link SettingTable} of these drives the JSON constructor, {@code toJson()}, the copy constructor
 * and {@code problems()} of an options class through {@link SettingValues}, so that adding a key is
 * one row (plus its getter and setter).
 *
 * <p>Rules return {@code null} or a problem line naming the key, so that a fluent setter (which
 * throws it) and {@code validate()} (which collects it) say exactly the same thing.
 *
 * <p>Internal: shared by the options classes of the module's packages; not part of the API.
 *
 * @param <T> the value's Java type
 */
public final class Setting<T> {

  /** Returned by a reader when the input explicitly unsets the value (an empty string, {@code none}). */
  private static final Object UNSET = new Object();

  /** Reads the setting from a JSON section: {@code null} when absent, {@link #UNSET} when explicitly unset. */
  @FunctionalInterface
  private interface Reader {
    Object read(JsonOptionsReader in, String name, Setting<?> setting);
  }

  private final ConfigKey key;
  private final String name;
  private final T defaultValue;
  private final Reader reader;
  private final Function<T, Object> writer;
  private final boolean writesNull;
  private final List<BiFunction<String, T, String>> rules;
  // Rules that a setter does not apply, because a later change may still satisfy them (a file that will exist).
  private final List<BiFunction<String, T, String>> validationRules;

  private Setting(ConfigKey key, T defaultValue, Reader reader, Function<T, Object> writer, boolean writesNull,
                  List<BiFunction<String, T, String>> rules, List<BiFunction<String, T, String>> validationRules) {
    this.key = key;
    this.name = key.name().substring(key.name().lastIndexOf('.') + 1);
    this.defaultValue = defaultValue;
    this.reader = reader;
    this.writer = writer;
    this.writesNull = writesNull;
    this.rules = List.copyOf(rules);
    this.validationRules = List.copyOf(validationRules);
  }

  private static <T> Setting<T> create(String name, ConfigKey.Type type, T defaultValue, String unit, String description,
                                       boolean secret, List<String> allowed, Reader reader, Function<T, Object> writer) {
    Object shown = defaultValue == null ? null : writer.apply(defaultValue);
    if (shown instanceof JsonArray array) {
      shown = array.getList();
    }
    ConfigKey key = new ConfigKey(name, type, shown, unit, description, secret, allowed);
    return new Setting<>(key, defaultValue, reader, writer, false, List.of(), List.of());
  }

  /**
   * @param name the full key, e.g. {@code cache.ttlMs}
   * @param defaultValue the default
   * @param unit the unit, e.g. {@code ms}
   * @param description the meaning, for the documentation
   * @return a setting holding a 64-bit whole number
   */
  public static Setting<Long> ofLong(String name, long defaultValue, String unit, String description) {
    return create(name, ConfigKey.Type.LONG, defaultValue, unit, description, false, List.of(),
      (in, n, s) -> in.readLong(n), v -> v);
  }

  /**
   * @param name the full key
   * @param defaultValue the default
   * @param unit the unit
   * @param description the meaning
   * @return a setting holding a 32-bit whole number
   */
  public static Setting<Integer> ofInt(String name, int defaultValue, String unit, String description) {
    return create(name, ConfigKey.Type.INT, defaultValue, unit, description, false, List.of(),
      (in, n, s) -> in.readInt(n), v -> v);
  }

  /**
   * @param name the full key
   * @param unit the unit
   * @param description the meaning
   * @return a setting holding a 32-bit whole number or nothing (the default); an empty string unsets it
   */
  public static Setting<Integer> ofOptionalInt(String name, String unit, String description) {
    return create(name, ConfigKey.Type.INT, null, unit, description, false, List.of(),
      (in, n, s) -> {
        Integer v = in.readOptionalInt(n);
        // A blank string unsets the value (it is given), where a missing key leaves it as it was.
        return v != null ? v : in.holdsBlank(n) ? UNSET : null;
      }, v -> v);
  }

  /**
   * @param name the full key
   * @param defaultValue the default
   * @param description the meaning
   * @return a setting holding {@code true} or {@code false}
   */
  public static Setting<Boolean> ofBoolean(String name, boolean defaultValue, String description) {
    return create(name, ConfigKey.Type.BOOLEAN, defaultValue, "", description, false, List.of(),
      (in, n, s) -> in.readBoolean(n), v -> v);
  }

  /**
   * @param name the full key
   * @param defaultValue the default
   * @param description the meaning
   * @return a setting holding a string, an empty one included; JSON {@code null} sets it to
   * {@code null} where its setter takes {@code null} (as {@code masterName}'s does), and is
   * ignored where it does not
   */
  @SuppressWarnings("unchecked")
  public static Setting<String> ofString(String name, String defaultValue, String description) {
    return create(name, ConfigKey.Type.STRING, defaultValue, "", description, false, List.of(),
      (in, n, s) -> {
        String v = in.readString(n);
        // A null the code gave is written as JSON null (SettingValues.toGivenJson) and must read back as given.
        return v == null && in.holdsNull(n) && ((Setting<String>) s).setterProblem(null) == null ? UNSET : v;
      }, v -> v);
  }

  /**
   * @param name the full key
   * @param description the meaning
   * @return a setting holding a string or nothing (the default); an empty string unsets it
   */
  public static Setting<String> ofOptionalString(String name, String description) {
    return create(name, ConfigKey.Type.STRING, null, "", description, false, List.of(),
      (in, n, s) -> emptyUnsets(in.readString(n)), v -> v);
  }

  /**
   * @param name the full key
   * @param description the meaning
   * @return a string setting whose value is never printed, not even in a problem; an empty string unsets it
   */
  public static Setting<String> ofSecret(String name, String description) {
    return create(name, ConfigKey.Type.STRING, null, "", description, true, List.of(),
      (in, n, s) -> emptyUnsets(in.readSecret(n)), v -> v);
  }

  /**
   * @param name the full key
   * @param type the enum
   * @param defaultValue the default
   * @param description the meaning
   * @param <E> the enum type
   * @return a setting holding one of the enum's constants (names read in any case); {@code null} is refused
   */
  public static <E extends Enum<E>> Setting<E> ofEnum(String name, Class<E> type, E defaultValue, String description) {
    List<String> names = Arrays.stream(type.getEnumConstants()).map(Enum::name).toList();
    Setting<E> s = create(name, ConfigKey.Type.ENUM, defaultValue, "", description, false, names,
      (in, n, x) -> in.readEnum(n, type), Enum::name);
    return s.check((key, v) -> v != null ? null
      : OptionChecks.violation(key, "must be one of " + String.join(", ", names), null));
  }

  /**
   * @param name the full key
   * @param defaultValue the default
   * @param unit what the items are
   * @param description the meaning
   * @return a setting holding a list of strings (a JSON array, or one comma-separated string)
   */
  public static Setting<List<String>> ofStringList(String name, List<String> defaultValue, String unit, String description) {
    return create(name, ConfigKey.Type.STRING_LIST, List.copyOf(defaultValue), unit, description, false, List.of(),
      (in, n, s) -> in.readStringList(n), v -> new JsonArray(new ArrayList<>(v)));
  }

  /**
   * A setting written as text and held parsed, such as a rate limit ({@code 100/1m}).
   *
   * @param name the full key
   * @param defaultValue the default, or {@code null}
   * @param description the meaning
   * @param parse turns the text into a value; returns {@code null} for a text meaning "none", throws
   * an exception whose message says what is wrong for a text that is neither
   * @param format turns a value, {@code null} included, back into the text that {@code parse} reads
   * @param <T> the parsed type
   * @return the setting
   */
  public static <T> Setting<T> ofText(String name, T defaultValue, String description, Function<String, T> parse,
                                      Function<T, String> format) {
    Reader reader = (in, n, s) -> {
      String text = in.readString(n);
      if (text == null) {
        return null;
      }
      try {
        T value = parse.apply(text);
        return value == null ? UNSET : value;
      } catch (RuntimeException e) {
        in.problem(n, e.getMessage());
        return null;
      }
    };
    ConfigKey key = new ConfigKey(name, ConfigKey.Type.STRING, format.apply(defaultValue), "", description, false, List.of());
    // Written even when null: a missing key reads back as the default, not as "none".
    Function<T, Object> writer = format::apply;
    return new Setting<>(key, defaultValue, reader, writer, true, List.of(), List.of());
  }

  private static Object emptyUnsets(String s) {
    return s == null ? null : s.isEmpty() ? UNSET : s;
  }

  /**
   * @param rule returns {@code null} or the problem of a value, given the full key to name
   * @return this setting with one more rule, checked after those it has
   */
  public Setting<T> check(BiFunction<String, T, String> rule) {
    List<BiFunction<String, T, String>> all = new ArrayList<>(rules);
    all.add(Objects.requireNonNull(rule, "rule"));
    return new Setting<>(key, defaultValue, reader, writer, writesNull, all, validationRules);
  }

  /**
   * @param rule returns {@code null} or the problem of a value, given the full key to name
   * @return this setting with one more rule that only {@code validate()} applies, not the setter
   */
  public Setting<T> checkWhenValidated(BiFunction<String, T, String> rule) {
    List<BiFunction<String, T, String>> all = new ArrayList<>(validationRules);
    all.add(Objects.requireNonNull(rule, "rule"));
    return new Setting<>(key, defaultValue, reader, writer, writesNull, rules, all);
  }

  /**
   * @param min the smallest value allowed
   * @return this setting, also requiring {@code value >= min} (in its key's unit)
   */
  public Setting<T> atLeast(long min) {
    return check((k, v) -> v == null ? null : OptionChecks.atLeast(k, ((Number) v).longValue(), min, key.unit()));
  }

  /**
   * @param min the smallest value allowed
   * @param max the largest value allowed
   * @return this setting, also requiring {@code min <= value <= max} (in its key's unit)
   */
  public Setting<T> between(long min, long max) {
    return check((k, v) -> v == null ? null : OptionChecks.between(k, ((Number) v).longValue(), min, max, key.unit()));
  }

  /** @return the key: name, environment variable, type, default, unit and meaning */
  public ConfigKey key() {
    return key;
  }

  /** @return the key's name within its section, e.g. {@code ttlMs} for {@code cache.ttlMs} */
  public String name() {
    return name;
  }

  /** @return the default value, or {@code null} */
  public T defaultValue() {
    return defaultValue;
  }

  /**
   * @param value a value
   * @return the first rule it breaks, as a problem line, or {@code null}
   */
  public String problem(T value) {
    String p = setterProblem(value);
    return p != null ? p : firstProblem(validationRules, value);
  }

  /**
   * @param value a value
   * @return the first rule it breaks among those a setter applies, or {@code null}
   */
  public String setterProblem(T value) {
    return firstProblem(rules, value);
  }

  private String firstProblem(List<BiFunction<String, T, String>> list, T value) {
    for (BiFunction<String, T, String> rule : list) {
      String p = rule.apply(key.name(), value);
      if (p != null) {
        return p;
      }
    }
    return null;
  }

  /** @return the value as written in the JSON form, {@code null} to leave the key out */
  Object toJsonValue(T value) {
    return value == null && !writesNull ? null : writer.apply(value);
  }

  /**
   * @return {@code null} when the section does not set the setting, else an array of one element:
   * the value read, {@code null} when the input unsets it
   */
  Object[] read(JsonOptionsReader in) {
    Object raw = reader.read(in, name, this);
    if (raw == null) {
      return null;
    }
    return new Object[] {raw == UNSET ? null : raw};
  }

  @Override
  public String toString() {
    return "Setting[" + key.name() + "]";
  }
}
