package dev.rediskit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.rediskit.config.ConfigurationException;
import dev.rediskit.test.ChildJvm;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.LogCapture;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RespConnection;
import dev.rediskit.test.TlsCertificates;
import dev.rediskit.web.RedisKitRoutes;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

import static dev.rediskit.test.Futures.await;
import static dev.rediskit.test.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration as a user deploying RedisKit meets it, read from README's "Configuration" and
 * docs/CONFIGURATION.md: every entry point reads the same sources in the documented order (a child
 * JVM per run, given a real environment, system properties and config file), the URL forms users
 * paste into {@code REDIS_URL}, the password kept out of every log line, message and health reply,
 * every mistake of a broken configuration reported at once before anything reaches Redis, and the
 * documented defaults.
 */
@IntegrationTest
class ConfigurationAsAUserIT {

  /** Characters a generated password has and a URL must percent-encode. */
  static final String PASSWORD = "Pa55:w@rd/%x?#";
  /** Nothing listens on port 1 of the loopback network: a connect there is refused at once. */
  static final String DEAD_FILE = "redis://127.0.0.1:1";
  static final String DEAD_GIVEN = "redis://127.0.0.2:1";
  static final String DEAD_URL = "redis://127.0.0.3:1";

  static RedisServer secured;
  static RedisServer acl;
  Vertx vertx;

  @BeforeAll
  static void start() {
    secured = RedisServer.builder().password(PASSWORD).start();
    acl = RedisServer.builder().aclUser("app", PASSWORD).start();
  }

  @AfterAll
  static void stop() {
    secured.close();
    acl.close();
  }

  @BeforeEach
  void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void close() {
    await(vertx.close());
  }

  // ---------------------------------------------------------------- precedence, in a child JVM

