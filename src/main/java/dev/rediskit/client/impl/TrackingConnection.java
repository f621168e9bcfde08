package dev.rediskit.client.impl;

import dev.rediskit.client.TrackingLink;
import dev.rediskit.client.TrackingLink.FlushCause;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;

import java.util.Locale;

/**
 * One connection of a tracking link, to one master: {@code CLIENT ID}, then {@code CLIENT
 * TRACKING ON REDIRECT <that id> BCAST PREFIX ...} (the connection redirects to itself), then
 * {@code SUBSCRIBE __redis__:invalidate}, then a {@code PING <n>} at a time as heartbeat.
 *
 * <p>Every frame is read the same way whichever way the client hands it over. In subscribed RESP2
 * a pub/sub message is a plain array, and the client (5.0.7) completes the oldest waiting command
 * with whatever reply comes next: an invalidation arriving while a PING waits completes that PING,
 * and the PING's own reply then reaches the message handler. So the PING's result is read as one
 * more frame, and at most one PING is ever waiting, so nothing shifts further. No command but
 * the PING is sent once subscribed, and the gateway's pipelined connections never track anything:
 * no invalidation ever reaches them. Touched on the gateway's event loop only.
 */
final class TrackingConnection {

  private final TrackingLinkImpl link;
  private final String node;
  private final RedisOptions redisOptions;
  private final Backoff backoff;

  private Redis client;
  private RedisConnection connection;
  /** Bumped for every connection made, so that late callbacks of an older one are ignored. */
  private long generation;
  private boolean subscribed;
  private long pingSeq;
  private long pingSentAt;
  private boolean pingWaiting;
  private long setupStartedAt;
  private volatile long confirmedAt = Long.MIN_VALUE;
  private boolean closed;
  private long retryTimer = -1;

  TrackingConnection(TrackingLinkImpl link, String node, RedisOptions redisOptions) {
    this.link = link;
    this.node = node;
    // RESP2 whatever the gateway negotiates: invalidations then come as pub/sub messages on this
    // connection only, never as RESP3 pushes (see the class comment).
    this.redisOptions = new RedisOptions(redisOptions).setPreferredProtocolVersion(ProtocolVersion.RESP2);
    this.backoff = new Backoff(50, Math.max(50, link.options().getReconnectMaxDelayMs()));
    connect();
  }

  /** @return {@code System.nanoTime()} of the PING last answered, or {@link Long#MIN_VALUE} while not confirmed */
  long confirmedAt() {
    return confirmedAt;
  }

  private void connect() {
    if (closed || link.isClosed()) {
      return;
    }
    retryTimer = -1;
    long gen = ++generation;
    setupStartedAt = System.nanoTime();
    client = Redis.createClient(link.vertx(), redisOptions);
    Redis c = client;
    c.connect()
      .compose(conn -> {
        if (gen != generation) {
          conn.close();
          return Future.failedFuture("superseded");
        }
        connection = conn;
        conn.handler(frame -> onFrame(gen, frame));
        conn.exceptionHandler(err -> lost(gen, FlushCause.LINK_LOST, "tracking connection to " + node + " failed: " + err.getMessage()));
        conn.endHandler(v -> lost(gen, FlushCause.LINK_LOST, "tracking connection to " + node + " closed"));
        return conn.send(Request.cmd(Command.CLIENT).arg("ID"));
      })
      .compose(id -> {
        Request tracking = Request.cmd(Command.CLIENT).arg("TRACKING").arg("ON").arg("REDIRECT").arg(id.toLong()).arg("BCAST");
        for (String p : link.prefixes()) {
          tracking.arg("PREFIX").arg(p);
        }
        return connection.send(tracking);
      })
      .compose(ok -> connection.send(Request.cmd(Command.SUBSCRIBE).arg(TrackingLink.INVALIDATE_CHANNEL)))
      .onComplete(ar -> link.context().runOnContext(v -> {
        if (ar.failed() && gen == generation) {
          String why = "cannot set up tracking on " + node + ": " + ar.cause().getMessage();
          if (RedisFailures.isErrorReply(ar.cause())) {
            link.setupRefused(why);
          }
          lost(gen, FlushCause.LINK_LOST, why);
        }
      }));
  }

