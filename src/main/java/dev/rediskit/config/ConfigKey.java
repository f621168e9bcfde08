package dev.rediskit.config;

import dev.rediskit.RedisKitConfig;
import dev.rediskit.RedisKitOptions;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Describes one configuration key: its JSON name, the environment variable and system property
 * it is read from, its type, default, unit and meaning. {@link RedisKitOptions#KEYS} lists every
 * key; {@link RedisKitConfig} maps sources through it and {@code docs/CONFIGURATION.md} is
 * generated from it, so the three cannot disagree.
 *
 * @param name the JSON key, dotted for nested sections (e.g. {@code cache.ttlMs})
 * @param type the value type
 * @param defaultValue the default as it appears in {@link RedisKitOptions#toJson()}, or {@code null} when unset by default
 * @param unit the unit of the value (e.g. {@code ms}, {@code bytes}), or an empty string
 * @param description what the key means, one sentence
 * @param secret whether the value must never be printed
 * @param allowedValues for {@link Type#ENUM}, the accepted names; otherwise empty
 */
public record ConfigKey(String name, Type type, Object defaultValue, String unit, String description, boolean secret,
                        List<String> allowedValues) {

  /** Prefix of every environment variable of the module. */
  public static final String ENV_PREFIX = "REDISKIT_";
  /** Prefix of every system property of the module. */
  public static final String PROPERTY_PREFIX = "rediskit.";

  /** The type of a key's value, as written in JSON. */
  public enum Type {
    /** A JSON string. */
    STRING("string"),
    /** A JSON array of strings, or one string with comma-separated items. */
    STRING_LIST("list of strings (JSON array, or one comma-separated string)"),
    /** A whole number in the 32-bit range. */
    INT("integer"),
    /** A whole number in the 64-bit range. */
    LONG("integer"),
    /** {@code true} or {@code false}. */
    BOOLEAN("boolean"),
    /** One name out of {@link ConfigKey#allowedValues()}, case-insensitive. */
    ENUM("one of"),
    /** A JSON object; an environment variable or system property holds its JSON text. */
    OBJECT("JSON object (as a variable or property: its JSON text)");

    private final String label;

    Type(String label) {
      this.label = label;
    }

    /** @return how the type reads in documentation */
    public String label() {
      return label;
    }
  }

  /**
   * Checks the descriptor.
   *
   * @param name the JSON key
   * @param type the value type
   * @param defaultValue the default, or {@code null}
   * @param unit the unit, or an empty string
   * @param description the meaning
   * @param secret whether the value must never be printed
   * @param allowedValues the accepted names of an {@link Type#ENUM}
   */
  public ConfigKey {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(description, "description");
    allowedValues = List.copyOf(allowedValues);
  }

  /**
   * @param name the dotted name
   * @param type the value's type
   * @param defaultValue the default, or {@code null} for none
   * @param unit the unit, or {@code ""}
   * @param description what it does, for the documentation
   * @return a key that is no secret and takes any value of its type
   */
  public static ConfigKey of(String name, Type type, Object defaultValue, String unit, String description) {
    return new ConfigKey(name, type, defaultValue, unit, description, false, List.of());
  }

  /**
   * @param name the dotted name
   * @param description what it does
   * @return a string key whose value is never printed
   */
  public static ConfigKey secret(String name, String description) {
    return new ConfigKey(name, Type.STRING, null, "", description, true, List.of());
  }

  /**
   * @param name the dotted name
   * @param type the enum
   * @param defaultValue the default
   * @param description what it does
   * @param <E> the enum type
   * @return a key taking one of the enum's names
   */
  public static <E extends Enum<E>> ConfigKey ofEnum(String name, Class<E> type, E defaultValue, String description) {
    List<String> names = java.util.Arrays.stream(type.getEnumConstants()).map(Enum::name).toList();
    return new ConfigKey(name, Type.ENUM, defaultValue.name(), "", description, false, names);
  }

  /**
   * @return the environment variable: {@code REDISKIT_} and the name in upper snake case, dots
   * becoming underscores ({@code cache.ttlMs} is {@code REDISKIT_CACHE_TTL_MS})
   */
  public String envVar() {
    return envVarOf(name);
  }

  /** @return the system property: {@code rediskit.} and the name ({@code rediskit.cache.ttlMs}) */
  public String systemProperty() {
    return PROPERTY_PREFIX + name;
  }

  /** @return the path of the key in the JSON form: its name split at the dots */
  public List<String> path() {
    return List.of(name.split("\\."));
  }

  /**
   * @param name a JSON key, dotted for nested sections
   * @return the environment variable it is read from
   */
  public static String envVarOf(String name) {
    StringBuilder sb = new StringBuilder(ENV_PREFIX);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '.') {
        sb.append('_');
      } else if (Character.isUpperCase(c)) {
        sb.append('_').append(c);
      } else {
        sb.append(Character.toUpperCase(c));
      }
    }
    return sb.toString().toUpperCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    // The default of a secret key is null anyway, but keep descriptors safe to print whatever is added later.
    return "ConfigKey[" + name + ", " + type + (secret ? ", secret" : ", default=" + defaultValue) + "]";
  }
}
