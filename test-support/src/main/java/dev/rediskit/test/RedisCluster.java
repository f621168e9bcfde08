package dev.rediskit.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A Redis Cluster of separate {@code redis-server} processes on loopback: by default 3 masters sharing the 16384
 * slots evenly, optionally with replicas.
 *
 * <p>The cluster is formed over the Redis protocol ({@code CLUSTER ADDSLOTS}, {@code CLUSTER SET-CONFIG-EPOCH},
 * {@code CLUSTER MEET}, {@code CLUSTER REPLICATE}), not with {@code redis-cli --cluster create}, so that only the
 * server binary is needed. {@link #start()} returns once every node reports {@code cluster_state:ok}, all nodes agree
 * on who owns which slots, and every replica's link to its master is up.
 *
 * <p>With {@link Builder#tls(TlsCertificates)} every node serves TLS only ({@code port 0}, {@code tls-port},
 * {@code tls-cluster yes}, {@code tls-replication yes}): the cluster bus and replication use TLS, and
 * {@code CLUSTER SLOTS} announces each node as {@code 127.0.0.1} and its TLS port, which the test server certificate
 * names. {@link #endpoints()} are then {@code rediss://localhost:PORT}.
 *
 * <pre>{@code
 * try (RedisCluster cluster = RedisCluster.builder().replicasPerMaster(1).start()) {
 *   RedisOptions options = new RedisOptions().setType(RedisClientType.CLUSTER);
 *   cluster.endpoints().forEach(options::addConnectionString);
 *   ...
 *   cluster.killNode(0);                     // a master dies; its replica takes over
 *   cluster.restartNode(0);                  // comes back as a replica; waits until healthy
 * }
 * }</pre>
 */
public final class RedisCluster implements AutoCloseable {

  /** Number of hash slots in every Redis Cluster. */
  public static final int SLOTS = 16384;

  private final List<RedisServer> masters;
  private final List<RedisServer> replicas;
  private final List<RedisServer> nodes;
  private final Duration convergenceTimeout;
  private final TlsCertificates tls;

  private RedisCluster(List<RedisServer> masters, List<RedisServer> replicas, Duration convergenceTimeout,
      TlsCertificates tls) {
    this.tls = tls;
    this.masters = List.copyOf(masters);
    this.replicas = List.copyOf(replicas);
    List<RedisServer> all = new ArrayList<>(masters);
    all.addAll(replicas);
    this.nodes = List.copyOf(all);
    this.convergenceTimeout = convergenceTimeout;
  }

  /**
   * Starts configuring a cluster.
   *
   * @return a builder for 3 masters without replicas
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts 3 masters without replicas and waits until the cluster is healthy.
   *
   * @return the running cluster
   */
  public static RedisCluster start() {
    return builder().start();
  }

  /**
   * Seed URIs for a cluster client: every node, masters first ({@code redis://127.0.0.1:PORT}, or
   * {@code rediss://localhost:PORT} for a TLS cluster).
   *
   * @return the node URIs
   */
  public List<String> endpoints() {
    return nodes.stream().map(RedisServer::uri).collect(Collectors.toUnmodifiableList());
  }

  /**
   * Whether the nodes serve TLS only.
   *
   * @return {@code true} when built with {@link Builder#tls(TlsCertificates)}
   */
  public boolean isTls() {
    return tls != null;
  }

  /**
   * The certificates of a TLS cluster.
   *
   * @return the certificates, or {@code null} for a plain cluster
   */
  public TlsCertificates tlsCertificates() {
    return tls;
  }

  /**
   * All nodes: the initial masters, then the initial replicas. Indexes match {@link #node(int)}.
   *
   * @return the nodes
   */
  public List<RedisServer> nodes() {
    return nodes;
  }

  /**
   * A node by index: {@code 0 .. masters-1} are the initial masters, then the replicas.
   *
   * @param index node index
   * @return the node
   */
  public RedisServer node(int index) {
    return nodes.get(index);
  }

  /**
   * The nodes started as masters (after a failover some may be replicas now; see {@link #currentMasters()}).
   *
   * @return the initial masters
   */
  public List<RedisServer> masters() {
    return masters;
  }

  /**
   * The nodes started as replicas; replica {@code i} was attached to master {@code i % masters}.
   *
   * @return the initial replicas
   */
  public List<RedisServer> replicas() {
    return replicas;
  }

  /**
   * The running nodes that are masters right now, asked with {@code ROLE}.
   *
   * @return the current masters
   */
  public List<RedisServer> currentMasters() {
    List<RedisServer> result = new ArrayList<>();
    for (RedisServer node : nodes) {
      if (node.isRunning() && "master".equals(((List<?>) node.command("ROLE")).get(0))) {
        result.add(node);
      }
    }
    return result;
  }

  /**
   * The node id of a node, as used in {@code CLUSTER NODES} and {@code MOVED} handling.
   *
   * @param node a running node
   * @return its id
   */
  public static String nodeId(RedisServer node) {
    return (String) node.command("CLUSTER", "MYID");
  }

  /**
   * The running node serving a slot as master, by asking a running node for {@code CLUSTER SLOTS}.
   *
   * @param slot a slot number
   * @return the master node owning it
   * @throws IllegalStateException when no running node owns it
   */
  public RedisServer masterForSlot(int slot) {
    for (RedisServer node : nodes) {
      if (!node.isRunning()) {
        continue;
      }
      for (Object range : (List<?>) node.command("CLUSTER", "SLOTS")) {
        List<?> r = (List<?>) range;
        if ((Long) r.get(0) <= slot && slot <= (Long) r.get(1)) {
          int port = ((Long) ((List<?>) r.get(2)).get(1)).intValue();
          return nodes.stream().filter(n -> n.port() == port).findFirst()
              .orElseThrow(() -> new IllegalStateException("Unknown node on port " + port));
        }
      }
      break;
    }
    throw new IllegalStateException("No running node knows an owner for slot " + slot);
  }

  /**
   * Kills a node with SIGKILL (see {@link RedisServer#kill()}).
   *
   * @param index node index
   */
  public void killNode(int index) {
    nodes.get(index).kill();
  }

  /**
   * Restarts a node on its port (it rejoins with its node file, without data) and waits until the whole cluster is
   * healthy again.
   *
   * @param index node index
   */
  public void restartNode(int index) {
    nodes.get(index).restart();
    awaitHealthy();
  }

  /** Restarts every node that is not running, then waits until the cluster is healthy. */
  public void restartStoppedNodes() {
    boolean restarted = false;
    for (RedisServer node : nodes) {
      if (!node.isRunning()) {
        node.restart();
        restarted = true;
      }
    }
    if (restarted) {
      awaitHealthy();
    }
  }

  /**
   * Waits until all nodes run, report {@code cluster_state:ok} with all slots served, see no node as failing, agree
   * on the slot map and roles, and every replica's link to its master is up.
   *
   * @throws IllegalStateException when a node is not running (restart it first)
   * @throws AssertionError        when the cluster does not converge in time
   */
  public void awaitHealthy() {
    for (RedisServer node : nodes) {
      if (!node.isRunning()) {
        throw new IllegalStateException(node + " is not running; restart it before waiting for a healthy cluster");
      }
    }
    Await.until(this::isHealthy, convergenceTimeout, () -> "a healthy cluster; current view:\n" + describe());
  }

  /** Removes all keys: {@code FLUSHALL} on every current master, then waits until replicas are empty too. */
  public void flushAll() {
    for (RedisServer master : currentMasters()) {
      master.command("FLUSHALL");
    }
    for (RedisServer node : nodes) {
      if (node.isRunning()) {
        Servers.awaitEmpty(node, convergenceTimeout);
      }
    }
  }

  /** Stops all nodes and deletes their directories. */
  @Override
  public void close() {
    Servers.closeAll(nodes);
  }

  @Override
  public String toString() {
    return "cluster " + endpoints();
  }

  private boolean isHealthy() {
    String reference = null;
    for (RedisServer node : nodes) {
      Map<String, String> info = RedisServer.parseInfo((String) node.command("CLUSTER", "INFO"));
      if (!"ok".equals(info.get("cluster_state"))
          || !String.valueOf(SLOTS).equals(info.get("cluster_slots_ok"))
          || !String.valueOf(nodes.size()).equals(info.get("cluster_known_nodes"))) {
        return false;
      }
      String view = topology((String) node.command("CLUSTER", "NODES"));
      if (view == null || (reference != null && !reference.equals(view))) {
        return false;
      }
      reference = view;
      Map<String, String> replication = node.info("replication");
      if ("slave".equals(replication.get("role")) && !"up".equals(replication.get("master_link_status"))) {
        return false;
      }
    }
    return true;
  }

  /**
   * A node's view of the cluster in a form comparable across nodes: one sorted line per node with id, role, master
   * and slots; {@code null} while the view still has failing, unknown or handshaking nodes.
   */
  static String topology(String clusterNodes) {
    List<String> lines = new ArrayList<>();
    for (String line : clusterNodes.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] fields = line.trim().split(" ");
      String flags = fields[2];
      if (flags.contains("fail") || flags.contains("handshake") || flags.contains("noaddr")
          || !"connected".equals(fields[7])) {
        return null;
      }
      String role = flags.contains("master") ? "master" : "replica";
      StringBuilder entry = new StringBuilder(fields[0]).append(' ').append(role).append(' ').append(fields[3]);
      for (int i = 8; i < fields.length; i++) {
        entry.append(' ').append(fields[i]);
      }
      lines.add(entry.toString());
    }
    Collections.sort(lines);
    return String.join("\n", lines);
  }

  private String describe() {
    StringBuilder out = new StringBuilder();
    for (RedisServer node : nodes) {
      out.append(node).append(":\n");
      try {
        Map<String, String> info = RedisServer.parseInfo((String) node.command("CLUSTER", "INFO"));
        out.append("  state=").append(info.get("cluster_state"))
            .append(" slots_ok=").append(info.get("cluster_slots_ok"))
            .append(" known_nodes=").append(info.get("cluster_known_nodes")).append('\n');
        for (String line : ((String) node.command("CLUSTER", "NODES")).split("\n")) {
          out.append("  ").append(line.length() > 160 ? line.substring(0, 160) + "..." : line).append('\n');
        }
      } catch (RuntimeException e) {
        out.append("  unreachable: ").append(e).append('\n');
      }
    }
    return out.toString();
  }

  private static RedisCluster create(Builder builder) {
    List<RedisServer> masters = new ArrayList<>();
    List<RedisServer> replicas = new ArrayList<>();
    List<RedisServer> all = new ArrayList<>();
    try {
      for (int i = 0; i < builder.masters + builder.masters * builder.replicasPerMaster; i++) {
        boolean master = i < builder.masters;
        RedisServer.Builder node = RedisServer.builder()
            .name((master ? "master-" : "replica-") + i)
            .clusterEnabled()
            .clusterNodeTimeout(builder.nodeTimeout);
        if (builder.password != null) {
          node.password(builder.password);
        }
        if (builder.tls != null) {
          node.tls(builder.tls);
        }
        if (builder.announceHostnames) {
          node.config("cluster-announce-hostname " + RedisServer.TLS_HOST, "cluster-preferred-endpoint-type hostname");
        }
        builder.nodeCustomizer.accept(node);
        RedisServer server = node.start();
        all.add(server);
        (master ? masters : replicas).add(server);
      }
      RedisCluster cluster = new RedisCluster(masters, replicas, builder.convergenceTimeout, builder.tls);
      cluster.form(builder.masters);
      return cluster;
    } catch (RuntimeException | Error e) {
      Servers.closeAfter(all, e);
      throw e;
    }
  }

  private void form(int masterCount) {
    for (int i = 0; i < masterCount; i++) {
      int from = i * SLOTS / masterCount;
      int to = (i + 1) * SLOTS / masterCount - 1;
      // ADDSLOTS rather than ADDSLOTSRANGE, which needs Redis 7; one command with a few thousand arguments is fine.
      List<String> args = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
      for (int slot = from; slot <= to; slot++) {
        args.add(String.valueOf(slot));
      }
      masters.get(i).command(args.toArray(String[]::new));
    }
    for (int i = 0; i < nodes.size(); i++) {
      // Distinct epochs up front, as redis-cli does: otherwise the nodes first have to resolve epoch collisions,
      // which delays convergence.
      nodes.get(i).command("CLUSTER", "SET-CONFIG-EPOCH", String.valueOf(i + 1));
    }
    RedisServer first = nodes.get(0);
    for (RedisServer node : nodes.subList(1, nodes.size())) {
      node.command("CLUSTER", "MEET", RedisServer.HOST, String.valueOf(first.port()));
    }
    // CLUSTER REPLICATE needs the replica to know its master, so wait until the handshakes are done first.
    Await.until(() -> nodes.stream().allMatch(this::knowsAllNodes), convergenceTimeout,
        () -> "all cluster nodes to know each other; current view:\n" + describe());
    for (int i = 0; i < replicas.size(); i++) {
      String masterId = nodeId(masters.get(i % masterCount));
      replicas.get(i).command("CLUSTER", "REPLICATE", masterId);
    }
    awaitHealthy();
  }

  private boolean knowsAllNodes(RedisServer node) {
    String[] lines = ((String) node.command("CLUSTER", "NODES")).trim().split("\n");
    if (lines.length != nodes.size()) {
      return false;
    }
    for (String line : lines) {
      String flags = line.split(" ")[2];
      if (flags.contains("handshake") || flags.contains("noaddr")) {
        return false;
      }
    }
    return true;
  }

  /** Configures a {@link RedisCluster}. */
  public static final class Builder {

    private int masters = 3;
    private int replicasPerMaster;
    private String password;
    private TlsCertificates tls;
    private boolean announceHostnames;
    /**
     * Short so that tests that kill a node see failure detection and failover within seconds, long enough that a
     * node briefly starved of CPU on a busy machine is not declared failed.
     */
    private Duration nodeTimeout = Duration.ofSeconds(3);
    /** Gossip normally converges in about a second; the margin is for a loaded 2-core machine. */
    private Duration convergenceTimeout = Duration.ofSeconds(30);
    private Consumer<RedisServer.Builder> nodeCustomizer = node -> { };

    private Builder() {
    }

    /**
     * Number of masters; the slots are split evenly between them.
     *
     * @param masters at least 1 (Redis Cluster needs 3 for automatic failover)
     * @return this builder
     */
    public Builder masters(int masters) {
      if (masters < 1) {
        throw new IllegalArgumentException("masters must be at least 1");
      }
      this.masters = masters;
      return this;
    }

    /**
     * Number of replicas per master (0 by default).
     *
     * @param replicas replicas per master
     * @return this builder
     */
    public Builder replicasPerMaster(int replicas) {
      this.replicasPerMaster = replicas;
      return this;
    }

    /**
     * Sets {@code requirepass} (and {@code masterauth}) on every node.
     *
     * @param password the password
     * @return this builder
     */
    public Builder password(String password) {
      this.password = password;
      return this;
    }

    /**
     * Serves TLS only on every node, the cluster bus and replication included (see
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
     * Makes every node announce itself by the name {@value RedisServer#TLS_HOST} instead of its IP
     * ({@code cluster-announce-hostname}, {@code cluster-preferred-endpoint-type hostname}): {@code CLUSTER SLOTS}
     * and {@code MOVED} then name the host, which a certificate without IP addresses
     * ({@link TlsCertificates#namesOnly()}) passes hostname verification for. Redis 7 or later.
     *
     * @return this builder
     * @throws IllegalStateException when the binary is older than Redis 7, which has neither setting
     */
    public Builder announceHostnames() {
      RedisBinary binary = RedisBinary.get();
      if (binary.majorVersion() < 7) {
        throw new IllegalStateException("cluster-announce-hostname needs Redis 7 or later; " + binary + " is older");
      }
      this.announceHostnames = true;
      return this;
    }

    /**
     * Sets {@code cluster-node-timeout} on every node.
     *
     * @param timeout the node timeout
     * @return this builder
     */
    public Builder nodeTimeout(Duration timeout) {
      this.nodeTimeout = Objects.requireNonNull(timeout);
      return this;
    }

    /**
     * How long {@link RedisCluster#awaitHealthy()} and formation may take.
     *
     * @param timeout the timeout
     * @return this builder
     */
    public Builder convergenceTimeout(Duration timeout) {
      this.convergenceTimeout = Objects.requireNonNull(timeout);
      return this;
    }

    /**
     * Applies further settings to every node's builder, e.g. ACL users or extra config lines.
     *
     * @param customizer called with each node's builder before it starts
     * @return this builder
     */
    public Builder eachNode(Consumer<RedisServer.Builder> customizer) {
      this.nodeCustomizer = this.nodeCustomizer.andThen(customizer);
      return this;
    }

    /**
     * Starts the nodes, forms the cluster and waits until it is healthy.
     *
     * @return the running cluster
     */
    public RedisCluster start() {
      return create(this);
    }
  }
}
