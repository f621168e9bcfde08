package dev.rediskit.client.impl;

import org.slf4j.event.Level;
import dev.rediskit.client.GatewayOptions;
import dev.rediskit.client.GatewayStatus.NodeStatus;
import dev.rediskit.client.KeySlots;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A breaker per master of a Redis Cluster, and the slot map that says which master a key's slot
 * belongs to now. A dead master then fails fast for its own slots only, while calls for the other
 * masters' slots go on as if nothing happened; with a single breaker, the dead master's failures
 * would open it and fail every slot.
 *
 * <p>The map comes from {@code CLUSTER SLOTS}, the same source the Redis client routes by. It is
 * changed on the owning event loop and replaced whole, so that status can read it from any thread.
 */
final class ClusterBreakers {

  /** How far {@link #probeKey} looks for a key of a node's slots; a master owning any slot is found long before. */
  private static final int PROBE_SEARCH_LIMIT = 1_000_000;

  private final Vertx vertx;
  private final GatewayOptions<?> options;
  private final GatewayLog log;
  private final BiConsumer<GatewayBreaker, CircuitBreakerState> onChange;
  private final Consumer<String> onKnown;
  /** Slot to master ({@code host:port}); {@code null} until the first map. */
  private volatile String[] owners;
  private volatile Map<String, GatewayBreaker> breakers = Map.of();

  /**
   * @param vertx the Vert.x instance
   * @param options the breakers' settings
   * @param log where transitions are logged
   * @param onChange told about each transition of a node's breaker
   * @param onKnown told about each master new to the map
   */
  ClusterBreakers(Vertx vertx, GatewayOptions<?> options, GatewayLog log, BiConsumer<GatewayBreaker, CircuitBreakerState> onChange,
                  Consumer<String> onKnown) {
    this.vertx = vertx;
    this.options = options;
    this.log = log;
    this.onChange = onChange;
    this.onKnown = onKnown;
  }

  /**
   * @param key a key
   * @return the breaker of the master owning the key's slot, or {@code null} while the slot map is unknown
   */
  GatewayBreaker forKey(byte[] key) {
    String[] o = owners;
    if (key == null || o == null) {
      return null;
    }
    String node = o[KeySlots.slot(key)];
    return node == null ? null : breakers.get(node);
  }

  /**
   * @param reply a {@code CLUSTER SLOTS} reply
   * @return whether it names other masters for some slots than the map in use
   */
  boolean differs(Response reply) {
    return !Arrays.equals(owners, parse(reply));
  }

  /**
   * Takes a new slot map: a breaker for each master new to it, the breakers of nodes that are no
   * longer masters dropped (their failures are history: their slots belong to another node now).
   *
   * @param reply a {@code CLUSTER SLOTS} reply
   * @return whether the map changed
   */
  boolean update(Response reply) {
    String[] next = parse(reply);
    if (Arrays.equals(owners, next)) {
      return false;
    }
    Map<String, GatewayBreaker> kept = new LinkedHashMap<>();
    for (String node : next) {
      if (node != null && !kept.containsKey(node)) {
        GatewayBreaker b = breakers.get(node);
        kept.put(node, b != null ? b : newBreaker(node));
      }
    }
    for (Map.Entry<String, GatewayBreaker> e : breakers.entrySet()) {
      if (!kept.containsKey(e.getKey())) {
        e.getValue().close();
      }
    }
    boolean first = owners == null;
    Map<String, GatewayBreaker> before = breakers;
    owners = next;
    breakers = Map.copyOf(kept);
    for (String node : kept.keySet()) {
      if (!before.containsKey(node)) {
        onKnown.accept(node);
      }
    }
    if (!first) {
      log.log(Level.INFO, "cluster slot map changed; masters now " + String.join(", ", kept.keySet()));
    }
    return true;
  }

  /**
   * Closes every node's breaker that is not closed: the caller has proof that each master serves
   * (a cluster connection just reached all of them).
   *
   * @param why what proved it, for the log line
   */
  void recovered(String why) {
    for (GatewayBreaker b : breakers.values()) {
      b.recovered(why);
    }
  }

  /** @return each master's breaker state, in the order of the slot map */
  List<NodeStatus> status() {
    List<NodeStatus> out = new ArrayList<>();
    for (GatewayBreaker b : breakers.values()) {
      out.add(new NodeStatus(b.node(), b.state(), b.failureCount()));
    }
    out.sort((a, b) -> a.node().compareTo(b.node()));
    return out;
  }

  /**
   * A key whose slot the node owns, for a trial call that must reach that node. Such a key is never
   * written: the trial only asks whether it exists.
   *
   * @param node a master
   * @return the key, or {@code null} when the node owns no slot now
   */
  String probeKey(String node) {
    String[] o = owners;
    if (o == null) {
      return null;
    }
    String prefix = options.getKeyPrefix() + ":breaker-probe:";
    for (int i = 0; i < PROBE_SEARCH_LIMIT; i++) {
      String key = prefix + i;
      if (node.equals(o[KeySlots.slot(key)])) {
        return key;
      }
    }
    return null;
  }

  /** Stops every breaker's timers. */
  void close() {
    for (GatewayBreaker b : breakers.values()) {
      b.close();
    }
  }

  private GatewayBreaker newBreaker(String node) {
    GatewayBreaker[] self = new GatewayBreaker[1];
    self[0] = new GatewayBreaker(vertx, options, log, node, s -> onChange.accept(self[0], s));
    return self[0];
  }

  /** Slot to master, from the ranges of {@code CLUSTER SLOTS}: start, end, then the master's host and port first. */
  static String[] parse(Response reply) {
    String[] next = new String[KeySlots.SLOTS];
    for (Response range : reply) {
      int from = range.get(0).toInteger();
      int to = range.get(1).toInteger();
      Response master = range.get(2);
      Response host = master.get(0);
      String node = (host == null ? "" : host.toString()) + ":" + master.get(1).toInteger();
      Arrays.fill(next, from, to + 1, node);
    }
    return next;
  }
}
