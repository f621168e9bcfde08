package dev.rediskit.client.impl;

import dev.rediskit.client.DeadlineQueue;
import dev.rediskit.error.RedisCommandException;
import dev.rediskit.error.RedisPermissionException;
import dev.rediskit.client.GatewayOptions;
import dev.rediskit.error.RedisTimeoutException;
import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.error.RedisUnavailableException.Reason;
import dev.rediskit.client.CommandObserver;
import dev.rediskit.client.CommandObserver.Outcome;
import dev.rediskit.client.GatewayStatus.ConnectionState;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The commands on the gateway's pipelined connection: admission (at most {@code maxPendingCommands},
 * waiting while a connection is being made), writing, completion, and deadlines.
 *
 * <p>Deadlines cost no timer per command: commands are kept in send order in {@link DeadlineQueue}s
 * (all share one timeout, so the head always has the earliest deadline) and one periodic tick fails
 * the expired heads. The same tick notices a stalled connection: commands expiring while nothing
 * came back for a whole timeout. Every field is touched only on the owning event loop, so nothing
 * here is locked.
 */
final class CommandPipeline {

  private static final ConcurrentHashMap<Command, String> NAMES = new ConcurrentHashMap<>();

  private final Vertx vertx;
  private final Context context;
  private final GatewayOptions<?> options;
  private final ConnectionSupervisor supervisor;
  private final GatewayBreaker breaker;
  private final long timeoutNanos;
  private final int maxPending;
  /** Whether reads and writes are gathered: the cluster connection refuses batches spanning slots. */
  private final boolean coalesce;
  private final ReadCoalescer coalescer;
  private final WriteCoalescer writes;
  private final long tickId;
  /** Sent, oldest first. */
  private final DeadlineQueue<Pending<?>> inflight = new DeadlineQueue<>(Pending::settled);
  /** Waiting for a connection, oldest first. */
  private final DeadlineQueue<Pending<?>> waiting = new DeadlineQueue<>(Pending::settled);
  private final Consumer<Pending<?>> timedOut = this::timedOut;
  private int pending;
  /** How deep inside a reply's callbacks the event loop is now (see {@code Pending.handle}). */
  private int replying;
  /** Replies received, error replies included: a lost connection failing commands is not progress. */
  private long replies;
  private long repliesAtLastTick;
  private long lastProgressNanos = System.nanoTime();
  private CommandObserver observer;

  /**
   * Starts the deadline tick.
   *
   * @param vertx the Vert.x instance
   * @param context the owning context
   * @param options the timeout, the pending limit and the topology
   * @param supervisor the connection commands are written on
   * @param breaker told about failures and successes
   */
  CommandPipeline(Vertx vertx, Context context, GatewayOptions<?> options, ConnectionSupervisor supervisor, GatewayBreaker breaker) {
    this.vertx = vertx;
    this.context = context;
    this.options = options;
    this.supervisor = supervisor;
    this.breaker = breaker;
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(options.getCommandTimeoutMs());
    this.maxPending = options.getMaxPendingCommands();
    this.coalesce = options.getType() != RedisClientType.CLUSTER;
    this.coalescer = new ReadCoalescer(context, supervisor::sender);
    this.writes = new WriteCoalescer(context, supervisor::sender);
    long tickMs = Math.max(5, Math.min(100, options.getCommandTimeoutMs() / 10));
    this.tickId = vertx.setPeriodic(tickMs, id -> context.runOnContext(v -> tick()));
  }

  /**
   * @param request a command
   * @param script for an EVALSHA, what to send as EVAL on NOSCRIPT, else {@code null}
   * @return its reply, or its failure
   */
  Future<Response> send(Request request, ScriptCall script) {
    return send(request, script, breaker);
  }

  /**
   * @param request a command
   * @param script for an EVALSHA, what to send as EVAL on NOSCRIPT, else {@code null}
   * @param guard the breaker told about the command's outcome: on a cluster, that of the master owning its slot
   * @return its reply, or its failure
   */
  Future<Response> send(Request request, ScriptCall script, GatewayBreaker guard) {
    Pending<Response> p = new Pending<>(request, System.nanoTime(), script, null);
    p.guard = guard;
    return submit(p);
  }

  /**
   * @param requests commands to send as one batch
   * @return their replies, or the batch's failure
   */
  Future<List<Response>> batch(List<Request> requests) {
    return submit(new Pending<>(requests, System.nanoTime(), null, null));
  }

  /** @return how many commands are pending: in flight, or waiting for a connection */
  int pending() {
    return pending;
  }

  /** @return how many replies (error replies included) came back since the start */
  long replies() {
    return replies;
  }

  /** @return the observer, or {@code null} */
  CommandObserver observer() {
    return observer;
  }

  /** @param observer told about every command, or {@code null} */
  void observer(CommandObserver observer) {
    this.observer = observer;
  }

