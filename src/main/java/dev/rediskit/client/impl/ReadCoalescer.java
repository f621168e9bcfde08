package dev.rediskit.client.impl;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reads that may be written to Redis together, in one write and flush, and sent again one by one
 * if the batch fails: they change nothing, so sending one twice is harmless. A command issued from
 * its own event-loop task (an event-bus request, a timer) is otherwise written and flushed alone,
 * a system call each; inside a reply callback Vert.x already defers the flush to the end of the read.
 *
 * <p>The reads of one event-loop turn gather in an outbox, written at the end of the turn or as soon
 * as a command that is not such a read must go first (the pipeline keeps call order). Touched only
 * on the owning event loop.
 */
final class ReadCoalescer {

  private static final Set<Command> COALESCED = Set.of(Command.GET, Command.MGET,
    Command.EXISTS, Command.PTTL, Command.TTL, Command.STRLEN, Command.HGET, Command.HMGET, Command.HGETALL);

  private final Context context;
  private final Supplier<RedisConnection> sender;
  private final List<Coalesced> outbox = new ArrayList<>();
  private final Handler<Void> flushTask = v -> flush();

  /**
   * @param context the owning context, where the end-of-turn write runs
   * @param sender the connection to write on at the time of the write, or {@code null} while there is none
   */
  ReadCoalescer(Context context, Supplier<RedisConnection> sender) {
    this.context = context;
    this.sender = sender;
  }

  /**
   * @param request a command
   * @return whether it is a read that may be gathered
   */
  static boolean gathers(Request request) {
    Command c = request.command();
    return c == Command.GET || COALESCED.contains(c);
  }

  /**
   * Gathers a read, to be written at the end of this event-loop turn.
   *
   * @param read a read (see {@link #gathers})
   */
  void add(Coalesced read) {
    outbox.add(read);
    if (outbox.size() == 1) {
      context.runOnContext(flushTask);
    } else if (outbox.size() >= WriteCoalescer.MAX_GROUP) {
      // As for writes: calls queued as many tasks of their own must not wait for all of them.
      flush();
    }
  }

  /** Writes the reads gathered so far: alone when there is one, as one batch when there are more. */
  void flush() {
    int n = outbox.size();
    if (n == 0) {
      return;
    }
    RedisConnection conn = sender.get();
    if (n == 1 || conn == null) {
      // Without a connection the reads stay where their deadline or the connection loss answers them.
      for (Coalesced r : outbox) {
        if (!r.settled() && conn != null) {
          r.dispatch(conn);
        }
      }
      outbox.clear();
      return;
    }
    List<Coalesced> group = new ArrayList<>(n);
    List<Request> requests = new ArrayList<>(n);
    for (Coalesced r : outbox) {
      if (!r.settled()) {
        group.add(r);
        requests.add(r.request());
      }
    }
    outbox.clear();
    if (group.isEmpty()) {
      return;
    }
    conn.batch(requests).onComplete(ar -> {
      if (ar.succeeded()) {
        List<Response> replies = ar.result();
        for (int i = 0; i < group.size(); i++) {
          group.get(i).replied(replies.get(i));
        }
      } else if (RedisFailures.isErrorReply(ar.cause())) {
        // One read got an error reply (e.g. WRONGTYPE): the batch reports only that something failed,
        // so send each again on its own to give every caller its own answer.
        for (Coalesced r : group) {
          RedisConnection now = sender.get();
          if (!r.settled() && now != null) {
            r.dispatch(now);
          }
        }
      } else {
        for (Coalesced r : group) {
          r.failed(ar.cause());
        }
      }
    });
  }
}
