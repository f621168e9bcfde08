package dev.rediskit.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * One {@code redis-server} process on a free loopback port, with its own temporary directory, for integration tests.
 *
 * <p>Every server is configured from a generated file in {@link #dir()} ({@code redis.conf}, or
 * {@code sentinel.conf} in sentinel mode) with persistence off ({@code save ""}, {@code appendonly no}), bound to
 * loopback only. Its output goes to {@link #logFile()}, whose tail is part of every start-up failure. The process is
 * killed when the JVM exits even if the test never calls {@link #close()}.
 *
 * <pre>{@code
 * try (RedisServer redis = RedisServer.builder().password("s3cret").start()) {
 *   redis.command("SET", "k", "v");
 *   assertThat(redis.command("DBSIZE")).isEqualTo(1L);
 *   redis.kill();      // SIGKILL: port refuses connections
 *   redis.restart();   // same port, empty data
 * }
 * }</pre>
 */
public final class RedisServer implements AutoCloseable {

  /** The address every server binds and every fixture connects to. */
  public static final String HOST = "127.0.0.1";

  /** Host name in TLS URIs: certificates are checked against it, and clients usually connect by name. */
  public static final String TLS_HOST = "localhost";

  private final String name;
  private final RedisBinary binary;
  private final String password;
  private final Map<String, String> aclUsers;
  private final TlsCertificates tls;
  private final boolean tlsAuthClients;
  private final boolean clusterEnabled;
  private final long clusterNodeTimeoutMillis;
  private String replicaOfHost;
  private int replicaOfPort;
  private String masterAuth;
  private final boolean sentinel;
  private final List<String> extraConfig;
  private final Duration startupTimeout;
  private final boolean fixedPort;

  private final Path dir;
  private final Path configFile;
  private final Path logFile;
  private int port;
  private volatile Process process;
  private boolean closed;

  private RedisServer(Builder builder) {
    this.name = builder.name;
    this.binary = builder.binary != null ? builder.binary : RedisBinary.get();
    this.password = builder.password;
    this.aclUsers = new LinkedHashMap<>(builder.aclUsers);
    this.tls = builder.tls;
    this.tlsAuthClients = builder.tlsAuthClients;
    this.clusterEnabled = builder.clusterEnabled;
    this.clusterNodeTimeoutMillis = builder.clusterNodeTimeout.toMillis();
    this.replicaOfHost = builder.replicaOfHost;
    this.replicaOfPort = builder.replicaOfPort;
    this.masterAuth = builder.masterAuth;
    this.sentinel = builder.sentinel;
    this.extraConfig = List.copyOf(builder.extraConfig);
    this.startupTimeout = builder.startupTimeout;
    this.fixedPort = builder.port > 0;
    try {
      this.dir = Files.createTempDirectory("rediskit-" + name + "-");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a working directory", e);
    }
    ProcessReaper.reapOrphansOnce();
    ProcessReaper.claim(dir);
    this.configFile = dir.resolve(sentinel ? "sentinel.conf" : "redis.conf");
    this.logFile = dir.resolve("redis.log");
    this.port = fixedPort ? builder.port : Ports.reserve();
  }

  /**
   * Starts configuring a server.
   *
   * @return a builder with defaults: plain TCP, no password, standalone
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts a plain standalone server with defaults.
   *
   * @return the running server
   */
  public static RedisServer start() {
    return builder().start();
  }

  /**
   * The port clients connect to (the TLS port for TLS servers); it stays the same across {@link #restart()}.
   *
   * @return the port
   */
  public int port() {
    return port;
  }

  /**
   * The address the server listens on.
   *
   * @return {@value #HOST}
   */
  public String host() {
    return HOST;
  }

  /**
   * Connection string for the Vert.x Redis client: {@code redis://127.0.0.1:PORT}, or
   * {@code rediss://localhost:PORT} for TLS. It carries no credentials; see {@link #uri(String, String)}.
   *
   * @return the URI
   */
  public String uri() {
    return tls != null ? "rediss://" + TLS_HOST + ":" + port : "redis://" + HOST + ":" + port;
  }

  /**
   * Connection string with credentials, e.g. {@code redis://alice:secret@127.0.0.1:PORT}.
   *
   * @param user     ACL user name, or {@code null} for the default user (password-only {@code AUTH})
   * @param password the password
   * @return the URI, with user and password URL-encoded
   */
  public String uri(String user, String password) {
    String base = uri();
    int schemeEnd = base.indexOf("://") + 3;
    String credentials = (user == null ? "" : encode(user)) + ":" + encode(password) + "@";
    return base.substring(0, schemeEnd) + credentials + base.substring(schemeEnd);
  }

  /**
   * The {@code requirepass} password, which {@link #command(String...)} authenticates with.
   *
   * @return the password, or {@code null} when the default user needs none
   */
  public String password() {
    return password;
  }

  /**
   * Whether clients must use TLS.
   *
   * @return {@code true} for a TLS-only server
   */
  public boolean isTls() {
    return tls != null;
  }

  /**
   * The certificates a TLS server uses.
   *
   * @return the certificates, or {@code null} for a plain server
   */
  public TlsCertificates tlsCertificates() {
    return tls;
  }

  /**
   * Whether this is a cluster node.
   *
   * @return {@code true} when started with {@code cluster-enabled yes}
   */
  public boolean isClusterEnabled() {
    return clusterEnabled;
  }

  /**
   * Whether this process is a Sentinel rather than a data node.
   *
   * @return {@code true} when started with {@code --sentinel}
   */
  public boolean isSentinel() {
    return sentinel;
  }

  /**
   * The binary this server runs.
   *
   * @return the binary
   */
  public RedisBinary binary() {
    return binary;
  }

  /**
   * The server's working directory (config, log, cluster node file); deleted by {@link #close()}.
   *
   * @return the directory
   */
  public Path dir() {
    return dir;
  }

  /**
   * The generated configuration file; Sentinel and cluster nodes rewrite it while running.
   *
   * @return the config file
   */
  public Path configFile() {
    return configFile;
  }

  /**
   * The file the server's standard output and error go to, appended across restarts.
   *
   * @return the log file
   */
  public Path logFile() {
    return logFile;
  }

  /**
   * The last lines of the log, for assertion messages.
   *
   * @param lines how many lines at most
   * @return the tail of the log, or a note that there is none
   */
  public String logTail(int lines) {
    return tail(0, lines);
  }

  /**
   * Whether the process is alive (it may still be starting up).
   *
   * @return {@code true} while the process exists
   */
  public boolean isRunning() {
    Process p = process;
    return p != null && p.isAlive();
  }

  /**
   * The operating-system process id.
   *
   * @return the pid
   * @throws IllegalStateException when the server is not running
   */
  public long pid() {
    Process p = process;
    if (p == null || !p.isAlive()) {
      throw new IllegalStateException(this + " is not running");
    }
    return p.pid();
  }

  /**
   * Sends one command on a fresh connection (authenticated with {@link #password()} if there is one) and returns the
   * reply: {@link String}, {@link Long}, {@link List} or {@code null}.
   *
   * @param args the command and its arguments, e.g. {@code "PTTL", "key"}
   * @return the parsed reply
   * @throws RespError           when the server answers with an error
   * @throws UncheckedIOException when the server cannot be reached
   */
  public Object command(String... args) {
    try (RespConnection connection = connect()) {
      return connection.call(args);
    }
  }

  /**
   * Opens a connection, authenticated with {@link #password()} if there is one, for several commands or for
   * pub/sub. The caller closes it.
   *
   * @return an open connection
   */
  public RespConnection connect() {
    return password == null ? openConnection() : connect(null, password);
  }

  /**
   * Opens a connection authenticated as the given user.
   *
   * @param user     ACL user, or {@code null} for the default user
   * @param password the password
   * @return an open, authenticated connection
   * @throws RespError when authentication is refused
   */
  public RespConnection connect(String user, String password) {
    RespConnection connection = openConnection();
    try {
      if (user == null) {
        connection.call("AUTH", password);
      } else {
        connection.call("AUTH", user, password);
      }
      return connection;
    } catch (RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  /**
   * Opens a connection without authenticating, e.g. to check that the server demands it.
   *
   * @return an open connection
   */
  public RespConnection openConnection() {
    if (tls == null) {
      return RespConnection.open(HOST, port, null, RespConnection.DEFAULT_READ_TIMEOUT);
    }
    // Checked against the name of uri(), which every certificate of TlsCertificates lists (the names-only one has
    // no address), while connecting to the address the server binds.
    return RespConnection.open(HOST, port, tls.socketFactory(), TLS_HOST, RespConnection.DEFAULT_READ_TIMEOUT);
  }

  /**
   * Runs {@code INFO section} and parses the {@code key:value} lines.
   *
   * @param section e.g. {@code "replication"}, {@code "commandstats"}, {@code "clients"}
   * @return the fields, in server order
   */
  public Map<String, String> info(String section) {
    return parseInfo((String) command("INFO", section));
  }

  /** Removes all keys in all databases; a no-op for Sentinels, which hold no data. */
  public void flushAll() {
    if (!sentinel) {
      command("FLUSHALL");
    }
  }

  /**
   * Kills the process with SIGKILL, like a crash, and waits until it is gone; the port then refuses connections. The
   * directory is kept so that {@link #restart()} can bring the server back.
   */
  public void kill() {
    Process p = process;
    if (p == null) {
      return;
    }
    if (!ProcessReaper.killNow(p, 10_000)) {
      throw new IllegalStateException(this + " did not die within 10 s of SIGKILL");
    }
    ProcessReaper.unregister(p);
    process = null;
  }

  /**
   * Stops the process with SIGTERM (a clean shutdown), falling back to SIGKILL if it has not exited within 10 s. The
   * directory is kept so that {@link #restart()} can bring the server back.
   */
  public void stop() {
    Process p = process;
    if (p == null) {
      return;
    }
    p.destroy();
    try {
      // Redis 7 may wait for lagging replicas on SIGTERM; the bound keeps a stuck shutdown from hanging a test.
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        kill();
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
      return;
    }
    ProcessReaper.unregister(p);
    process = null;
  }

  /**
   * Stops the server if it runs, then starts it again on the same port with the same directory and waits until it
   * answers. Data is gone (no persistence); cluster nodes keep their identity through their node file.
   *
   * @throws IllegalStateException when the port does not become free or the server does not come up in time
   */
  public synchronized void restart() {
    if (closed) {
      throw new IllegalStateException(this + " is closed");
    }
    stop();
    // The port and bus port are released as soon as the process is reaped; polling covers slow socket teardown
    // and the case of some other process briefly holding the port.
    Await.until(() -> Ports.isFree(port) && (!clusterEnabled || Ports.isFree(port + Ports.CLUSTER_BUS_OFFSET)),
        startupTimeout, () -> "port " + port + " to become free for restarting " + this);
    launch();
  }

  /**
   * Restarts the server as a replica of {@code master}, as Sentinel would have reconfigured it had it been up
   * during a failover. Without this a killed master comes back as a second, empty master.
   *
   * @param master the server to replicate from; its password, if any, becomes {@code masterauth}
   */
  public synchronized void restartAsReplicaOf(RedisServer master) {
    if (clusterEnabled || sentinel) {
      throw new IllegalStateException("Only standalone data nodes can be made replicas this way: " + this);
    }
    replicaOfHost = HOST;
    replicaOfPort = master.port();
    if (master.password() != null) {
      masterAuth = master.password();
    }
    restart();
  }

  /** Stops the server and deletes its directory. Idempotent; the server cannot be restarted afterwards. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      stop();
    } finally {
      ProcessReaper.deleteRecursively(dir);
      ProcessReaper.forgetDirectory(dir);
      if (!fixedPort) {
        Ports.release(port);
      }
    }
  }

  @Override
  public String toString() {
    return (sentinel ? "sentinel " : "redis ") + name + " on " + uri();
  }

  private synchronized RedisServer startFirstTime() {
    // Another build on this machine may grab the port between the check and the bind; a few attempts with fresh
    // ports make that harmless.
    int attempts = fixedPort ? 1 : 5;
    for (int attempt = 1; ; attempt++) {
      try {
        launch();
        return this;
      } catch (PortInUseException e) {
        if (attempt >= attempts) {
          close();
          throw new IllegalStateException(e.getMessage(), e);
        }
        Ports.release(port);
        port = Ports.reserve();
      } catch (RuntimeException | Error e) {
        close();
        throw e;
      }
    }
  }

  private void launch() {
    writeConfig();
    long logOffset = logSize();
    List<String> command = new ArrayList<>();
    command.add(binary.executable().toString());
    command.add(configFile.toString());
    if (sentinel) {
      command.add("--sentinel");
    }
    Process p;
    try {
      p = new ProcessBuilder(command)
          .directory(dir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start " + binary, e);
    }
    ProcessReaper.register(p);
    process = p;
    try {
      awaitReady(p, logOffset);
    } catch (RuntimeException | Error e) {
      ProcessReaper.killNow(p, 10_000);
      ProcessReaper.unregister(p);
      process = null;
      throw e;
    }
  }

  private void awaitReady(Process p, long logOffset) {
    long deadline = System.nanoTime() + startupTimeout.toNanos();
    Exception lastError = null;
    while (true) {
      if (!p.isAlive()) {
        String log = tail(logOffset, 30);
        String message = this + " exited with code " + p.exitValue() + " during start-up. Log tail:\n" + log;
        if (log.contains("Address already in use")) {
          throw new PortInUseException(message);
        }
        throw new IllegalStateException(message);
      }
      try {
        if ("PONG".equals(command("PING"))) {
          return;
        }
      } catch (RespError e) {
        lastError = e;
        // LOADING and the like: the process is up but not ready; anything else (WRONGPASS) will not go away.
        if (e.code().equals("WRONGPASS") || e.code().equals("NOAUTH")) {
          throw new IllegalStateException(this + " refused the fixture's credentials: " + e.getMessage(), e);
        }
      } catch (RuntimeException e) {
        lastError = e;
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new IllegalStateException(this + " did not answer PING within " + startupTimeout.toMillis()
            + " ms (last error: " + lastError + "). Log tail:\n" + tail(logOffset, 30), lastError);
      }
      try {
        Thread.sleep(Await.POLL_INTERVAL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while starting " + this, e);
      }
    }
  }

  private void writeConfig() {
    if (sentinel && Files.exists(configFile)) {
      // Sentinel rewrites its file with what it learned (its id, the current master after a failover, known
      // replicas); a restart must keep that, as a real Sentinel's would.
      return;
    }
    List<String> lines = new ArrayList<>();
    lines.add("# Generated by dev.rediskit.test.RedisServer");
    // Loopback only; "-::1" makes the IPv6 address optional, so hosts without IPv6 loopback still work, while
    // clients that resolve "localhost" to ::1 first still reach the server.
    lines.add("bind " + HOST + " -::1");
    lines.add("daemonize no");
    lines.add("dir " + quote(dir.toString()));
    lines.add("logfile \"\"");
    // Lets a later JVM find and kill this server should this JVM die without running its shutdown hook.
    lines.add("pidfile " + quote(dir.resolve(ProcessReaper.PID_FILE).toString()));
    if (!sentinel) {
      lines.add("save \"\"");
      lines.add("appendonly no");
      // Without this a master waits 5 s for more replicas before sending the first full sync to a new replica,
      // which would make every replica (and every failover test) 5 s slower.
      lines.add("repl-diskless-sync-delay 0");
      if (binary.majorVersion() >= 7) {
        // Redis 7 refuses DEBUG by default; tests use DEBUG SLEEP to simulate a slow server. "local" is enough,
        // everything connects over loopback.
        lines.add("enable-debug-command local");
      }
    }
    if (tls != null) {
      lines.add("port 0");
      lines.add("tls-port " + port);
      lines.add("tls-cert-file " + quote(tls.serverCert().toString()));
      lines.add("tls-key-file " + quote(tls.serverKey().toString()));
      lines.add("tls-ca-cert-file " + quote(tls.caCert().toString()));
      lines.add("tls-auth-clients " + (tlsAuthClients ? "yes" : "no"));
      // Replicas to their master and, in a Sentinel, the links to the monitored nodes and to the other Sentinels:
      // with port 0 there is nothing else to talk to.
      lines.add("tls-replication yes");
      if (clusterEnabled) {
        lines.add("tls-cluster yes");
      }
    } else {
      lines.add("port " + port);
    }
    if (password != null) {
      lines.add("requirepass " + quote(password));
    }
    for (Map.Entry<String, String> user : aclUsers.entrySet()) {
      lines.add("user " + quote(user.getKey()) + " " + user.getValue());
    }
    if (clusterEnabled) {
      lines.add("cluster-enabled yes");
      lines.add("cluster-config-file nodes.conf");
      lines.add("cluster-node-timeout " + clusterNodeTimeoutMillis);
    }
    if (replicaOfHost != null) {
      lines.add("replicaof " + replicaOfHost + " " + replicaOfPort);
    }
    String auth = masterAuth != null ? masterAuth : clusterEnabled ? password : null;
    if (auth != null && !sentinel) {
      // Replicas authenticate to their master with this; cluster nodes may become replicas at any failover.
      lines.add("masterauth " + quote(auth));
    }
    lines.addAll(extraConfig);
    try {
      Files.write(configFile, lines, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + configFile, e);
    }
  }

  private long logSize() {
    try {
      return Files.exists(logFile) ? Files.size(logFile) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  private String tail(long fromOffset, int lines) {
    try {
      if (!Files.exists(logFile)) {
        return "(no log written)";
      }
      byte[] all = Files.readAllBytes(logFile);
      int from = (int) Math.min(fromOffset, all.length);
      String text = new String(all, from, all.length - from, StandardCharsets.UTF_8);
      String[] split = text.split("\n");
      int start = Math.max(0, split.length - lines);
      return String.join("\n", java.util.Arrays.asList(split).subList(start, split.length));
    } catch (IOException e) {
      return "(cannot read " + logFile + ": " + e + ")";
    }
  }

  static Map<String, String> parseInfo(String info) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String line : info.split("\r?\n")) {
      int colon = line.indexOf(':');
      if (line.isEmpty() || line.startsWith("#") || colon < 0) {
        continue;
      }
      fields.put(line.substring(0, colon), line.substring(colon + 1));
    }
    return fields;
  }

  /** Quotes a config value when needed, so that paths and passwords with spaces or quotes survive. */
  static String quote(String value) {
    if (!value.isEmpty() && value.chars().noneMatch(c -> c <= ' ' || c == '"' || c == '\'' || c == '\\')) {
      return value;
    }
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Start-up failed because another process holds the port; the first start retries with a new port. */
  private static final class PortInUseException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    PortInUseException(String message) {
      super(message);
    }
  }

  /**
   * Configures a {@link RedisServer}. Builders are reusable: each {@link #start()} starts a new server.
   */
  public static final class Builder {

    private String name = "redis";
    private RedisBinary binary;
    private int port;
    private String password;
    private final Map<String, String> aclUsers = new LinkedHashMap<>();
    private TlsCertificates tls;
    private boolean tlsAuthClients;
    private boolean clusterEnabled;
    private Duration clusterNodeTimeout = Duration.ofSeconds(3);
    private String replicaOfHost;
    private int replicaOfPort;
    private String masterAuth;
    private boolean sentinel;
    private final List<String> extraConfig = new ArrayList<>();
    /**
     * A server normally answers within a few hundred milliseconds; the margin is for a 2-core machine running other
     * builds, where a process start can take seconds.
     */
    private Duration startupTimeout = Duration.ofSeconds(20);

    private Builder() {
    }

    /**
     * Names the server in messages and in its directory name, which helps when reading logs of a cluster.
     *
     * @param name a short name such as {@code "master"} or {@code "node-2"}
     * @return this builder
     */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name);
      return this;
    }

    /**
     * Uses a specific binary instead of {@link RedisBinary#get()}.
     *
     * @param binary the binary
     * @return this builder
     */
    public Builder binary(RedisBinary binary) {
      this.binary = binary;
      return this;
    }

    /**
     * Uses a fixed port instead of a free one chosen at start. Rarely needed: fixed ports collide with other builds.
     *
     * @param port the port
     * @return this builder
     */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /**
     * Sets {@code requirepass}: the default user needs this password.
     *
     * @param password the password
     * @return this builder
     */
    public Builder password(String password) {
      this.password = password;
      return this;
    }

    /**
     * Adds an ACL user with full access to all keys, channels and commands.
     *
     * @param user     user name
     * @param password its password
     * @return this builder
     */
    public Builder aclUser(String user, String password) {
      return aclUser(user, password, "~* &* +@all");
    }

    /**
     * Adds an ACL user with the given permissions.
     *
     * @param user     user name
     * @param password its password
     * @param rules    ACL rules after {@code on >password}, e.g. {@code "~cache:* +get +set"}
     * @return this builder
     */
    public Builder aclUser(String user, String password, String rules) {
      aclUsers.put(user, "on " + quote(">" + password) + " " + rules);
      return this;
    }

    /**
     * Serves TLS only ({@code port 0}, {@code tls-port}) with the given certificates; clients need not present a
     * certificate unless {@link #tlsAuthClients(boolean)} is set. Links between servers use TLS too:
     * {@code tls-replication yes} (replicas, and a Sentinel's links to the nodes it monitors and to other
     * Sentinels) and, on cluster nodes, {@code tls-cluster yes} (the cluster bus and the addresses announced in
     * {@code CLUSTER SLOTS}, which are the TLS ports).
     *
     * @param certificates server certificate, key and CA
     * @return this builder
     */
    public Builder tls(TlsCertificates certificates) {
      this.tls = certificates;
      return this;
    }

    /**
     * Requires clients to present a certificate signed by the CA ({@code tls-auth-clients yes}).
     *
     * @param required whether a client certificate is required
     * @return this builder
     */
    public Builder tlsAuthClients(boolean required) {
      this.tlsAuthClients = required;
      return this;
    }

    /**
     * Starts the server as an empty cluster node ({@code cluster-enabled yes}); {@link RedisCluster} joins nodes.
     *
     * @return this builder
     */
    public Builder clusterEnabled() {
      this.clusterEnabled = true;
      return this;
    }

    /**
     * Sets {@code cluster-node-timeout}: how long a node may be unreachable before it is considered failing.
     *
     * @param timeout the timeout
     * @return this builder
     */
    public Builder clusterNodeTimeout(Duration timeout) {
      this.clusterNodeTimeout = timeout;
      return this;
    }

    /**
     * Makes the server a replica of another ({@code replicaof}); authenticates with the master's password if it
     * has one.
     *
     * @param master the master
     * @return this builder
     */
    public Builder replicaOf(RedisServer master) {
      this.replicaOfHost = HOST;
      this.replicaOfPort = master.port();
      if (master.password() != null) {
        this.masterAuth = master.password();
      }
      return this;
    }

    /**
     * Sets {@code masterauth} explicitly.
     *
     * @param password the master's password
     * @return this builder
     */
    public Builder masterAuth(String password) {
      this.masterAuth = password;
      return this;
    }

    /**
     * Starts a Sentinel ({@code redis-server sentinel.conf --sentinel}); add its {@code sentinel ...} lines with
     * {@link #config(String...)}. {@link RedisSentinel} does this for the usual setup.
     *
     * @return this builder
     */
    public Builder sentinel() {
      this.sentinel = true;
      return this;
    }

    /**
     * Appends raw lines to the generated configuration file, e.g. {@code "maxmemory 10mb"}.
     *
     * @param lines configuration lines
     * @return this builder
     */
    public Builder config(String... lines) {
      extraConfig.addAll(List.of(lines));
      return this;
    }

    /**
     * How long to wait for the server to answer PING after each start.
     *
     * @param timeout the timeout
     * @return this builder
     */
    public Builder startupTimeout(Duration timeout) {
      this.startupTimeout = timeout;
      return this;
    }

    /**
     * Starts the server and waits until it answers PING.
     *
     * @return the running server
     * @throws IllegalStateException when it does not come up; the message holds the log tail
     */
    public RedisServer start() {
      return new RedisServer(this).startFirstTime();
    }
  }
}
