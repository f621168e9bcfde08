package dev.rediskit.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The settings of one options class, in the order in which they are documented, written to JSON
 * and checked: the single declaration from which that class reads, writes, copies and validates its
 * values (through {@link SettingValues}) and from which {@code docs/CONFIGURATION.md} lists its keys.
 *
 * <p>Internal: shared by the options classes of the module's packages; not part of the API.
 */
public final class SettingTable {

  private final String prefix;
  private final List<Setting<?>> settings;

  private SettingTable(String prefix, List<Setting<?>> settings) {
    for (Setting<?> s : settings) {
      String name = s.key().name();
      if (!name.startsWith(prefix) || name.indexOf('.', prefix.length()) >= 0) {
        throw new IllegalArgumentException("setting " + name + " is not a key of section '" + prefix + "'");
      }
    }
    this.prefix = prefix;
    this.settings = List.copyOf(settings);
  }

  /**
   * @param prefix the section's prefix: {@code ""} at the top level, {@code "cache."} for the cache section
   * @param settings its settings, each named {@code prefix + name}
   * @return the table
   */
  public static SettingTable of(String prefix, Setting<?>... settings) {
    return new SettingTable(prefix, Arrays.asList(settings));
  }

  /**
   * @param more settings of the same section that a subclass adds
   * @return a table with these settings after this table's
   */
  public SettingTable with(Setting<?>... more) {
    List<Setting<?>> all = new ArrayList<>(settings);
    all.addAll(Arrays.asList(more));
    return new SettingTable(prefix, all);
  }

  /** @return the section's prefix, {@code ""} at the top level */
  public String prefix() {
    return prefix;
  }

  /** @return the settings, in order */
  public List<Setting<?>> settings() {
    return settings;
  }

  /** @return the keys of the settings, in order */
  public List<ConfigKey> keys() {
    return settings.stream().map(Setting::key).toList();
  }
}
