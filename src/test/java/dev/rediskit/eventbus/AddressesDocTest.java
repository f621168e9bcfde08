package dev.rediskit.eventbus;

import dev.rediskit.cache.LoadOptions;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's address tables list exactly the addresses the code serves, each with the request
 * fields of {@link Addresses#REQUEST_FIELDS} (optional ones marked {@code ?}), and the loader
 * contract's requests as {@link Addresses#LOADER_REQUEST_FIELDS} says; docs/CACHING.md's
 * {@code cache.*} table names, for each address, methods {@link CacheClient} has.
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

  /**
   * Every other table of the docs that shows an address's request (the README's short rate-limit
   * table, CACHING.md's and RATE_LIMITING.md's): a shorter table may leave optional fields out, but
   * it names only fields the consumer reads, each marked optional as in the code, in the code's
   * order, and every required one.
   */
  @Test
  void everyRequestShownInTheDocsHasOnlyRealFieldsAndEveryRequiredOne() throws Exception {
    List<Path> docs = new ArrayList<>(List.of(Path.of("README.md")));
    try (var files = Files.list(Path.of("docs"))) {
      files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
    }
    Pattern row = Pattern.compile("(?m)^\\| `((?:cache|ratelimit|health)\\.[a-zA-Z.]+)` \\| `(\\{[^`]*\\})` \\|");
    int checked = 0;
    for (Path doc : docs) {
      Matcher m = row.matcher(Files.readString(doc));
      while (m.find()) {
        String address = m.group(1);
        List<String> shown = fields(m.group(2));
        assertThat(Addresses.REQUEST_FIELDS).as("%s shows an address %s", doc, address).containsKey(address);
        List<String> code = Addresses.REQUEST_FIELDS.get(address);
        assertThat(code).as("%s: the request fields of %s, in the code's order", doc, address).containsSubsequence(shown);
        assertThat(shown).as("%s: the required request fields of %s", doc, address)
          .containsAll(code.stream().filter(f -> !f.endsWith("?")).toList());
        checked++;
      }
    }
    assertThat(checked).as("rows checked").isGreaterThanOrEqualTo(50);
  }

  /**
   * The CacheClient column of docs/CACHING.md's {@code cache.*} table: every method it names is a
   * public method of {@link CacheClient} with that many parameters, and an address whose last
   * segment is itself a CacheClient method ({@code cache.invalidate} → {@code invalidate}) names
   * that method and no method another address is named after. So a row pointing at its neighbour's
   * method fails.
   */
  @Test
  void cachingTableNamesTheCacheClientMethodOfEachAddress() throws Exception {
    String doc = Files.readString(Path.of("docs", "CACHING.md"));
    int start = doc.indexOf("## The event bus: `cache.*`");
    assertThat(start).as("CACHING.md has the cache.* address section").isPositive();
    String section = doc.substring(start, doc.indexOf("\n## ", start + 1));
    Map<String, Set<Integer>> arities = new LinkedHashMap<>();
    for (Method method : CacheClient.class.getMethods()) {
      arities.computeIfAbsent(method.getName(), n -> new TreeSet<>()).add(method.getParameterCount());
    }
    Matcher row = Pattern.compile("(?m)^\\| `(cache\\.[a-zA-Z]+)`[^|]* \\| [^|]* \\| [^|]* \\| ([^|\\n]*) \\|$").matcher(section);
    Map<String, List<String>> named = new LinkedHashMap<>();
    while (row.find()) {
      List<String> methods = new ArrayList<>();
      Matcher call = Pattern.compile("`([a-zA-Z]+)\\(([^)`]*)\\)").matcher(row.group(2));
      while (call.find()) {
        String name = call.group(1);
        String args = call.group(2).trim();
        assertThat(arities).as("%s: CacheClient has a method %s", row.group(1), name).containsKey(name);
        if (!args.contains("...")) {
          int count = args.isEmpty() ? 0 : args.split(",").length;
          assertThat(arities.get(name)).as("%s: CacheClient.%s(%s) takes that many parameters", row.group(1), name, args).contains(count);
        }
        methods.add(name);
      }
      named.put(row.group(1), methods);
    }
    // The table leaves out the two cache.* addresses no typed method sends to (TypedClientCoverageTest).
    List<String> sentByCacheClient = new ArrayList<>();
    for (String address : Addresses.REQUEST_FIELDS.keySet()) {
      if (address.startsWith("cache.") && !address.equals(Addresses.CACHE_GET_BATCH) && !address.equals(Addresses.CACHE_INVALIDATIONS)) {
        sentByCacheClient.add(address);
      }
    }
    assertThat(named.keySet()).as("rows of CACHING.md's cache.* table").containsExactlyInAnyOrderElementsOf(sentByCacheClient);
    Set<String> namesakes = new TreeSet<>();
    named.keySet().forEach(address -> {
      String last = address.substring("cache.".length());
      if (arities.containsKey(last)) {
        namesakes.add(last);
      }
    });
    named.forEach((address, methods) -> {
      String last = address.substring("cache.".length());
      if (namesakes.contains(last)) {
        assertThat(methods).as("CacheClient methods named for %s", address).contains(last);
      }
      for (String method : methods) {
        assertThat(!namesakes.contains(method) || method.equals(last))
          .as("the row of %s names %s, the method of cache.%s", address, method, method).isTrue();
      }
    });
  }

  @Test
  void readmeStatesTheLoaderContract() throws Exception {
    Map<String, List<String>> loaders = rows(section(), "a namespace's `[a-zA-Z]+`");
    assertThat(loaders.get("a namespace's `loader`")).containsExactlyElementsOf(Addresses.LOADER_REQUEST_FIELDS);
    assertThat(loaders.get("a namespace's `batchLoader`")).containsExactlyElementsOf(Addresses.BATCH_LOADER_REQUEST_FIELDS);
    Map<String, List<String>> plans = rows(section(), "the plan address \\(`rateLimit.planAddress`\\)");
    assertThat(plans.values()).singleElement().isEqualTo(PlanAddress.REQUEST_FIELDS);
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