  /**
   * One conflicting value per source for settings of every kind, each with its documented winner:
   * the list {@code endpoints} (set in all five sources: the system property wins), the string
   * {@code password} ({@code REDISKIT_PASSWORD} over {@code REDIS_PASSWORD} over the deployment
   * config and the file), the string {@code keyPrefix} (env over deployment over file), the integer
   * {@code cache.ttlMs} (deployment over file), the enums {@code rateLimit.algorithm} (env, in lower
   * case, over file) and {@code health.detail} (system property over env), the boolean
   * {@code rateLimit.shadowMode} and the object {@code rateLimit.serviceLimits}.
   */
  @ParameterizedTest
  @ValueSource(strings = {"verticle", "create", "load"})
  void everyEntryPointReadsTheSourcesInTheDocumentedOrder(String entryPoint) throws Exception {
    Path file = Files.createTempFile("rediskit-", ".json");
    Files.writeString(file, new JsonObject()
      .put("endpoints", new JsonArray().add(DEAD_FILE))
      .put("password", "wrong-from-file")
      .put("keyPrefix", "kfile")
      .put("cache", new JsonObject().put("ttlMs", 111_000))
      .put("rateLimit", new JsonObject().put("algorithm", "SLIDING_WINDOW").put("shadowMode", true)
        .put("serviceLimits", new JsonObject().put("mailer", "1/1m").put("sms", "7/1m")))
      .encodePrettily());
    JsonObject given = new JsonObject()
      .put("endpoints", DEAD_GIVEN)
      .put("password", "wrong-from-deployment")
      .put("keyPrefix", "kdeploy")
      .put("cache", new JsonObject().put("ttlMs", 222_000))
      .put("rateLimit", new JsonObject().put("shadowMode", false)
        .put("serviceLimits", new JsonObject().put("mailer", "2/1m")));
    Map<String, String> env = new LinkedHashMap<>();
    env.put("REDISKIT_CONFIG", file.toString());
    env.put("REDIS_URL", DEAD_URL);
    env.put("REDISKIT_ENDPOINTS", "redis://127.0.0.4:1");
    env.put("REDIS_PASSWORD", "wrong-from-redis-password");
    env.put("REDISKIT_PASSWORD", PASSWORD);
    env.put("REDISKIT_KEY_PREFIX", "kenv");
    env.put("REDISKIT_RATE_LIMIT_ALGORITHM", "fixed_window");
    env.put("REDISKIT_HEALTH_DETAIL", "FULL");
    env.put("REDISKIT_RATE_LIMIT_SERVICE_LIMITS", "{\"mailer\": \"3/1m\"}");
    Map<String, String> sys = Map.of("rediskit.endpoints", secured.uri(), "rediskit.health.detail", "minimal");

    secured.flushAll();
    Child run = Child.run(entryPoint, entryPoint.equals("load") ? null : given, env, sys);
    JsonObject result = run.result();
    assertThat(result.containsKey("error")).as(run.out()).isFalse();

    // endpoints: the system property over REDISKIT_ENDPOINTS, REDIS_URL, the deployment config, the file;
    // password: REDISKIT_PASSWORD over REDIS_PASSWORD and the rest, or no AUTH would have passed.
    assertThat(secured.command("EXISTS", "kenv:c:cfg:0:k")).as(run.out()).isEqualTo(1L);
    // cache.ttlMs: the deployment config (or options given in code) over the file; load has no such layer.
    long pttl = (Long) secured.command("PTTL", "kenv:c:cfg:0:k");
    if (entryPoint.equals("load")) {
      assertThat(pttl).isBetween(100_000L, 111_000L);
    } else {
      assertThat(pttl).isBetween(200_000L, 222_000L);
    }
    // rateLimit.algorithm: env (any case) over the file: the fixed-window family holds the service's state.
    assertThat(secured.command("EXISTS", "kenv:rl:f:s:mailer")).as(run.out()).isEqualTo(1L);
    assertThat(secured.command("EXISTS", "kenv:rl:w:s:mailer")).isEqualTo(0L);
    // rateLimit.serviceLimits: the variable's object wins over the deployment config's and the file's.
    assertThat(result.getJsonObject("mailer").getLong("limit")).as(run.out()).isEqualTo(3L);
    // A variable's JSON object replaces the object below it as a whole: the file's "sms" is gone.
    assertThat(result.getJsonObject("sms").getString("failed")).as(run.out()).contains("sms");
    // health.detail: the system property (lower case) over env: MINIMAL shows no data.
    assertThat(result.getJsonObject("health").getString("status")).isEqualTo("UP");
    assertThat(result.getJsonObject("health").containsKey("data")).as(run.out()).isFalse();
    // rateLimit.shadowMode false, its default, given in the deployment config or in the JSON the options
    // were built from, is given all the same and wins over the file's true; load has no such layer.
    boolean shadowExpected = entryPoint.equals("load");
    assertThat(result.getBoolean("shadowSecondAllowed")).as(run.out()).isEqualTo(shadowExpected);
    if (!entryPoint.equals("verticle")) {
      JsonObject options = result.getJsonObject("options");
      assertThat(options.getJsonArray("endpoints").getString(0)).isEqualTo(secured.uri());
      assertThat(options.getString("keyPrefix")).isEqualTo("kenv");
      assertThat(options.getJsonObject("rateLimit").getString("algorithm")).isEqualTo("FIXED_WINDOW");
      assertThat(options.getJsonObject("health").getString("detail")).isEqualTo("MINIMAL");
      assertThat(options.getString("password")).isEqualTo(RedisKitOptions.REDACTED);
    }
    // The start-up line says where the endpoints came from.
    assertThat(run.out()).contains("endpoints from system property rediskit.endpoints");
    assertThat(run.out()).doesNotContain(PASSWORD).doesNotContain("wrong-from");
    Files.deleteIfExists(file);
  }