  /**
   * @param now {@code System.nanoTime()}
   * @param lostAfterNanos how long a PING (or the set-up) may go unanswered
   */
  void heartbeat(long now, long lostAfterNanos) {
    if (closed || retryTimer != -1) {
      return;
    }
    if (!subscribed) {
      long limit = Math.max(lostAfterNanos, link.options().getConnectTimeoutMs() * 1_000_000L);
      if (now - setupStartedAt > limit) {
        lost(generation, FlushCause.HEARTBEAT_TIMEOUT, "tracking set-up on " + node + " did not complete in time");
      }
      return;
    }
    if (pingWaiting) {
      if (now - pingSentAt > lostAfterNanos) {
        lost(generation, FlushCause.HEARTBEAT_TIMEOUT, "tracking connection to " + node + " did not answer its PING within "
          + lostAfterNanos / 1_000_000 + " ms");
      }
      return;
    }
    ping(now);
  }

  private void ping(long now) {
    long gen = generation;
    pingWaiting = true;
    pingSentAt = now;
    long seq = ++pingSeq;
    connection.send(Request.cmd(Command.PING).arg(Long.toString(seq))).onComplete(ar -> {
      if (ar.succeeded()) {
        onFrame(gen, ar.result());
      }
      // A failure is the connection's: its exception or end handler reports it.
    });
  }

  private void onFrame(long gen, Response frame) {
    if (frame != null && frame.type() == ResponseType.ERROR && !subscribed && gen == generation && !closed) {
      // The client completes a SUBSCRIBE as soon as it is written, so Redis' refusal of it (an ACL user without
      // +subscribe or the channel) comes here, as a reply nobody waits for, instead of failing the set-up.
      String why = "cannot set up tracking on " + node + ": Redis refuses SUBSCRIBE " + TrackingLink.INVALIDATE_CHANNEL
        + " (" + frame + "); grant the ACL user +subscribe and the channel (resetchannels &"
        + TrackingLink.INVALIDATE_CHANNEL + ")";
      link.setupRefused(why);
      lost(gen, FlushCause.LINK_LOST, why);
      return;
    }
    if (gen != generation || closed || frame == null || frame.type() != ResponseType.MULTI && frame.type() != ResponseType.PUSH
      || frame.size() < 2) {
      return;
    }
    String kind = frame.get(0).toString().toLowerCase(Locale.ROOT);
    switch (kind) {
      case "message" -> {
        Response keys = frame.size() > 2 ? frame.get(2) : null;
        if (keys == null || keys.type() == ResponseType.BULK && keys.toBuffer() == null) {
          link.serverFlushed();
        } else if (keys.type() == ResponseType.MULTI) {
          for (Response k : keys) {
            link.invalidated(k.toString());
          }
        } else {
          link.invalidated(keys.toString());
        }
      }
      case "subscribe" -> {
        subscribed = true;
        backoff.reset();
        ping(System.nanoTime());
      }
      case "pong" -> {
        if (pingWaiting && Long.toString(pingSeq).equals(String.valueOf(frame.get(1)))) {
          pingWaiting = false;
          confirmedAt = pingSentAt;
          link.confirmationChanged();
        }
      }
      default -> {
      }
    }
  }

  private void lost(long gen, FlushCause cause, String why) {
    if (gen != generation || closed) {
      return;
    }
    generation++;
    boolean wasUp = subscribed || confirmedAt != Long.MIN_VALUE;
    dropConnection();
    if (wasUp) {
      link.flush(cause, why);
    } else {
      // Never confirmed since the last flush: nothing was served on its word, so nothing to drop.
      link.confirmationChanged();
    }
    long delay = backoff.next();
    retryTimer = link.vertx().setTimer(delay, id -> link.context().runOnContext(v -> connect()));
  }

  private void dropConnection() {
    subscribed = false;
    pingWaiting = false;
    confirmedAt = Long.MIN_VALUE;
    RedisConnection conn = connection;
    connection = null;
    if (conn != null) {
      conn.handler(null).exceptionHandler(null).endHandler(null);
    }
    if (client != null) {
      client.close();
      client = null;
    }
  }

  void close() {
    if (closed) {
      return;
    }
    closed = true;
    generation++;
    if (retryTimer != -1) {
      link.vertx().cancelTimer(retryTimer);
    }
    dropConnection();
  }
}
