package dev.rediskit;

import dev.rediskit.config.ConfigKey;
import dev.rediskit.test.TlsCertificates;
import dev.rediskit.config.ConfigurationException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.rediskit.test.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class RedisKitConfigTest {

  @TempDir
  static Path tmp;

  static Vertx vertx;
  static Path caFile;
  static TlsCertificates certificates;

  private final List<String> propertiesSet = new ArrayList<>();

  @BeforeAll
  static void start() throws IOException {
    vertx = Vertx.vertx();
    caFile = Files.writeString(tmp.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
    // Real files: tlsCertPath and tlsKeyPath are parsed at validation.
    certificates = TlsCertificates.generate(Files.createDirectories(tmp.resolve("tls")));
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void clearProperties() {
    propertiesSet.forEach(System::clearProperty);
  }

  private void setProperty(String name, String value) {
    propertiesSet.add(name);
    System.setProperty(name, value);
  }

  /** A valid value other than the default for every key: as a string (env, sysprop) and as it appears in toJson(). */
  static Map<String, Object[]> samples() {
    Map<String, Object[]> s = new LinkedHashMap<>();
    s.put("endpoints", new Object[] {"redis://a.example:7000,redis://b.example:7001",
      new JsonArray().add("redis://a.example:7000").add("redis://b.example:7001")});
    s.put("type", new Object[] {"replication", "REPLICATION"});
    s.put("masterName", new Object[] {"primary", "primary"});
    s.put("role", new Object[] {"REPLICA", "REPLICA"});
    s.put("user", new Object[] {"alice", "alice"});
    s.put("password", new Object[] {"s3cret", "s3cret"});
    s.put("database", new Object[] {"3", 3});
    s.put("poolSize", new Object[] {"9", 9});
    s.put("maxPoolWaiting", new Object[] {"7", 7});
    s.put("connectTimeoutMs", new Object[] {"1500", 1500L});
    s.put("commandTimeoutMs", new Object[] {"750", 750L});
    s.put("maxPendingCommands", new Object[] {"100", 100});
    s.put("reconnectMaxDelayMs", new Object[] {"4000", 4000L});
    s.put("breakerMaxFailures", new Object[] {"3", 3});
    s.put("breakerResetTimeoutMs", new Object[] {"9000", 9000L});
    s.put("tlsCaPath", new Object[] {caFile.toString(), caFile.toString()});
    s.put("tlsCertPath", new Object[] {certificates.clientCert().toString(), certificates.clientCert().toString()});
    s.put("tlsKeyPath", new Object[] {certificates.clientKey().toString(), certificates.clientKey().toString()});
    s.put("tlsHostnameVerification", new Object[] {"false", false});
    s.put("keyPrefix", new Object[] {"app", "app"});
    s.put("addressPrefix", new Object[] {"app.", "app."});
    s.put("cache.ttlMs", new Object[] {"1000", 1000L});
    s.put("cache.staleTtlMs", new Object[] {"500", 500L});
    s.put("cache.maxTtlMs", new Object[] {"86400000", 86_400_000L});
    s.put("cache.maxValueBytes", new Object[] {"2048", 2048});
    s.put("cache.ttlJitterPercent", new Object[] {"10", 10});
    s.put("cache.nullTtlMs", new Object[] {"30000", 30_000L});
    s.put("cache.leaseTtlMs", new Object[] {"2500", 2500L});
    s.put("cache.loadTimeoutMs", new Object[] {"3000", 3000L});
    s.put("cache.warmBatchSize", new Object[] {"250", 250});
    s.put("cache.warmConcurrency", new Object[] {"8", 8});
    s.put("cache.maxNamespaces", new Object[] {"50", 50});
    s.put("cache.loaderPrefix", new Object[] {"memo.", "memo."});
    s.put("cache.versionRefreshMs", new Object[] {"250", 250L});
    s.put("cache.namespaces", new Object[] {"{\"users\": {\"loader\": \"db.users.load\", \"ttlMs\": 60000}}",
      new JsonObject().put("users", new JsonObject().put("loader", "db.users.load").put("ttlMs", 60_000L))});
    s.put("cache.compression.codec", new Object[] {"zstd", "ZSTD"});
    s.put("cache.compression.thresholdBytes", new Object[] {"4096", 4096});
    s.put("rateLimit.timeoutMs", new Object[] {"100", 100L});
    s.put("rateLimit.failurePolicy", new Object[] {"local", "LOCAL"});
    s.put("rateLimit.maxInFlight", new Object[] {"64", 64});
    s.put("rateLimit.maxQueued", new Object[] {"500", 500});
    s.put("rateLimit.localSharePercent", new Object[] {"25", 25});
    s.put("rateLimit.denyCacheSize", new Object[] {"0", 0});
    s.put("rateLimit.algorithm", new Object[] {"sliding-window", "SLIDING_WINDOW"});
    s.put("rateLimit.shadowMode", new Object[] {"true", true});
    s.put("rateLimit.defaultTokenLimit", new Object[] {"100/1m", "100/1m"});
    s.put("rateLimit.defaultIpLimit", new Object[] {"10/1s;burst=20", "10/1s;burst=20"});
    s.put("rateLimit.defaultEndpointLimit", new Object[] {"1000/1h", "1000/1h"});
    s.put("rateLimit.ipv6PrefixLength", new Object[] {"56", 56});
    s.put("rateLimit.runtimeLimits", new Object[] {"true", true});
    s.put("rateLimit.limitsRefreshMs", new Object[] {"250", 250L});
    s.put("rateLimit.adminAddresses", new Object[] {"true", true});
    s.put("rateLimit.planAddress", new Object[] {"accounts.plan", "accounts.plan"});
    s.put("rateLimit.planCacheMs", new Object[] {"1000", 1000L});
    s.put("rateLimit.planCacheSize", new Object[] {"50", 50});
    s.put("rateLimit.endpointLimits", new Object[] {"{\"/login\": {\"ip\": \"5/1m\"}}",
      new JsonObject().put("/login", new JsonObject().put("ip", "5/1m"))});
    s.put("rateLimit.serviceLimits", new Object[] {"{\"mailer\": \"50/1s\"}", new JsonObject().put("mailer", "50/1s")});
    s.put("rateLimit.planLimits", new Object[] {"{\"pro\": \"5000/1m\"}", new JsonObject().put("pro", "5000/1m")});
    s.put("health.timeoutMs", new Object[] {"250", 250L});
    s.put("health.slowPingMs", new Object[] {"20", 20L});
    s.put("health.detail", new Object[] {"minimal", "MINIMAL"});
    s.put("health.path", new Object[] {"/ops/health", "/ops/health"});
    s.put("health.redisPath", new Object[] {"/ops/health/redis", "/ops/health/redis"});
    s.put("health.maxRequestsPerSecond", new Object[] {"7", 7L});
    s.put("metrics.path", new Object[] {"/ops/metrics", "/ops/metrics"});
    s.put("metrics.healthProbeIntervalMs", new Object[] {"0", 0L});
    return s;
  }

  @Test
  void samplesCoverEveryKey() {
    assertThat(samples().keySet()).containsExactlyElementsOf(RedisKitOptions.KEYS.stream().map(ConfigKey::name).toList());
  }

  static Stream<Arguments> everyKeyFromEverySource() {
    List<Arguments> args = new ArrayList<>();
    for (ConfigKey key : RedisKitOptions.KEYS) {
      for (String source : List.of("file", "env", "sys")) {
        args.add(arguments(key.name(), source));
      }
    }
    return args.stream();
  }

  @ParameterizedTest(name = "{0} from {1}")
  @MethodSource("everyKeyFromEverySource")
  void eachKeyFromEachSource(String name, String source) {
    ConfigKey key = RedisKitOptions.KEYS.stream().filter(k -> k.name().equals(name)).findFirst().orElseThrow();
    Object[] sample = samples().get(name);
    JsonObject file = new JsonObject();
    Map<String, String> env = new HashMap<>();
    Properties sys = new Properties();
    companions(name).forEach(file::put);
    switch (source) {
      case "file" -> putAt(file, name, sample[1]);
      case "env" -> env.put(key.envVar(), (String) sample[0]);
      default -> sys.setProperty(key.systemProperty(), (String) sample[0]);
    }
    RedisKitOptions o = RedisKitConfig.fromSources(file, env, sys);
    assertThat(o.problems()).isEmpty();
    assertThat(RedisKitOptionsTest.valueAt(o.toJson(), name)).isEqualTo(sample[1]);
  }

  /** What a key is only valid with: a client certificate needs its key, and the other way round, and a rediss:// endpoint. */
  private static Map<String, Object> companions(String name) {
    return switch (name) {
      case "tlsCertPath" -> Map.of("tlsKeyPath", certificates.clientKey().toString(), "endpoints", "rediss://a.example:7000");
      case "tlsKeyPath" -> Map.of("tlsCertPath", certificates.clientCert().toString(), "endpoints", "rediss://a.example:7000");
      default -> Map.of();
    };
  }

  private static void putAt(JsonObject json, String dotted, Object value) {
    String[] path = dotted.split("\\.");
    JsonObject target = json;
    for (int i = 0; i < path.length - 1; i++) {
      if (target.getJsonObject(path[i]) == null) {
        target.put(path[i], new JsonObject());
      }
      target = target.getJsonObject(path[i]);
    }
    target.put(path[path.length - 1], value);
  }

  @Test
  void namesFollowTheConvention() {
    ConfigKey command = key("commandTimeoutMs");
    assertThat(command.envVar()).isEqualTo("REDISKIT_COMMAND_TIMEOUT_MS");
    assertThat(command.systemProperty()).isEqualTo("rediskit.commandTimeoutMs");
    assertThat(key("cache.ttlMs").envVar()).isEqualTo("REDISKIT_CACHE_TTL_MS");
    assertThat(key("cache.ttlMs").systemProperty()).isEqualTo("rediskit.cache.ttlMs");
    assertThat(key("rateLimit.timeoutMs").envVar()).isEqualTo("REDISKIT_RATE_LIMIT_TIMEOUT_MS");
    assertThat(key("rateLimit.timeoutMs").systemProperty()).isEqualTo("rediskit.rateLimit.timeoutMs");
    assertThat(key("tlsCaPath").envVar()).isEqualTo("REDISKIT_TLS_CA_PATH");
    assertThat(key("tlsCertPath").envVar()).isEqualTo("REDISKIT_TLS_CERT_PATH");
    assertThat(key("tlsKeyPath").envVar()).isEqualTo("REDISKIT_TLS_KEY_PATH");
    assertThat(key("tlsKeyPath").systemProperty()).isEqualTo("rediskit.tlsKeyPath");
    assertThat(RedisKitOptions.KEYS.stream().map(ConfigKey::envVar).distinct().count()).isEqualTo(RedisKitOptions.KEYS.size());
  }

  private static ConfigKey key(String name) {
    return RedisKitOptions.KEYS.stream().filter(k -> k.name().equals(name)).findFirst().orElseThrow();
  }

  // ---- precedence ----

  @Test
  void systemPropertyBeatsEnvBeatsFileBeatsDefault() {
    JsonObject file = new JsonObject().put("commandTimeoutMs", 100);
    Map<String, String> env = Map.of("REDISKIT_COMMAND_TIMEOUT_MS", "200");
    Properties sys = new Properties();
    sys.setProperty("rediskit.commandTimeoutMs", "300");

    assertThat(RedisKitConfig.fromSources(file, env, sys).getCommandTimeoutMs()).isEqualTo(300);
    assertThat(RedisKitConfig.fromSources(file, env, new Properties()).getCommandTimeoutMs()).isEqualTo(200);
    assertThat(RedisKitConfig.fromSources(file, Map.of(), new Properties()).getCommandTimeoutMs()).isEqualTo(100);
    assertThat(RedisKitConfig.fromSources(null, Map.of(), new Properties()).getCommandTimeoutMs())
      .isEqualTo(RedisKitOptions.DEFAULT_COMMAND_TIMEOUT_MS);
  }

  @Test
  void precedenceAppliesToNestedKeysWithoutLosingSiblings() {
    JsonObject file = new JsonObject().put("cache", new JsonObject().put("ttlMs", 100).put("staleTtlMs", 1))
      .put("rateLimit", new JsonObject().put("timeoutMs", 10).put("denyCacheSize", 5));
    Map<String, String> env = Map.of("REDISKIT_CACHE_TTL_MS", "200", "REDISKIT_RATE_LIMIT_TIMEOUT_MS", "20");
    Properties sys = new Properties();
    sys.setProperty("rediskit.cache.ttlMs", "300");

    RedisKitOptions o = RedisKitConfig.fromSources(file, env, sys);
    assertThat(o.getCache().getTtlMs()).isEqualTo(300);
    assertThat(o.getCache().getStaleTtlMs()).isEqualTo(1);
    assertThat(o.getRateLimit().getTimeoutMs()).isEqualTo(20);
    assertThat(o.getRateLimit().getDenyCacheSize()).isEqualTo(5);
  }

  @Test
  void redisUrlIsReadAndLosesToRediskitEndpoints() {
    JsonObject file = new JsonObject().put("endpoints", new JsonArray().add("redis://file:1"));
    assertThat(RedisKitConfig.fromSources(file, Map.of("REDIS_URL", "redis://conventional:2"), new Properties())
      .getEndpoints()).containsExactly("redis://conventional:2");
    assertThat(RedisKitConfig.fromSources(file, Map.of("REDIS_URL", "redis://conventional:2",
      "REDISKIT_ENDPOINTS", "redis://specific:3"), new Properties()).getEndpoints()).containsExactly("redis://specific:3");
    Properties sys = new Properties();
    sys.setProperty("rediskit.endpoints", "redis://property:4");
    assertThat(RedisKitConfig.fromSources(file, Map.of("REDISKIT_ENDPOINTS", "redis://specific:3"), sys)
      .getEndpoints()).containsExactly("redis://property:4");
  }

  @Test
  void redisPasswordIsReadAndLosesToRediskitPassword() {
    JsonObject file = new JsonObject().put("password", "fromfile");
    assertThat(RedisKitConfig.fromSources(file, Map.of("REDIS_PASSWORD", "conventional"), new Properties())
      .getPassword()).isEqualTo("conventional");
    assertThat(RedisKitConfig.fromSources(file, Map.of("REDIS_PASSWORD", "conventional", "REDISKIT_PASSWORD", "specific"),
      new Properties()).getPassword()).isEqualTo("specific");
  }

  @Test
  void emptyVariableUnsetsAnOptionalValue() {
    JsonObject file = new JsonObject().put("password", "fromfile").put("database", 2);
    RedisKitOptions o = RedisKitConfig.fromSources(file, Map.of("REDISKIT_PASSWORD", "", "REDISKIT_DATABASE", ""), new Properties());
    assertThat(o.getPassword()).isNull();
    assertThat(o.getDatabase()).isNull();
    assertThat(o.problems()).isEmpty();
  }

  @Test
  void otherVariablesAndPropertiesAreIgnored() {
    Properties sys = new Properties();
    sys.setProperty("java.version", "17");
    sys.setProperty("rediskit.config", "x.json");
    RedisKitOptions o = RedisKitConfig.fromSources(null, Map.of("PATH", "/bin", "REDISKIT_CONFIG", "x.json"), sys);
    assertThat(o).usingRecursiveComparison().isEqualTo(new RedisKitOptions());
  }

  // ---- problems from variables and properties name their source ----

  @Test
  void badEnvValueNamesTheVariable() {
    RedisKitOptions o = RedisKitConfig.fromSources(null, Map.of("REDISKIT_COMMAND_TIMEOUT_MS", "abc"), new Properties());
    assertThat(o.problems()).containsExactly(
      "commandTimeoutMs (from env REDISKIT_COMMAND_TIMEOUT_MS): expected a number, was \"abc\"");
  }

  @Test
  void badSystemPropertyValueNamesTheProperty() {
    Properties sys = new Properties();
    sys.setProperty("rediskit.cache.ttlMs", "soon");
    sys.setProperty("rediskit.tlsHostnameVerification", "yes");
    assertThat(RedisKitConfig.fromSources(null, Map.of(), sys).problems()).containsExactlyInAnyOrder(
      "cache.ttlMs (from system property rediskit.cache.ttlMs): expected a number, was \"soon\"",
      "tlsHostnameVerification (from system property rediskit.tlsHostnameVerification): expected true or false, was \"yes\"");
  }

  @Test
  void ruleViolationFromEnvNamesTheVariable() {
    RedisKitOptions o = RedisKitConfig.fromSources(null,
      Map.of("REDISKIT_POOL_SIZE", "0", "REDIS_URL", "http://h:1", "REDISKIT_RATE_LIMIT_LOCAL_SHARE_PERCENT", "0"), new Properties());
    assertThat(o.problems()).containsExactlyInAnyOrder(
      "poolSize (from env REDISKIT_POOL_SIZE): must be >= 1 connections, was 0",
      "endpoints[0] (from env REDIS_URL): must start with redis://, rediss:// or unix://, was \"http://h:1\"",
      "rateLimit.localSharePercent (from env REDISKIT_RATE_LIMIT_LOCAL_SHARE_PERCENT): must be between 1 and 100 percent, was 0");
  }

  @Test
  void valueChangedInCodeAfterLoadingDropsTheSourceLabel() {
    RedisKitOptions o = RedisKitConfig.fromSources(null, Map.of("REDISKIT_COMMAND_TIMEOUT_MS", "abc"), new Properties());
    o.setCommandTimeoutMs(500);
    assertThat(o.problems()).isEmpty();

    RedisKitOptions cache = RedisKitConfig.fromSources(null, Map.of("REDISKIT_CACHE_TTL_MS", "5000"), new Properties());
    cache.getCache().setMaxTtlMs(4000);
    assertThat(cache.problems()).containsExactly("cache.ttlMs (from env REDISKIT_CACHE_TTL_MS): must be <= cache.maxTtlMs (4000 ms), was 5000");
    cache.getCache().setTtlMs(4500);
    assertThat(cache.problems()).containsExactly("cache.ttlMs: must be <= cache.maxTtlMs (4000 ms), was 4500");
  }

  @Test
  void unknownVariablesAndPropertiesAreReportedWithSuggestion() {
    Properties sys = new Properties();
    sys.setProperty("rediskit.commandTimeoutMS", "5");
    sys.setProperty("rediskit.zzz", "5");
    RedisKitOptions o = RedisKitConfig.fromSources(null, Map.of("REDISKIT_COMAND_TIMEOUT_MS", "5", "REDISKIT_CACHE_TTL", "5"), sys);
    assertThat(o.problems()).containsExactly(
      "env REDISKIT_CACHE_TTL: unknown setting, did you mean REDISKIT_CACHE_TTL_MS?",
      "env REDISKIT_COMAND_TIMEOUT_MS: unknown setting, did you mean REDISKIT_COMMAND_TIMEOUT_MS?",
      "system property rediskit.commandTimeoutMS: unknown setting, did you mean rediskit.commandTimeoutMs?",
      "system property rediskit.zzz: unknown setting (the names are listed in docs/CONFIGURATION.md)");
  }

  @Test
  void theTestSupportsChoiceOfRedisServerIsNotASetting() {
    Properties sys = new Properties();
    sys.setProperty(dev.rediskit.test.RedisBinary.PROPERTY, "/opt/redis-6.2/redis-server");
    RedisKitOptions o = RedisKitConfig.fromSources(null,
      Map.of(dev.rediskit.test.RedisBinary.ENVIRONMENT, "/opt/redis-6.2/redis-server"), sys);
    assertThat(o.problems()).isEmpty();
    assertThat(RedisKitConfig.NOT_SETTINGS).containsExactlyInAnyOrder(dev.rediskit.test.RedisBinary.PROPERTY,
      dev.rediskit.test.RedisBinary.ENVIRONMENT);
  }

  @Test
  void fileSectionThatIsNotAnObjectIsReportedWhenEnvSetsANestedKey() {
    RedisKitOptions o = RedisKitConfig.fromSources(new JsonObject().put("cache", 5),
      Map.of("REDISKIT_CACHE_TTL_MS", "1000"), new Properties());
    assertThat(o.problems()).containsExactly("cache: expected an object, was 5");
    assertThat(o.getCache().getTtlMs()).isEqualTo(1000);
  }

  @Test
  void fileProblemsAndEnvProblemsAreReportedTogether() {
    JsonObject file = new JsonObject().put("poolSzie", 3).put("keyPrefix", "a b");
    assertThatThrownBy(() -> RedisKitConfig.fromSources(file, Map.of("REDISKIT_BREAKER_MAX_FAILURES", "x"), new Properties()).validate())
      .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
        "poolSzie: unknown key, did you mean \"poolSize\"?",
        "breakerMaxFailures (from env REDISKIT_BREAKER_MAX_FAILURES): expected a number, was \"x\"",
        "keyPrefix: must not contain whitespace, was \"a b\""));
  }

  // ---- load(): vertx-config, a real file, real system properties ----

  @Test
  void loadReadsTheFileAndSystemProperties() throws Exception {
    Path file = Files.writeString(tmp.resolve("rediskit.json"),
      "{\"commandTimeoutMs\": 1234, \"keyPrefix\": \"fromfile\", \"cache\": {\"ttlMs\": 5000, \"staleTtlMs\": 7}}");
    setProperty("rediskit.endpoints", "redis://loaded.example:6390");
    setProperty("rediskit.cache.ttlMs", "6000");
    setProperty("rediskit.poolSize", "3");

    RedisKitOptions o = join(RedisKitConfig.load(vertx, file.toString()));

    assertThat(o.getEndpoints()).containsExactly("redis://loaded.example:6390");
    assertThat(o.getCommandTimeoutMs()).isEqualTo(1234);
    assertThat(o.getKeyPrefix()).isEqualTo("fromfile");
    assertThat(o.getCache().getTtlMs()).isEqualTo(6000);
    assertThat(o.getCache().getStaleTtlMs()).isEqualTo(7);
    assertThat(o.getPoolSize()).isEqualTo(3);
  }

  @Test
  void loadFindsTheFileThroughTheSystemProperty() throws Exception {
    Path file = Files.writeString(tmp.resolve("via-property.json"), "{\"maxPoolWaiting\": 11}");
    setProperty("rediskit.config", file.toString());
    setProperty("rediskit.endpoints", "redis://loaded.example:6390");
    assertThat(join(RedisKitConfig.load(vertx)).getMaxPoolWaiting()).isEqualTo(11);
  }

  @Test
  void loadWithoutAnyFileUsesDefaults() throws Exception {
    // conf/rediskit.json does not exist in the build directory: not an error.
    assertThat(Files.exists(Path.of(RedisKitConfig.DEFAULT_CONFIG_FILE))).isFalse();
    setProperty("rediskit.endpoints", "redis://loaded.example:6390");
    RedisKitOptions o = join(RedisKitConfig.load(vertx));
    assertThat(o.getEndpoints()).containsExactly("redis://loaded.example:6390");
    assertThat(o.getKeyPrefix()).isEqualTo(RedisKitOptions.DEFAULT_KEY_PREFIX);
  }

  @Test
  void loadFailsWhenANamedFileIsMissing() {
    String missing = tmp.resolve("missing.json").toString();
    assertThatThrownBy(() -> join(RedisKitConfig.load(vertx, missing)))
      .isInstanceOf(ConfigurationException.class)
      .hasMessageContaining("config file " + missing + " (given to RedisKitConfig.load): no such file");

    setProperty("rediskit.config", missing);
    assertThatThrownBy(() -> join(RedisKitConfig.load(vertx)))
      .isInstanceOf(ConfigurationException.class)
      .hasMessageContaining("config file " + missing + " (from system property rediskit.config): no such file");
  }

  @Test
  void loadReportsABrokenFileWithoutQuotingIt() throws IOException {
    String marker = "Kp9-BROKEN-FILE-SECRET";
    Path file = Files.writeString(tmp.resolve("broken.json"), "{\n  \"commandTimeoutMs\": 5,\n  \"password\": " + marker + "\n}");
    assertThatThrownBy(() -> join(RedisKitConfig.load(vertx, file.toString())))
      .isInstanceOf(ConfigurationException.class)
      .hasMessageContaining("config file " + file + " (given to RedisKitConfig.load): not a valid JSON object (line 3, column")
      .hasMessageNotContaining(marker);

    Path array = Files.writeString(tmp.resolve("array.json"), "[1, 2]");
    assertThatThrownBy(() -> join(RedisKitConfig.load(vertx, array.toString())))
      .isInstanceOf(ConfigurationException.class)
      .hasMessageContaining("not a valid JSON object");
  }

  @Test
  void loadFailsWithEveryProblemAndNoSecret() throws IOException {
    String marker = "Vb3-LOADED-SECRET";
    Path file = Files.writeString(tmp.resolve("invalid.json"), new JsonObject()
      .put("endpoints", new JsonArray().add("redis://u:" + marker + "@host:99999"))
      .put("password", marker)
      .put("poolSize", 0)
      .encode());
    setProperty("rediskit.commandTimeoutMs", "abc");
    assertThatThrownBy(() -> join(RedisKitConfig.load(vertx, file.toString())))
      .isInstanceOfSatisfying(ConfigurationException.class, e -> {
        assertThat(e.problems()).containsExactlyInAnyOrder(
          "commandTimeoutMs (from system property rediskit.commandTimeoutMs): expected a number, was \"abc\"",
          "endpoints[0]: must have a port between 1 and 65535, was \"redis://u:***@host:99999\"",
          "poolSize: must be >= 1 connections, was 0");
        assertThat(e.getMessage()).doesNotContain(marker);
      });
  }

  // ---- the design rule: configuration flows one way ----

  @Test
  void noOtherMainClassReadsTheEnvironmentOrSystemProperties() throws IOException {
    List<String> offenders = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        if (f.endsWith(Path.of("dev/rediskit/RedisKitConfig.java"))) {
          continue;
        }
        String source = Files.readString(f);
        if (source.contains("System.getenv") || source.contains("System.getProperty") || source.contains("System.getProperties")
          || source.contains("Integer.getInteger") || source.contains("Long.getLong") || source.contains("Boolean.getBoolean")) {
          offenders.add(f.toString());
        }
      }
    }
    assertThat(offenders).as("only RedisKitConfig may read the environment or system properties").isEmpty();
  }

  // ---- options from code: what the code gave counts, whatever its value ----

  @Test
  void aSetterToTheDefaultWinsOverTheFileAndWhatTheCodeLeftAloneDoesNot() {
    RedisKitOptions code = new RedisKitOptions().setCommandTimeoutMs(RedisKitOptions.DEFAULT_COMMAND_TIMEOUT_MS);
    code.getRateLimit().setShadowMode(false).setMaxInFlight(32);
    code.getCache().getCompression().setCodec(dev.rediskit.cache.CompressionOptions.DEFAULT_CODEC);
    assertThat(code.toGivenJson()).isEqualTo(new JsonObject()
      .put("commandTimeoutMs", RedisKitOptions.DEFAULT_COMMAND_TIMEOUT_MS)
      .put("cache", new JsonObject().put("compression", new JsonObject().put("codec", "LZ4")))
      .put("rateLimit", new JsonObject().put("shadowMode", false).put("maxInFlight", 32)));
    JsonObject file = new JsonObject().put("poolSize", 3).put("commandTimeoutMs", 100)
      .put("cache", new JsonObject().put("compression", new JsonObject().put("codec", "ZSTD").put("thresholdBytes", 2048)))
      .put("rateLimit", new JsonObject().put("shadowMode", true).put("timeoutMs", 77));
    RedisKitOptions merged = RedisKitConfig.fromSources(file, "config file", code.toGivenJson(), "options given in code",
      Map.of(), new Properties());
    // Given, even at the default: the code's value.
    assertThat(merged.getCommandTimeoutMs()).isEqualTo(RedisKitOptions.DEFAULT_COMMAND_TIMEOUT_MS);
    assertThat(merged.getRateLimit().isShadowMode()).isFalse();
    assertThat(merged.getRateLimit().getMaxInFlight()).isEqualTo(32);
    assertThat(merged.getCache().getCompression().getCodec()).isEqualTo(dev.rediskit.cache.CompressionOptions.Codec.LZ4);
    // Never touched: the file's.
    assertThat(merged.getPoolSize()).isEqualTo(3);
    assertThat(merged.getRateLimit().getTimeoutMs()).isEqualTo(77);
    assertThat(merged.getCache().getCompression().getThresholdBytes()).isEqualTo(2048);
  }

  @Test
  void untouchedOptionsAndFreshSectionsGiveNothing() {
    assertThat(new RedisKitOptions().toGivenJson()).isEmpty();
    RedisKitOptions code = new RedisKitOptions().setRateLimit(new dev.rediskit.ratelimit.RateLimitOptions())
      .setCache(new dev.rediskit.cache.CacheOptions()).setHealth(new dev.rediskit.health.HealthOptions())
      .setMetrics(new dev.rediskit.metrics.MetricsOptions());
    assertThat(code.toGivenJson()).isEmpty();
    JsonObject file = new JsonObject().put("keyPrefix", "kfile").put("rateLimit", new JsonObject().put("shadowMode", true));
    RedisKitOptions merged = RedisKitConfig.fromSources(file, "config file", code.toGivenJson(), "options given in code",
      Map.of(), new Properties());
    assertThat(merged.getKeyPrefix()).isEqualTo("kfile");
    assertThat(merged.getRateLimit().isShadowMode()).isTrue();
  }

  @Test
  void theCopyConstructorKeepsWhatWasGiven() {
    RedisKitOptions code = new RedisKitOptions().setPoolSize(RedisKitOptions.DEFAULT_POOL_SIZE);
    code.getRateLimit().setShadowMode(false).putServiceLimit("mailer", dev.rediskit.ratelimit.Limit.parse("5/1m"));
    code.getCache().setTtlMs(dev.rediskit.cache.CacheOptions.DEFAULT_TTL_MS).getCompression().setThresholdBytes(4096);
    code.getHealth().setPath(code.getHealth().getPath());
    RedisKitOptions copy = new RedisKitOptions(code);
    assertThat(copy.toGivenJson()).isEqualTo(code.toGivenJson());
    assertThat(copy.toGivenJson().getJsonObject("health")).isNotNull();
    assertThat(new RedisKitOptions(code.toGivenJson()).toGivenJson()).isEqualTo(code.toGivenJson());
  }

  @Test
  void anOptionalValueTheCodeUnsetUnsetsTheFilesToo() {
    RedisKitOptions code = new RedisKitOptions().setPassword(null).setDatabase(null).setTlsCaPath(null);
    assertThat(code.toGivenJson()).isEqualTo(new JsonObject().put("password", "").put("database", "").put("tlsCaPath", ""));
    JsonObject file = new JsonObject().put("password", "from-file").put("database", 3).put("tlsCaPath", caFile.toString());
    RedisKitOptions merged = RedisKitConfig.fromSources(file, "config file", code.toGivenJson(), "options given in code",
      Map.of(), new Properties());
    assertThat(merged.problems()).isEmpty();
    assertThat(merged.getPassword()).isNull();
    assertThat(merged.getDatabase()).isNull();
    assertThat(merged.getTlsCaPath()).isNull();
  }

  /**
   * For every key: JSON holding it at its default makes it given, the copy too, and the options
   * built from that JSON take the same place over a file holding another value as the JSON itself
   * as a deployment config: the entry points agree (an object merges with the file's, by both).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("keyNames")
  void eachKeyAtItsDefaultInTheJsonIsGivenAsInADeploymentConfig(String name) {
    Object defaultValue = RedisKitOptionsTest.valueAt(new RedisKitOptions().toJson(), name);
    // An optional value unset by default is given as "" (not set), which the JSON constructor reads as such.
    Object written = defaultValue == null ? "" : defaultValue;
    JsonObject json = new JsonObject();
    putAt(json, name, written);
    RedisKitOptions code = new RedisKitOptions(json);
    assertThat(code.problems()).isEmpty();
    assertThat(code.toGivenJson()).isEqualTo(json);
    assertThat(new RedisKitOptions(code).toGivenJson()).isEqualTo(json);

    JsonObject file = new JsonObject();
    companions(name).forEach(file::put);
    putAt(file, name, samples().get(name)[1]);
    RedisKitOptions fromCode = RedisKitConfig.fromSources(file, "config file", code.toGivenJson(), "options given in code",
      Map.of(), new Properties());
    RedisKitOptions fromDeployment = RedisKitConfig.fromSources(file, "config file", json, "deployment config",
      Map.of(), new Properties());
    assertThat(fromCode.toJson()).isEqualTo(fromDeployment.toJson());
    ConfigKey key = RedisKitOptions.KEYS.stream().filter(k -> k.name().equals(name)).findFirst().orElseThrow();
    if (key.type() != ConfigKey.Type.OBJECT) {
      assertThat(RedisKitOptionsTest.valueAt(fromCode.toJson(), name)).isEqualTo(defaultValue);
    }
  }

  static Stream<String> keyNames() {
    return RedisKitOptions.KEYS.stream().map(ConfigKey::name);
  }

  /** RedisKit.create's path and the verticle's, on the same JSON and the same config file: the same options. */
  @Test
  void optionsFromCodeAndTheDeploymentConfigResolveAlike() throws IOException {
    Path file = Files.writeString(tmp.resolve("given.json"), new JsonObject().put("poolSize", 3)
      .put("rateLimit", new JsonObject().put("shadowMode", true).put("maxInFlight", 7)
        .put("serviceLimits", new JsonObject().put("sms", "7/1m")))
      .put("cache", new JsonObject().put("ttlMs", 111_000)).encode());
    setProperty(RedisKitConfig.CONFIG_FILE_PROPERTY, file.toString());
    JsonObject given = new JsonObject().put("commandTimeoutMs", RedisKitOptions.DEFAULT_COMMAND_TIMEOUT_MS)
      .put("rateLimit", new JsonObject().put("shadowMode", false).put("serviceLimits", new JsonObject().put("mailer", "2/1m")))
      .put("cache", new JsonObject().put("ttlMs", dev.rediskit.cache.CacheOptions.DEFAULT_TTL_MS));
    RedisKitOptions fromCode = join(RedisKitConfig.resolve(vertx, new RedisKitOptions(given)));
    RedisKitOptions fromDeployment = join(RedisKitConfig.resolve(vertx, given, "deployment config"));
    assertThat(fromCode.toJson()).isEqualTo(fromDeployment.toJson());
    assertThat(fromCode.getRateLimit().isShadowMode()).isFalse();
    assertThat(fromCode.getCache().getTtlMs()).isEqualTo(dev.rediskit.cache.CacheOptions.DEFAULT_TTL_MS);
    assertThat(fromCode.getPoolSize()).isEqualTo(3);
    assertThat(fromCode.getRateLimit().getMaxInFlight()).isEqualTo(7);
    assertThat(fromCode.getRateLimit().getServiceLimits()).containsOnlyKeys("sms", "mailer");
    // The same with setters instead of JSON.
    RedisKitOptions set = new RedisKitOptions().setCommandTimeoutMs(RedisKitOptions.DEFAULT_COMMAND_TIMEOUT_MS);
    set.getRateLimit().setShadowMode(false).putServiceLimit("mailer", dev.rediskit.ratelimit.Limit.parse("2/1m"));
    set.getCache().setTtlMs(dev.rediskit.cache.CacheOptions.DEFAULT_TTL_MS);
    assertThat(join(RedisKitConfig.resolve(vertx, set)).toJson()).isEqualTo(fromDeployment.toJson());
  }

  // ---- namespaces and nulls from code: given counts there too ----

  /** A config file with two namespaces, the near cache of one on. */
  private Path namespacesFile() throws IOException {
    return Files.writeString(tmp.resolve("namespaces.json"), new JsonObject()
      .put("masterName", "file-master")
      .put("cache", new JsonObject().put("namespaces", new JsonObject()
        .put("users", new JsonObject().put("loader", "file.users.load").put("batchLoader", "file.users.loadMany")
          .put("ttlMs", 5_000).put("staleTtlMs", 9_000)
          .put("nearCache", new JsonObject().put("enabled", true).put("maxEntries", 500).put("ttlMs", 30_000)))
        .put("orders", new JsonObject().put("loader", "file.orders.load")))).encode());
  }

  /**
   * A namespace whose near cache the code turned off (the default) keeps it off through
   * RedisKit.create as through the verticle given the same JSON; what the code did not touch of
   * the namespace, and the namespaces it did not name, stay the file's.
   */
  @Test
  void aNearCacheTheCodeTurnedOffStaysOffThroughCreateAsThroughTheVerticle() throws IOException {
    setProperty(RedisKitConfig.CONFIG_FILE_PROPERTY, namespacesFile().toString());
    JsonObject given = new JsonObject().put("cache", new JsonObject().put("namespaces", new JsonObject()
      .put("users", new JsonObject().put("nearCache", new JsonObject().put("enabled", false)).put("staleTtlMs", 0))));
    RedisKitOptions fromDeployment = join(RedisKitConfig.resolve(vertx, given, "deployment config"));
    RedisKitOptions fromJson = join(RedisKitConfig.resolve(vertx, new RedisKitOptions(given)));
    RedisKitOptions set = new RedisKitOptions();
    dev.rediskit.cache.NamespaceOptions users = new dev.rediskit.cache.NamespaceOptions();
    users.getNearCache().setEnabled(false);
    users.getLoadOptions().setStaleTtl(java.time.Duration.ZERO);
    set.getCache().putNamespace("users", users);
    RedisKitOptions fromSetters = join(RedisKitConfig.resolve(vertx, set));
    for (RedisKitOptions o : List.of(fromDeployment, fromJson, fromSetters)) {
      assertThat(o.toJson()).isEqualTo(fromDeployment.toJson());
      dev.rediskit.cache.NamespaceOptions ns = o.getCache().getNamespaces().get("users");
      assertThat(ns.getNearCache().isEnabled()).isFalse();
      assertThat(ns.getLoadOptions().getStaleTtl()).isEqualTo(java.time.Duration.ZERO);
      // Untouched: the file's.
      assertThat(ns.getLoader()).isEqualTo("file.users.load");
      assertThat(ns.getLoadOptions().getTtl()).isEqualTo(java.time.Duration.ofMillis(5_000));
      assertThat(ns.getNearCache().getMaxEntries()).isEqualTo(500);
      assertThat(ns.getNearCache().getTtlMs()).isEqualTo(30_000);
      assertThat(o.getCache().getNamespaces().get("orders").getLoader()).isEqualTo("file.orders.load");
    }
  }

  /** Unset in code (setLoader(null), setTtl(null)) is given too: it unsets the file's, as JSON null does in a deployment config. */
  @Test
  void aNamespaceValueTheCodeUnsetUnsetsTheFilesAsJsonNullDoes() throws IOException {
    setProperty(RedisKitConfig.CONFIG_FILE_PROPERTY, namespacesFile().toString());
    JsonObject given = new JsonObject().put("cache", new JsonObject().put("namespaces", new JsonObject()
      .put("users", new JsonObject().putNull("batchLoader").putNull("ttlMs"))));
    RedisKitOptions fromDeployment = join(RedisKitConfig.resolve(vertx, given, "deployment config"));
    RedisKitOptions set = new RedisKitOptions();
    dev.rediskit.cache.NamespaceOptions users = new dev.rediskit.cache.NamespaceOptions().setBatchLoader(null);
    users.getLoadOptions().setTtl(null);
    set.getCache().putNamespace("users", users);
    assertThat(set.toGivenJson()).isEqualTo(given);
    for (RedisKitOptions o : List.of(join(RedisKitConfig.resolve(vertx, new RedisKitOptions(given))),
      join(RedisKitConfig.resolve(vertx, set)))) {
      assertThat(o.toJson()).isEqualTo(fromDeployment.toJson());
      dev.rediskit.cache.NamespaceOptions ns = o.getCache().getNamespaces().get("users");
      assertThat(ns.getBatchLoader()).isNull();
      assertThat(ns.getLoadOptions().getTtl()).isNull();
      assertThat(ns.getLoader()).isEqualTo("file.users.load");
      assertThat(ns.getLoadOptions().getStaleTtl()).isEqualTo(java.time.Duration.ofMillis(9_000));
      assertThat(ns.getNearCache().isEnabled()).isTrue();
    }
  }

  /** setMasterName(null) is given: through create, as through the verticle given {"masterName": null}, the file's name is gone. */
  @Test
  void aRequiredStringTheCodeSetToNullHidesTheFilesThroughCreateAsThroughTheVerticle() throws IOException {
    setProperty(RedisKitConfig.CONFIG_FILE_PROPERTY, namespacesFile().toString());
    RedisKitOptions code = new RedisKitOptions().setMasterName(null);
    JsonObject given = new JsonObject().putNull("masterName");
    assertThat(code.toGivenJson()).isEqualTo(given);
    assertThat(new RedisKitOptions(given).toGivenJson()).isEqualTo(given);
    assertThat(new RedisKitOptions(given).getMasterName()).isNull();
    RedisKitOptions fromDeployment = join(RedisKitConfig.resolve(vertx, given, "deployment config"));
    RedisKitOptions fromCode = join(RedisKitConfig.resolve(vertx, code));
    assertThat(fromDeployment.getMasterName()).isNull();
    assertThat(fromCode.getMasterName()).isNull();
    assertThat(fromCode.toJson()).isEqualTo(fromDeployment.toJson());
    // For a Sentinel client that is a problem, named, by both.
    JsonObject sentinel = new JsonObject().put("type", "SENTINEL").put("endpoints", "redis://sentinel:26379");
    RedisKitOptions bySetter = RedisKitConfig.fromSources(new JsonObject().put("masterName", "file-master"), "config file",
      new RedisKitOptions(sentinel).setMasterName(null).toGivenJson(), "options given in code", Map.of(), new Properties());
    RedisKitOptions byJson = RedisKitConfig.fromSources(new JsonObject().put("masterName", "file-master"), "config file",
      sentinel.copy().putNull("masterName"), "deployment config", Map.of(), new Properties());
    assertThat(bySetter.problems()).anyMatch(p -> p.startsWith("masterName: must be set when type is SENTINEL"));
    assertThat(byJson.problems()).isEqualTo(bySetter.problems());
  }

  /** A JSON null for a string whose setter refuses null still reads as absent: the default, not given. */
  @Test
  void jsonNullForAStringThatCannotBeNullIsAbsentAsBefore() {
    RedisKitOptions o = new RedisKitOptions(new JsonObject().putNull("keyPrefix").putNull("addressPrefix"));
    assertThat(o.problems()).isEmpty();
    assertThat(o.getKeyPrefix()).isEqualTo(RedisKitOptions.DEFAULT_KEY_PREFIX);
    assertThat(o.toGivenJson()).isEmpty();
  }
}
