package dev.rediskit;

import dev.rediskit.config.ConfigKey;
import dev.rediskit.config.ConfigurationException;
import dev.rediskit.config.OptionChecks;
import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads {@link RedisKitOptions} from a JSON file, environment variables and system properties,
 * through vertx-config. The only class of the module that reads the environment or system
 * properties, and the one place every entry point takes its configuration from:
 * {@link RedisKitVerticle} (through {@link #resolve}, on top of its deployment config),
 * {@link RedisKit#create} (on top of the options it is given) and {@link #load} (on nothing but the
 * sources). Only {@link dev.rediskit.client.RedisGateway#create} and the components' own
 * {@code create} methods take options exactly as given.
 *
 * <p>Precedence, later wins, the same for every entry point:
 * <ol>
 *   <li>the defaults ({@code DEFAULT_*} constants);</li>
 *   <li>the JSON file: the path passed to {@link #load(Vertx, String)}, else the system property
 *   {@value #CONFIG_FILE_PROPERTY}, else the environment variable {@value #CONFIG_FILE_ENV}, else
 *   {@value #DEFAULT_CONFIG_FILE} when it exists (a file named in one of the first three ways must exist);</li>
 *   <li>the verticle's deployment config, or the options given to {@link RedisKit#create};</li>
 *   <li>environment variables: {@code REDIS_URL} and {@code REDIS_PASSWORD} (the conventional
 *   names), then {@code REDISKIT_*}, e.g. {@code REDISKIT_COMMAND_TIMEOUT_MS} or
 *   {@code REDISKIT_CACHE_TTL_MS}, which win over the conventional ones;</li>
 *   <li>system properties {@code rediskit.*}, e.g. {@code rediskit.commandTimeoutMs} or
 *   {@code rediskit.cache.ttlMs}.</li>
 * </ol>
 * So the environment and system properties override what the deployment config or the code set:
 * they are the word of whoever runs the process (as with vertx-config's default retriever, which
 * also puts the environment above the deployment config), and a container that sets
 * {@code REDIS_URL} gets that server whatever was compiled in.
 * Names come from {@link RedisKitOptions#KEYS}. Variables and properties carry strings; they are
 * converted to each key's type, and a value that does not convert, or an unknown
 * {@code REDISKIT_*} variable or {@code rediskit.*} property, is reported by validation like any
 * other problem, naming where it came from.
 */
public final class RedisKitConfig {

  /** System property naming the JSON configuration file. */
  public static final String CONFIG_FILE_PROPERTY = "rediskit.config";
  /** Environment variable naming the JSON configuration file. */
  public static final String CONFIG_FILE_ENV = "REDISKIT_CONFIG";

  /**
   * Names under the configuration's prefixes that are not settings and are never reported as
   * unknown: those of the test support ({@code dev.rediskit.test.RedisBinary}: which
   * {@code redis-server} the tests start), so that a test run choosing its Redis that way can still
   * read an application's configuration.
   */
  static final Set<String> NOT_SETTINGS = Set.of("rediskit.redis-server", "REDISKIT_REDIS_SERVER");
  /** The file read when no other is named, relative to the working directory; its absence is not an error. */
  public static final String DEFAULT_CONFIG_FILE = "conf/rediskit.json";
  /** The conventional environment variable holding the Redis URL (or several, comma-separated). */
  public static final String REDIS_URL_ENV = "REDIS_URL";
  /** The conventional environment variable holding the Redis password. */
  public static final String REDIS_PASSWORD_ENV = "REDIS_PASSWORD";
  /**
   * The conventional environment variables read besides the {@code REDISKIT_*} ones, and the key
   * each sets; the key's own variable ({@code REDISKIT_ENDPOINTS}, {@code REDISKIT_PASSWORD}) wins
   * over them.
   */
  public static final Map<String, String> CONVENTIONAL_ENV_VARS;

  private static final Map<String, ConfigKey> BY_ENV = new LinkedHashMap<>();
  private static final Map<String, ConfigKey> BY_PROPERTY = new LinkedHashMap<>();

  static {
    Map<String, String> conventional = new LinkedHashMap<>();
    conventional.put(REDIS_URL_ENV, "endpoints");
    conventional.put(REDIS_PASSWORD_ENV, "password");
    CONVENTIONAL_ENV_VARS = java.util.Collections.unmodifiableMap(conventional);
    for (ConfigKey key : RedisKitOptions.KEYS) {
      BY_ENV.put(key.envVar(), key);
      BY_PROPERTY.put(key.systemProperty(), key);
    }
  }

  private static final Pattern JSON_LOCATION = Pattern.compile("line: (\\d+), column: (\\d+)");

  private RedisKitConfig() {
  }

  /**
   * Loads and validates the options: {@link #load(Vertx, String)} with no explicit file.
   *
   * @param vertx the Vert.x instance whose file system and config stores are used
   * @return the validated options, or a failure with a {@link ConfigurationException} listing every problem
   */
  public static Future<RedisKitOptions> load(Vertx vertx) {
    return load(vertx, null);
  }

  /**
   * Loads the options from every source in precedence order (see the class description) and
   * validates them.
   *
   * @param vertx the Vert.x instance whose file system and config stores are used
   * @param path the JSON file to read, which must exist; {@code null} to take it from
   * {@value #CONFIG_FILE_PROPERTY}, {@value #CONFIG_FILE_ENV} or {@value #DEFAULT_CONFIG_FILE}
   * @return the validated options, or a failure with a {@link ConfigurationException} listing
   * every problem (a named file that is missing or not a JSON object is one)
   */
  public static Future<RedisKitOptions> load(Vertx vertx, String path) {
    return read(vertx, path, null, null);
  }

  /**
   * Applies every source to a configuration an entry point was given, in the precedence of the
   * class description (the given JSON above the file, below the environment and system properties),
   * and validates the result.
   *
   * @param vertx the Vert.x instance whose file system and config stores are used
   * @param given the deployment config, or the JSON form of options set in code; {@code null} for none
   * @param label how problems and the start-up log name this source, e.g. {@code deployment config}
   * @return the validated options, or a failure with a {@link ConfigurationException} listing every problem
   */
  public static Future<RedisKitOptions> resolve(Vertx vertx, JsonObject given, String label) {
    return read(vertx, null, given == null ? new JsonObject() : given, label);
  }

  /**
   * {@link #resolve(Vertx, JsonObject, String)} for options built in code. What the code gave
   * ({@link RedisKitOptions#toGivenJson()}: a key of the JSON the options were built from, a
   * setter's value, either copied along) counts as given whatever its value, a default included,
   * exactly as the same key in a verticle's deployment config; what the code never touched does not
   * hide the config file's value.
   *
   * @param vertx the Vert.x instance
   * @param options the options given to an entry point
   * @return the validated options, or a failure with a {@link ConfigurationException}
   */
  public static Future<RedisKitOptions> resolve(Vertx vertx, RedisKitOptions options) {
    JsonObject json = options.toGivenJson();
    return resolve(vertx, json, options.isEndpointsConfigured() ? options.endpointsSource() : "options given in code");
  }

  private static Future<RedisKitOptions> read(Vertx vertx, String path, JsonObject given, String label) {
    // Each source is its own vertx-config store, read on its own rather than merged by one
    // retriever: a merged object would mix the whole environment into the configuration's keys,
    // and problems could no longer say which variable or property a bad value came from.
    Future<JsonObject> env = retrieve(vertx, new ConfigStoreOptions().setType("env")
      .setConfig(new JsonObject().put("raw-data", true)));
    Future<JsonObject> sys = retrieve(vertx, new ConfigStoreOptions().setType("sys")
      .setConfig(new JsonObject().put("raw-data", true).put("cache", false)));
    return Future.all(env, sys).compose(both -> {
      Map<String, String> envMap = new HashMap<>();
      env.result().forEach(e -> envMap.put(e.getKey(), String.valueOf(e.getValue())));
      Properties props = new Properties();
      sys.result().forEach(e -> props.setProperty(e.getKey(), String.valueOf(e.getValue())));
      ConfigFile configFile = configFile(path, envMap, props);
      return readFile(vertx, configFile)
        .map(file -> fromSources(file, "config file " + configFile.path(), given, label, envMap, props).validate());
    });
  }

  /**
   * Builds options from already-read sources, applying the precedence: defaults, then
   * {@code file}, then {@code env}, then {@code sys}. Pure: reads nothing itself. The result is
   * not validated; its {@link RedisKitOptions#validate()} reports wrong types (naming the source,
   * e.g. {@code commandTimeoutMs (from env REDISKIT_COMMAND_TIMEOUT_MS): expected a number, was "abc"}),
   * unknown keys, variables and properties, and broken rules.
   *
   * @param file the JSON configuration, or {@code null} for none
   * @param env environment variables (all of them may be passed: only {@code REDISKIT_*},
   * {@code REDIS_URL} and {@code REDIS_PASSWORD} are read)
   * @param sys system properties (only {@code rediskit.*} are read)
   * @return the options, not validated
   */
  public static RedisKitOptions fromSources(JsonObject file, Map<String, String> env, Properties sys) {
    return fromSources(file, "config file", null, null, env, sys);
  }

  /**
   * Like {@link #fromSources(JsonObject, Map, Properties)}, with the configuration an entry point was
   * given between the file and the environment.
   *
   * @param file the JSON configuration file's content, or {@code null} for none
   * @param fileLabel how to name the file's values, e.g. {@code config file conf/rediskit.json}
   * @param given the deployment config or the options from code, as JSON, or {@code null}
   * @param givenLabel how to name the given values, e.g. {@code deployment config}
   * @param env environment variables
   * @param sys system properties
   * @return the options, not validated
   */
  public static RedisKitOptions fromSources(JsonObject file, String fileLabel, JsonObject given, String givenLabel,
                                            Map<String, String> env, Properties sys) {
    JsonObject merged = file == null ? new JsonObject() : file.copy();
    Map<String, String> sources = new HashMap<>();
    String endpointsLabel = null;
    if (given != null) {
      merged.mergeIn(given, true);
      endpointsLabel = given.containsKey("endpoints") ? givenLabel : null;
    }
    if (endpointsLabel == null && file != null && file.containsKey("endpoints")) {
      endpointsLabel = fileLabel;
    }
    List<String> problems = new ArrayList<>();
    Map<String, String> environment = env == null ? Map.of() : env;
    Properties properties = sys == null ? new Properties() : sys;

    // The conventional names first, so that REDISKIT_ENDPOINTS / REDISKIT_PASSWORD override them.
    CONVENTIONAL_ENV_VARS.forEach((name, key) ->
      overlay(merged, key, environment.get(name), "env " + name, sources, problems));
    for (ConfigKey key : RedisKitOptions.KEYS) {
      overlay(merged, key.name(), environment.get(key.envVar()), "env " + key.envVar(), sources, problems);
    }
    for (ConfigKey key : RedisKitOptions.KEYS) {
      overlay(merged, key.name(), properties.getProperty(key.systemProperty()),
        "system property " + key.systemProperty(), sources, problems);
    }

    // A mistyped variable would otherwise be silently ignored and the default used instead.
    for (String name : new TreeSet<>(environment.keySet())) {
      if (name.startsWith(ConfigKey.ENV_PREFIX) && !BY_ENV.containsKey(name) && !name.equals(CONFIG_FILE_ENV)
        && !NOT_SETTINGS.contains(name)) {
        problems.add(unknown("env " + name, name, BY_ENV.keySet()));
      }
    }
    for (String name : new TreeSet<>(properties.stringPropertyNames())) {
      if (name.startsWith(ConfigKey.PROPERTY_PREFIX) && !BY_PROPERTY.containsKey(name) && !name.equals(CONFIG_FILE_PROPERTY)
        && !NOT_SETTINGS.contains(name)) {
        problems.add(unknown("system property " + name, name, BY_PROPERTY.keySet()));
      }
    }
    RedisKitOptions options = new RedisKitOptions(merged, sources, problems);
    if (endpointsLabel != null && !sources.containsKey("endpoints")) {
      options.endpointsSource(endpointsLabel);
    }
    return options;
  }

  private static String unknown(String label, String name, Set<String> known) {
    String suggestion = OptionChecks.suggest(name, known);
    return label + ": unknown setting" + (suggestion != null
      ? ", did you mean " + suggestion + "?"
      : " (the names are listed in docs/CONFIGURATION.md)");
  }

  /** Puts a raw string at a dotted key; the options' JSON constructor converts it and reports what does not convert. */
  private static void overlay(JsonObject json, String key, String value, String source, Map<String, String> sources,
                              List<String> problems) {
    if (value == null) {
      return;
    }
    String[] path = key.split("\\.");
    JsonObject target = json;
    for (int i = 0; i < path.length - 1; i++) {
      Object section = target.getValue(path[i]);
      if (!(section instanceof JsonObject)) {
        if (section != null) {
          // The file's value cannot hold the nested key; say so rather than drop either silently.
          problems.add(OptionChecks.violation(path[i], "expected an object", section));
        }
        section = new JsonObject();
        target.put(path[i], section);
      }
      target = (JsonObject) section;
    }
    target.put(path[path.length - 1], value);
    sources.put(key, source);
  }

  /** The configuration file to read, and whether it was named (then it must exist). */
  private record ConfigFile(String path, String source, boolean required) {
  }

  private static ConfigFile configFile(String path, Map<String, String> env, Properties sys) {
    if (path != null) {
      return new ConfigFile(path, "given to RedisKitConfig.load", true);
    }
    String p = sys.getProperty(CONFIG_FILE_PROPERTY);
    if (p != null && !p.isBlank()) {
      return new ConfigFile(p, "from system property " + CONFIG_FILE_PROPERTY, true);
    }
    p = env.get(CONFIG_FILE_ENV);
    if (p != null && !p.isBlank()) {
      return new ConfigFile(p, "from env " + CONFIG_FILE_ENV, true);
    }
    return new ConfigFile(DEFAULT_CONFIG_FILE, "default", false);
  }

  private static Future<JsonObject> readFile(Vertx vertx, ConfigFile file) {
    return vertx.fileSystem().exists(file.path()).compose(exists -> {
      if (!exists) {
        return file.required()
          ? Future.failedFuture(new ConfigurationException(List.of(
              "config file " + file.path() + " (" + file.source() + "): no such file")))
          : Future.succeededFuture(new JsonObject());
      }
      // Not an optional store even for the default file: vertx-config turns any failure of an
      // optional store into an empty configuration, which would hide a broken file.
      return retrieve(vertx, new ConfigStoreOptions().setType("file").setFormat("json")
        .setConfig(new JsonObject().put("path", file.path())))
        .recover(e -> Future.failedFuture(new ConfigurationException(List.of(
          "config file " + file.path() + " (" + file.source() + "): " + describeReadFailure(e)))));
    });
  }

  /**
   * Says why a file could not be read without quoting it: a JSON parser's message may repeat the
   * offending token, which can be the password.
   */
  private static String describeReadFailure(Throwable e) {
    String message = String.valueOf(e.getMessage());
    if (e instanceof io.vertx.core.json.DecodeException || e instanceof ClassCastException) {
      Matcher m = JSON_LOCATION.matcher(message);
      return "not a valid JSON object" + (m.find() ? " (line " + m.group(1) + ", column " + m.group(2) + ")" : "");
    }
    return "cannot be read (" + e.getClass().getSimpleName() + ")";
  }

  private static Future<JsonObject> retrieve(Vertx vertx, ConfigStoreOptions store) {
    // Read once: no periodic scan, so no timer is left behind.
    ConfigRetriever retriever = ConfigRetriever.create(vertx, new ConfigRetrieverOptions()
      .setScanPeriod(0)
      .addStore(store));
    return retriever.getConfig().andThen(ar -> retriever.close());
  }
}