  /**
   * {@code REDIS_URL} as a user pastes it, credentials and database in the URL, the password
   * percent-encoded: it wins over the deployment config's endpoints, logs in as the ACL user and
   * selects the database, and the password appears nowhere in the child's output.
   */
  @ParameterizedTest
  @ValueSource(strings = {"verticle", "create"})
  void redisUrlWithUserPasswordAndDatabaseWinsOverTheDeploymentConfig(String entryPoint) throws Exception {
    String url = acl.uri("app", PASSWORD) + "/3";
    assertThat(url).contains("%40").contains("%2F").contains("%25");
    acl.flushAll();
    Child run = Child.run(entryPoint, new JsonObject().put("endpoints", DEAD_GIVEN), Map.of("REDIS_URL", url), Map.of());
    assertThat(run.result().containsKey("error")).as(run.out()).isFalse();
    try (RespConnection c = acl.connect("app", PASSWORD)) {
      c.call("SELECT", "3");
      assertThat(c.call("EXISTS", "rediskit:c:cfg:0:k")).as(run.out()).isEqualTo(1L);
      c.call("SELECT", "0");
      assertThat(c.call("EXISTS", "rediskit:c:cfg:0:k")).isEqualTo(0L);
    }
    assertThat(run.out()).contains("endpoints from env REDIS_URL")
      .doesNotContain(PASSWORD).doesNotContain("%40rd%2F");
    // FULL health detail by default: it shows the server and never the credentials.
    assertThat(run.result().getJsonObject("health").encode()).contains("data").doesNotContain(PASSWORD)
      .doesNotContain("Pa55");
  }

  /**
   * The file nobody names: {@code conf/rediskit.json} under the working directory is read when it
   * exists, below the environment (here: the password).
   */
  @Test
  void theDefaultConfigFileIsReadFromTheWorkingDirectory() throws Exception {
    Path dir = Files.createTempDirectory("app-");
    Files.createDirectories(dir.resolve("conf"));
    Files.writeString(dir.resolve("conf/rediskit.json"), new JsonObject().put("endpoints", secured.uri())
      .put("keyPrefix", "kconf").put("password", "wrong-from-file").encode());
    secured.flushAll();
    Child run = Child.run("load", null, Map.of("REDIS_PASSWORD", PASSWORD), Map.of(), dir);
    assertThat(run.result().containsKey("error")).as(run.out()).isFalse();
    assertThat(run.result().getJsonObject("loaded").getString("keyPrefix")).isEqualTo("kconf");
    assertThat(secured.command("EXISTS", "kconf:c:cfg:0:k")).as(run.out()).isEqualTo(1L);
    assertThat(run.out()).contains("endpoints from config file conf/rediskit.json").doesNotContain(PASSWORD);
  }

  /** Which of the endpoint variables wins, on the pure reader the entry points use. */
  @Test
  void rediskitEndpointsWinsOverRedisUrlAndRediskitPasswordOverRedisPassword() {
    RedisKitOptions options = RedisKitConfig.fromSources(null,
      Map.of("REDIS_URL", "redis://a:6379", "REDISKIT_ENDPOINTS", "redis://b:6379",
        "REDIS_PASSWORD", "conventional", "REDISKIT_PASSWORD", "own"), new Properties());
    assertThat(options.getEndpoints()).containsExactly("redis://b:6379");
    assertThat(options.getPassword()).isEqualTo("own");
    assertThat(options.validate().getEndpoints()).containsExactly("redis://b:6379");
  }

  /**
   * How objects meet: JSON sources (the file, the deployment config) merge key by key, so the
   * deployment config's one service limit leaves the file's others in force; a variable or property
   * holds one whole value, its JSON text, and replaces the object below it.
   */
  @Test
  void objectsMergeKeyByKeyBetweenJsonSourcesAndAreReplacedByAVariable() {
    JsonObject file = new JsonObject().put("rateLimit", new JsonObject()
      .put("serviceLimits", new JsonObject().put("mailer", "1/1m").put("sms", "7/1m")));
    JsonObject given = new JsonObject().put("rateLimit", new JsonObject()
      .put("serviceLimits", new JsonObject().put("mailer", "2/1m")));
    RedisKitOptions merged = RedisKitConfig.fromSources(file, "config file", given, "deployment config", Map.of(),
      new Properties()).validate();
    assertThat(merged.getRateLimit().getServiceLimits()).containsOnlyKeys("mailer", "sms");
    assertThat(merged.getRateLimit().getServiceLimits().get("mailer").limit()).isEqualTo(2);
    RedisKitOptions replaced = RedisKitConfig.fromSources(file, "config file", given, "deployment config",
      Map.of("REDISKIT_RATE_LIMIT_SERVICE_LIMITS", "{\"mailer\": \"3/1m\"}"), new Properties()).validate();
    assertThat(replaced.getRateLimit().getServiceLimits()).containsOnlyKeys("mailer");
  }

