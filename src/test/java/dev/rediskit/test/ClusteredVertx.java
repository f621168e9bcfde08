package dev.rediskit.test;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.UUID;

/**
 * Clustered Vert.x nodes for the scale-out tests: Hazelcast on loopback only, joined over TCP (no
 * multicast), in a cluster name of their own so that parallel builds on one machine never meet.
 */
public final class ClusteredVertx {

  private ClusteredVertx() {
  }

  /** How many nodes one test cluster may have: each gets a port of its own from a block. */
  private static final int MAX_NODES = 4;

  /**
   * One test's cluster: a unique name and a block of free ports the nodes listen on and look for
   * each other at.
   *
   * @param name the Hazelcast cluster name
   * @param ports the member ports
   */
  public record Cluster(String name, java.util.List<Integer> ports) {
    /** @return a started node of this cluster (blocks the test thread until it has joined) */
    public Vertx node() {
      return ClusteredVertx.node(this);
    }
  }

  /**
   * Started nodes of one fresh cluster, closed together, the last started first.
   *
   * @param nodes the nodes, in the order they joined
   */
  public record Nodes(java.util.List<Vertx> nodes) implements AutoCloseable {

    /**
     * @param i the index
     * @return the node that joined {@code i}-th
     */
    public Vertx get(int i) {
      return nodes.get(i);
    }

    @Override
    public void close() {
      for (int i = nodes.size() - 1; i >= 0; i--) {
        Futures.await(nodes.get(i).close());
      }
    }
  }

  /**
   * Two nodes of a fresh cluster shared by every test of a class (each costs seconds to start):
   * started before the class's {@code @BeforeAll} methods, closed after its {@code @AfterAll} ones.
   * Register as a static field: {@code @RegisterExtension static final ClusteredVertx.TwoNodes nodes
   * = new ClusteredVertx.TwoNodes();}.
   */
  public static final class TwoNodes implements BeforeAllCallback, AfterAllCallback {

    private Nodes nodes;

    @Override
    public void beforeAll(ExtensionContext context) {
      nodes = start(2);
    }

    @Override
    public void afterAll(ExtensionContext context) {
      if (nodes != null) {
        nodes.close();
        nodes = null;
      }
    }

    /** @return the node that joined first */
    public Vertx a() {
      return nodes.get(0);
    }

    /** @return the node that joined second */
    public Vertx b() {
      return nodes.get(1);
    }
  }

  /**
   * @param count how many nodes, at most {@value #MAX_NODES}
   * @return that many started nodes of a fresh cluster (blocks the test thread until all have joined)
   */
  public static Nodes start(int count) {
    Cluster cluster = newCluster();
    java.util.List<Vertx> nodes = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      nodes.add(cluster.node());
    }
    return new Nodes(java.util.List.copyOf(nodes));
  }

  /** @return a fresh cluster whose nodes never meet those of other tests or builds */
  public static Cluster newCluster() {
    java.util.List<Integer> ports = new java.util.ArrayList<>();
    for (int i = 0; i < MAX_NODES; i++) {
      ports.add(Ports.reserve());
    }
    return new Cluster("rediskit-test-" + UUID.randomUUID(), ports);
  }

  private static Vertx node(Cluster cluster) {
    String clusterName = cluster.name();
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(clusterName);
    config.setProperty("hazelcast.logging.type", "jdk");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    // A busy 2-core box: don't wait the default 5 s for other members before forming the cluster.
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    int port = -1;
    for (int p : cluster.ports()) {
      if (Ports.isFree(p)) {
        port = p;
        break;
      }
    }
    if (port == -1) {
      throw new IllegalStateException("all " + MAX_NODES + " ports of " + cluster + " are taken");
    }
    config.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    for (int p : cluster.ports()) {
      join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + p);
    }
    HazelcastClusterManager manager = new HazelcastClusterManager(config);
    return Futures.await(Vertx.builder()
      .with(new VertxOptions().setEventBusOptions(new EventBusOptions().setHost("127.0.0.1")))
      .withClusterManager(manager)
      .buildClustered());
  }
}
