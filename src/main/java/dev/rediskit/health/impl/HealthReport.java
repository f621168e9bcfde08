package dev.rediskit.health.impl;

import dev.rediskit.client.GatewayOptions;
import dev.rediskit.config.Redaction;
import dev.rediskit.client.GatewayStatus;
import dev.rediskit.health.HealthOptions.Detail;
import dev.rediskit.health.HealthSnapshot;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisRole;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one run of the health procedure found, and the rules that turn it into UP, DOWN or
 * degraded. Pure: it parses replies and decides, it never talks to Redis, so every rule is
 * unit-tested without a server.
 *
 * <p>Not thread-safe: one run fills it on one context.
 */
public final class HealthReport {

  /** Redis Cluster's slot count: fewer assigned slots means some keys have no home. */
  static final int CLUSTER_SLOTS = 16384;

  private final GatewayOptions<?> options;
  private final long slowPingMs;
  private final List<String> down = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();
  private Double pingMs;
  private Map<String, String> info;
  private Map<String, String> clusterInfo;
  private ClusterNodes clusterNodes;
  private String connectedNode;
  private GatewayStatus gateway;
  private long elapsedMs = -1;
  private List<String> refusals = List.of();

  /**
   * @param options the gateway's settings: topology, endpoints, limits
   * @param slowPingMs the PING round trip above which Redis is degraded
   */
  public HealthReport(GatewayOptions<?> options, long slowPingMs) {
    this.options = options;
    this.slowPingMs = slowPingMs;
  }

  /** @param ms the PING round trip in milliseconds */
  public void ping(double ms) {
    this.pingMs = ms;
  }

  /** @param reason why PING (hence Redis) failed; the result is DOWN */
  public void pingFailed(String reason) {
    down.add(reason);
  }

  /** @param text the reply of {@code INFO} */
  public void info(String text) {
    this.info = parseFields(text);
  }

  /** @param text the reply of {@code CLUSTER INFO} */
  public void clusterInfo(String text) {
    this.clusterInfo = parseFields(text);
  }

  /** @param text the reply of {@code CLUSTER NODES} */
  public void clusterNodes(String text) {
    this.clusterNodes = ClusterNodes.parse(text);
  }

  /** @param text the reply of {@code CLIENT INFO}: tells which node the gateway's connection reached */
  public void clientInfo(String text) {
    for (String field : text.trim().split(" ")) {
      if (field.startsWith("laddr=")) {
        connectedNode = field.substring("laddr=".length());
      }
    }
  }

  /**
   * Notes a supplementary command that failed or did not answer: the data is incomplete, but PING
   * alone decides whether Redis is up (an ACL user may lack the right to run INFO, for one).
   *
   * @param what e.g. {@code INFO}
   * @param reason what went wrong
   */
  public void missing(String what, String reason) {
    warnings.add(what + " unavailable: " + reason);
  }

  /** @param status the gateway's state when the run finished */
  public void gateway(GatewayStatus status) {
    this.gateway = status;
  }

  /** @param standing the components' permission refusals ({@link dev.rediskit.client.PermissionRefusals#standing()}) */
  public void refusals(Map<String, String> standing) {
    this.refusals = List.copyOf(new java.util.TreeMap<>(standing).values());
  }

  /** @param ms how long the run took */
  public void elapsed(long ms) {
    this.elapsedMs = ms;
  }