  /** The topologies are a type and a list of URLs, which REDIS_URL carries comma-separated. */
  @Test
  void clusterSeedsInRedisUrl() {
    RedisKitOptions options = RedisKitConfig.fromSources(null, Map.of("REDIS_URL",
      "redis://10.0.0.11:7000, redis://10.0.0.12:7000,redis://10.0.0.13:7000", "REDISKIT_TYPE", "cluster"),
      new Properties()).validate();
    assertThat(options.getType().name()).isEqualTo("CLUSTER");
    assertThat(options.getEndpoints()).containsExactly("redis://10.0.0.11:7000", "redis://10.0.0.12:7000",
      "redis://10.0.0.13:7000");
  }

  // ---------------------------------------------------------------- URL forms

  @Test
  void rediss() {
    TlsCertificates certs = TlsCertificates.shared();
    try (RedisServer tls = RedisServer.builder().tls(certs).tlsAuthClients(false).start()) {
      RedisKitOptions options = new RedisKitOptions(new JsonObject().put("endpoints", tls.uri())
        .put("tlsCaPath", certs.caCert().toString()).put("connectTimeoutMs", 10_000));
      RedisKit kit = await(RedisKit.create(vertx, options));
      await(kit.cache().namespace("tls").set("k", "v"));
      assertThat(tls.command("EXISTS", "rediskit:c:tls:0:k")).isEqualTo(1L);
      await(kit.close());
    }
  }

  @Test
  void ipv6Host() {
    try (RedisServer v6 = RedisServer.builder().config("bind 127.0.0.1 ::1").start()) {
      String url = "redis://[::1]:" + v6.port();
      RedisKit kit = await(RedisKit.create(vertx, new RedisKitOptions(new JsonObject().put("endpoints", url))));
      await(kit.cache().namespace("v6").set("k", "v"));
      assertThat(v6.command("EXISTS", "rediskit:c:v6:0:k")).isEqualTo(1L);
      await(kit.close());
      // With credentials, the redaction keeps the brackets and hides the password.
      String withPassword = "redis://:" + "s3cr%40t" + "@[::1]:" + v6.port();
      assertThat(RedisKitOptions.redact(withPassword)).isEqualTo("redis://:***@[::1]:" + v6.port());
    }
  }

  /**
   * The docs list redis://, rediss:// and unix:// and a {@code type} key for the topologies;
   * URLs of other clients' forms are refused naming the key, before anything connects, and a
   * scheme that names a topology is told which key says it here.
   */
  @ParameterizedTest
  @ValueSource(strings = {"redis-sentinel://s1:26379/mymaster", "redis-cluster://n1:7000", "http://redis:6379"})
  void otherClientsUrlFormsAreRefusedNamingTheKey(String url) {
    ConfigurationException e = (ConfigurationException) failure(RedisKitConfig.resolve(vertx,
      new JsonObject().put("endpoints", url), "deployment config"));
    assertThat(e.getMessage()).contains("endpoints[0]").contains("must start with redis://");
    if (url.contains("sentinel")) {
      assertThat(e.getMessage()).contains("type SENTINEL").contains("masterName");
    } else if (url.contains("cluster")) {
      assertThat(e.getMessage()).contains("type CLUSTER");
    }
  }

  // ---------------------------------------------------------------- secrets

