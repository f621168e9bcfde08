package dev.rediskit.config;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The values of one options object, for the settings of its {@link SettingTable}: what the options
 * classes' fields used to be, read from JSON, written back, copied and checked in one place, plus
 * the problems met while reading the input (kept for {@code validate()}; setting a key again clears
 * its problems), and which settings were given (read from JSON or set by a setter, whatever the
 * value), so that a configuration built in code overrides a file only where the code said something.
 *
 * <p>Internal: shared by the options classes of the module's packages; not part of the API.
 */
public final class SettingValues {

  private final SettingTable table;
  private final Map<Setting<?>, Object> values = new IdentityHashMap<>();
  private final Map<String, String> inputProblems = new LinkedHashMap<>();
  private final Set<Setting<?>> given = Collections.newSetFromMap(new IdentityHashMap<>());

  /**
   * @param table the settings; each starts at its default
   */
  public SettingValues(SettingTable table) {
    this.table = table;
    for (Setting<?> s : table.settings()) {
      values.put(s, s.defaultValue());
    }
  }

  /**
   * A copy that shares nothing mutable with the original (lists are copied), pending problems and
   * what was given included.
   *
   * @param other the values to copy
   */
  public SettingValues(SettingValues other) {
    this.table = other.table;
    other.values.forEach((s, v) -> values.put(s, v instanceof List<?> list ? new ArrayList<>(list) : v));
    inputProblems.putAll(other.inputProblems);
    given.addAll(other.given);
  }

  /**
   * Reads every setting of the table that the JSON holds, and counts it as given; values of the
   * wrong type are kept as problems and leave the setting as it was (and not given).
   *
   * @param json the section
   * @return the reader, for the keys the options class reads itself; it must end with
   * {@link JsonOptionsReader#reportUnknownKeys}
   */
  public JsonOptionsReader read(JsonObject json) {
    JsonOptionsReader in = new JsonOptionsReader(json, table.prefix(), inputProblems);
    for (Setting<?> s : table.settings()) {
      Object[] read = s.read(in);
      if (read != null) {
        values.put(s, read[0]);
        given.add(s);
      }
    }
    return in;
  }

  /**
   * @param setting a setting of the table
   * @param <T> its type
   * @return its value
   */
  @SuppressWarnings("unchecked")
  public <T> T get(Setting<T> setting) {
    return (T) values.get(setting);
  }

  /**
   * Sets a value as a fluent setter does: checked by the setting's rules first, then counted as given.
   *
   * @param setting a setting of the table
   * @param value the value
   * @param <T> its type
   * @throws IllegalArgumentException naming the key, the value and the rule, when a rule is broken
   */
  public <T> void set(Setting<T> setting, T value) {
    if (!values.containsKey(setting)) {
      throw new IllegalArgumentException(setting + " is not a setting of this object");
    }
    OptionChecks.require(setting.setterProblem(value));
    values.put(setting, value);
    given.add(setting);
    accepted(setting.key().name());
  }

  /**
   * Forgets the input problems of a key (and of its items and nested keys), once a setter set it.
   *
   * @param key the full key
   */
  public void accepted(String key) {
    inputProblems.keySet().removeIf(k -> k.equals(key) || k.startsWith(key + "[") || k.startsWith(key + "."));
  }

  /** @return the problems met while reading, by full key: the options class may add its own */
  public Map<String, String> inputProblems() {
    return inputProblems;
  }

  /**
   * @return the values in their JSON form, in the table's order; unset optional values left out
   */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    for (Setting<?> s : table.settings()) {
      Object v = jsonValue(s);
      if (v != null) {
        json.put(s.name(), v);
      }
    }
    return json;
  }

  /**
   * The given settings only (see {@link #isGiven}), in their JSON form and the table's order. A
   * given optional value that is unset is written as {@code ""}, which the JSON constructor reads
   * as "not set": merged over another source it unsets the value there too. A given {@code null}
   * of a setting whose default is not {@code null} ({@code setMasterName(null)}) is written as JSON
   * {@code null}, which reads back as {@code null}, given.
   *
   * @return the given settings as JSON
   */
  public JsonObject toGivenJson() {
    JsonObject json = new JsonObject();
    for (Setting<?> s : table.settings()) {
      if (given.contains(s)) {
        Object v = jsonValue(s);
        if (v == null && s.defaultValue() == null) {
          v = "";
        }
        json.put(s.name(), v);
      }
    }
    return json;
  }

  /**
   * @param setting a setting of the table
   * @return whether it was given: read from JSON that held it, or set by a setter, whatever the value
   */
  public boolean isGiven(Setting<?> setting) {
    return given.contains(setting);
  }

  private <T> Object jsonValue(Setting<T> s) {
    return s.toJsonValue(get(s));
  }

  /**
   * @return the input problems, then the first rule each value breaks, in the table's order
   */
  public List<String> problems() {
    List<String> problems = new ArrayList<>(inputProblems.values());
    for (Setting<?> s : table.settings()) {
      OptionChecks.collect(problems, problemOf(s));
    }
    return problems;
  }

  private <T> String problemOf(Setting<T> s) {
    return s.problem(get(s));
  }

  /**
   * @param setting a setting of the table
   * @return whether its value differs from its default
   */
  public boolean isSet(Setting<?> setting) {
    return !java.util.Objects.equals(values.get(setting), setting.defaultValue());
  }
}