  /**
   * Applies the rules. DOWN: PING failed or did not answer; a cluster whose {@code cluster_state} is
   * not {@code ok} (it refuses commands); a Sentinel client meant for the master that reached a
   * replica. Degraded (still UP): breaker half-open, a cluster master's breaker not closed, PING
   * slower than the threshold, a cluster master flagged failed or suspected, slots not all assigned
   * or not all ok, a component that Redis refuses a command or key for lack of permission.
   *
   * @return the decision and the reasons behind it
   */
  public Verdict verdict() {
    List<String> downReasons = new ArrayList<>(down);
    List<String> degradedReasons = new ArrayList<>();
    if (clusterInfo != null) {
      String state = clusterInfo.get("cluster_state");
      if (state != null && !state.equals("ok")) {
        downReasons.add("cluster_state is " + state + " (the cluster refuses commands)");
      }
      long assigned = number(clusterInfo, "cluster_slots_assigned");
      long ok = number(clusterInfo, "cluster_slots_ok");
      if (assigned >= 0 && assigned < CLUSTER_SLOTS) {
        degradedReasons.add("only " + assigned + " of " + CLUSTER_SLOTS + " slots are assigned");
      }
      if (assigned >= 0 && ok >= 0 && ok < assigned) {
        degradedReasons.add((assigned - ok) + " assigned slots are not ok (their master is failing)");
      }
    }
    if (clusterNodes != null && !clusterNodes.failedMasters().isEmpty()) {
      degradedReasons.add("cluster masters failed or suspected: " + String.join(", ", clusterNodes.failedMasters()));
    }
    if (options.getType() == RedisClientType.SENTINEL && options.getRole() == RedisRole.MASTER && info != null) {
      String role = info.get("role");
      if (role != null && !role.equals("master")) {
        downReasons.add("connected to a " + displayRole(role) + ", not the master (failover under way?)");
      }
    }
    if (gateway != null && gateway.breakerState() == CircuitBreakerState.HALF_OPEN) {
      degradedReasons.add("circuit breaker is half-open (recovering from failures)");
    }
    if (gateway != null) {
      for (GatewayStatus.NodeStatus n : gateway.nodes()) {
        if (n.breaker() != CircuitBreakerState.CLOSED) {
          // The other masters serve: calls for this one's slots only fail fast.
          degradedReasons.add("circuit breaker of cluster node " + n.node() + " is " + n.breaker().name().toLowerCase(Locale.ROOT)
            .replace('_', '-') + " (calls for its slots fail fast)");
        }
      }
    }
    // A refused component answers by its fallback: Redis is up, but the module does not work as configured.
    refusals.forEach(r -> degradedReasons.add("permission refused: " + r));
    if (pingMs != null && pingMs > slowPingMs) {
      degradedReasons.add(String.format(Locale.ROOT, "PING took %.1f ms (health.slowPingMs is %d)", pingMs, slowPingMs));
    }
    boolean up = downReasons.isEmpty() && pingMs != null;
    if (!up && downReasons.isEmpty()) {
      downReasons.add("PING did not answer");
    }
    return new Verdict(up, up && !degradedReasons.isEmpty(), up ? degradedReasons : downReasons);
  }

  /**
   * @param reasons why the result is DOWN or degraded
   * @param up whether Redis is up
   * @param degraded whether it is degraded
   */
  public record Verdict(boolean up, boolean degraded, List<String> reasons) {
  }

  /**
   * @param finishedAtMillis the wall-clock time of the end of the run
   * @return what the gauges report
   */
  public HealthSnapshot snapshot(long finishedAtMillis) {
    Verdict v = verdict();
    return new HealthSnapshot(v.up(), v.degraded(), pingMs == null ? Double.NaN : pingMs, finishedAtMillis);
  }

  /**
   * Builds the procedure's status. MINIMAL carries no data at all: only UP or DOWN. FULL carries
   * everything collected; endpoints are redacted and, as a last line of defence, every string is
   * scrubbed of the password, so a secret that slipped into an error message is still not shown.
   *
   * @param detail the detail level
   * @return the status
   */
  public Status toStatus(Detail detail) {
    Verdict v = verdict();
    if (detail == Detail.MINIMAL) {
      return new Status().setOk(v.up());
    }
    JsonObject data = new JsonObject()
      .put("degraded", v.degraded())
      .put("reasons", new JsonArray(new ArrayList<>(v.reasons())));
    if (pingMs != null) {
      data.put("pingMs", round(pingMs));
    }
    data.put("slowPingMs", slowPingMs);
    data.put("type", options.getType().name());
    data.put("endpoints", new JsonArray(new ArrayList<>(options.getEndpoints().stream().map(Redaction::redact).toList())));
    if (info != null) {
      String role = info.get("role");
      data.put("server", new JsonObject()
        .put("version", info.get("redis_version"))
        .put("mode", info.get("redis_mode"))
        .put("role", role == null ? null : displayRole(role))
        .put("uptimeSeconds", numberOrNull(info, "uptime_in_seconds")));
      Long used = numberOrNull(info, "used_memory");
      Long max = numberOrNull(info, "maxmemory");
      JsonObject memory = new JsonObject().put("usedBytes", used).put("maxBytes", max);
      if (used != null && max != null && max > 0) {
        memory.put("usedPercent", round(100.0 * used / max));
      }
      data.put("memory", memory);
      data.put("clients", new JsonObject().put("connected", numberOrNull(info, "connected_clients")));
      JsonObject replication = new JsonObject();
      if ("master".equals(role)) {
        replication.put("connectedReplicas", numberOrNull(info, "connected_slaves"));
      } else if (role != null) {
        replication.put("masterLinkStatus", info.get("master_link_status"));
      }
      data.put("replication", replication);
    }
    if (clusterInfo != null || clusterNodes != null) {
      JsonObject cluster = new JsonObject();
      if (clusterInfo != null) {
        cluster.put("state", clusterInfo.get("cluster_state"))
          .put("slotsAssigned", numberOrNull(clusterInfo, "cluster_slots_assigned"))
          .put("slotsOk", numberOrNull(clusterInfo, "cluster_slots_ok"))
          .put("slotsPfail", numberOrNull(clusterInfo, "cluster_slots_pfail"))
          .put("slotsFail", numberOrNull(clusterInfo, "cluster_slots_fail"))
          .put("knownNodes", numberOrNull(clusterInfo, "cluster_known_nodes"))
          .put("size", numberOrNull(clusterInfo, "cluster_size"));
      }
      if (clusterNodes != null) {
        cluster.put("masters", clusterNodes.masters())
          .put("mastersReachable", clusterNodes.mastersReachable())
          .put("failedMasters", new JsonArray(new ArrayList<>(clusterNodes.failedMasters())));
      }
      data.put("cluster", cluster);
    }
    if (options.getType() == RedisClientType.SENTINEL) {
      data.put("sentinel", new JsonObject()
        .put("masterName", options.getMasterName())
        .put("role", options.getRole().name())
        .put("connectedTo", connectedNode));
    }
    if (gateway != null) {
      data.put("gateway", new JsonObject()
        .put("connection", gateway.connectionState().name())
        .put("breaker", gateway.breakerState().name())
        .put("breakerFailures", gateway.breakerFailures())
        .put("pending", gateway.pending())
        .put("maxPending", options.getMaxPendingCommands())
        .put("poolSize", options.getPoolSize())
        .put("reconnects", gateway.reconnects())
        .put("lastError", gateway.lastError()));
      if (!gateway.nodes().isEmpty()) {
        data.getJsonObject("gateway").put("nodes", gateway.nodesJson());
      }
      if (gateway.tracking() != null) {
        // The near caches' invalidation link: while not CONFIRMED, near caches are bypassed.
        data.put("tracking", gateway.tracking().copy());
      }
    }
    if (!warnings.isEmpty()) {
      data.put("warnings", new JsonArray(new ArrayList<>(warnings)));
    }
    if (elapsedMs >= 0) {
      data.put("elapsedMs", elapsedMs);
    }
    return new Status().setOk(v.up()).setData(scrub(data, options.getPassword()));
  }

