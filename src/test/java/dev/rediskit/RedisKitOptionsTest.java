package dev.rediskit;

import dev.rediskit.cache.CacheOptions;
import dev.rediskit.cache.LoadOptions;
import dev.rediskit.cache.NamespaceOptions;
import dev.rediskit.config.ConfigKey;
import dev.rediskit.test.TlsCertificates;
import dev.rediskit.config.ConfigurationException;
import dev.rediskit.ratelimit.EndpointLimits;
import dev.rediskit.ratelimit.Limit;
import dev.rediskit.ratelimit.RateLimitOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisRole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class RedisKitOptionsTest {

  @TempDir
  static Path tmp;

  static RedisKitOptions everythingSet() throws IOException {
    Path ca = Files.writeString(tmp.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
    return new RedisKitOptions()
      .setEndpoints(List.of("rediss://a.example:7000", "rediss://b.example:7001"))
      .setType(RedisClientType.SENTINEL)
      .setMasterName("primary")
      .setRole(RedisRole.REPLICA)
      .setUser("alice")
      .setPassword("pw")
      .setDatabase(2)
      .setPoolSize(3)
      .setMaxPoolWaiting(10)
      .setConnectTimeoutMs(1500)
      .setCommandTimeoutMs(700)
      .setMaxPendingCommands(99)
      .setReconnectMaxDelayMs(3000)
      .setBreakerMaxFailures(7)
      .setBreakerResetTimeoutMs(9000)
      .setTlsCaPath(ca.toString())
      .setTlsCertPath(certificates().clientCert().toString())
      .setTlsKeyPath(certificates().clientKey().toString())
      .setTlsHostnameVerification(false)
      .setKeyPrefix("app")
      .setAddressPrefix("app.")
      .setCache(new CacheOptions().setTtlMs(1000).setStaleTtlMs(500).setMaxTtlMs(86_400_000).setMaxValueBytes(4096)
        .setTtlJitterPercent(10).setLoaderPrefix("app.loader.")
        .putNamespace("users", new NamespaceOptions().setLoader("db.users.load").setLoadOptions(LoadOptions.ttl(Duration.ofSeconds(60)))))
      .setRateLimit(new RateLimitOptions().setTimeoutMs(100).setFailurePolicy(RateLimitOptions.FailurePolicy.LOCAL)
        .setLocalSharePercent(25).setDenyCacheSize(0).setAlgorithm(RateLimitOptions.Algorithm.FIXED_WINDOW)
        .setShadowMode(true).setDefaultTokenLimit(Limit.parse("100/1m")).setDefaultIpLimit(Limit.parse("10/1s;burst=20"))
        .setDefaultEndpointLimit(Limit.parse("1000/1h"))
        .putEndpointLimits("/login", new EndpointLimits(null, Limit.parse("5/1m"), null))
        .putServiceLimit("mailer", Limit.parse("50/1s")).setIpv6PrefixLength(56));
  }

  private static TlsCertificates certificates;

  /** Real files: tlsCertPath and tlsKeyPath are parsed by problems(). */
  private static synchronized TlsCertificates certificates() throws IOException {
    if (certificates == null) {
      certificates = TlsCertificates.generate(Files.createDirectories(tmp.resolve("tls")));
    }
    return certificates;
  }

  private static List<String> problemsOf(String json) {
    return new RedisKitOptions(new JsonObject(json)).problems();
  }

  // ---- defaults, JSON form, round trip, copy ----

  @Test
  void aPlanAddressMustNotBeOneOfTheModulesOwnAddresses() {
    assertThat(problemsOf("{\"rateLimit\": {\"planAddress\": \"ratelimit.verify\"}}")).containsExactly(
      "rateLimit.planAddress: must not be one of the module's own addresses (with addressPrefix \"\" it is ratelimit.verify), "
        + "was \"ratelimit.verify\"");
    assertThat(problemsOf("{\"addressPrefix\": \"app.\", \"rateLimit\": {\"planAddress\": \"cache.flush\"}}")).containsExactly(
      "rateLimit.planAddress: must not be one of the module's own addresses (with addressPrefix \"app.\" it is app.cache.flush), "
        + "was \"cache.flush\"");
    assertThat(problemsOf("{\"addressPrefix\": \"app.\", \"rateLimit\": {\"planAddress\": \"accounts.plan\"}}")).isEmpty();
  }

  @Test
  void defaultsAreValid() {
    assertThat(new RedisKitOptions().problems()).isEmpty();
    assertThat(new RedisKitOptions().validate()).isNotNull();
  }

  @Test
  void everyKeyOfTheTableHasItsDefaultInToJson() {
    JsonObject json = new RedisKitOptions().toJson();
    for (ConfigKey key : RedisKitOptions.KEYS) {
      Object actual = valueAt(json, key.name());
      Object expected = key.defaultValue();
      if (actual instanceof JsonArray a) {
        actual = a.getList();
      }
      if (actual instanceof Number n && expected instanceof Number e) {
        assertThat(n.longValue()).as(key.name()).isEqualTo(e.longValue());
      } else {
        assertThat(actual).as(key.name()).isEqualTo(expected);
      }
    }
  }

  @Test
  void toJsonHasExactlyTheKeysOfTheTable() throws IOException {
    List<String> names = new ArrayList<>();
    collectKeys("", everythingSet().toJson(), names);
    assertThat(names).containsExactlyInAnyOrderElementsOf(RedisKitOptions.KEYS.stream().map(ConfigKey::name).toList());
  }

  private static void collectKeys(String prefix, JsonObject json, List<String> out) {
    for (String field : json.fieldNames()) {
      boolean objectKey = RedisKitOptions.KEYS.stream()
        .anyMatch(k -> k.name().equals(prefix + field) && k.type() == ConfigKey.Type.OBJECT);
      if (!objectKey && json.getValue(field) instanceof JsonObject nested) {
        collectKeys(prefix + field + ".", nested, out);
      } else {
        out.add(prefix + field);
      }
    }
  }

  static Object valueAt(JsonObject json, String dotted) {
    Object v = json;
    for (String part : dotted.split("\\.")) {
      v = ((JsonObject) v).getValue(part);
    }
    return v;
  }

  /** The fields saying which settings were given, at every level. */
  private static final String GIVEN = ".*([gG]iven|givenMaps).*";

  @Test
  void jsonRoundTripKeepsEveryField() throws IOException {
    RedisKitOptions original = everythingSet();
    RedisKitOptions back = new RedisKitOptions(original.toJson());
    // endpointsSource says where the endpoints came from (code, then JSON), and what was given
    // (by setters, then by every key of the JSON) is provenance too, not a value.
    assertThat(back).usingRecursiveComparison().ignoringFields("endpointsSource")
      .ignoringFieldsMatchingRegexes(GIVEN).isEqualTo(original);
    assertThat(back.problems()).isEmpty();
    // Every key the JSON held counts as given.
    assertThat(back.toGivenJson()).isEqualTo(original.toJson());
    // Also through the textual form, where ints and longs are no longer told apart.
    RedisKitOptions fromText = new RedisKitOptions(new JsonObject(original.toJson().encode()));
    assertThat(fromText).usingRecursiveComparison().ignoringFields("endpointsSource")
      .ignoringFieldsMatchingRegexes(GIVEN).isEqualTo(original);
  }

  @Test
  void jsonRoundTripOfDefaults() {
    RedisKitOptions back = new RedisKitOptions(new RedisKitOptions().toJson());
    // toJson() writes every key, so read back the endpoints count as configured; that is provenance, not a value.
    // The same goes for every other key: given, at its default.
    assertThat(back).usingRecursiveComparison().ignoringFields("endpointsConfigured", "endpointsSource")
      .ignoringFieldsMatchingRegexes(GIVEN).isEqualTo(new RedisKitOptions());
    assertThat(back.isEndpointsConfigured()).isTrue();
    assertThat(new RedisKitOptions().isEndpointsConfigured()).isFalse();
    assertThat(back.toGivenJson()).isEqualTo(new RedisKitOptions().toJson());
    assertThat(new RedisKitOptions().toGivenJson()).isEmpty();
  }

  @Test
  void jsonConstructorReadsEveryKey() throws IOException {
    RedisKitOptions o = new RedisKitOptions(everythingSet().toJson());
    assertThat(o.getEndpoints()).containsExactly("rediss://a.example:7000", "rediss://b.example:7001");
    assertThat(o.getType()).isEqualTo(RedisClientType.SENTINEL);
    assertThat(o.getMasterName()).isEqualTo("primary");
    assertThat(o.getRole()).isEqualTo(RedisRole.REPLICA);
    assertThat(o.getUser()).isEqualTo("alice");
    assertThat(o.getPassword()).isEqualTo("pw");
    assertThat(o.getDatabase()).isEqualTo(2);
    assertThat(o.getPoolSize()).isEqualTo(3);
    assertThat(o.getMaxPoolWaiting()).isEqualTo(10);
    assertThat(o.getConnectTimeoutMs()).isEqualTo(1500);
    assertThat(o.getCommandTimeoutMs()).isEqualTo(700);
    assertThat(o.getMaxPendingCommands()).isEqualTo(99);
    assertThat(o.getReconnectMaxDelayMs()).isEqualTo(3000);
    assertThat(o.getBreakerMaxFailures()).isEqualTo(7);
    assertThat(o.getBreakerResetTimeoutMs()).isEqualTo(9000);
    assertThat(o.getTlsCaPath()).endsWith("ca.pem");
    assertThat(o.getTlsCertPath()).endsWith("client.pem");
    assertThat(o.getTlsKeyPath()).endsWith("client.key");
    assertThat(o.isTlsHostnameVerification()).isFalse();
    assertThat(o.getKeyPrefix()).isEqualTo("app");
    assertThat(o.getAddressPrefix()).isEqualTo("app.");
    assertThat(o.getCache().getTtlMs()).isEqualTo(1000);
    assertThat(o.getCache().getStaleTtlMs()).isEqualTo(500);
    assertThat(o.getCache().getMaxTtlMs()).isEqualTo(86_400_000);
    assertThat(o.getCache().getMaxValueBytes()).isEqualTo(4096);
    assertThat(o.getCache().getTtlJitterPercent()).isEqualTo(10);
    assertThat(o.getRateLimit().getTimeoutMs()).isEqualTo(100);
    assertThat(o.getRateLimit().getFailurePolicy()).isEqualTo(RateLimitOptions.FailurePolicy.LOCAL);
    assertThat(o.getRateLimit().getLocalSharePercent()).isEqualTo(25);
    assertThat(o.getRateLimit().getDenyCacheSize()).isZero();
  }

  @Test
  void jsonAcceptsStringsForNumbersBooleansAndEnumsInAnyCase() {
    RedisKitOptions o = new RedisKitOptions(new JsonObject()
      .put("poolSize", " 12 ").put("tlsHostnameVerification", "FALSE").put("type", "cluster")
      .put("rateLimit", new JsonObject().put("failurePolicy", "fail-closed")));
    assertThat(o.problems()).isEmpty();
    assertThat(o.getPoolSize()).isEqualTo(12);
    assertThat(o.isTlsHostnameVerification()).isFalse();
    assertThat(o.getType()).isEqualTo(RedisClientType.CLUSTER);
    assertThat(o.getRateLimit().getFailurePolicy()).isEqualTo(RateLimitOptions.FailurePolicy.FAIL_CLOSED);
  }

  @Test
  void endpointsMayBeOneCommaSeparatedString() {
    RedisKitOptions o = new RedisKitOptions(new JsonObject().put("endpoints", "redis://a:1, redis://b:2,"));
    assertThat(o.getEndpoints()).containsExactly("redis://a:1", "redis://b:2");
    assertThat(o.problems()).isEmpty();
  }

  @Test
  void jsonNullAndEmptyOptionalStringsMeanNotSet() {
    RedisKitOptions o = new RedisKitOptions(new JsonObject().putNull("poolSize").put("password", "").put("user", "")
      .put("database", "").put("tlsCaPath", ""));
    assertThat(o.getPoolSize()).isEqualTo(RedisKitOptions.DEFAULT_POOL_SIZE);
    assertThat(o.getPassword()).isNull();
    assertThat(o.getUser()).isNull();
    assertThat(o.getDatabase()).isNull();
    assertThat(o.getTlsCaPath()).isNull();
    assertThat(o.problems()).isEmpty();
  }

  @Test
  void copyConstructorSharesNothingMutable() throws IOException {
    RedisKitOptions original = everythingSet();
    JsonObject before = original.toJson();
    RedisKitOptions copy = new RedisKitOptions(original);
    assertThat(copy).usingRecursiveComparison().isEqualTo(original);

    copy.getEndpoints().add("redis://c.example:7002");
    copy.getCache().setTtlMs(42);
    copy.getRateLimit().setTimeoutMs(43);
    copy.setPoolSize(44).setPassword("other");

    assertThat(original.toJson()).isEqualTo(before);
  }

  @Test
  void copyConstructorKeepsInputProblems() {
    RedisKitOptions bad = new RedisKitOptions(new JsonObject().put("poolSize", "abc"));
    assertThat(new RedisKitOptions(bad).problems()).containsExactly("poolSize: expected a number, was \"abc\"");
  }

  // ---- wrong JSON types and unknown keys: recorded, never thrown ----

  static Stream<Arguments> wrongTypes() {
    return Stream.of(
      arguments("{\"poolSize\": \"abc\"}", "poolSize: expected a number, was \"abc\""),
      arguments("{\"poolSize\": 1.5}", "poolSize: expected a whole number, was 1.5"),
      arguments("{\"poolSize\": 30000000000}", "poolSize: expected a number between -2147483648 and 2147483647, was 30000000000"),
      arguments("{\"commandTimeoutMs\": true}", "commandTimeoutMs: expected a number, was true"),
      arguments("{\"commandTimeoutMs\": [1]}", "commandTimeoutMs: expected a number, was [1]"),
      arguments("{\"database\": \"two\"}", "database: expected a number, was \"two\""),
      arguments("{\"tlsHostnameVerification\": \"yes\"}", "tlsHostnameVerification: expected true or false, was \"yes\""),
      arguments("{\"type\": \"clustr\"}", "type: expected one of STANDALONE, SENTINEL, CLUSTER, REPLICATION, was \"clustr\""),
      arguments("{\"role\": 1}", "role: expected one of MASTER, REPLICA, SENTINEL, was 1"),
      arguments("{\"masterName\": {\"a\": 1}}", "masterName: expected a string, was {\"a\":1}"),
      arguments("{\"keyPrefix\": 7}", "keyPrefix: expected a string, was 7"),
      arguments("{\"password\": 123456789}", "password: expected a string, was a number"),
      arguments("{\"endpoints\": 5}", "endpoints: expected a string or an array of strings, was a number"),
      arguments("{\"endpoints\": [\"redis://a:1\", 5]}", "endpoints[1]: expected a string, was a number"),
      arguments("{\"cache\": 5}", "cache: expected an object, was 5"),
      arguments("{\"cache\": {\"ttlMs\": \"soon\"}}", "cache.ttlMs: expected a number, was \"soon\""),
      arguments("{\"rateLimit\": {\"failurePolicy\": \"maybe\"}}",
        "rateLimit.failurePolicy: expected one of FAIL_OPEN, FAIL_CLOSED, LOCAL, was \"maybe\""),
      arguments("{\"rateLimit\": {\"denyCacheSize\": false}}", "rateLimit.denyCacheSize: expected a number, was false"));
  }

  @ParameterizedTest
  @MethodSource("wrongTypes")
  void wrongJsonTypeIsReportedNotThrown(String json, String expected) {
    assertThat(problemsOf(json)).containsExactly(expected);
  }

  @Test
  void wrongTypeKeepsTheDefault() {
    RedisKitOptions o = new RedisKitOptions(new JsonObject().put("poolSize", "abc"));
    assertThat(o.getPoolSize()).isEqualTo(RedisKitOptions.DEFAULT_POOL_SIZE);
  }

  @Test
  void settingTheKeyAgainClearsItsInputProblem() {
    RedisKitOptions o = new RedisKitOptions(new JsonObject().put("poolSize", "abc").put("cache", new JsonObject().put("ttlMs", "x")));
    o.setPoolSize(4);
    o.getCache().setTtlMs(1000);
    assertThat(o.problems()).isEmpty();
  }

  static Stream<Arguments> unknownKeys() {
    return Stream.of(
      arguments("{\"poolSzie\": 3}", "poolSzie: unknown key, did you mean \"poolSize\"?"),
      arguments("{\"commandtimeoutms\": 3}", "commandtimeoutms: unknown key, did you mean \"commandTimeoutMs\"?"),
      arguments("{\"endpoint\": \"redis://a:1\"}", "endpoint: unknown key, did you mean \"endpoints\"?"),
      arguments("{\"ttlMs\": 3}", "ttlMs: unknown key, did you mean \"cache.ttlMs\"?"),
      arguments("{\"cache.ttlMs\": 3}", "cache.ttlMs: unknown key, did you mean \"cache.ttlMs\"?"),
      arguments("{\"cache\": {\"tllMs\": 3}}", "cache.tllMs: unknown key, did you mean \"cache.ttlMs\"?"),
      arguments("{\"rateLimit\": {\"timeout\": 3}}", "rateLimit.timeout: unknown key, did you mean \"rateLimit.timeoutMs\"?"),
      arguments("{\"frobnicate\": 3}", "frobnicate: unknown key (the keys are listed in docs/CONFIGURATION.md)"));
  }

  @ParameterizedTest
  @MethodSource("unknownKeys")
  void unknownKeyIsReportedWithSuggestion(String json, String expected) {
    assertThat(problemsOf(json)).containsExactly(expected);
  }

  // ---- validation: one rule per case, the key, the reason and the value in the line ----

  static Stream<Arguments> ruleViolations() {
    return Stream.of(
      arguments("{\"endpoints\": []}", "endpoints: must list at least one redis://, rediss:// or unix:// URI"),
      arguments("{\"endpoints\": \"\"}", "endpoints: must list at least one redis://, rediss:// or unix:// URI"),
      arguments("{\"endpoints\": [\"redis://a:1\", \"http://b:2\"]}",
        "endpoints[1]: must start with redis://, rediss:// or unix://, was \"http://b:2\""),
      arguments("{\"endpoints\": [\"localhost:6379\"]}", "endpoints[0]: must start with redis://, rediss:// or unix://, was \"localhost:6379\""),
      // Other clients' topology schemes: the key that says the topology instead.
      arguments("{\"endpoints\": [\"redis-sentinel://:pw@s1:26379,s2:26379/0#mymaster\"]}",
        "endpoints[0]: must start with redis://, rediss:// or unix:// (for Sentinel: type SENTINEL, masterName, and each "
          + "sentinel as redis://host:26379), was \"redis-sentinel://:***@s1:26379,s2:26379/0#mymaster\""),
      arguments("{\"endpoints\": [\"redis-cluster://n1:7000\"]}",
        "endpoints[0]: must start with redis://, rediss:// or unix:// (for a Redis Cluster: type CLUSTER, and the seed "
          + "nodes as redis://host:port), was \"redis-cluster://n1:7000\""),
      // URI syntax: the module's own words, never the JDK's (whose reason and index change between versions).
      arguments("{\"endpoints\": [\"redis://a b:1\"]}",
        "endpoints[0]: must not contain whitespace or control characters (at index 9), was \"redis://a b:1\""),
      arguments("{\"endpoints\": [\"redis://a:1 /0\"]}",
        "endpoints[0]: must not contain whitespace or control characters (at index 11), was \"redis://a:***/0\""),
      arguments("{\"endpoints\": [\"redis://a:1/0|1\"]}",
        "endpoints[0]: must percent-encode the characters \" < > \\ ^ ` { | } (at index 13), was \"redis://a:1/0|1\""),
      arguments("{\"endpoints\": [\"redis://%zz:1\"]}",
        "endpoints[0]: must follow '%' with two hex digits, or write '%' itself as %25 (at index 8), was \"redis://%zz:1\""),
      arguments("{\"endpoints\": [\"redis://[::1:6379\"]}",
        "endpoints[0]: must close the IPv6 address opened at index 8 with ']', was \"redis://[::1:6379\""),
      arguments("{\"endpoints\": [\" \"]}", "endpoints[0]: must be a redis://, rediss:// or unix:// URI, was \" \""),
      arguments("{\"endpoints\": [\"redis://\"]}", "endpoints[0]: must name a host (redis://host:port), was \"redis://\""),
      arguments("{\"endpoints\": [\"redis:///0\"]}", "endpoints[0]: must name a host (redis://host:port), was \"redis:///0\""),
      arguments("{\"endpoints\": [\"redis://a_b:1\"]}", "endpoints[0]: must name a valid host (redis://host:port), was \"redis://a_b:1\""),
      arguments("{\"endpoints\": [\"redis://a:0\"]}", "endpoints[0]: must have a port between 1 and 65535, was \"redis://a:0\""),
      arguments("{\"endpoints\": [\"redis://a:65536\"]}", "endpoints[0]: must have a port between 1 and 65535, was \"redis://a:65536\""),
      arguments("{\"endpoints\": [\"redis://a:port\"]}", "endpoints[0]: must have a port between 1 and 65535, was \"redis://a:***\""),
      arguments("{\"endpoints\": [\"redis://a:1/x\"]}",
        "endpoints[0]: may only have a database index as path (redis://host:port/0), was \"redis://a:1/x\""),
      arguments("{\"endpoints\": [\"unix://\"]}", "endpoints[0]: must name the socket file (unix:///run/redis/redis.sock), was \"unix://\""),
      arguments("{\"endpoints\": [\"unix:/\"]}", "endpoints[0]: must name the socket file (unix:///run/redis/redis.sock), was \"unix:/\""),
      arguments("{\"type\": \"CLUSTER\", \"endpoints\": [\"redis://a:1/3\"]}",
        "endpoints[0]: must not select a database with type CLUSTER (Redis Cluster has database 0 only), was \"redis://a:1/3\""),
      arguments("{\"type\": \"CLUSTER\", \"endpoints\": [\"rediss://a:1\", \"rediss://b:1\", \"redis://u:pw@c:1\"]}",
        "endpoints[2]: must use the scheme of endpoints[0] (rediss://) with type CLUSTER: the nodes the client discovers "
          + "are reached with the scheme of the endpoint they were discovered through, so all are TLS (rediss://) or none, "
          + "was \"redis://u:***@c:1\""),
      arguments("{\"type\": \"SENTINEL\", \"masterName\": \"m\", \"endpoints\": [\"redis://a:1\", \"rediss://b:1\"]}",
        "endpoints[1]: must use the scheme of endpoints[0] (redis://) with type SENTINEL: the nodes the client discovers "
          + "are reached with the scheme of the endpoint they were discovered through, so all are TLS (rediss://) or none, "
          + "was \"rediss://b:1\""),
      arguments("{\"type\": \"SENTINEL\", \"masterName\": \" \"}",
        "masterName: must be set when type is SENTINEL (the name of the master the sentinels monitor), was \" \""),
      arguments("{\"database\": -1}",
        "database: must be >= 0 (a default Redis has databases 0 to 15; its 'databases' setting allows more), was -1"),
      arguments("{\"type\": \"CLUSTER\", \"database\": 2}",
        "database: is not allowed with type CLUSTER (Redis Cluster has database 0 only), was 2"),
      arguments("{\"poolSize\": 0}", "poolSize: must be >= 1 connections, was 0"),
      arguments("{\"maxPoolWaiting\": -1}", "maxPoolWaiting: must be >= 0 callers, was -1"),
      arguments("{\"connectTimeoutMs\": 0}", "connectTimeoutMs: must be between 1 and 60000 ms, was 0"),
      arguments("{\"connectTimeoutMs\": 60001}", "connectTimeoutMs: must be between 1 and 60000 ms, was 60001"),
      arguments("{\"commandTimeoutMs\": -5}", "commandTimeoutMs: must be between 1 and 60000 ms, was -5"),
      arguments("{\"commandTimeoutMs\": 60001}", "commandTimeoutMs: must be between 1 and 60000 ms, was 60001"),
      arguments("{\"maxPendingCommands\": 0}", "maxPendingCommands: must be between 1 and 1000000 commands, was 0"),
      arguments("{\"maxPendingCommands\": 1000001}", "maxPendingCommands: must be between 1 and 1000000 commands, was 1000001"),
      arguments("{\"reconnectMaxDelayMs\": 0}", "reconnectMaxDelayMs: must be between 1 and 300000 ms, was 0"),
      arguments("{\"breakerMaxFailures\": 0}", "breakerMaxFailures: must be >= 1 failures, was 0"),
      arguments("{\"breakerResetTimeoutMs\": 0}", "breakerResetTimeoutMs: must be between 1 and 3600000 ms, was 0"),
      arguments("{\"tlsCaPath\": \"/no/such/ca.pem\"}", "tlsCaPath: must name an existing PEM file (no such file), was \"/no/such/ca.pem\""),
      arguments("{\"tlsCaPath\": \"/\"}", "tlsCaPath: must name a PEM file, not a directory, was \"/\""),
      arguments("{\"tlsCaPath\": \"a\\u0000b\"}", "tlsCaPath: must be a valid file path (Nul character not allowed), was \"a\\u0000b\""),
      arguments("{\"keyPrefix\": \"\"}", "keyPrefix: must not be empty (every key the module writes starts with it), was \"\""),
      arguments("{\"keyPrefix\": \"my app\"}", "keyPrefix: must not contain whitespace, was \"my app\""),
      arguments("{\"keyPrefix\": \"app{1}\"}",
        "keyPrefix: must not contain '{' or '}' (a Redis Cluster hash tag would put every key in one slot), was \"app{1}\""),
      arguments("{\"keyPrefix\": \"app*\"}",
        "keyPrefix: must not contain the glob characters * ? [ ] \\ (namespace flush matches keys with SCAN patterns), was \"app*\""),
      arguments("{\"keyPrefix\": \"a[b]\"}",
        "keyPrefix: must not contain the glob characters * ? [ ] \\ (namespace flush matches keys with SCAN patterns), was \"a[b]\""),
      arguments("{\"addressPrefix\": \"my app.\"}", "addressPrefix: must not contain whitespace, was \"my app.\""),
      arguments("{\"cache\": {\"ttlMs\": 0}}", "cache.ttlMs: must be >= 1 ms, was 0"),
      arguments("{\"cache\": {\"ttlMs\": 2000, \"maxTtlMs\": 1000}}", "cache.ttlMs: must be <= cache.maxTtlMs (1000 ms), was 2000"),
      arguments("{\"cache\": {\"ttlMs\": 1, \"maxTtlMs\": 0}}", "cache.maxTtlMs: must be >= 1 ms, was 0"),
      arguments("{\"cache\": {\"staleTtlMs\": -1}}", "cache.staleTtlMs: must be >= 0 ms, was -1"),
      arguments("{\"cache\": {\"maxValueBytes\": 0}}",
        "cache.maxValueBytes: must be between 1 and 536870912 bytes (512 MiB is Redis' limit), was 0"),
      arguments("{\"cache\": {\"maxValueBytes\": 536870913}}",
        "cache.maxValueBytes: must be between 1 and 536870912 bytes (512 MiB is Redis' limit), was 536870913"),
      arguments("{\"cache\": {\"ttlJitterPercent\": 51}}", "cache.ttlJitterPercent: must be between 0 and 50 percent, was 51"),
      arguments("{\"cache\": {\"ttlJitterPercent\": -1}}", "cache.ttlJitterPercent: must be between 0 and 50 percent, was -1"),
      arguments("{\"rateLimit\": {\"timeoutMs\": 0}}", "rateLimit.timeoutMs: must be between 1 and 60000 ms, was 0"),
      arguments("{\"rateLimit\": {\"timeoutMs\": 60001}}", "rateLimit.timeoutMs: must be between 1 and 60000 ms, was 60001"),
      arguments("{\"rateLimit\": {\"localSharePercent\": 0}}", "rateLimit.localSharePercent: must be between 1 and 100 percent, was 0"),
      arguments("{\"rateLimit\": {\"localSharePercent\": 101}}", "rateLimit.localSharePercent: must be between 1 and 100 percent, was 101"),
      arguments("{\"rateLimit\": {\"denyCacheSize\": -1}}", "rateLimit.denyCacheSize: must be >= 0 entries, was -1"));
  }

  @ParameterizedTest
  @MethodSource("ruleViolations")
  void eachRuleNamesKeyReasonAndValue(String json, String expected) {
    List<String> problems = problemsOf(json);
    assertThat(problems).containsExactly(expected);
    assertThatThrownBy(() -> new RedisKitOptions(new JsonObject(json)).validate())
      .isInstanceOf(ConfigurationException.class)
      .hasMessageContaining(expected);
  }

  @Test
  void aUriRefusalTheChecksDoNotWordStillNamesKeyAndValue() {
    // A scheme with a character URIs allow elsewhere: none of the module's own URI rules names it.
    String problem = problemsOf("{\"endpoints\": [\"re$dis://a:1\"]}").get(0);
    assertThat(problem).startsWith("endpoints[0]: must be a valid URI (").endsWith("), was \"re$dis://a:1\"")
      .doesNotContain("index");
  }

  @Test
  void validValuesAtTheEdgesPass() throws IOException {
    Path ca = Files.writeString(tmp.resolve("edge-ca.pem"), "x");
    JsonObject edges = new JsonObject("{\"endpoints\": [\"redis://a\", \"rediss://u:p@b:65535/15\", \"unix:///run/redis.sock\","
      + " \"redis://[::1]:1\"], \"database\": 0, \"poolSize\": 1, \"maxPoolWaiting\": 0, \"connectTimeoutMs\": 60000,"
      + " \"commandTimeoutMs\": 1, \"maxPendingCommands\": 1000000, \"breakerMaxFailures\": 1, \"addressPrefix\": \"\","
      + " \"keyPrefix\": \"a:b-c.d\","
      + " \"cache\": {\"ttlMs\": 5, \"maxTtlMs\": 5, \"staleTtlMs\": 0, \"maxValueBytes\": 536870912, \"ttlJitterPercent\": 50},"
      + " \"rateLimit\": {\"timeoutMs\": 60000, \"localSharePercent\": 100, \"denyCacheSize\": 0}}")
      .put("tlsCaPath", ca.toString());
    assertThat(new RedisKitOptions(edges).problems()).isEmpty();
    assertThat(problemsOf("{\"type\": \"CLUSTER\", \"database\": 0, \"endpoints\": [\"redis://a:1/0\"]}")).isEmpty();
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    String json = "{\"endpoints\": [\"redis://a:1\", \"ftp://b\"], \"type\": \"SENTINEL\", \"masterName\": \"\","
      + " \"poolSize\": 0, \"commandTimeoutMs\": \"abc\", \"connectTimeoutMs\": 0, \"keyPrefix\": \"a b\", \"poolSzie\": 1,"
      + " \"cache\": {\"ttlMs\": -1, \"ttlJitterPercent\": 99}, \"rateLimit\": {\"localSharePercent\": 0, \"bogus\": 1}}";
    assertThatThrownBy(() -> new RedisKitOptions(new JsonObject(json)).validate())
      .isInstanceOfSatisfying(ConfigurationException.class, e -> {
        assertThat(e.problems()).hasSize(11);
        assertThat(e.problems()).anyMatch(p -> p.startsWith("endpoints[1]:"))
          .anyMatch(p -> p.startsWith("masterName:"))
          .anyMatch(p -> p.startsWith("poolSize:"))
          .anyMatch(p -> p.startsWith("commandTimeoutMs: expected a number"))
          .anyMatch(p -> p.startsWith("connectTimeoutMs:"))
          .anyMatch(p -> p.startsWith("keyPrefix:"))
          .anyMatch(p -> p.startsWith("poolSzie: unknown key"))
          .anyMatch(p -> p.startsWith("cache.ttlMs:"))
          .anyMatch(p -> p.startsWith("cache.ttlJitterPercent:"))
          .anyMatch(p -> p.startsWith("rateLimit.localSharePercent:"))
          .anyMatch(p -> p.startsWith("rateLimit.bogus: unknown key"));
        assertThat(e.getMessage()).startsWith("Invalid RedisKit configuration (11 problems):");
        e.problems().forEach(p -> assertThat(e.getMessage()).contains(p));
      });
  }

  // ---- fluent setters fail at once on values that can never be valid ----

  static Stream<Arguments> impossibleSetterValues() {
    return Stream.<Arguments>of(
      setter(o -> o.setEndpoints(List.of()), "endpoints: must list at least one redis://, rediss:// or unix:// URI"),
      setter(o -> o.setEndpoints(null), "endpoints: must not be null"),
      setter(o -> o.setEndpoint("http://x:1"), "endpoints[0]: must start with redis://, rediss:// or unix://, was \"http://x:1\""),
      setter(o -> o.setEndpoint(null), "endpoints[0]: must be a redis://, rediss:// or unix:// URI, was null"),
      setter(o -> o.setType(null), "type: must be one of STANDALONE, SENTINEL, CLUSTER, REPLICATION, was null"),
      setter(o -> o.setRole(null), "role: must be one of MASTER, REPLICA, SENTINEL, was null"),
      setter(o -> o.setDatabase(-1), "database: must be >= 0"),
      setter(o -> o.setPoolSize(0), "poolSize: must be >= 1 connections, was 0"),
      setter(o -> o.setMaxPoolWaiting(-1), "maxPoolWaiting: must be >= 0 callers, was -1"),
      setter(o -> o.setConnectTimeoutMs(-1), "connectTimeoutMs: must be between 1 and 60000 ms, was -1"),
      setter(o -> o.setCommandTimeoutMs(0), "commandTimeoutMs: must be between 1 and 60000 ms, was 0"),
      setter(o -> o.setCommandTimeoutMs(120_000), "commandTimeoutMs: must be between 1 and 60000 ms, was 120000"),
      setter(o -> o.setMaxPendingCommands(0), "maxPendingCommands: must be between 1 and 1000000 commands, was 0"),
      setter(o -> o.setReconnectMaxDelayMs(0), "reconnectMaxDelayMs: must be between 1 and 300000 ms, was 0"),
      setter(o -> o.setBreakerMaxFailures(0), "breakerMaxFailures: must be >= 1 failures, was 0"),
      setter(o -> o.setBreakerResetTimeoutMs(-1), "breakerResetTimeoutMs: must be between 1 and 3600000 ms, was -1"),
      setter(o -> o.setTlsCaPath(" "), "tlsCaPath: must not be blank (null means the JVM's trust store), was \" \""),
      setter(o -> o.setKeyPrefix(""), "keyPrefix: must not be empty"),
      setter(o -> o.setKeyPrefix("a{b}"), "keyPrefix: must not contain '{' or '}'"),
      setter(o -> o.setKeyPrefix("a?"), "keyPrefix: must not contain the glob characters"),
      setter(o -> o.setAddressPrefix(null), "addressPrefix: must not be null"),
      setter(o -> o.setAddressPrefix("a b"), "addressPrefix: must not contain whitespace"),
      setter(o -> o.setCache(null), "cache: must not be null"),
      setter(o -> o.setRateLimit(null), "rateLimit: must not be null"),
      setter(o -> o.getCache().setTtlMs(0), "cache.ttlMs: must be >= 1 ms, was 0"),
      setter(o -> o.getCache().setStaleTtlMs(-1), "cache.staleTtlMs: must be >= 0 ms, was -1"),
      setter(o -> o.getCache().setMaxTtlMs(0), "cache.maxTtlMs: must be >= 1 ms, was 0"),
      setter(o -> o.getCache().setMaxValueBytes(0), "cache.maxValueBytes: must be between 1 and 536870912 bytes"),
      setter(o -> o.getCache().setTtlJitterPercent(51), "cache.ttlJitterPercent: must be between 0 and 50 percent, was 51"),
      setter(o -> o.getRateLimit().setTimeoutMs(0), "rateLimit.timeoutMs: must be between 1 and 60000 ms, was 0"),
      setter(o -> o.getRateLimit().setFailurePolicy(null), "rateLimit.failurePolicy: must be one of FAIL_OPEN, FAIL_CLOSED, LOCAL"),
      setter(o -> o.getRateLimit().setLocalSharePercent(101), "rateLimit.localSharePercent: must be between 1 and 100 percent"),
      setter(o -> o.getRateLimit().setDenyCacheSize(-1), "rateLimit.denyCacheSize: must be >= 0 entries, was -1"));
  }

  private static Arguments setter(java.util.function.Consumer<RedisKitOptions> call, String message) {
    return arguments(call, message);
  }

  @ParameterizedTest
  @MethodSource("impossibleSetterValues")
  void setterRejectsImpossibleValueAtOnce(java.util.function.Consumer<RedisKitOptions> call, String message) {
    RedisKitOptions o = new RedisKitOptions();
    JsonObject before = o.toJson();
    assertThatThrownBy(() -> call.accept(o))
      .isExactlyInstanceOf(IllegalArgumentException.class)
      .hasMessageStartingWith(message);
    assertThat(o.toJson()).as("a rejected value is not kept").isEqualTo(before);
  }

  @Test
  void crossFieldRulesAreLeftToValidate() {
    // Settable in any order: the check that ties them waits for validate().
    RedisKitOptions o = new RedisKitOptions().setType(RedisClientType.SENTINEL).setMasterName(null);
    o.getCache().setTtlMs(10_000).setMaxTtlMs(5_000);
    assertThat(o.problems()).containsExactly(
      "masterName: must be set when type is SENTINEL (the name of the master the sentinels monitor), was null",
      "cache.ttlMs: must be <= cache.maxTtlMs (5000 ms), was 10000");
  }

  @Test
  void endpointTopologyChecksWaitForValidate() {
    RedisKitOptions o = new RedisKitOptions().setEndpoint("redis://a:1/2").setDatabase(3);
    assertThat(o.problems()).isEmpty();
    o.setType(RedisClientType.CLUSTER);
    assertThat(o.problems()).hasSize(2);
  }
}
