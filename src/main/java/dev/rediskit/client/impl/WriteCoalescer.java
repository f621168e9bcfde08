package dev.rediskit.client.impl;

import dev.rediskit.client.RedisGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Writes that may be written to Redis together, in one write and flush, each caller still getting
 * its own reply or its own error reply, and none ever sent twice.
 *
 * <p>The writes of one event-loop turn gather in an outbox, like the reads of {@link ReadCoalescer},
 * and go out at the end of the turn (or as soon as another command must go first) as one batch
 * framed by {@code MULTI} and {@code EXEC}. The frame is what makes a batch of writes safe: inside
 * a transaction an error reply of one command (a {@code WRONGTYPE}, a {@code NOSCRIPT}, a script's
 * error) is an element of {@code EXEC}'s array, so the other replies are not lost with it, as they
 * would be in a plain batch; and Redis runs the commands of a transaction all or none, so a
 * connection lost during the flush leaves the callers with the same "may or may not have run" as
 * one command would. What the frame costs is one {@code +QUEUED} per command and the
 * {@code MULTI}/{@code EXEC} pair, against a system call per command without it.
 *
 * <p>Only commands that behave the same inside a transaction are gathered (no blocking command, no
 * transaction or connection-state command). When Redis refuses a command as it is queued (out of
 * memory, a replica, an ACL), it discards the whole transaction ({@code EXECABORT}): none ran, the
 * refused command's caller gets its own error and the others one saying that nothing was done.
 * Transactions must be allowed on the connection: after every (re)connection an empty
 * {@code MULTI}/{@code EXEC} is tried first, and writes go out one by one until it succeeded, for
 * good if it was refused (an ACL user without {@code +@transaction}).
 *
 * <p>Touched only on the owning event loop.
 */
final class WriteCoalescer {

  private static final Logger LOG = LoggerFactory.getLogger(RedisGateway.class);

  /**
   * Commands per transaction at most. Redis runs a transaction without serving anyone else, and its
   * replies come back together when it ends, where they would have streamed one by one: a large
   * group delays its first callers by the whole group's time. 128 keeps that within a millisecond
   * or two for the limiter's script and a flush well under one per command.
   */
  static final int MAX_GROUP = 128;

  /**
   * Commands that add data, which Redis refuses when out of memory ({@code maxmemory} with
   * {@code noeviction}) alone as in a transaction. Deletes and expiries are not among them: they free
   * memory and Redis runs them alone when out of memory, but refuses every command queued in a
   * transaction then. Scripts are: one that would only read is refused too, inside a transaction,
   * when Redis is out of memory.
   */
  private static final Set<Command> GATHERED = Set.of(Command.SET, Command.SETEX, Command.PSETEX, Command.SETNX,
    Command.MSET, Command.INCR, Command.INCRBY, Command.INCRBYFLOAT, Command.DECR, Command.DECRBY,
    Command.HSET, Command.HSETNX, Command.HINCRBY, Command.SADD, Command.ZADD,
    Command.LPUSH, Command.RPUSH, Command.EVALSHA, Command.EVAL);

  private static final Request MULTI = Request.cmd(Command.MULTI);
  private static final Request EXEC = Request.cmd(Command.EXEC);

  private final Context context;
  private final Supplier<RedisConnection> sender;
  private final List<Coalesced> outbox = new ArrayList<>();
  private final Handler<Void> flushTask = v -> flush();
  /** Whether transactions were seen to work on the current connection. */
  private boolean enabled;
  /** Whether Redis refused them for good (an ACL): then writes are never gathered again. */
  private boolean refused;

  /**
   * @param context the owning context, where the end-of-turn write runs
   * @param sender the connection to write on at the time of the write, or {@code null} while there is none
   */
  WriteCoalescer(Context context, Supplier<RedisConnection> sender) {
    this.context = context;
    this.sender = sender;
  }

  /**
   * @param request a command
   * @return whether it is a write that may be gathered
   */
  static boolean gathers(Request request) {
    return GATHERED.contains(request.command());
  }

  /** @return whether no write waits in the outbox */
  boolean isEmpty() {
    return outbox.isEmpty();
  }

  /** @return whether writes are gathered now (transactions seen to work on this connection) */
  boolean enabled() {
    return enabled;
  }

  /**
   * A connection is up: until an empty transaction has come back on it, writes go out alone.
   *
   * @param conn the new connection
   */
  void connected(RedisConnection conn) {
    enabled = false;
    if (refused || conn == null) {
      return;
    }
    conn.batch(List.of(MULTI, EXEC)).onComplete(ar -> {
      if (sender.get() != conn) {
        return;
      }
      if (ar.succeeded()) {
        enabled = true;
      } else if (RedisFailures.isErrorReply(ar.cause())) {
        refused = true;
        LOG.warn("Redis refused MULTI/EXEC (" + RedisFailures.firstLine(ar.cause())
          + "): writes are sent one write and flush each from now on; allow +@transaction to the user to have "
          + "the writes of one event-loop turn sent together");
      }
    });
  }