  /**
   * Replaces every occurrence of the secret in the strings of a JSON tree.
   *
   * @param json the tree (changed in place)
   * @param secret the secret, or {@code null}
   * @return the tree
   */
  static JsonObject scrub(JsonObject json, String secret) {
    if (secret == null || secret.isEmpty()) {
      return json;
    }
    for (String key : new ArrayList<>(json.fieldNames())) {
      json.put(key, scrubValue(json.getValue(key), secret));
    }
    return json;
  }

  private static Object scrubValue(Object value, String secret) {
    if (value instanceof String s) {
      return s.replace(secret, Redaction.REDACTED);
    }
    if (value instanceof JsonObject o) {
      return scrub(o, secret);
    }
    if (value instanceof JsonArray a) {
      for (int i = 0; i < a.size(); i++) {
        a.set(i, scrubValue(a.getValue(i), secret));
      }
      return a;
    }
    return value;
  }

  /** Redis still says "slave" in INFO; the health data speaks of replicas. */
  private static String displayRole(String role) {
    return role.equals("slave") ? "replica" : role;
  }

  private static double round(double v) {
    return Math.round(v * 100.0) / 100.0;
  }

  /**
   * Parses the {@code field:value} lines of INFO and CLUSTER INFO, skipping section headers.
   *
   * @param text the reply
   * @return the fields, in reply order
   */
  static Map<String, String> parseFields(String text) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String line : text.split("\r?\n")) {
      if (line.isEmpty() || line.charAt(0) == '#') {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon > 0) {
        fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
      }
    }
    return fields;
  }

  private static long number(Map<String, String> fields, String key) {
    Long v = numberOrNull(fields, key);
    return v == null ? -1 : v;
  }

  private static Long numberOrNull(Map<String, String> fields, String key) {
    String v = fields.get(key);
    if (v == null) {
      return null;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * The masters of {@code CLUSTER NODES}, as the node that answered sees them.
   *
   * @param masters nodes flagged master
   * @param mastersReachable masters flagged neither failed ({@code fail}), suspected ({@code fail?}) nor
   * address-less ({@code noaddr})
   * @param failedMasters the {@code host:port} of the others
   */
  record ClusterNodes(int masters, int mastersReachable, List<String> failedMasters) {

    /** Columns: id, address, flags, master id, ping sent, pong received, epoch, link state, slots... */
    static ClusterNodes parse(String text) {
      int masters = 0;
      List<String> failed = new ArrayList<>();
      for (String line : text.split("\r?\n")) {
        String[] cols = line.trim().split(" ");
        if (cols.length < 8) {
          continue;
        }
        List<String> flags = List.of(cols[2].split(","));
        if (!flags.contains("master")) {
          continue;
        }
        masters++;
        // A dropped gossip link alone is not counted: links drop and come back between pings.
        if (flags.contains("fail") || flags.contains("fail?") || flags.contains("noaddr")) {
          String address = cols[1];
          int at = address.indexOf('@');
          failed.add(at >= 0 ? address.substring(0, at) : address);
        }
      }
      return new ClusterNodes(masters, masters - failed.size(), List.copyOf(failed));
    }
  }
}
