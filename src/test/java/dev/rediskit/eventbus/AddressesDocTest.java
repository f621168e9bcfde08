package dev.rediskit.eventbus;

import dev.rediskit.cache.LoadOptions;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's address tables list exactly the addresses the code serves, each with the request
 * fields of {@link Addresses#REQUEST_FIELDS} (optional ones marked {@code ?}), and the loader
 * contract's requests as {@link Addresses#LOADER_REQUEST_FIELDS} says.
 */
class AddressesDocTest {

  private static String section() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    int start = readme.indexOf("### Event-bus addresses");
    int end = readme.indexOf("### HTTP endpoints");
    assertThat(start).as("README has an event-bus address section").isPositive();
    return readme.substring(start, end);
  }

  /** @return the request column of every row whose first cell starts with {@code firstCell}, by that cell */
  private static Map<String, List<String>> rows(String section, String firstCellPattern) {
    Matcher m = Pattern.compile("(?m)^\\| (" + firstCellPattern + ") \\| `([^`]*)` \\|").matcher(section);
    Map<String, List<String>> out = new LinkedHashMap<>();
    while (m.find()) {
      out.put(m.group(1), fields(m.group(2)));
    }
    return out;
  }

  /** {@code {namespace?, entries: {key: value}, ttlMs?}} → {@code [namespace?, entries, ttlMs?]}. */
  static List<String> fields(String body) {
    String inner = body.trim();
    assertThat(inner).as("a request body %s", body).startsWith("{").endsWith("}");
    inner = inner.substring(1, inner.length() - 1);
    List<String> out = new ArrayList<>();
    int depth = 0;
    StringBuilder item = new StringBuilder();
    for (char c : (inner + ",").toCharArray()) {
      if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        depth--;
      }
      if (c == ',' && depth == 0) {
        String f = item.toString().trim();
        if (!f.isEmpty()) {
          int colon = f.indexOf(':');
          out.add((colon < 0 ? f : f.substring(0, colon)).trim());
        }
        item.setLength(0);
      } else {
        item.append(c);
      }
    }
    return out;
  }

  @Test
  void readmeTableListsEveryAddressWithItsRequestFields() throws Exception {
    List<String> inCode = new ArrayList<>();
    for (Field f : Addresses.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        inCode.add((String) f.get(null));
      }
    }
    assertThat(Addresses.REQUEST_FIELDS.keySet()).as("every address has its fields declared").containsExactlyInAnyOrderElementsOf(inCode);
    Map<String, List<String>> inReadme = new LinkedHashMap<>();
    rows(section(), "`[a-zA-Z.]+`").forEach((cell, fields) -> inReadme.put(cell.substring(1, cell.length() - 1), fields));
    assertThat(inReadme.keySet()).as("addresses in README.md's table").containsExactlyInAnyOrderElementsOf(inCode);
    for (String address : inCode) {
      assertThat(inReadme.get(address)).as("request fields of %s in README.md", address)
        .containsExactlyElementsOf(Addresses.REQUEST_FIELDS.get(address));
    }
  }

  @Test
  void readmeStatesTheLoaderContract() throws Exception {
    Map<String, List<String>> loaders = rows(section(), "a namespace's `[a-zA-Z]+`");
    assertThat(loaders.get("a namespace's `loader`")).containsExactlyElementsOf(Addresses.LOADER_REQUEST_FIELDS);
    assertThat(loaders.get("a namespace's `batchLoader`")).containsExactlyElementsOf(Addresses.BATCH_LOADER_REQUEST_FIELDS);
  }

  @Test
  void getOrLoadTakesTheLoadOptionsUnderTheirOneName() {
    List<String> fields = Addresses.fieldNames(Addresses.CACHE_GET_OR_LOAD);
    assertThat(fields).containsAll(LoadOptions.JSON_FIELDS);
    assertThat(fields).hasSize(LoadOptions.JSON_FIELDS.size() + 4).contains("namespace", "key", "args", "loader");
  }

  @Test
  void theFieldParserReadsNestedBodies() {
    assertThat(fields("{namespace?, entries: {key: value}, ttlMs?}")).containsExactly("namespace?", "entries", "ttlMs?");
    assertThat(fields("{namespace?, keys: [..]}")).containsExactly("namespace?", "keys");
    assertThat(fields("{}")).isEmpty();
  }
}
