package dev.rediskit.test;

import java.lang.reflect.Parameter;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that starts the Redis servers a test class needs and stops them afterwards.
 *
 * <p><b>Configured</b> (the usual way): register a configured instance in a field.
 * <pre>{@code
 * @ExtendWith(VertxExtension.class)
 * class RateLimiterIT {
 *   @RegisterExtension
 *   static final RedisServers redis = RedisServers.standalone().withPassword("s3cret");
 *
 *   @Test
 *   void limits(Vertx vertx, RedisServer server) {   // or redis.server(), redis.uri()
 *     ...
 *   }
 * }
 * }</pre>
 * In a {@code static} field the servers are started once before all tests of the class and stopped after them; in
 * an instance field they are started before and stopped after each test, which suits tests that kill nodes or
 * otherwise change the topology. Before each test of a shared setup, processes that a previous test stopped are
 * restarted and all data is flushed, so tests do not see each other's keys (opt out with
 * {@link #keepDataBetweenTests()}). Shared setups are not restored beyond that: a test that made a Sentinel or cluster
 * fail over leaves the roles swapped for the next one.
 *
 * <p><b>On demand</b>: {@code @ExtendWith(RedisServers.class)} resolves parameters of type {@link RedisServer},
 * {@link RedisCluster}, {@link RedisSentinel} and {@link TlsCertificates} with a default setup, started on first use
 * and shared by the test class (and flushed before each test). Do not combine both styles in one class: two
 * registrations would compete for the same parameter types.
 *
 * <p>A configured instance resolves parameters of the type it manages ({@link RedisServer}, {@link RedisCluster} or
 * {@link RedisSentinel}), and {@link TlsCertificates} when TLS is on.
 */
public final class RedisServers
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RedisServers.class);
  private static final List<Class<?>> ON_DEMAND_TYPES =
      List.of(RedisServer.class, RedisCluster.class, RedisSentinel.class);

  private enum Kind { ON_DEMAND, STANDALONE, CLUSTER, SENTINEL }

  private final Kind kind;
  private final RedisServer.Builder serverBuilder;
  private final RedisCluster.Builder clusterBuilder;
  private final RedisSentinel.Builder sentinelBuilder;
  private boolean flushBeforeEach = true;
  private boolean tls;

  private Fixture fixture;
  private Class<?> startedForClass;
  private boolean startedForMethod;

  /** On-demand mode, for {@code @ExtendWith(RedisServers.class)}: resolves fixture parameters with defaults. */
  public RedisServers() {
    this(Kind.ON_DEMAND, null, null, null);
  }

  private RedisServers(Kind kind, RedisServer.Builder server, RedisCluster.Builder cluster,
      RedisSentinel.Builder sentinel) {
    this.kind = kind;
    this.serverBuilder = server;
    this.clusterBuilder = cluster;
    this.sentinelBuilder = sentinel;
  }

  /**
   * A single plain server.
   *
   * @return the extension, to be configured further and registered
   */
  public static RedisServers standalone() {
    return of(RedisServer.builder());
  }

  /**
   * A 3-master cluster (see {@link RedisCluster}).
   *
   * @return the extension, to be configured further and registered
   */
  public static RedisServers cluster() {
    return of(RedisCluster.builder());
  }

  /**
   * Master, replica and one Sentinel (see {@link RedisSentinel}).
   *
   * @return the extension, to be configured further and registered
   */
  public static RedisServers sentinel() {
    return of(RedisSentinel.builder());
  }

  /**
   * A single server configured by the given builder, for settings without a shortcut here.
   *
   * @param builder the server configuration
   * @return the extension
   */
  public static RedisServers of(RedisServer.Builder builder) {
    return new RedisServers(Kind.STANDALONE, Objects.requireNonNull(builder), null, null);
  }

  /**
   * A cluster configured by the given builder.
   *
   * @param builder the cluster configuration
   * @return the extension
   */
  public static RedisServers of(RedisCluster.Builder builder) {
    return new RedisServers(Kind.CLUSTER, null, Objects.requireNonNull(builder), null);
  }

  /**
   * A Sentinel setup configured by the given builder.
   *
   * @param builder the Sentinel setup configuration
   * @return the extension
   */
  public static RedisServers of(RedisSentinel.Builder builder) {
    return new RedisServers(Kind.SENTINEL, null, null, Objects.requireNonNull(builder));
  }

  /**
   * Requires a password for the default user on every data node ({@code requirepass}).
   *
   * @param password the password
   * @return this extension
   */
  public RedisServers withPassword(String password) {
    configurable();
    switch (kind) {
      case STANDALONE -> serverBuilder.password(password);
      case CLUSTER -> clusterBuilder.password(password);
      default -> sentinelBuilder.password(password);
    }
    return this;
  }

  /**
   * Adds an ACL user with full access on every data node.
   *
   * @param user     user name
   * @param password its password
   * @return this extension
   */
  public RedisServers withAclUser(String user, String password) {
    configurable();
    switch (kind) {
      case STANDALONE -> serverBuilder.aclUser(user, password);
      case CLUSTER -> clusterBuilder.eachNode(node -> node.aclUser(user, password));
      default -> sentinelBuilder.eachDataNode(node -> node.aclUser(user, password));
    }
    return this;
  }

  /**
   * Serves TLS only, with {@link TlsCertificates#shared()}: the server, every cluster node (cluster bus included), or
   * the data nodes and Sentinels of a Sentinel setup (replication included).
   *
   * @return this extension
   */
  public RedisServers tls() {
    configurable();
    switch (kind) {
      case STANDALONE -> serverBuilder.tls(TlsCertificates.shared());
      case CLUSTER -> clusterBuilder.tls(TlsCertificates.shared());
      default -> sentinelBuilder.tls(TlsCertificates.shared());
    }
    tls = true;
    return this;
  }

  /**
   * Gives every cluster master one replica; clusters only.
   *
   * @return this extension
   */
  public RedisServers withReplicas() {
    configurable();
    if (kind != Kind.CLUSTER) {
      throw new UnsupportedOperationException("withReplicas() is for clusters; Sentinel setups always have one");
    }
    clusterBuilder.replicasPerMaster(1);
    return this;
  }

  /**
   * Keeps data between the tests of a class instead of flushing before each (stopped processes are still
   * restarted).
   *
   * @return this extension
   */
  public RedisServers keepDataBetweenTests() {
    flushBeforeEach = false;
    return this;
  }

  /**
   * The standalone server.
   *
   * @return the running server
   * @throws IllegalStateException when this extension manages something else or nothing runs yet
   */
  public RedisServer server() {
    return running(Kind.STANDALONE, RedisServer.class);
  }

  /**
   * The cluster.
   *
   * @return the running cluster
   * @throws IllegalStateException when this extension manages something else or nothing runs yet
   */
  public RedisCluster redisCluster() {
    return running(Kind.CLUSTER, RedisCluster.class);
  }

  /**
   * The Sentinel setup.
   *
   * @return the running setup
   * @throws IllegalStateException when this extension manages something else or nothing runs yet
   */
  public RedisSentinel redisSentinel() {
    return running(Kind.SENTINEL, RedisSentinel.class);
  }

  /**
   * The URI a client starts from: the server's, the first cluster node's, or the first Sentinel's.
   *
   * @return a connection string without credentials
   */
  public String uri() {
    return endpoints().get(0);
  }

  /**
   * All URIs a client may be given: the server's, every cluster node's, or every Sentinel's.
   *
   * @return connection strings without credentials
   */
  public List<String> endpoints() {
    return switch (kind) {
      case STANDALONE -> List.of(server().uri());
      case CLUSTER -> redisCluster().endpoints();
      case SENTINEL -> redisSentinel().sentinelEndpoints();
      default -> throw new IllegalStateException("On-demand mode has no single setup; use parameters");
    };
  }

  /**
   * The certificates of a TLS setup.
   *
   * @return the shared test certificates
   */
  public TlsCertificates tlsCertificates() {
    return TlsCertificates.shared();
  }

  /** Removes all keys now, e.g. in the middle of a test. */
  public void flushAll() {
    if (fixture == null) {
      throw new IllegalStateException("Nothing is running");
    }
    fixture.flush.run();
  }

  /**
   * Starts a static field's setup once for the class.
   *
   * @param context the class context
   */
  @Override
  public void beforeAll(ExtensionContext context) {
    if (kind == Kind.ON_DEMAND || fixture != null) {
      // A static field's extension is also invoked for @Nested classes; they share the outer class's setup.
      return;
    }
    fixture = start();
    startedForClass = context.getRequiredTestClass();
  }

  /**
   * Stops a static field's setup after the class that started it.
   *
   * @param context the class context
   */
  @Override
  public void afterAll(ExtensionContext context) {
    if (fixture != null && !startedForMethod && context.getRequiredTestClass() == startedForClass) {
      stopFixture();
    }
  }

  /**
   * Starts an instance field's setup, or readies a shared one: restarts stopped processes and flushes data.
   *
   * @param context the test context
   */
  @Override
  public void beforeEach(ExtensionContext context) {
    if (kind == Kind.ON_DEMAND) {
      ExtensionContext.Store store = context.getStore(NAMESPACE);
      for (Class<?> type : ON_DEMAND_TYPES) {
        Fixture stored = store.get(type, Fixture.class);
        if (stored != null) {
          prepare(stored);
        }
      }
      return;
    }
    if (fixture == null) {
      fixture = start();
      startedForMethod = true;
      return;
    }
    prepare(fixture);
  }

  /**
   * Stops an instance field's setup after each test.
   *
   * @param context the test context
   */
  @Override
  public void afterEach(ExtensionContext context) {
    if (startedForMethod) {
      startedForMethod = false;
      stopFixture();
    }
  }

  /**
   * Whether a parameter is one of the fixture types this registration provides.
   *
   * @param parameterContext the parameter
   * @param extensionContext the context
   * @return {@code true} when this extension resolves it
   */
  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    Class<?> type = parameterContext.getParameter().getType();
    return switch (kind) {
      case ON_DEMAND -> ON_DEMAND_TYPES.contains(type) || type == TlsCertificates.class;
      case STANDALONE -> type == RedisServer.class || (tls && type == TlsCertificates.class);
      case CLUSTER -> type == RedisCluster.class;
      case SENTINEL -> type == RedisSentinel.class;
    };
  }

  /**
   * Provides the running fixture, starting an on-demand one on first use.
   *
   * @param parameterContext the parameter
   * @param extensionContext the context
   * @return the fixture
   */
  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    Parameter parameter = parameterContext.getParameter();
    Class<?> type = parameter.getType();
    if (type == TlsCertificates.class) {
      return TlsCertificates.shared();
    }
    if (kind != Kind.ON_DEMAND) {
      if (fixture == null) {
        // Only possible for an instance field's extension asked to fill a constructor parameter, which JUnit
        // resolves before any callback of that extension runs.
        throw new ParameterResolutionException("The " + kind + " setup is not running yet when " + parameter
            + " is resolved; register the extension in a static field or take the parameter in a test method");
      }
      return fixture.value;
    }
    ExtensionContext.Store store = classContext(extensionContext).getStore(NAMESPACE);
    return store.getOrComputeIfAbsent(type, RedisServers::startDefault, Fixture.class).value;
  }

  private void prepare(Fixture target) {
    target.ensureRunning.run();
    if (flushBeforeEach) {
      target.flush.run();
    }
  }

  private Fixture start() {
    return switch (kind) {
      case STANDALONE -> Fixture.of(serverBuilder.start());
      case CLUSTER -> Fixture.of(clusterBuilder.start());
      case SENTINEL -> Fixture.of(sentinelBuilder.start());
      default -> throw new IllegalStateException("On-demand mode starts fixtures per parameter type");
    };
  }

  private static Fixture startDefault(Class<?> type) {
    if (type == RedisServer.class) {
      return Fixture.of(RedisServer.start());
    }
    if (type == RedisCluster.class) {
      return Fixture.of(RedisCluster.start());
    }
    return Fixture.of(RedisSentinel.start());
  }

  private void stopFixture() {
    Fixture stopping = fixture;
    fixture = null;
    startedForClass = null;
    stopping.close();
  }

  private void configurable() {
    if (kind == Kind.ON_DEMAND) {
      throw new UnsupportedOperationException("Use a factory such as RedisServers.standalone() to configure");
    }
    if (fixture != null) {
      throw new IllegalStateException("Configure the extension before it starts");
    }
  }

  private <T> T running(Kind expected, Class<T> type) {
    if (kind != expected) {
      throw new IllegalStateException("This extension manages a " + kind + " setup, not a " + expected + " one");
    }
    if (fixture == null) {
      throw new IllegalStateException("The " + kind + " setup is not running (only during tests of the class)");
    }
    return type.cast(fixture.value);
  }

  private static ExtensionContext classContext(ExtensionContext context) {
    ExtensionContext current = context;
    while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
      current = current.getParent().get();
    }
    return current;
  }

  /** A running setup with what the extension does to it between tests; closed by JUnit when stored. */
  private static final class Fixture implements ExtensionContext.Store.CloseableResource {

    final Object value;
    final Runnable ensureRunning;
    final Runnable flush;
    final AutoCloseable closer;

    private Fixture(Object value, Runnable ensureRunning, Runnable flush, AutoCloseable closer) {
      this.value = value;
      this.ensureRunning = ensureRunning;
      this.flush = flush;
      this.closer = closer;
    }

    static Fixture of(RedisServer server) {
      return new Fixture(server, () -> {
        if (!server.isRunning()) {
          server.restart();
        }
      }, server::flushAll, server);
    }

    static Fixture of(RedisCluster cluster) {
      return new Fixture(cluster, cluster::restartStoppedNodes, cluster::flushAll, cluster);
    }

    static Fixture of(RedisSentinel sentinel) {
      return new Fixture(sentinel, sentinel::restartStopped, sentinel::flushAll, sentinel);
    }

    @Override
    public void close() {
      try {
        closer.close();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
