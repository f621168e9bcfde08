package dev.rediskit;

import dev.rediskit.cache.CacheOptions;
import dev.rediskit.client.GatewayOptions;
import dev.rediskit.config.ConfigKey;
import dev.rediskit.config.ConfigurationException;
import dev.rediskit.health.HealthOptions;
import dev.rediskit.config.JsonOptionsReader;
import dev.rediskit.config.OptionChecks;
import dev.rediskit.config.Redaction;
import dev.rediskit.config.Setting;
import dev.rediskit.eventbus.Addresses;
import dev.rediskit.config.SettingTable;
import dev.rediskit.metrics.MetricsOptions;
import dev.rediskit.ratelimit.RateLimitOptions;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Every setting of the module, as one Vert.x data object. Built from JSON configuration, system
 * properties and environment variables by {@link RedisKitConfig}, validated once with
 * {@link #validate()}, then handed down to the gateway, the cache and the limiter.
 *
 * <p>JSON keys are the property names ({@link #KEYS} lists them all, with types, defaults and
 * units); durations are milliseconds, in keys ending in {@code Ms}. Fluent setters reject at once a
 * value that no configuration could make valid (a negative timeout, say), with an
 * {@link IllegalArgumentException} naming the key and the value. The JSON constructor never throws:
 * it keeps wrong types and unknown keys as problems, so that {@link #validate()} reports them
 * together with every rule violation.
 *
 * <p>{@link #toJson()} holds the password (it is the form read back by the JSON constructor);
 * print {@link #toDisplayJson()} or {@link #toString()} instead, which hide it, also inside endpoint
 * URLs.
 */
public class RedisKitOptions extends GatewayOptions<RedisKitOptions> {

  /** Default prefix of the event-bus addresses (empty: addresses are {@code cache.get} etc.). */
  public static final String DEFAULT_ADDRESS_PREFIX = "";

  private static final Setting<String> ADDRESS_PREFIX = Setting.ofString("addressPrefix", DEFAULT_ADDRESS_PREFIX,
      "Prefix of the event-bus addresses (cache.get becomes <prefix>cache.get); no whitespace.")
    .check(RedisKitOptions::addressPrefixProblem);
  private static final SettingTable TABLE = SETTINGS.with(ADDRESS_PREFIX);

  /**
   * Every configuration key: the gateway's ({@link GatewayOptions#KEYS}) and {@code addressPrefix}, then
   * {@link CacheOptions#KEYS}, {@link RateLimitOptions#KEYS}, {@link HealthOptions#KEYS} and
   * {@link MetricsOptions#KEYS}: the single table from which {@link RedisKitConfig} maps environment
   * variables and system properties, and from which {@code docs/CONFIGURATION.md} is generated.
   */
  public static final List<ConfigKey> KEYS = Stream.of(TABLE.keys(),
      CacheOptions.KEYS, RateLimitOptions.KEYS, HealthOptions.KEYS, MetricsOptions.KEYS)
    .flatMap(List::stream)
    .toList();

  private CacheOptions cache = new CacheOptions();
  private RateLimitOptions rateLimit = new RateLimitOptions();
  private HealthOptions health = new HealthOptions();
  private MetricsOptions metrics = new MetricsOptions();

  // Where RedisKitConfig read each key from, so that a problem can say which variable to fix.
  private final Map<String, Origin> origins = new HashMap<>();

  /** The source of a key's value, and the value it produced (the label is dropped once the value is changed). */
  private record Origin(String source, Object value) {
  }

  /** Options with every default. */
  public RedisKitOptions() {
    super(TABLE);
  }

  /**
   * Copy constructor: the copy shares nothing mutable with the original, and keeps its pending
   * input problems.
   *
   * @param other the options to copy
   */
  public RedisKitOptions(RedisKitOptions other) {
    super(other);
    this.cache = new CacheOptions(other.cache);
    this.rateLimit = new RateLimitOptions(other.rateLimit);
    this.health = new HealthOptions(other.health);
    this.metrics = new MetricsOptions(other.metrics);
    this.origins.putAll(other.origins);
  }

  /**
   * Reads the options from JSON, keys as in {@link #toJson()}. Missing keys and JSON {@code null}
   * keep their defaults. Numbers and booleans may also be given as strings, enum names in any
   * case, {@code endpoints} as one string with comma-separated URIs; an empty string for
   * {@code user}, {@code password}, {@code database}, {@code tlsCaPath}, {@code tlsCertPath} or {@code tlsKeyPath} means "not set".
   *
   * <p>Never throws: a value of the wrong type and an unknown key are kept as problems that
   * {@link #validate()} reports (the option concerned keeps its default), so that a
   * configuration file with several mistakes is reported in one go.
   *
   * @param json the configuration
   */
  public RedisKitOptions(JsonObject json) {
    this(json, Map.of(), List.of());
  }

  /**
   * Reads JSON assembled by {@link RedisKitConfig} from several sources.
   *
   * @param json the merged configuration
   * @param sources for keys read from the environment or system properties, a description of
   * where (e.g. {@code env REDISKIT_POOL_SIZE}), used to label problems
   * @param sourceProblems problems found while assembling (unknown variables), reported by validate()
   */
  RedisKitOptions(JsonObject json, Map<String, String> sources, List<String> sourceProblems) {
    super(TABLE);
    JsonOptionsReader in = read(json, sources);
    JsonObject section = in.readObject("cache");
    if (section != null) {
      cache = new CacheOptions(section);
    }
    section = in.readObject("rateLimit");
    if (section != null) {
      rateLimit = new RateLimitOptions(section);
    }
    section = in.readObject("health");
    if (section != null) {
      health = new HealthOptions(section);
    }
    section = in.readObject("metrics");
    if (section != null) {
      metrics = new MetricsOptions(section);
    }
    // Nested keys written at the top level ("ttlMs", "cache.ttlMs") get a suggestion too.
    in.reportUnknownKeys(KEYS.stream().map(ConfigKey::name).filter(n -> n.contains(".")).toList());
    for (String p : sourceProblems) {
      values.inputProblems().put(p, p);
    }
    if (!sources.isEmpty()) {
      JsonObject loaded = toJson();
      sources.forEach((key, source) -> origins.put(key, new Origin(source, valueAt(loaded, key))));
    }
  }

  @Override
  protected RedisKitOptions self() {
    return this;
  }

  /** Names the source of endpoints read from JSON that {@link RedisKitConfig} got from a file or an entry point. */
  @Override
  protected void endpointsSource(String label) {
    super.endpointsSource(label);
  }

  /**
   * The round-trippable form, read back by {@link #RedisKitOptions(JsonObject)}. It holds the
   * password: never log it, use {@link #toDisplayJson()}. Unset optional values are left out.
   *
   * @return the options as JSON
   */
  @Override
  public JsonObject toJson() {
    return super.toJson()
      .put("cache", cache.toJson())
      .put("rateLimit", rateLimit.toJson())
      .put("health", health.toJson())
      .put("metrics", metrics.toJson());
  }

  /**
   * What the code gave (see {@link GatewayOptions#toGivenJson()}), the sections' included: each
   * section's own {@code toGivenJson()}, left out when it gave nothing. A section handed over by a
   * setter such as {@link #setRateLimit} counts by what was given in it, so a fresh section object
   * hides nothing of the file's. Read back by {@link #RedisKitOptions(JsonObject)}, it gives an
   * entry point the same settings as these options, and the same ones as given.
   *
   * @return the given settings as JSON
   */
  @Override
  public JsonObject toGivenJson() {
    JsonObject json = super.toGivenJson();
    putUnlessEmpty(json, "cache", cache.toGivenJson());
    putUnlessEmpty(json, "rateLimit", rateLimit.toGivenJson());
    putUnlessEmpty(json, "health", health.toGivenJson());
    putUnlessEmpty(json, "metrics", metrics.toGivenJson());
    return json;
  }

  private static void putUnlessEmpty(JsonObject json, String key, JsonObject section) {
    if (!section.isEmpty()) {
      json.put(key, section);
    }
  }

  /** @return {@link #toDisplayJson()} as a string: safe to log */
  @Override
  public String toString() {
    return "RedisKitOptions" + toDisplayJson().encode();
  }

  /**
   * Hides the password in a connection URL, or in several joined with commas, for printing:
   * {@link Redaction#redact(String)}.
   *
   * @param url a connection URL
   * @return the URL with the password replaced by {@value #REDACTED}; {@code null} for {@code null}
   */
  public static String redact(String url) {
    return Redaction.redact(url);
  }

  /** @return the event-bus address prefix */
  public String getAddressPrefix() {
    return values.get(ADDRESS_PREFIX);
  }

  /**
   * @param addressPrefix prepended to every event-bus address; may be empty, must not hold whitespace
   * @return this
   * @throws IllegalArgumentException when null or holding whitespace
   */
  public RedisKitOptions setAddressPrefix(String addressPrefix) {
    values.set(ADDRESS_PREFIX, addressPrefix);
    return this;
  }

  /** @return the cache settings (the object itself, not a copy) */
  public CacheOptions getCache() {
    return cache;
  }

  /**
   * @param cache the cache settings (kept, not copied)
   * @return this
   * @throws IllegalArgumentException when {@code null}
   */
  public RedisKitOptions setCache(CacheOptions cache) {
    OptionChecks.require(cache == null ? "cache: must not be null" : null);
    this.cache = cache;
    values.accepted("cache");
    return this;
  }

  /** @return the rate-limit settings (the object itself, not a copy) */
  public RateLimitOptions getRateLimit() {
    return rateLimit;
  }

  /**
   * @param rateLimit the rate-limit settings (kept, not copied)
   * @return this
   * @throws IllegalArgumentException when {@code null}
   */
  public RedisKitOptions setRateLimit(RateLimitOptions rateLimit) {
    OptionChecks.require(rateLimit == null ? "rateLimit: must not be null" : null);
    this.rateLimit = rateLimit;
    values.accepted("rateLimit");
    return this;
  }

  /** @return the health check settings (the object itself, not a copy) */
  public HealthOptions getHealth() {
    return health;
  }

  /**
   * @param health the health check settings (kept, not copied)
   * @return this
   * @throws IllegalArgumentException when {@code null}
   */
  public RedisKitOptions setHealth(HealthOptions health) {
    OptionChecks.require(health == null ? "health: must not be null" : null);
    this.health = health;
    values.accepted("health");
    return this;
  }

  /** @return the metrics settings (the object itself, not a copy) */
  public MetricsOptions getMetrics() {
    return metrics;
  }

  /**
   * @param metrics the metrics settings (kept, not copied)
   * @return this
   * @throws IllegalArgumentException when {@code null}
   */
  public RedisKitOptions setMetrics(MetricsOptions metrics) {
    OptionChecks.require(metrics == null ? "metrics: must not be null" : null);
    this.metrics = metrics;
    values.accepted("metrics");
    return this;
  }

  /**
   * Lists every problem at once: values of the wrong type and unknown keys met while reading
   * JSON, environment variables or system properties, then every rule that the values break, the
   * cross-field ones included (masterName for SENTINEL, no database with CLUSTER, cache.ttlMs at
   * most cache.maxTtlMs, tlsCaPath readable, tlsCertPath and tlsKeyPath a matching PEM pair). Each line names the key (dotted for nested ones, with
   * the variable or property it came from when {@link RedisKitConfig} read it), the value (never a
   * secret) and what is allowed.
   *
   * @return the problems; empty when the options are valid
   */
  @Override
  public List<String> problems() {
    List<String> problems = super.problems();
    problems.addAll(cache.problems());
    problems.addAll(rateLimit.problems());
    problems.addAll(health.problems());
    problems.addAll(metrics.problems());
    String metricsPath = metrics.getPath();
    if (metricsPath != null && (metricsPath.equals(health.getPath()) || metricsPath.equals(health.getRedisPath()))) {
      // One route would shadow the other: whichever is mounted first answers both.
      problems.add(OptionChecks.violation("metrics.path", "must differ from health.path and health.redisPath", metricsPath));
    }
    OptionChecks.collect(problems, planAddressProblem());
    if (origins.isEmpty()) {
      return problems;
    }
    JsonObject current = toJson();
    return problems.stream().map(p -> labelled(p, current)).toList();
  }

  /**
   * @param type {@link CacheOptions}, {@link RateLimitOptions}, {@link HealthOptions} or {@link MetricsOptions}
   * @param <T> the section's type
   * @return that section of these options (the object itself, not a copy), {@code null} for another type
   */
  @Override
  public <T> T section(Class<T> type) {
    Object s = type == CacheOptions.class ? cache : type == RateLimitOptions.class ? rateLimit
      : type == HealthOptions.class ? health : type == MetricsOptions.class ? metrics : null;
    return s == null ? null : type.cast(s);
  }

  /** @return a validated copy, see {@link GatewayOptions#validatedCopy()} */
  @Override
  public RedisKitOptions validatedCopy() {
    return new RedisKitOptions(this).validate();
  }

  /**
   * Checks every setting and reports all problems at once (see {@link #problems()}). Call it once,
   * at start-up; {@link RedisKitConfig#load} does.
   *
   * @return this
   * @throws ConfigurationException naming each invalid key, its value and what is allowed
   */
  public RedisKitOptions validate() {
    OptionChecks.requireNone(problems());
    return this;
  }

  private String labelled(String problem, JsonObject current) {
    int colon = problem.indexOf(": ");
    if (colon < 0) {
      return problem;
    }
    String head = problem.substring(0, colon);
    String key = head.replaceFirst("\\[\\d+]$", "");
    Origin origin = origins.get(key);
    // A value set in code after loading no longer comes from that variable: no label then.
    if (origin == null || !Objects.equals(origin.value(), valueAt(current, key))) {
      return problem;
    }
    return head + " (from " + origin.source() + ")" + problem.substring(colon);
  }

  private static Object valueAt(JsonObject json, String dottedKey) {
    Object value = json;
    for (String part : dottedKey.split("\\.")) {
      if (!(value instanceof JsonObject o)) {
        return null;
      }
      value = o.getValue(part);
    }
    return value;
  }

  // The rules of the settings this class adds.

  /** {@code {token}} sent to one of the module's own addresses would be a request to it, never a plan lookup. */
  private String planAddressProblem() {
    String plan = rateLimit.getPlanAddress();
    if (plan == null || plan.isEmpty() || getAddressPrefix() == null) {
      return null;
    }
    String full = Addresses.of(getAddressPrefix(), plan);
    for (String own : Addresses.REQUEST_FIELDS.keySet()) {
      if (full.equals(Addresses.of(getAddressPrefix(), own))) {
        return OptionChecks.violation("rateLimit.planAddress", "must not be one of the module's own addresses (with addressPrefix "
          + OptionChecks.describe(getAddressPrefix()) + " it is " + full + ")", plan);
      }
    }
    return null;
  }

  private static String addressPrefixProblem(String key, String prefix) {
    if (prefix == null) {
      return OptionChecks.violation(key, "must not be null (\"\" means no prefix)", null);
    }
    if (prefix.chars().anyMatch(Character::isWhitespace)) {
      return OptionChecks.violation(key, "must not contain whitespace", prefix);
    }
    return null;
  }
}
