package dev.rediskit.client.impl;

import org.slf4j.event.Level;
import dev.rediskit.client.GatewayOptions;
import dev.rediskit.config.Redaction;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Listens to every configured sentinel for {@code +switch-master} of the gateway's master, so that
 * the gateway connects to the promoted replica the moment Sentinel announces it, instead of finding
 * out on its next back-off attempt. Every sentinel is heard, not just one: the one that ran the
 * failover announces it first, the others only after their next hello exchange (about 2 s later).
 *
 * <p>A subscription that fails or drops is made again after a second, or after the back-off
 * ceiling if that is shorter; the gateway works without it, as before, only slower to follow a
 * failover. Everything runs on the owning context.
 */
final class SentinelWatch {

  /** The Sentinel channel announcing a new master: {@code <name> <old-ip> <old-port> <new-ip> <new-port>}. */
  static final String CHANNEL = "+switch-master";
  private static final long RESUBSCRIBE_MS = 1_000;

  private final Vertx vertx;
  private final Context context;
  private final GatewayOptions<?> options;
  private final GatewayLog log;
  private final Consumer<String> announced;
  private final List<Redis> clients = new ArrayList<>();
  private final Set<Integer> refusalLogged = new HashSet<>();
  private boolean started;
  private boolean closed;

  /**
   * @param vertx the Vert.x instance
   * @param context the owning context, where {@code announced} is called
   * @param redisOptions the gateway's client settings (credentials, TLS)
   * @param options the gateway's settings: the sentinels and the master's name
   * @param log where trouble with a subscription is logged
   * @param announced told the new master's {@code host:port}
   */
  SentinelWatch(Vertx vertx, Context context, RedisOptions redisOptions, GatewayOptions<?> options, GatewayLog log,
                Consumer<String> announced) {
    this.vertx = vertx;
    this.context = context;
    this.options = options;
    this.log = log;
    this.announced = announced;
    for (String endpoint : options.getEndpoints()) {
      clients.add(Redis.createClient(vertx, RedisOptionsFactory.forSentinel(redisOptions, endpoint)));
    }
  }

  /** Subscribes on every sentinel, once; called on the owning context after the gateway's first connect attempt. */
  void start() {
    if (started || closed) {
      return;
    }
    started = true;
    for (int i = 0; i < clients.size(); i++) {
      subscribe(i);
    }
  }

  /** Ends the subscriptions. */
  void close() {
    closed = true;
    for (Redis c : clients) {
      c.close();
    }
  }

  private void subscribe(int index) {
    if (closed) {
      return;
    }
    String sentinel = Redaction.redact(options.getEndpoints().get(index));
    clients.get(index).connect().onComplete(ar -> context.runOnContext(v -> {
      if (closed) {
        if (ar.succeeded()) {
          ar.result().close();
        }
        return;
      }
      if (ar.failed()) {
        retry(index, "cannot connect to sentinel " + sentinel + ": " + ar.cause().getMessage());
        return;
      }
      RedisConnection conn = ar.result();
      boolean[] over = {false};
      Runnable lost = () -> context.runOnContext(v2 -> {
        if (!over[0]) {
          over[0] = true;
          retry(index, "subscription to sentinel " + sentinel + " lost");
        }
      });
      conn.handler(msg -> context.runOnContext(v2 -> {
        if (msg != null && msg.type() == ResponseType.ERROR) {
          // The client completes a SUBSCRIBE as soon as it is written, so a refusal (a Sentinel user without
          // +subscribe or the channel) arrives here, as a reply nobody waits for.
          if (!over[0]) {
            over[0] = true;
            PooledConnections.forceClose(conn);
            refused(index, "sentinel " + sentinel + " refuses SUBSCRIBE " + CHANNEL + " (" + msg + ")");
          }
          return;
        }
        if (refusalLogged.remove(index)) {
          log.log(Level.INFO, "sentinel " + sentinel + " accepts the " + CHANNEL + " subscription again");
        }
        onMessage(msg);
      }));
      conn.exceptionHandler(err -> lost.run());
      conn.endHandler(end -> lost.run());
      conn.send(Request.cmd(Command.SUBSCRIBE).arg(CHANNEL)).onFailure(err -> context.runOnContext(v2 -> {
        PooledConnections.forceClose(conn);
        if (!over[0]) {
          over[0] = true;
          retry(index, "cannot subscribe to " + CHANNEL + " on sentinel " + sentinel + ": " + err.getMessage());
        }
      }));
    }));
  }

  /** A refusal is a configuration problem, not a network blip: said once per sentinel at WARN, then retried. */
  private void refused(int index, String why) {
    if (refusalLogged.add(index)) {
      log.log(Level.WARN, why + "; grant the Sentinels' user +subscribe and the channel (resetchannels &" + CHANNEL
        + "): until then failovers are noticed on reconnect attempts only");
    }
    retry(index, why);
  }

  private void retry(int index, String why) {
    if (closed) {
      return;
    }
    long delay = Math.min(RESUBSCRIBE_MS, options.getReconnectMaxDelayMs());
    log.log(Level.DEBUG, why + "; failovers are noticed on reconnect attempts only until it is back (next try in "
      + delay + " ms)");
    vertx.setTimer(delay, id -> context.runOnContext(v -> subscribe(index)));
  }

  private void onMessage(Response msg) {
    String master = newMaster(msg, options.getMasterName());
    if (master != null && !closed) {
      announced.accept(master);
    }
  }

  /**
   * @param msg a message pushed on the subscription
   * @param masterName the gateway's master
   * @return the new master's {@code host:port} if the message announces one for {@code masterName}, else {@code null}
   */
  static String newMaster(Response msg, String masterName) {
    if (msg == null || (msg.type() != ResponseType.PUSH && msg.type() != ResponseType.MULTI) || msg.size() < 3
      || !"message".equalsIgnoreCase(String.valueOf(msg.get(0)))) {
      return null;
    }
    String[] parts = String.valueOf(msg.get(2)).split(" ");
    if (parts.length != 5 || !parts[0].equals(masterName)) {
      return null;
    }
    String host = parts[3].contains(":") ? "[" + parts[3] + "]" : parts[3];
    return host + ":" + parts[4];
  }
}