  /**
   * @param command the command's name
   * @param outcome how it ended
   * @param nanos how long it took
   */
  void notifyObserver(String command, Outcome outcome, long nanos) {
    CommandObserver o = observer;
    if (o != null) {
      o.onCommand(command, outcome, nanos);
    }
  }

  /** A connection is up: the commands that waited for it go, in their order. */
  void connected() {
    lastProgressNanos = System.nanoTime();
    if (coalesce) {
      writes.connected(supervisor.sender());
    }
    Pending<?> p;
    while ((p = waiting.poll()) != null) {
      if (!p.done) {
        inflight.add(p, p.deadline);
        p.dispatch(supervisor.sender());
      }
    }
  }

  /** @param cause what the commands waiting for a connection fail with */
  void failWaiting(Throwable cause) {
    failAll(waiting, cause, Outcome.CONNECTION);
  }

  /** @param cause what the commands in flight fail with */
  void failInflight(Throwable cause) {
    failAll(inflight, cause, Outcome.CONNECTION);
  }

  /**
   * Stops the tick and fails every pending command, as rejected.
   *
   * @param closed what they fail with
   */
  void close(Throwable closed) {
    vertx.cancelTimer(tickId);
    failAll(waiting, closed, Outcome.REJECTED);
    failAll(inflight, closed, Outcome.REJECTED);
  }

  /** Upper-case name of a command, computed once per command (names are a small, fixed set). */
  static String commandName(Command command) {
    return NAMES.computeIfAbsent(command, c -> c.toString().toUpperCase(Locale.ROOT));
  }

  private <T> Future<T> submit(Pending<T> p) {
    switch (supervisor.state()) {
      case CONNECTED:
        if (pending >= maxPending) {
          return overloaded(p, "pending");
        }
        pending++;
        inflight.add(p, p.deadline);
        // Keep the pipeline in call order: what waits in the other outbox goes first.
        if (coalesce && p.request instanceof Request r && ReadCoalescer.gathers(r)) {
          writes.flush();
          coalescer.add(p);
        } else if (coalesce && writes.enabled() && (replying == 0 || !writes.isEmpty())
          && p.request instanceof Request r && WriteCoalescer.gathers(r)) {
          coalescer.flush();
          writes.add(p);
        } else {
          coalescer.flush();
          writes.flush();
          p.dispatch(supervisor.sender());
        }
        return p.promise.future();
      case CONNECTING:
        if (pending >= maxPending) {
          return overloaded(p, "waiting for a connection");
        }
        pending++;
        waiting.add(p, p.deadline);
        return p.promise.future();
      case DISCONNECTED:
        RedisUnavailableException down = supervisor.unavailable();
        breaker.failed(down.getMessage());
        return reject(p, down);
      default:
        return reject(p, new RedisUnavailableException(Reason.CLOSED, "the Redis gateway was closed", null));
    }
  }

  private <T> Future<T> overloaded(Pending<T> p, String where) {
    return reject(p, new RedisUnavailableException(Reason.OVERLOADED,
      "more than " + maxPending + " Redis commands " + where + " (maxPendingCommands); failing fast", null));
  }

  private <T> Future<T> reject(Pending<T> p, RedisUnavailableException e) {
    notifyObserver(p.commandName(), Outcome.REJECTED, System.nanoTime() - p.start);
    return VertxInternals.failed(context, e);
  }

  private void tick() {
    if (supervisor.state() == ConnectionState.CLOSED) {
      return;
    }
    long now = System.nanoTime();
    if (replies != repliesAtLastTick) {
      repliesAtLastTick = replies;
      lastProgressNanos = now;
    }
    // A command past its deadline while the connection keeps answering the ones sent before it is
    // behind their replies (a burst in the pipeline, or this loop reading them late on a busy
    // machine), not lost: failing it would hand a healthy Redis's answer to a failure policy (a rate
    // limiter's FAIL_OPEN would allow it). It gets one more timeout while replies keep coming;
    // without a reply for half a timeout it expires, as on a stall (a lone command never waits more:
    // the connection was idle, not answering, before it was sent).
    boolean answering = now - lastProgressNanos < timeoutNanos / 2;
    boolean expired = inflight.expire(answering ? now - timeoutNanos : now, timedOut) > 0;
    waiting.expire(now, timedOut);
    if (inflight.isEmpty()) {
      lastProgressNanos = now;
    } else if (expired && now - lastProgressNanos >= timeoutNanos && supervisor.state() == ConnectionState.CONNECTED) {
      // Pipelined replies can't overtake a stuck one: commands expire while nothing comes back.
      supervisor.stalled("no reply from Redis for " + options.getCommandTimeoutMs() + " ms");
    }
  }

  private void timedOut(Pending<?> p) {
    pending--;
    p.fail(new RedisTimeoutException(p.describe() + " did not complete within "
      + options.getCommandTimeoutMs() + " ms (commandTimeoutMs)"), Outcome.TIMEOUT);
  }

  private void failAll(DeadlineQueue<Pending<?>> queue, Throwable t, Outcome outcome) {
    queue.drain(p -> {
      pending--;
      p.fail(t, outcome);
    });
  }