  /**
   * The password, in the URL and as its own setting, through a successful start, a health reply
   * over HTTP, a wrong password, an unreachable host, an invalid configuration and a malformed URL:
   * it is in no log line of any level and of any logger, in no message, in no reply.
   */
  @Test
  void thePasswordIsNeverPrinted() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Logger module = (Logger) LoggerFactory.getLogger("dev.rediskit");
    Level rootLevel = root.getLevel();
    Level moduleLevel = module.getLevel();
    List<String> seen = new ArrayList<>();
    try (LogCapture logs = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
      root.setLevel(Level.DEBUG);
      module.setLevel(Level.TRACE);
      String url = secured.uri(null, PASSWORD);

      RedisKitOptions options = new RedisKitOptions(new JsonObject().put("endpoints", url));
      seen.add(options.toString());
      seen.add(options.toDisplayJson().encode());
      RedisKit kit = await(RedisKit.create(vertx, options));
      seen.add(kit.options().toString());
      Router router = Router.router(vertx);
      RedisKitRoutes.create(kit.health(), kit.options().getMetrics()).mount(router);
      HttpServer server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
      String body = await(vertx.createHttpClient().request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/health/redis")
        .compose(r -> r.send()).compose(r -> r.body())).toString();
      assertThat(body).contains("\"status\":\"UP\"").contains("\"version\"");
      seen.add(body);
      seen.add(await(vertx.createHttpClient().request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/health")
        .compose(r -> r.send()).compose(r -> r.body())).toString());
      seen.add(await(kit.health().checkAsJson()).encode());
      await(server.close());
      await(kit.close());

      // A password of its own, wrong: the start fails saying so, without the password.
      seen.add(message(RedisKit.create(vertx, new RedisKitOptions(new JsonObject()
        .put("endpoints", secured.uri()).put("password", PASSWORD + "-nope")))));
      seen.add(message(RedisKit.create(vertx, new RedisKitOptions(new JsonObject()
        .put("endpoints", secured.uri(null, PASSWORD + "-nope"))))));
      // Unreachable, the password in the URL.
      seen.add(message(RedisKit.create(vertx, new RedisKitOptions(new JsonObject()
        .put("endpoints", "redis://:" + java.net.URLEncoder.encode(PASSWORD, "UTF-8") + "@127.0.0.1:1")
        .put("connectTimeoutMs", 500)))));
      // The verticle, wrong password.
      seen.add(message(vertx.deployVerticle(RedisKitVerticle.class, new DeploymentOptions().setConfig(new JsonObject()
        .put("endpoints", secured.uri()).put("password", PASSWORD + "-nope")))));
      // Invalid configuration next to a password.
      seen.add(message(RedisKitConfig.resolve(vertx, new JsonObject().put("endpoints", url)
        .put("commandTimeoutMs", -1), "deployment config")));
      // A malformed URL holding the password: the problem must not quote it.
      seen.add(message(RedisKitConfig.resolve(vertx, new JsonObject()
        .put("endpoints", "redis://:" + PASSWORD + "@127.0.0.1:notaport"), "deployment config")));
      seen.add(message(RedisKitConfig.resolve(vertx, new JsonObject()
        .put("endpoints", "redis://:hunter2secret@127.0.0.1:notaport"), "deployment config")));
      seen.addAll(logs.all());
    } finally {
      root.setLevel(rootLevel);
      module.setLevel(moduleLevel);
    }
    String encoded = java.net.URLEncoder.encode(PASSWORD, "UTF-8");
    for (String text : seen) {
      assertThat(text).doesNotContain(PASSWORD).doesNotContain(encoded).doesNotContain("hunter2secret")
        .doesNotContain("Pa55");
    }
    String shown = String.join("\n", seen);
    // The checks saw real lines: the start-up line with the hidden password, the failures' reasons.
    assertThat(shown).contains("connected to Redis at redis://:***@127.0.0.1:" + secured.port())
      .contains("DEBUG").contains("WRONGPASS");
  }

  /** toJson() is the form the JSON constructor reads back, so it holds the password, as its Javadoc says. */
  @Test
  void toJsonHoldsThePasswordToDisplayJsonDoesNot() {
    RedisKitOptions options = new RedisKitOptions().setPassword(PASSWORD);
    assertThat(options.toJson().getString("password")).isEqualTo(PASSWORD);
    assertThat(options.toDisplayJson().encode()).doesNotContain(PASSWORD);
    assertThat(new RedisKitOptions(options.toJson()).getPassword()).isEqualTo(PASSWORD);
  }

  private static String message(Future<?> start) {
    Throwable e = failure(start);
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.append(t.getClass().getName()).append(": ").append(t.getMessage()).append('\n');
    }
    return all.toString();
  }

  // ---------------------------------------------------------------- invalid configuration

  /** Four mistakes at once, through each entry point: every one named with its key and reason, and no connection made. */
  @ParameterizedTest
  @ValueSource(strings = {"verticle", "create", "load"})
  void aBrokenConfigurationListsEveryProblemBeforeReachingRedis(String entryPoint) throws Exception {
    JsonObject config = new JsonObject()
      .put("endpoints", secured.uri(null, PASSWORD))
      .put("commandTimeoutMs", -5)
      .put("comandTimeoutMs", 500)
      .put("cache", new JsonObject().put("ttlMs", "5m"))
      .put("rateLimit", new JsonObject().put("failurePolicy", "FAIL_SOMETIMES").put("defaultTokenLimit", "100 per minute"))
      .put("health", new JsonObject().put("detial", "MINIMAL"));
    long before;
    try (RespConnection c = secured.connect()) {
      before = EntryPointEnvironmentIT.connectionsReceived(c);
      Future<?> start = switch (entryPoint) {
        case "verticle" -> vertx.deployVerticle(RedisKitVerticle.class, new DeploymentOptions().setConfig(config));
        case "create" -> RedisKit.create(vertx, new RedisKitOptions(config));
        default -> {
          Path file = Files.createTempFile("broken-", ".json");
          Files.writeString(file, config.encodePrettily());
          yield RedisKitConfig.load(vertx, file.toString());
        }
      };
      Throwable e = failure(start);
      assertThat(e).isInstanceOf(ConfigurationException.class);
      List<String> problems = ((ConfigurationException) e).problems();
      String all = String.join("\n", problems);
      assertThat(all).as(all)
        .contains("commandTimeoutMs").contains("-5")
        .contains("comandTimeoutMs").contains("did you mean \"commandTimeoutMs\"")
        .contains("cache.ttlMs").contains("5m")
        .contains("rateLimit.failurePolicy").contains("FAIL_SOMETIMES").contains("FAIL_OPEN")
        .contains("rateLimit.defaultTokenLimit").contains("100 per minute")
        .contains("health.detial").contains("did you mean \"health.detail\"")
        .doesNotContain(PASSWORD);
      assertThat(problems).hasSize(6);
      assertThat(e.getMessage()).contains("comandTimeoutMs").contains("rateLimit.defaultTokenLimit");
      assertThat(EntryPointEnvironmentIT.connectionsReceived(c)).as("connections").isEqualTo(before + 0);
      assertThat(vertx.deploymentIDs()).isEmpty();
    }
  }

  /** The same kinds of mistakes from variables and properties name the variable or property. */
  @Test
  void mistakesInTheEnvironmentNameTheVariable() {
    Properties sys = new Properties();
    sys.setProperty("rediskit.rateLimit.shadowMode", "yes");
    sys.setProperty("rediskit.comandTimeoutMs", "5");
    RedisKitOptions options = RedisKitConfig.fromSources(null, Map.of(
      "REDISKIT_COMMAND_TIMEOUT_MS", "500ms",
      "REDISKIT_HEALTH_DETAIL", "VERBOSE",
      "REDISKIT_RATE_LIMIT_SERVICE_LIMITS", "{\"mailer\": \"fast\"}",
      "REDISKIT_CACHE_TTLMS", "1"), sys);
    Throwable e = org.assertj.core.api.Assertions.catchThrowable(options::validate);
    String all = String.join("\n", ((ConfigurationException) e).problems());
    assertThat(all).as(all)
      .contains("commandTimeoutMs (from env REDISKIT_COMMAND_TIMEOUT_MS)").contains("500ms")
      .contains("health.detail (from env REDISKIT_HEALTH_DETAIL)").contains("VERBOSE")
      .contains("REDISKIT_RATE_LIMIT_SERVICE_LIMITS").contains("fast")
      .contains("env REDISKIT_CACHE_TTLMS: unknown setting").contains("REDISKIT_CACHE_TTL_MS")
      .contains("rateLimit.shadowMode (from system property rediskit.rateLimit.shadowMode)").contains("yes")
      .contains("system property rediskit.comandTimeoutMs: unknown setting");
  }

  /** A section spelled in the wrong case, and a named file that is not there: each said, not skipped. */
  @Test
  void aMisspelledSectionAndAMissingFileAreReported() {
    RedisKitOptions options = RedisKitConfig.fromSources(new JsonObject().put("ratelimit",
      new JsonObject().put("shadowMode", true)), Map.of(), new Properties());
    Throwable e = org.assertj.core.api.Assertions.catchThrowable(options::validate);
    assertThat(((ConfigurationException) e).problems()).anySatisfy(p ->
      assertThat(p).contains("ratelimit").contains("did you mean \"rateLimit\""));
    Throwable missing = failure(RedisKitConfig.load(vertx, "/nonexistent/rediskit.json"));
    assertThat(missing).isInstanceOf(ConfigurationException.class)
      .hasMessageContaining("/nonexistent/rediskit.json").hasMessageContaining("no such file");
  }

  // ---------------------------------------------------------------- the docs' table

  /** A sample of CONFIGURATION.md's rows against what new options report. */
  @Test
  void theDocumentedDefaultsAreWhatTheOptionsReport() throws Exception {
    Map<String, String> documented = new LinkedHashMap<>();
    for (String line : Files.readAllLines(Path.of("docs/CONFIGURATION.md"))) {
      if (line.startsWith("| `")) {
        String[] cells = line.split("\\|");
        documented.put(cells[1].trim().replace("`", ""), cells[5].trim().replace("`", ""));
      }
    }
    RedisKitOptions o = new RedisKitOptions();
    Map<String, Function<RedisKitOptions, Object>> sample = new LinkedHashMap<>();
    sample.put("endpoints", x -> String.join(",", x.getEndpoints()));
    sample.put("type", RedisKitOptions::getType);
    sample.put("poolSize", RedisKitOptions::getPoolSize);
    sample.put("connectTimeoutMs", RedisKitOptions::getConnectTimeoutMs);
    sample.put("commandTimeoutMs", RedisKitOptions::getCommandTimeoutMs);
    sample.put("tlsHostnameVerification", RedisKitOptions::isTlsHostnameVerification);
    sample.put("keyPrefix", RedisKitOptions::getKeyPrefix);
    sample.put("cache.ttlMs", x -> x.getCache().getTtlMs());
    sample.put("cache.maxTtlMs", x -> x.getCache().getMaxTtlMs());
    sample.put("cache.compression.codec", x -> x.getCache().getCompression().getCodec());
    sample.put("rateLimit.failurePolicy", x -> x.getRateLimit().getFailurePolicy());
    sample.put("rateLimit.algorithm", x -> x.getRateLimit().getAlgorithm());
    sample.put("rateLimit.shadowMode", x -> x.getRateLimit().isShadowMode());
    sample.put("rateLimit.defaultTokenLimit", x -> x.getRateLimit().getDefaultTokenLimit());
    sample.put("health.detail", x -> x.getHealth().getDetail());
    sample.put("health.redisPath", x -> x.getHealth().getRedisPath());
    sample.put("metrics.healthProbeIntervalMs", x -> x.getMetrics().getHealthProbeIntervalMs());
    sample.forEach((key, getter) ->
      assertThat(documented.get(key)).as(key).isEqualTo(String.valueOf(getter.apply(o))));
    assertThat(documented.get("password")).isEqualTo("(not set)");
    assertThat(o.getPassword()).isNull();
    assertThat(documented.get("addressPrefix")).isEqualTo("\"\" (empty)");
    assertThat(o.getAddressPrefix()).isEmpty();
  }

  // ---------------------------------------------------------------- the child JVM

  /** A child JVM's output, and the result line it printed. */
  record Child(String out, JsonObject result) {

    static Child run(String entryPoint, JsonObject given, Map<String, String> env, Map<String, String> sys) throws Exception {
      return run(entryPoint, given, env, sys, null);
    }

    static Child run(String entryPoint, JsonObject given, Map<String, String> env, Map<String, String> sys, Path dir)
      throws Exception {
      List<String> jvmArgs = new ArrayList<>();
      sys.forEach((k, v) -> jvmArgs.add("-D" + k + "=" + v));
      List<String> args = new ArrayList<>(List.of(entryPoint));
      if (given != null) {
        args.add(given.encode());
      }
      String out = ChildJvm.run(ConfigurationChild.class, jvmArgs, args, env, dir).output();
      String line = out.lines().filter(l -> l.startsWith(ConfigurationChild.RESULT)).findFirst()
        .orElseThrow(() -> new AssertionError("no result line:\n" + out));
      return new Child(out, new JsonObject(line.substring(ConfigurationChild.RESULT.length())));
    }
  }
}
