package dev.rediskit;

import dev.rediskit.config.ConfigKey;
import dev.rediskit.test.GeneratedDoc;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps {@code docs/CONFIGURATION.md} equal to what {@link RedisKitOptions#KEYS} says, so the
 * reference cannot drift from the code. Regenerate it after changing a key with
 * {@value #REGENERATE_COMMAND}.
 */
class ConfigurationDocTest {

  static final Path DOC = Path.of("docs", "CONFIGURATION.md");
  static final String REGENERATE_COMMAND = "mvn -q test -Dtest=ConfigurationDocTest -DregenerateDocs=true";

  @Test
  void docsMatchTheKeyTable() {
    GeneratedDoc.assertUpToDate(DOC, render(), "RedisKitOptions.KEYS", REGENERATE_COMMAND);
  }

  @Test
  void tableHasOneRowPerKey() {
    long rows = render().lines().filter(l -> l.startsWith("| `")).count();
    assertThat(rows).isEqualTo(RedisKitOptions.KEYS.size());
  }

  static String render() {
    StringBuilder md = new StringBuilder();
    md.append("# Configuration reference\n\n");
    md.append("<!-- Generated from RedisKitOptions.KEYS by ConfigurationDocTest: do not edit by hand.\n");
    md.append("     Regenerate with: ").append(REGENERATE_COMMAND).append(" -->\n\n");
    md.append("Every setting of RedisKit lives in `RedisKitOptions` (a Vert.x data object: JSON constructor, `toJson()`,\n");
    md.append("fluent setters). Every entry point builds it from the same sources, in the same order, and validates it once,\n");
    md.append("at start-up: `RedisKitVerticle` (on top of its deployment config), `RedisKit.create(vertx, options)` (on top of\n");
    md.append("the options given) and `RedisKitConfig.load(vertx)` (on the sources alone). Only `RedisGateway.create` and the\n");
    md.append("components' own `create` methods take options exactly as given, reading nothing else.\n\n");

    md.append("## Where settings come from\n\n");
    md.append("Later sources win, the same for every entry point:\n\n");
    md.append("1. **Defaults**: the `DEFAULT_*` constants of `RedisKitOptions`, `CacheOptions` and `RateLimitOptions`\n");
    md.append("   (the *default* column below).\n");
    md.append("2. **A JSON file**: the path given to `RedisKitConfig.load(vertx, path)`; else the system property `")
      .append(RedisKitConfig.CONFIG_FILE_PROPERTY).append("`;\n");
    md.append("   else the environment variable `").append(RedisKitConfig.CONFIG_FILE_ENV).append("`; else `")
      .append(RedisKitConfig.DEFAULT_CONFIG_FILE).append("` when it exists.\n");
    md.append("   A file named in one of the first three ways must exist. Nested keys are objects:\n");
    md.append("   `{\"commandTimeoutMs\": 500, \"cache\": {\"ttlMs\": 60000}}`.\n");
    md.append("3. **The deployment config** of `RedisKitVerticle`, or the options given to `RedisKit.create`: every key\n");
    md.append("   given counts, whatever its value, a default included. From code, what was given is what the JSON the options\n");
    md.append("   were built from held, what a setter set (`setShadowMode(false)` against a file's `true` gives `false`), and\n");
    md.append("   what a copy took from options that had it (`toGivenJson()` shows it); what the code never touched keeps the\n");
    md.append("   file's value. A section object handed to a setter such as `setRateLimit` counts by what was given in it.\n");
    md.append("   The same holds key by key inside an entry of `cache.namespaces`, over the file's entry of that namespace:\n");
    md.append("   `getNearCache().setEnabled(false)` keeps off a near cache the file turns on, as `{\"nearCache\":\n");
    md.append("   {\"enabled\": false}}` does in a deployment config. A value the code set to `null` (`setLoader(null)`,\n");
    md.append("   `getLoadOptions().setTtl(null)`, `setMasterName(null)`) is given as JSON `null`, which unsets the file's.\n");
    md.append("4. **Environment variables**: ")
      .append(RedisKitConfig.CONVENTIONAL_ENV_VARS.entrySet().stream()
        .map(e -> "`" + e.getKey() + "` (`" + e.getValue() + "`)").collect(Collectors.joining(" and ")))
      .append(", the conventional names,\n");
    md.append("   then the `").append(ConfigKey.ENV_PREFIX).append("*` variables of the table, which win over them.\n");
    md.append("5. **System properties**: the `").append(ConfigKey.PROPERTY_PREFIX)
      .append("*` properties of the table, e.g. `-Drediskit.commandTimeoutMs=500`.\n\n");
    md.append("JSON objects of the file and of the deployment config (or the options from code) merge key by key: a deployment\n");
    md.append("config's `{\"rateLimit\": {\"serviceLimits\": {\"mailer\": \"50/1s\"}}}` changes the mailer's limit and leaves the\n");
    md.append("file's other services in force. A variable or property holds one whole value, so one of a JSON object key\n");
    md.append("(`REDISKIT_RATE_LIMIT_SERVICE_LIMITS='{\"mailer\": \"50/1s\"}'`) replaces the object below it: the file's\n");
    md.append("other services are gone.\n\n");
    md.append("So the environment and system properties override what the deployment config or the code set: they are the\n");
    md.append("word of whoever runs the process (vertx-config's default retriever also puts the environment above the\n");
    md.append("deployment config), and a container that sets `REDIS_URL` gets that server whatever was compiled in. A process\n");
    md.append("that also talks to a second Redis builds that one's gateway with `RedisGateway.create(vertx, options)`, which\n");
    md.append("reads no source. At start-up each gateway logs one INFO line with its endpoints (passwords hidden), the\n");
    md.append("topology, where the endpoints came from and the server's version, and a WARN line when nothing configured\n");
    md.append("the endpoints and the default `").append(RedisKitOptions.DEFAULT_ENDPOINT).append("` is used.\n\n");
    md.append("Variables and properties are strings, converted to the key's type: whole numbers in decimal, `true`/`false`,\n");
    md.append("enum names in any case, lists comma-separated. An empty value for `user`, `password`, `database`,\n");
    md.append("`tlsCaPath`, `tlsCertPath` or `tlsKeyPath` means \"not set\". A JSON file may also give numbers and booleans as\n");
    md.append("strings.\n\n");
    md.append("Validation reports every problem at once, each naming the key (and the variable or property it came\n");
    md.append("from), the value and what is allowed, e.g.\n");
    md.append("`commandTimeoutMs (from env REDISKIT_COMMAND_TIMEOUT_MS): expected a number, was \"abc\"`.\n");
    md.append("Unknown JSON keys, `").append(ConfigKey.ENV_PREFIX).append("*` variables and `").append(ConfigKey.PROPERTY_PREFIX)
      .append("*` properties are reported too, with the closest known name.\n");
    md.append("The password is never printed: `toString()`, `toDisplayJson()` and error messages show `")
      .append(RedisKitOptions.REDACTED).append("`, also inside endpoint URLs, and so do the start-up line, `/health/redis` and the\n");
    md.append("failures of a start (a wrong password, an unreachable server). `toJson()` holds it, since it is the form the JSON\n");
    md.append("constructor reads back: log `toString()` or `toDisplayJson()`, never `toJson()`. Nor is the client certificate's private key:\n");
    md.append("the module shows `tlsKeyPath`, the file's path, and no message quotes the file's contents.\n\n");
    md.append("Durations are in milliseconds, in keys ending in `Ms`.\n\n");

    md.append("## Keys\n\n");
    md.append("| key | env var | system property | type | default | unit / meaning |\n");
    md.append("|---|---|---|---|---|---|\n");
    for (ConfigKey key : RedisKitOptions.KEYS) {
      md.append("| `").append(key.name()).append("` | ")
        .append(envCell(key)).append(" | `")
        .append(key.systemProperty()).append("` | ")
        .append(typeCell(key)).append(" | ")
        .append(defaultCell(key)).append(" | ")
        .append(key.unit().isEmpty() ? "" : "**" + cell(key.unit()) + "**: ")
        .append(cell(key.description())).append(" |\n");
    }
    md.append("\n## Every default, as a JSON file\n\n");
    md.append("```json\n").append(new RedisKitOptions().toJson().encodePrettily()).append("\n```\n");
    return md.toString();
  }

  private static String envCell(ConfigKey key) {
    StringBuilder cell = new StringBuilder("`" + key.envVar() + "`");
    RedisKitConfig.CONVENTIONAL_ENV_VARS.forEach((name, target) -> {
      if (target.equals(key.name())) {
        cell.append(" (or `").append(name).append("`)");
      }
    });
    return cell.toString();
  }

  private static String typeCell(ConfigKey key) {
    if (key.type() == ConfigKey.Type.ENUM) {
      return key.type().label() + " " + key.allowedValues().stream().map(v -> "`" + v + "`").collect(Collectors.joining(", "));
    }
    return key.type().label();
  }

  private static String defaultCell(ConfigKey key) {
    Object value = key.defaultValue();
    if (value == null || key.secret()) {
      return "(not set)";
    }
    if (value instanceof List<?> list) {
      return list.stream().map(v -> "`" + v + "`").collect(Collectors.joining(", "));
    }
    if (value instanceof String s && s.isEmpty()) {
      return "`\"\"` (empty)";
    }
    return "`" + value + "`";
  }

  /** Escapes what Markdown would otherwise read as emphasis, links or HTML in plain-text descriptions. */
  private static String cell(String text) {
    StringBuilder sb = new StringBuilder();
    for (char c : text.toCharArray()) {
      switch (c) {
        case '\\', '*', '[', ']', '|', '_' -> sb.append('\\').append(c);
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '\n' -> sb.append(' ');
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }
}