  /**
   * Gathers a write, to be written at the end of this event-loop turn.
   *
   * @param write a write (see {@link #gathers}), while {@link #enabled()}
   */
  void add(Coalesced write) {
    outbox.add(write);
    if (outbox.size() == 1) {
      context.runOnContext(flushTask);
    } else if (outbox.size() >= MAX_GROUP) {
      // A full group goes at once: when many calls are queued as tasks of their own (hops from
      // other threads), the end-of-turn task runs after all of them, and Redis would sit idle
      // meanwhile while their deadlines run.
      flush();
    }
  }

  /** Writes the writes gathered so far: alone when there is one, else in transactions of {@link #MAX_GROUP}. */
  void flush() {
    if (outbox.isEmpty()) {
      return;
    }
    RedisConnection conn = sender.get();
    List<Coalesced> group = new ArrayList<>(outbox.size());
    for (Coalesced w : outbox) {
      if (!w.settled()) {
        group.add(w);
      }
    }
    outbox.clear();
    // Without a connection the writes stay where their deadline or the connection loss answers them.
    if (conn == null || group.isEmpty()) {
      return;
    }
    if (group.size() == 1) {
      group.get(0).dispatch(conn);
      return;
    }
    for (int from = 0; from < group.size(); from += MAX_GROUP) {
      send(conn, group.subList(from, Math.min(group.size(), from + MAX_GROUP)));
    }
  }

  private void send(RedisConnection conn, List<Coalesced> group) {
    List<Request> requests = new ArrayList<>(group.size() + 2);
    requests.add(MULTI);
    for (Coalesced w : group) {
      requests.add(w.request());
    }
    requests.add(EXEC);
    boolean[] inFlush = {true};
    conn.batch(requests).onComplete(ar -> {
      if (ar.succeeded()) {
        answer(group, ar.result().get(group.size() + 1));
      } else {
        failed(conn, group, ar.cause(), inFlush[0]);
      }
    });
    inFlush[0] = false;
  }

  private static void answer(List<Coalesced> group, Response exec) {
    if (exec == null || exec.size() != group.size()) {
      // A null EXEC: a key WATCHed on this connection changed (a caller's own WATCH); nothing ran.
      for (Coalesced w : group) {
        w.replyLost("the transaction it was gathered in was discarded by Redis (EXEC answered "
          + (exec == null ? "nil, a WATCHed key changed" : exec.size() + " replies for " + group.size())
          + "); not sent again");
      }
      return;
    }
    for (int i = 0; i < group.size(); i++) {
      Response reply = exec.get(i);
      if (reply != null && reply.type() == ResponseType.ERROR && reply instanceof Throwable error) {
        group.get(i).failed(error);
      } else {
        group.get(i).replied(reply);
      }
    }
  }

  private void failed(RedisConnection conn, List<Coalesced> group, Throwable cause, boolean beforeAnyWrite) {
    if (RedisFailures.isErrorReply(cause)) {
      refusedByRedis(group, RedisFailures.batchLines(cause));
      return;
    }
    if (beforeAnyWrite && RedisFailures.isRefusedBeforeWriting(cause)) {
      // The client refused the batch before writing any of it (an invalid command, a full queue),
      // and nothing was written after it: each goes alone, in order, and gets its own outcome.
      for (Coalesced w : group) {
        if (!w.settled()) {
          w.dispatch(conn);
        }
      }
      return;
    }
    for (Coalesced w : group) {
      w.failed(cause);
    }
  }

  /**
   * Some command of the transaction got an error reply at the top level, which only happens when
   * Redis refused something as it was queued: a refused command makes it discard the transaction
   * ({@code EXECABORT}, none ran), and a refused {@code MULTI} (busy with a script, loading) leaves
   * the commands to run on their own, their replies folded away by the batch.
   */
  private static void refusedByRedis(List<Coalesced> group, Map<Integer, String> lines) {
    String exec = lines.get(group.size() + 1);
    boolean discarded = !lines.containsKey(0) && exec != null && exec.startsWith("EXECABORT");
    for (int i = 0; i < group.size(); i++) {
      String own = lines.get(i + 1);
      Coalesced w = group.get(i);
      if (own != null) {
        w.refused(own);
      } else if (discarded) {
        w.refused("EXECABORT not run: Redis refused another command of the transaction it was gathered in ("
          + firstRefusal(lines) + ") and discarded it; nothing was done");
      } else {
        w.replyLost("Redis refused MULTI (" + lines.get(0) + ") and ran it on its own; its reply was not kept");
      }
    }
  }

  private static String firstRefusal(Map<Integer, String> lines) {
    return lines.values().stream().filter(l -> !l.startsWith("EXECABORT")).findFirst().orElse("unknown");
  }
}
