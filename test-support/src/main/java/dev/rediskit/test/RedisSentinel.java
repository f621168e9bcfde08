package dev.rediskit.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A Sentinel setup on loopback: one master, one replica and one (or more) Sentinels monitoring the master as
 * {@value #DEFAULT_MASTER_NAME} with quorum 1 and short failure-detection times ({@code down-after-milliseconds}
 * 2000, {@code failover-timeout} 3000), so that a failover takes a few seconds.
 *
 * <p>{@link #start()} returns once the replica is in sync and every Sentinel sees the master as up, with the
 * replica and the other Sentinels discovered.
 *
 * <p>With {@link Builder#tls(TlsCertificates)} data nodes and Sentinels serve TLS only ({@code port 0},
 * {@code tls-port}, {@code tls-replication yes}, which also makes the Sentinels talk TLS to the nodes they monitor
 * and to each other); Sentinels announce the master as {@code 127.0.0.1} and its TLS port, which the test server
 * certificate names. {@link #sentinelEndpoints()} are then {@code rediss://localhost:PORT}.
 *
 * <pre>{@code
 * try (RedisSentinel sentinel = RedisSentinel.start()) {
 *   RedisOptions options = new RedisOptions().setType(RedisClientType.SENTINEL)
 *       .setMasterName(sentinel.masterName()).setRole(RedisRole.MASTER);
 *   sentinel.sentinelEndpoints().forEach(options::addConnectionString);
 *   ...
 *   RedisServer old = sentinel.killMaster();
 *   RedisServer promoted = sentinel.awaitNewMaster(old);
 * }
 * }</pre>
 */
public final class RedisSentinel implements AutoCloseable {

  /** The name Sentinels monitor the master under. */
  public static final String DEFAULT_MASTER_NAME = "mymaster";

  private final String masterName;
  private final RedisServer master;
  private final RedisServer replica;
  private final List<RedisServer> dataNodes;
  private final List<RedisServer> sentinels;
  private final Duration timeout;

  private RedisSentinel(String masterName, RedisServer master, RedisServer replica, List<RedisServer> sentinels,
      Duration timeout) {
    this.masterName = masterName;
    this.master = master;
    this.replica = replica;
    this.dataNodes = List.of(master, replica);
    this.sentinels = List.copyOf(sentinels);
    this.timeout = timeout;
  }

  /**
   * Starts configuring a Sentinel setup.
   *
   * @return a builder for master, replica and one Sentinel without passwords
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts master, replica and one Sentinel with defaults and waits until the Sentinel sees both.
   *
   * @return the running setup
   */
  public static RedisSentinel start() {
    return builder().start();
  }

  /**
   * The name the master is monitored under, for the client's {@code masterName}.
   *
   * @return the master name
   */
  public String masterName() {
    return masterName;
  }

  /**
   * Sentinel URIs for a sentinel client ({@code redis://127.0.0.1:PORT}, or {@code rediss://localhost:PORT} for a
   * TLS setup).
   *
   * @return the Sentinel URIs
   */
  public List<String> sentinelEndpoints() {
    return sentinels.stream().map(RedisServer::uri).collect(Collectors.toUnmodifiableList());
  }

  /**
   * The Sentinel processes.
   *
   * @return the Sentinels
   */
  public List<RedisServer> sentinels() {
    return sentinels;
  }

  /**
   * The first Sentinel, for {@code SENTINEL ...} commands in tests.
   *
   * @return a Sentinel
   */
  public RedisServer sentinel() {
    return sentinels.get(0);
  }

  /**
   * The server started as master (after a failover it may be a replica; see {@link #currentMaster()}).
   *
   * @return the initial master
   */
  public RedisServer master() {
    return master;
  }

  /**
   * The server started as replica.
   *
   * @return the initial replica
   */
  public RedisServer replica() {
    return replica;
  }

  /**
   * Master and replica, in that order.
   *
   * @return the data nodes
   */
  public List<RedisServer> dataNodes() {
    return dataNodes;
  }

  /**
   * The port of the master according to the first running Sentinel ({@code SENTINEL GET-MASTER-ADDR-BY-NAME}).
   *
   * @return the master's port
   */
  public int reportedMasterPort() {
    RedisServer asked = sentinels.stream().filter(RedisServer::isRunning).findFirst()
        .orElseThrow(() -> new IllegalStateException("No Sentinel is running"));
    List<?> address = (List<?>) asked.command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName);
    return Integer.parseInt((String) address.get(1));
  }

  /**
   * The data node the Sentinels currently report as master.
   *
   * @return the current master
   */
  public RedisServer currentMaster() {
    int port = reportedMasterPort();
    return dataNodes.stream().filter(n -> n.port() == port).findFirst()
        .orElseThrow(() -> new IllegalStateException("Sentinel reports an unknown master on port " + port));
  }

  /**
   * Kills (SIGKILL) the data node currently reported as master; Sentinel will fail over to the replica after the
   * configured down-after time.
   *
   * @return the killed server, to pass to {@link #awaitNewMaster(RedisServer)} or to restart later
   */
  public RedisServer killMaster() {
    RedisServer current = currentMaster();
    current.kill();
    return current;
  }

  /**
   * Waits until the Sentinels report a master other than {@code previous} and that server has taken the role.
   *
   * @param previous the master that was lost
   * @return the new master
   */
  public RedisServer awaitNewMaster(RedisServer previous) {
    return Await.value(() -> {
      for (RedisServer sentinel : sentinels) {
        List<?> address = (List<?>) sentinel.command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName);
        if (Integer.parseInt((String) address.get(1)) == previous.port()) {
          return null;
        }
      }
      RedisServer candidate = currentMaster();
      return "master".equals(candidate.info("replication").get("role")) ? candidate : null;
    }, Objects::nonNull, timeout, () -> "Sentinel to fail over away from " + previous);
  }

  /**
   * Restarts stopped Sentinels and data nodes and waits until the setup is back: the reported master answers as
   * master and every other data node replicates from it.
   *
   * <p>A stopped data node that is not the current master (a master lost in a failover) comes back directly as a
   * replica of the current master: left to Sentinel, it would run as a second, empty master for about 10 s before
   * Sentinel converts it. A stopped current master (killed, and no failover yet) is restarted as master.
   */
  public void restartStopped() {
    for (RedisServer sentinel : sentinels) {
      if (!sentinel.isRunning()) {
        sentinel.restart();
      }
    }
    RedisServer current = currentMaster();
    if (!current.isRunning()) {
      current.restart();
    }
    for (RedisServer server : dataNodes) {
      if (!server.isRunning()) {
        server.restartAsReplicaOf(current);
      }
    }
    // Asked afresh on every poll: a failover that was already under way may still move the master.
    Await.until(() -> {
      RedisServer master = currentMaster();
      if (!master.isRunning() || !"master".equals(master.info("replication").get("role"))) {
        return false;
      }
      for (RedisServer node : dataNodes) {
        if (node != master) {
          Map<String, String> replication = node.info("replication");
          if (!"up".equals(replication.get("master_link_status"))
              || !String.valueOf(master.port()).equals(replication.get("master_port"))) {
            return false;
          }
        }
      }
      return true;
    }, timeout, "the data nodes to replicate from the master Sentinel reports");
  }

  /** Removes all keys: {@code FLUSHALL} on the current master, then waits until running replicas are empty. */
  public void flushAll() {
    RedisServer current = currentMaster();
    current.command("FLUSHALL");
    for (RedisServer node : dataNodes) {
      if (node != current && node.isRunning()) {
        Servers.awaitEmpty(node, timeout);
      }
    }
  }

  /** Stops Sentinels first (so that they do not react to the data nodes going away), then the data nodes. */
  @Override
  public void close() {
    List<RedisServer> all = new ArrayList<>(sentinels);
    all.addAll(dataNodes);
    Servers.closeAll(all);
  }

  @Override
  public String toString() {
    return "sentinel " + masterName + " " + sentinelEndpoints();
  }

  private void awaitReady() {
    Await.until(() -> {
      Map<String, String> replication = master.info("replication");
      return "1".equals(replication.get("connected_slaves"))
          && replication.getOrDefault("slave0", "").contains("state=online");
    }, timeout, () -> "the replica to be in sync with the master: " + master.info("replication"));
    for (RedisServer sentinel : sentinels) {
      Await.until(() -> sees(sentinel), timeout,
          () -> sentinel + " to see the master, its replica and " + (sentinels.size() - 1) + " other Sentinel(s); "
              + "SENTINEL MASTER says " + safeMasterState(sentinel));
    }
  }

  private boolean sees(RedisServer sentinel) {
    Map<String, String> state = pairs((List<?>) sentinel.command("SENTINEL", "MASTER", masterName));
    if (!"master".equals(state.get("flags"))
        || !"1".equals(state.get("num-slaves"))
        || !String.valueOf(sentinels.size() - 1).equals(state.get("num-other-sentinels"))) {
      return false;
    }
    List<?> replicas = (List<?>) sentinel.command("SENTINEL", "REPLICAS", masterName);
    if (replicas.size() != 1) {
      return false;
    }
    Map<String, String> replicaState = pairs((List<?>) replicas.get(0));
    return "slave".equals(replicaState.get("flags")) && "ok".equals(replicaState.get("master-link-status"));
  }

  private String safeMasterState(RedisServer sentinel) {
    try {
      return pairs((List<?>) sentinel.command("SENTINEL", "MASTER", masterName)).toString();
    } catch (RuntimeException e) {
      return "(unreachable: " + e + ")";
    }
  }

  /** Turns Sentinel's flat {@code [key, value, key, value, ...]} replies into a map. */
  static Map<String, String> pairs(List<?> flat) {
    Map<String, String> map = new HashMap<>();
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      map.put(String.valueOf(flat.get(i)), String.valueOf(flat.get(i + 1)));
    }
    return map;
  }

  private static RedisSentinel create(Builder builder) {
    List<RedisServer> started = new ArrayList<>();
    try {
      RedisServer.Builder masterBuilder = RedisServer.builder().name("master");
      RedisServer.Builder replicaBuilder = RedisServer.builder().name("replica");
      if (builder.password != null) {
        masterBuilder.password(builder.password).masterAuth(builder.password);
        replicaBuilder.password(builder.password).masterAuth(builder.password);
      }
      if (builder.tls != null) {
        masterBuilder.tls(builder.tls);
        replicaBuilder.tls(builder.tls);
      }
      if (builder.announceHostnames) {
        // A replica is announced by its master (INFO replication) and then by the Sentinels with this name; a
        // master Sentinels were told by name keeps it.
        masterBuilder.config("replica-announce-ip " + RedisServer.TLS_HOST);
        replicaBuilder.config("replica-announce-ip " + RedisServer.TLS_HOST);
      }
      builder.dataNodeCustomizer.accept(masterBuilder);
      builder.dataNodeCustomizer.accept(replicaBuilder);
      RedisServer master = masterBuilder.start();
      started.add(master);
      RedisServer replica = replicaBuilder.replicaOf(master).start();
      started.add(replica);

      List<RedisServer> sentinels = new ArrayList<>();
      for (int i = 0; i < builder.sentinels; i++) {
        RedisServer.Builder sentinel = RedisServer.builder().name("sentinel-" + i).sentinel();
        if (builder.announceHostnames) {
          // Before the monitor line, which names the master by host name.
          sentinel.config("sentinel resolve-hostnames yes", "sentinel announce-hostnames yes");
        }
        String masterHost = builder.announceHostnames ? RedisServer.TLS_HOST : RedisServer.HOST;
        sentinel.config(
            "sentinel monitor " + builder.masterName + " " + masterHost + " " + master.port() + " 1",
            "sentinel down-after-milliseconds " + builder.masterName + " " + builder.downAfter.toMillis(),
            "sentinel failover-timeout " + builder.masterName + " " + builder.failoverTimeout.toMillis(),
            "sentinel parallel-syncs " + builder.masterName + " 1");
        if (builder.password != null) {
          sentinel.config("sentinel auth-pass " + builder.masterName + " " + RedisServer.quote(builder.password));
        }
        if (builder.sentinelPassword != null) {
          sentinel.password(builder.sentinelPassword);
        }
        if (builder.tls != null) {
          sentinel.tls(builder.tls);
        }
        builder.sentinelCustomizer.accept(sentinel);
        RedisServer started1 = sentinel.start();
        started.add(started1);
        sentinels.add(started1);
      }
      RedisSentinel setup = new RedisSentinel(builder.masterName, master, replica, sentinels, builder.timeout);
      setup.awaitReady();
      return setup;
    } catch (RuntimeException | Error e) {
      Servers.closeAfter(started, e);
      throw e;
    }
  }

  /** Configures a {@link RedisSentinel} setup. */
  public static final class Builder {

    private String masterName = DEFAULT_MASTER_NAME;
    private int sentinels = 1;
    private String password;
    private String sentinelPassword;
    private TlsCertificates tls;
    private boolean announceHostnames;
    /**
     * Short so that failover tests finish in seconds (Redis' own default is 30 s), but not 1 s: Sentinel reconnects
     * at most once per second, and with 1 s it was seen to flag a freshly promoted master as down right after the
     * switch, starting a second, spurious failover.
     */
    private Duration downAfter = Duration.ofMillis(2000);
    private Duration failoverTimeout = Duration.ofMillis(3000);
    /** Discovery and failover normally take 1-3 s; the margin is for a loaded 2-core machine. */
    private Duration timeout = Duration.ofSeconds(30);
    private Consumer<RedisServer.Builder> dataNodeCustomizer = node -> { };
    private Consumer<RedisServer.Builder> sentinelCustomizer = node -> { };

    private Builder() {
    }

    /**
     * The name to monitor the master under.
     *
     * @param masterName the master name
     * @return this builder
     */
    public Builder masterName(String masterName) {
      this.masterName = Objects.requireNonNull(masterName);
      return this;
    }

    /**
     * Number of Sentinels (1 by default; all use quorum 1). More than one makes start-up wait about 2 s longer,
     * until the Sentinels have discovered each other.
     *
     * @param count number of Sentinels
     * @return this builder
     */
    public Builder sentinels(int count) {
      if (count < 1) {
        throw new IllegalArgumentException("at least one Sentinel is needed");
      }
      this.sentinels = count;
      return this;
    }

    /**
     * Sets {@code requirepass} on master and replica (Sentinels get it as {@code auth-pass}); the Sentinels
     * themselves stay open unless {@link #sentinelPassword(String)} is set.
     *
     * @param password the data nodes' password
     * @return this builder
     */
    public Builder password(String password) {
      this.password = password;
      return this;
    }

    /**
     * Sets {@code requirepass} on the Sentinels themselves, for clients that send the same password to Sentinels.
     *
     * @param password the Sentinels' password
     * @return this builder
     */
    public Builder sentinelPassword(String password) {
      this.sentinelPassword = password;
      return this;
    }

    /**
     * Serves TLS only on data nodes and Sentinels, replication and the Sentinels' own links included (see
     * {@link RedisServer.Builder#tls(TlsCertificates)}).
     *
     * @param certificates server certificate, key and CA
     * @return this builder
     */
    public Builder tls(TlsCertificates certificates) {
      this.tls = certificates;
      return this;
    }

    /**
     * Makes the Sentinels hand out the data nodes by the name {@value RedisServer#TLS_HOST} instead of their IP: they
     * monitor the master by that name ({@code sentinel resolve-hostnames yes}, {@code sentinel announce-hostnames
     * yes}) and the data nodes announce it as replicas ({@code replica-announce-ip}), so
     * {@code SENTINEL GET-MASTER-ADDR-BY-NAME} and {@code +switch-master} name the host before and after a
     * failover, which a certificate without IP addresses ({@link TlsCertificates#namesOnly()}) passes hostname
     * verification for. Redis 6.2 or later.
     *
     * @return this builder
     */
    public Builder announceHostnames() {
      this.announceHostnames = true;
      return this;
    }

    /**
     * {@code sentinel down-after-milliseconds}: how long the master may be unreachable before it is considered down.
     *
     * @param downAfter the time
     * @return this builder
     */
    public Builder downAfter(Duration downAfter) {
      this.downAfter = Objects.requireNonNull(downAfter);
      return this;
    }

    /**
     * {@code sentinel failover-timeout}.
     *
     * @param failoverTimeout the timeout
     * @return this builder
     */
    public Builder failoverTimeout(Duration failoverTimeout) {
      this.failoverTimeout = Objects.requireNonNull(failoverTimeout);
      return this;
    }

    /**
     * How long start-up and {@link RedisSentinel#awaitNewMaster(RedisServer)} may wait.
     *
     * @param timeout the timeout
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout);
      return this;
    }

    /**
     * Applies further settings to master's and replica's builders, e.g. ACL users or extra config lines.
     *
     * @param customizer called with each data node's builder before it starts
     * @return this builder
     */
    public Builder eachDataNode(Consumer<RedisServer.Builder> customizer) {
      this.dataNodeCustomizer = this.dataNodeCustomizer.andThen(customizer);
      return this;
    }

    /**
     * Applies further settings to every Sentinel's builder, after the {@code sentinel ...} lines, e.g. TLS settings
     * for its links to the data nodes only.
     *
     * @param customizer called with each Sentinel's builder before it starts
     * @return this builder
     */
    public Builder eachSentinel(Consumer<RedisServer.Builder> customizer) {
      this.sentinelCustomizer = this.sentinelCustomizer.andThen(customizer);
      return this;
    }

    /**
     * Starts master, replica and Sentinels and waits until the Sentinels see the setup.
     *
     * @return the running setup
     */
    public RedisSentinel start() {
      return create(this);
    }
  }
}