  /**
   * One command (or one batch) on its way: its deadline, and the promise handed to the caller.
   * Completed exactly once, by the reply, the deadline tick, or a connection loss.
   */
  private final class Pending<T> implements Handler<AsyncResult<T>>, Coalesced {
    final Object request;
    final long start;
    final long deadline;
    /** Set on an EVALSHA: sent again as EVAL on NOSCRIPT. */
    final ScriptCall script;
    final Promise<T> promise;
    /** The breaker told about the outcome: the gateway's, or on a cluster that of the command's master. */
    GatewayBreaker guard = breaker;
    boolean done;

    /**
     * @param promise the promise to complete, or null for a new one (an EVAL sent after NOSCRIPT
     *                completes the EVALSHA's)
     */
    Pending(Object request, long start, ScriptCall script, Promise<T> promise) {
      this.request = request;
      this.start = start;
      this.deadline = start + timeoutNanos;
      this.script = script;
      this.promise = promise != null ? promise : VertxInternals.promise(context);
    }

    @Override
    public boolean settled() {
      return done;
    }

    @Override
    public Request request() {
      return (Request) request;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void dispatch(RedisConnection conn) {
      Future<?> f = request instanceof Request r ? conn.send(r) : conn.batch((List<Request>) request);
      ((Future<T>) f).onComplete(this);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void replied(Response reply) {
      handle(Future.succeededFuture((T) reply));
    }

    @Override
    public void failed(Throwable cause) {
      handle(Future.failedFuture(cause));
    }

    @Override
    public void refused(String errorReply) {
      if (done) {
        return;
      }
      done = true;
      pending--;
      replies++;
      errorReply(errorReply, null);
    }

    @Override
    public void replyLost(String why) {
      if (done) {
        return;
      }
      done = true;
      pending--;
      replies++;
      if (observer != null) {
        notifyObserver(commandName(), Outcome.REDIS_ERROR, System.nanoTime() - start);
      }
      promise.fail(new RedisCommandException(commandName() + ": " + why, null));
    }

    @Override
    public void handle(AsyncResult<T> ar) {
      if (done) {
        return;
      }
      done = true;
      pending--;
      if (ar.succeeded()) {
        replies++;
        guard.succeeded();
        if (guard != breaker) {
          // Any reply proves the cluster connection as a whole works.
          breaker.succeeded();
        }
        if (observer != null) {
          notifyObserver(commandName(), Outcome.SUCCESS, System.nanoTime() - start);
        }
        // The caller's callbacks run here, inside the socket read that brought the reply: what they
        // send is flushed once at the end of that read already, so writes need not be gathered.
        replying++;
        try {
          promise.complete(ar.result());
        } finally {
          replying--;
        }
        return;
      }
      Throwable cause = ar.cause();
      if (RedisFailures.isErrorReply(cause)) {
        replies++;
        if (script != null && RedisFailures.hasCode(cause, "NOSCRIPT")) {
          // EVAL runs the script and caches it on that node, so the next EVALSHA hits. Its deadline
          // starts now: the EVALSHA's round trip is not held against it.
          // A refusal (gateway closed meanwhile) comes back as a failed future, not through the promise.
          // Not an error for the caller nor for the metrics: the EVAL it becomes is observed instead.
          Pending<T> eval = new Pending<>(script.eval(), System.nanoTime(), null, promise);
          eval.guard = guard;
          submit(eval).onFailure(promise::tryFail);
          return;
        }
        errorReply(cause.getMessage(), cause);
        return;
      }
      fail(new RedisUnavailableException(Reason.CONNECTION_LOST,
        describe() + ": connection to Redis lost while the command was in flight (it may or may not have run): "
          + RedisFailures.firstLine(cause), cause), Outcome.CONNECTION);
    }

    /** An error reply: the connection works, so the breaker is not told. */
    private void errorReply(String message, Throwable cause) {
      if (observer != null) {
        notifyObserver(commandName(), Outcome.REDIS_ERROR, System.nanoTime() - start);
      }
      String text = commandName() + ": " + message;
      // A refused permission is typed apart: it is a misconfiguration, not an ordinary error reply.
      promise.fail(RedisPermissionException.isRefusal(message) ? new RedisPermissionException(text, cause)
        : new RedisCommandException(text, cause));
    }

    void fail(Throwable t, Outcome outcome) {
      done = true;
      if (outcome != Outcome.REJECTED) {
        guard.failed(t.getMessage());
      }
      notifyObserver(commandName(), outcome, System.nanoTime() - start);
      promise.tryFail(t);
    }

    String commandName() {
      return request instanceof Request r ? CommandPipeline.commandName(r.command()) : "BATCH";
    }

    /** For messages: a batch by its commands too, so that a caller sees what timed out, not "BATCH" alone. */
    String describe() {
      return request instanceof List<?> batch ? "BATCH " + batch.stream()
        .map(r -> CommandPipeline.commandName(((Request) r).command())).distinct().toList() : commandName();
    }
  }
}
