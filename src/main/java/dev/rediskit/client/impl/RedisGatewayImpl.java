package dev.rediskit.client.impl;

import dev.rediskit.client.GatewayOptions;
import dev.rediskit.config.Redaction;
import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.error.RedisCommandException;
import dev.rediskit.error.RedisTimeoutException;
import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.error.RedisUnavailableException.Reason;
import dev.rediskit.client.CommandObserver;
import dev.rediskit.client.CommandObserver.Outcome;
import dev.rediskit.client.GatewayStatus;
import dev.rediskit.client.GatewayStatus.ConnectionState;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.client.Script;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.PooledRedisConnection;
import io.vertx.redis.client.impl.RedisConnectionInternal;
import io.vertx.redis.client.impl.types.ErrorType;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The gateway: one pipelined connection owned by the creating context's event loop, a pool for
 * dedicated work, and a circuit breaker.
 *
 * <p>Every mutable field is touched only on the owning event loop, so nothing here is locked.
 * Deadlines cost no timer per command: commands are kept in send order in {@link #inflight}
 * (all share one timeout, so the head always has the earliest deadline) and one periodic tick
 * fails the expired heads. The breaker is told about every failure and about the first success
 * after failures, which is all a consecutive-failure breaker needs, instead of wrapping each call
 * (its {@code execute} costs several promises and a task hop per call).
 */
public class RedisGatewayImpl implements RedisGateway {

  private static final System.Logger LOG = System.getLogger(RedisGateway.class.getName());
  private static final long INITIAL_RECONNECT_DELAY_MS = 50;

  private final Vertx vertx;
  private final ContextInternal context;
  private final String name;
  private final GatewayOptions options;
  private final RedisOptions redisOptions;
  private final Redis client;
  private final CircuitBreaker breaker;
  private final long timeoutNanos;
  private final int maxPending;
  private final long tickId;
  private final Promise<RedisGateway> ready;

  private final ArrayDeque<Pending<?>> inflight = new ArrayDeque<>();
  private final ArrayDeque<Pending<?>> waiting = new ArrayDeque<>();
  private final List<Pending<?>> outbox = new ArrayList<>();
  private final Handler<Void> flushOutbox = this::flushOutbox;
  private final boolean coalesce;
  private int pending;
  private RedisConnection connection;
  /** What commands are written on: {@link #connection}, or the connection under its pool wrapper, see {@link #sender}. */
  private RedisConnection sender;
  private ConnectionState state = ConnectionState.CONNECTING;
  private long connectAttempt;
  private long reconnectDelayMs = INITIAL_RECONNECT_DELAY_MS;
  private long reconnectTimer = -1;
  private long reconnects;
  private boolean authFailed;
  private boolean rebuilding;
  private int consecutiveConnectFailures;
  private long completions;
  private long completionsAtLastTick;
  private long lastProgressNanos = System.nanoTime();
  private volatile String lastError;
  private volatile CircuitBreakerState breakerState = CircuitBreakerState.CLOSED;
  private int unreportedFailures;
  /** What the latest failure told to the breaker was, for the log line when it opens. */
  private String lastFailure;
  private CommandObserver observer;
  /** Closes the gateway when Vert.x closes, before its client goes: no reconnect attempt against a closed client. */
  private final io.vertx.core.Closeable closeHook = completion -> close().onComplete(completion);

  /**
   * Validates the options, builds the client and starts connecting on the current context, under
   * the name {@value RedisGateway#DEFAULT_NAME}.
   *
   * @param vertx the Vert.x instance
   * @param options the settings
   */
  public RedisGatewayImpl(Vertx vertx, GatewayOptions options) {
    this(vertx, options, DEFAULT_NAME);
  }

  /**
   * Validates the options and the name, builds the client and starts connecting on the current context.
   *
   * @param vertx the Vert.x instance
   * @param options the settings
   * @param name the name the gateway's log lines carry
   */
  public RedisGatewayImpl(Vertx vertx, GatewayOptions options, String name) {
    if (name == null || name.isBlank()) {
      throw new InvalidRequestException("name", "must not be blank, was " + (name == null ? "null" : "\"" + name + "\""));
    }
    this.name = name;
    this.options = options.validatedCopy();
    this.vertx = vertx;
    this.context = (ContextInternal) vertx.getOrCreateContext();
    this.redisOptions = RedisOptionsFactory.create(this.options);
    this.client = Redis.createClient(vertx, redisOptions);
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(this.options.getCommandTimeoutMs());
    this.maxPending = this.options.getMaxPendingCommands();
    // The cluster connection refuses batches spanning slots, so reads are not gathered there.
    this.coalesce = this.options.getType() != RedisClientType.CLUSTER;
    this.ready = context.promise();
    this.breaker = CircuitBreaker.create("rediskit-gateway", vertx, new CircuitBreakerOptions()
        .setMaxFailures(this.options.getBreakerMaxFailures())
        .setResetTimeout(this.options.getBreakerResetTimeoutMs())
        // Deadlines are enforced by the tick below; the breaker's own timeout arms a timer per call.
        .setTimeout(-1)
        .setFallbackOnFailure(false))
      // An error reply (NOSCRIPT, WRONGTYPE...) proves the connection works: it must close a
      // half-open breaker like any reply, not reopen it. Otherwise a trial call that is an
      // EVALSHA meeting a restarted server (NOSCRIPT) reopens the breaker forever.
      .failurePolicy(ar -> ar.failed() && !(ar.cause() instanceof RedisCommandException))
      .openHandler(v -> breakerChanged(CircuitBreakerState.OPEN))
      .halfOpenHandler(v -> breakerChanged(CircuitBreakerState.HALF_OPEN))
      .closeHandler(v -> breakerChanged(CircuitBreakerState.CLOSED));
    long tickMs = Math.max(5, Math.min(100, this.options.getCommandTimeoutMs() / 10));
    this.tickId = vertx.setPeriodic(tickMs, id -> context.runOnContext(v -> tick()));
    ((VertxInternal) vertx).addCloseHook(closeHook);
    String unconfigured = defaultEndpointWarning(this.options);
    if (unconfigured != null) {
      log(System.Logger.Level.WARNING, unconfigured);
    }
    context.runOnContext(v -> connect());
  }

  // ---------------------------------------------------------------- public API

  @Override
  public Future<RedisGateway> ready() {
    return ready.future();
  }

  @Override
  public Future<Response> send(Request request) {
    if (!context.isRunningOnContext()) {
      return hop(() -> send(request));
    }
    return guarded(() -> submit(new Pending<Response>(request, System.nanoTime(), null, null)));
  }

  @Override
  public Future<List<Response>> batch(List<Request> requests) {
    if (!context.isRunningOnContext()) {
      return hop(() -> batch(requests));
    }
    if (requests.isEmpty()) {
      return context.succeededFuture(List.of());
    }
    if (options.getType() == RedisClientType.CLUSTER) {
      // The cluster connection refuses batches spanning slots; each command is still pipelined to its node.
      List<Future<Response>> each = new ArrayList<>(requests.size());
      for (Request r : requests) {
        each.add(send(r));
      }
      return Future.all(each).map(cf -> {
        List<Response> out = new ArrayList<>(each.size());
        for (Future<Response> f : each) {
          out.add(f.result());
        }
        return out;
      });
    }
    return guarded(() -> submit(new Pending<List<Response>>(requests, System.nanoTime(), null, null)));
  }

  @Override
  public Future<Response> eval(Script script, List<String> keys, List<String> args) {
    if (!context.isRunningOnContext()) {
      return hop(() -> eval(script, keys, args));
    }
    // The NOSCRIPT fallback lives in the command's own reply handler rather than in a recover
    // stage: a limiter's every decision is an EVALSHA, and the extra future showed in its profile.
    return guarded(() -> submit(new Pending<Response>(scriptRequest(Command.EVALSHA, script.sha(), keys, args),
      System.nanoTime(), new ScriptCall(script, keys, args), null)));
  }

  /** What an EVALSHA needs to be sent again as EVAL when the node does not know the script. */
  private record ScriptCall(Script script, List<String> keys, List<String> args) {
  }

  private static Request scriptRequest(Command cmd, String shaOrSource, List<String> keys, List<String> args) {
    Request req = Request.cmd(cmd).arg(shaOrSource).arg(keys.size());
    for (String k : keys) {
      req.arg(k);
    }
    for (String a : args) {
      req.arg(a);
    }
    return req;
  }

  @Override
  public <T> Future<T> withConnection(Function<RedisConnection, Future<T>> work) {
    return dedicated(client, work, false);
  }

  @Override
  public Future<List<String>> masters() {
    if (options.getType() != RedisClientType.CLUSTER) {
      return Future.succeededFuture(List.of(RedisOptionsFactory.hostPort(options.getEndpoints().get(0))));
    }
    return send(Request.cmd(Command.CLUSTER).arg("SLOTS")).map(slots -> {
      Set<String> masters = new LinkedHashSet<>();
      for (Response range : slots) {
        Response master = range.get(2);
        masters.add(master.get(0).toString() + ":" + master.get(1).toInteger());
      }
      return new ArrayList<>(masters);
    });
  }

  @Override
  public <T> Future<T> onNode(String hostPort, Function<RedisConnection, Future<T>> work) {
    if (options.getType() != RedisClientType.CLUSTER) {
      return withConnection(work);
    }
    Redis nodeClient = Redis.createClient(vertx, RedisOptionsFactory.forNode(redisOptions, hostPort));
    return dedicated(nodeClient, work, true);
  }

  private <T> Future<T> dedicated(Redis source, Function<RedisConnection, Future<T>> work, boolean closeSource) {
    if (breakerState == CircuitBreakerState.OPEN) {
      if (closeSource) {
        source.close();
      }
      return Future.failedFuture(breakerOpen());
    }
    ContextInternal caller = (ContextInternal) vertx.getOrCreateContext();
    Promise<T> result = caller.promise();
    long timer = vertx.setTimer(options.getCommandTimeoutMs(), id -> {
      String late = "dedicated connection work did not complete within " + options.getCommandTimeoutMs() + " ms";
      if (result.tryFail(new RedisTimeoutException(late))) {
        reportFailureFromAnyThread(late);
      }
    });
    source.connect()
      .recover(err -> {
        RedisUnavailableException mapped = mapConnectFailure(err);
        // A full pool wait queue is this application's own back-pressure, not Redis failing.
        if (!(err instanceof io.vertx.core.http.ConnectionPoolTooBusyException)) {
          reportFailureFromAnyThread(mapped.getMessage());
        }
        return Future.failedFuture(mapped);
      })
      .compose(conn -> {
        Future<T> f;
        try {
          f = work.apply(conn);
        } catch (RuntimeException e) {
          f = Future.failedFuture(e);
        }
        return f.andThen(ar -> {
          if (result.future().isComplete() && !ar.succeeded()) {
            forceClose(conn);
          } else {
            conn.close();
          }
        });
      })
      .onComplete(ar -> {
        vertx.cancelTimer(timer);
        if (closeSource) {
          source.close();
        }
        if (ar.succeeded()) {
          result.tryComplete(ar.result());
        } else {
          Throwable mapped = mapFailure(ar.cause());
          if (result.tryFail(mapped) && isConnectionFailure(ar.cause())) {
            reportFailureFromAnyThread(mapped.getMessage());
          }
        }
      });
    return result.future();
  }

  @Override
  public RedisClientType type() {
    return options.getType();
  }

  @Override
  public io.vertx.core.Context context() {
    return context;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public GatewayOptions options() {
    return options;
  }

  @Override
  public GatewayStatus status() {
    return new GatewayStatus(state, breakerState, breaker.failureCount(), pending, lastError, reconnects);
  }

  @Override
  public RedisGateway observer(CommandObserver observer) {
    this.observer = observer;
    return this;
  }

  @Override
  public Future<Void> close() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      if (state == ConnectionState.CLOSED) {
        done.complete();
        return;
      }
      state = ConnectionState.CLOSED;
      ((VertxInternal) vertx).removeCloseHook(closeHook);
      vertx.cancelTimer(tickId);
      if (reconnectTimer != -1) {
        vertx.cancelTimer(reconnectTimer);
      }
      RedisUnavailableException closed = new RedisUnavailableException(Reason.CLOSED, "the Redis gateway was closed", null);
      failAll(waiting, closed, Outcome.REJECTED);
      failAll(inflight, closed, Outcome.REJECTED);
      ready.tryFail(closed);
      RedisConnection c = connection;
      connection = null;
      sender = null;
      if (c != null) {
        c.exceptionHandler(null).endHandler(null);
      }
      breaker.close();
      client.close().onComplete(ar -> done.complete());
    });
    return done.future();
  }

  // ---------------------------------------------------------------- the fast path

  private <T> Future<T> hop(java.util.function.Supplier<Future<T>> call) {
    ContextInternal caller = (ContextInternal) vertx.getOrCreateContext();
    Promise<T> p = caller.promise();
    context.runOnContext(v -> call.get().onComplete(p));
    return p.future();
  }

  private <T> Future<T> guarded(java.util.function.Supplier<Future<T>> call) {
    CircuitBreakerState b = breakerState;
    if (b == CircuitBreakerState.CLOSED) {
      return call.get();
    }
    if (b == CircuitBreakerState.OPEN) {
      notifyObserver("breaker", Outcome.REJECTED, 0);
      return context.failedFuture(breakerOpen());
    }
    // Half-open: the breaker itself picks the single trial call and closes or reopens on its outcome.
    return breaker.<T>execute(call::get).recover(err -> Future.failedFuture(
      err instanceof OpenCircuitException ? breakerOpen() : err));
  }

  private <T> Future<T> submit(Pending<T> p) {
    switch (state) {
      case CONNECTED:
        if (pending >= maxPending) {
          return reject(p, new RedisUnavailableException(Reason.OVERLOADED,
            "more than " + maxPending + " Redis commands pending (maxPendingCommands); failing fast", null));
        }
        pending++;
        inflight.addLast(p);
        if (coalesce && p.request instanceof Request r && (r.command() == Command.GET || COALESCED.contains(r.command()))) {
          outbox.add(p);
          if (outbox.size() == 1) {
            context.runOnContext(flushOutbox);
          }
        } else {
          // Keep the pipeline in call order: reads waiting in the outbox go first.
          flushOutbox(null);
          p.dispatch(sender);
        }
        return p.promise.future();
      case CONNECTING:
        if (pending >= maxPending) {
          return reject(p, new RedisUnavailableException(Reason.OVERLOADED,
            "more than " + maxPending + " Redis commands waiting for a connection (maxPendingCommands); failing fast", null));
        }
        pending++;
        waiting.addLast(p);
        return p.promise.future();
      case DISCONNECTED:
        RedisUnavailableException down = authFailed
          ? new RedisUnavailableException(Reason.AUTHENTICATION, "Redis refused the credentials: " + lastError, null)
          : new RedisUnavailableException(Reason.DISCONNECTED, "not connected to Redis: " + lastError, null);
        reportFailure(down.getMessage());
        return reject(p, down);
      default:
        return reject(p, new RedisUnavailableException(Reason.CLOSED, "the Redis gateway was closed", null));
    }
  }

  private <T> Future<T> reject(Pending<T> p, RedisUnavailableException e) {
    notifyObserver(p.commandName(), Outcome.REJECTED, System.nanoTime() - p.start);
    return context.failedFuture(e);
  }

  /**
   * One command (or one batch) on its way: its deadline, and the promise handed to the caller.
   * Completed exactly once, by the reply, the deadline tick, or a connection loss.
   */
  private final class Pending<T> implements Handler<AsyncResult<T>> {
    final Object request;
    final long start;
    final long deadline;
    /** Set on an EVALSHA: sent again as EVAL on NOSCRIPT. */
    final ScriptCall script;
    final Promise<T> promise;
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
      this.promise = promise != null ? promise : context.promise();
    }

    @SuppressWarnings("unchecked")
    void dispatch(RedisConnection conn) {
      Future<?> f = request instanceof Request r ? conn.send(r) : conn.batch((List<Request>) request);
      ((Future<T>) f).onComplete(this);
    }

    @SuppressWarnings("unchecked")
    void handleReply(Response reply) {
      handle(Future.succeededFuture((T) reply));
    }

    void handleFailure(Throwable cause) {
      handle(Future.failedFuture(cause));
    }

    @Override
    public void handle(AsyncResult<T> ar) {
      if (done) {
        return;
      }
      done = true;
      pending--;
      completions++;
      if (ar.succeeded()) {
        if (unreportedFailures > 0) {
          reportSuccess();
        }
        if (observer != null) {
          notifyObserver(commandName(), Outcome.SUCCESS, System.nanoTime() - start);
        }
        promise.complete(ar.result());
        return;
      }
      Throwable cause = ar.cause();
      if (cause instanceof ErrorType err && !isClientSideError(err)) {
        if (script != null && err.is("NOSCRIPT")) {
          // EVAL runs the script and caches it on that node, so the next EVALSHA hits. Its deadline
          // starts now: the EVALSHA's round trip is not held against it.
          // A refusal (gateway closed meanwhile) comes back as a failed future, not through the promise.
          // Not an error for the caller nor for the metrics: the EVAL it becomes is observed instead.
          submit(new Pending<>(scriptRequest(Command.EVAL, script.script().source(), script.keys(), script.args()),
            System.nanoTime(), null, promise)).onFailure(promise::tryFail);
          return;
        }
        // An error reply: the connection works, so the breaker is not told.
        if (observer != null) {
          notifyObserver(commandName(), Outcome.REDIS_ERROR, System.nanoTime() - start);
        }
        promise.fail(new RedisCommandException(commandName() + ": " + err.getMessage(), err));
        return;
      }
      fail(new RedisUnavailableException(Reason.CONNECTION_LOST,
        commandName() + ": connection to Redis lost while the command was in flight (it may or may not have run): "
          + firstLine(cause), cause), Outcome.CONNECTION);
    }

    void fail(Throwable t, Outcome outcome) {
      done = true;
      if (outcome != Outcome.REJECTED) {
        reportFailure(t.getMessage());
      }
      notifyObserver(commandName(), outcome, System.nanoTime() - start);
      promise.tryFail(t);
    }

    String commandName() {
      return request instanceof Request r ? RedisGatewayImpl.commandName(r.command()) : "BATCH";
    }
  }

  /**
   * Reads that may be written to Redis together, in one write and flush, and sent again one by one
   * if the batch fails: they change nothing, so sending one twice is harmless. A command issued from
   * its own event-loop task (an event-bus request, a timer) is otherwise written and flushed alone,
   * a system call each; inside a reply callback Vert.x already defers the flush to the end of the read.
   */
  private static final java.util.Set<Command> COALESCED = java.util.Set.of(Command.GET, Command.MGET,
    Command.EXISTS, Command.PTTL, Command.TTL, Command.STRLEN, Command.HGET, Command.HMGET, Command.HGETALL);

  /** Flushes the reads gathered during this event-loop turn. */
  private void flushOutbox(Void ignored) {
    int n = outbox.size();
    if (n == 0) {
      return;
    }
    RedisConnection conn = sender;
    if (n == 1 || conn == null) {
      for (Pending<?> p : outbox) {
        if (!p.done && conn != null) {
          p.dispatch(conn);
        }
      }
      outbox.clear();
      return;
    }
    List<Pending<?>> group = new ArrayList<>(n);
    List<Request> requests = new ArrayList<>(n);
    for (Pending<?> p : outbox) {
      if (!p.done) {
        group.add(p);
        requests.add((Request) p.request);
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
          group.get(i).handleReply(replies.get(i));
        }
      } else if (ar.cause() instanceof ErrorType err && !isClientSideError(err)) {
        // One read got an error reply (e.g. WRONGTYPE): the batch reports only that something failed,
        // so send each again on its own to give every caller its own answer.
        for (Pending<?> p : group) {
          if (!p.done && sender != null) {
            p.dispatch(sender);
          }
        }
      } else {
        for (Pending<?> p : group) {
          p.handleFailure(ar.cause());
        }
      }
    });
  }

  private static final java.util.concurrent.ConcurrentHashMap<Command, String> NAMES = new java.util.concurrent.ConcurrentHashMap<>();

  /** Upper-case name of a command, computed once per command (names are a small, fixed set). */
  static String commandName(Command command) {
    return NAMES.computeIfAbsent(command, c -> c.toString().toUpperCase(java.util.Locale.ROOT));
  }

  /**
   * The client reports a closed connection and protocol trouble as error values too; those are
   * connection failures, not replies from Redis.
   *
   * <p>A batch folds the failures of its commands into one error value, a line per failed command:
   * {@code "ERR [<index>] " + failure.toString()} (vertx-redis-client 5.0's
   * {@code RedisStandaloneConnection.doBatch}). For an error reply that is the reply itself
   * ({@code WRONGTYPE ...}); for a lost connection it is the client's {@code CONNECTION_CLOSED}
   * value, or the exception the socket failed with, whose {@code toString()} starts with its class
   * name ({@code java.net.SocketException: Connection reset}). Redis error replies start with an
   * upper-case code and never with a qualified Java class name, so the two can be told apart.
   */
  private static boolean isClientSideError(ErrorType err) {
    String message = err.getMessage();
    if (message == null) {
      return false;
    }
    if (isClientFailure(message)) {
      return true;
    }
    if (!message.startsWith(BATCH_LINE)) {
      return false;
    }
    for (String line : message.split("\\R")) {
      int end = line.indexOf("] ");
      if (line.startsWith(BATCH_LINE) && end > 0) {
        String failure = line.substring(end + 2);
        if (isClientFailure(failure) || JAVA_EXCEPTION.matcher(failure).lookingAt()) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The client's own error values: exactly {@code CONNECTION_CLOSED} (a script may well reply with
   * a message that merely starts with it), and the parser's {@code ILLEGAL_STATE ...}, after which
   * the client fails the connection.
   */
  private static boolean isClientFailure(String message) {
    return message.equals("CONNECTION_CLOSED") || message.startsWith("ILLEGAL_STATE ");
  }

  /** How each line of a batch's folded failure starts. */
  private static final String BATCH_LINE = "ERR [";
  /** A {@code Throwable.toString()}: a qualified class name, alone or followed by ": " and the message. */
  private static final java.util.regex.Pattern JAVA_EXCEPTION =
    java.util.regex.Pattern.compile("(?:[a-z_][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?::|$)");

  /**
   * What broke the connection, from a failure: for a batch, the first command's failure without the
   * client's {@code ERR [<index>]} frame (the other lines repeat it for each command).
   */
  private static String firstLine(Throwable cause) {
    String m = String.valueOf(cause.getMessage());
    int eol = m.indexOf('\n');
    String line = eol < 0 ? m : m.substring(0, eol).stripTrailing();
    int end = line.indexOf("] ");
    return cause instanceof ErrorType && line.startsWith(BATCH_LINE) && end > 0 ? line.substring(end + 2) : line;
  }

  // ---------------------------------------------------------------- deadlines

  private void tick() {
    if (state == ConnectionState.CLOSED) {
      return;
    }
    long now = System.nanoTime();
    if (completions != completionsAtLastTick) {
      completionsAtLastTick = completions;
      lastProgressNanos = now;
    }
    boolean expired = expire(inflight, now);
    expire(waiting, now);
    if (inflight.isEmpty()) {
      lastProgressNanos = now;
    } else if (expired && now - lastProgressNanos >= timeoutNanos && state == ConnectionState.CONNECTED) {
      // Nothing came back for a whole timeout although commands were sent: the connection is
      // stalled (e.g. a network black hole). Pipelined replies can't overtake a stuck one, so
      // drop the connection and make a new one.
      lastError = "no reply from Redis for " + options.getCommandTimeoutMs() + " ms";
      RedisConnection c = connection;
      connectionLost(c, new RedisUnavailableException(Reason.CONNECTION_LOST, lastError, null));
      forceClose(c);
    }
  }

  private boolean expire(ArrayDeque<Pending<?>> queue, long now) {
    boolean any = false;
    Pending<?> head;
    while ((head = queue.peekFirst()) != null) {
      if (head.done) {
        queue.pollFirst();
        continue;
      }
      if (head.deadline - now > 0) {
        break;
      }
      queue.pollFirst();
      pending--;
      any = true;
      head.fail(new RedisTimeoutException(head.commandName() + " did not complete within "
        + options.getCommandTimeoutMs() + " ms (commandTimeoutMs)"), Outcome.TIMEOUT);
    }
    return any;
  }

  private void failAll(ArrayDeque<Pending<?>> queue, Throwable t, Outcome outcome) {
    Pending<?> p;
    while ((p = queue.pollFirst()) != null) {
      if (!p.done) {
        pending--;
        p.fail(t, outcome);
      }
    }
  }

  // ---------------------------------------------------------------- connection lifecycle

  private void connect() {
    if (state == ConnectionState.CLOSED) {
      return;
    }
    reconnectTimer = -1;
    state = ConnectionState.CONNECTING;
    long attempt = ++connectAttempt;
    // The client's connect timeout covers TCP only; a server that accepts and never answers the
    // handshake would hang it, so each attempt gets its own deadline (attempts are rare).
    long guard = vertx.setTimer(options.getConnectTimeoutMs(), id -> context.runOnContext(v -> {
      if (attempt == connectAttempt && state == ConnectionState.CONNECTING) {
        connectFailed(new RedisTimeoutException("connecting to Redis did not complete within "
          + options.getConnectTimeoutMs() + " ms (connectTimeoutMs)"));
      }
    }));
    client.connect().onComplete(ar -> context.runOnContext(v -> {
      vertx.cancelTimer(guard);
      if (attempt != connectAttempt || state != ConnectionState.CONNECTING) {
        // Too late: this attempt already timed out, or the gateway closed.
        if (ar.succeeded()) {
          forceClose(ar.result());
        }
        return;
      }
      if (ar.failed()) {
        connectFailed(ar.cause());
      } else {
        connected(ar.result());
      }
    }));
  }

  private void connected(RedisConnection conn) {
    int failedAttempts = consecutiveConnectFailures;
    connection = conn;
    sender = sender(conn);
    state = ConnectionState.CONNECTED;
    authFailed = false;
    consecutiveConnectFailures = 0;
    reconnectDelayMs = INITIAL_RECONNECT_DELAY_MS;
    lastProgressNanos = System.nanoTime();
    watch(conn);
    if (!ready.future().isComplete()) {
      logStart(conn);
      ready.complete(this);
    } else {
      reconnects++;
      log(System.Logger.Level.INFO, "reconnected to Redis"
        + (failedAttempts > 0 ? " after " + failedAttempts + " failed attempts" : ""));
    }
    Pending<?> p;
    while ((p = waiting.pollFirst()) != null) {
      if (!p.done) {
        inflight.addLast(p);
        p.dispatch(sender);
      }
    }
  }

  /**
   * @param options the gateway's options
   * @return the warning to log when nothing named a server, else {@code null}: in a container
   * "localhost" is rarely the Redis meant, so the default must not pass silently
   */
  static String defaultEndpointWarning(GatewayOptions options) {
    return options.isEndpointsConfigured() ? null
      : "no Redis endpoint configured (REDIS_URL, REDISKIT_ENDPOINTS, -Drediskit.endpoints or endpoints in the "
        + "configuration): using the default " + GatewayOptions.DEFAULT_ENDPOINT;
  }

  /**
   * The start-up line: where the gateway connected, from which source, and the server's version. The
   * INFO goes straight to the connection, outside the command queue, so it is neither counted in the
   * metrics nor held against the breaker; a server that refuses it (an ACL user without INFO) only
   * costs the version.
   */
  private void logStart(RedisConnection conn) {
    String where = Redaction.redact(String.join(",", options.getEndpoints())) + " (" + options.getType()
      + ", endpoints from " + options.endpointsSource() + ")";
    conn.send(Request.cmd(Command.INFO).arg("server")).onComplete(ar -> {
      String version = ar.succeeded() && ar.result() != null ? infoField(ar.result().toString(), "redis_version") : null;
      log(System.Logger.Level.INFO, "connected to Redis at " + where + ", server version "
        + (version != null ? version : "unknown (" + (ar.failed() ? ar.cause().getMessage() : "no INFO reply") + ")"));
    });
  }

  private static String infoField(String info, String field) {
    for (String line : info.split("\r?\n")) {
      if (line.startsWith(field + ":")) {
        return line.substring(field.length() + 1).trim();
      }
    }
    return null;
  }

  /**
   * The connection to write commands on. The client's pool wrapper builds a reporter for every
   * command (the server's address formatted into strings, plus an extra future stage), which
   * feeds Vert.x tracing and the client's metrics; with neither enabled it has nothing to report
   * and cost about 7% of the event loop's time in the rate-limit benchmark, so commands then go
   * to the connection underneath. The wrapper stays the connection that is watched and closed.
   */
  private static RedisConnection sender(RedisConnection conn) {
    if (conn instanceof PooledRedisConnection pooled) {
      RedisConnectionInternal actual = pooled.actual();
      if (actual.vertx().tracer() == null && actual.metrics() == null) {
        return actual;
      }
    }
    return conn;
  }

  private void connectFailed(Throwable cause) {
    RedisUnavailableException mapped = mapConnectFailure(cause);
    authFailed = mapped.reason() == Reason.AUTHENTICATION;
    lastError = mapped.getMessage();
    state = ConnectionState.DISCONNECTED;
    failAll(waiting, mapped, Outcome.CONNECTION);
    // Told to the breaker like a failed command: an idle gateway has no commands to fail, and its
    // breaker (the state health checks and alerts read) must still open while Redis is down.
    reportFailure(lastError);
    ready.tryFail(mapped);
    // A refused password will not get better by itself: retry slowly, not in a storm.
    long delay = authFailed ? options.getReconnectMaxDelayMs() : reconnectDelayMs;
    reconnectDelayMs = Math.min(options.getReconnectMaxDelayMs(), reconnectDelayMs * 2);
    // Loud once per outage, quiet for the retries that follow.
    log(consecutiveConnectFailures++ == 0 ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG,
      "cannot connect to Redis (" + lastError + "); next attempt in " + delay + " ms");
    reconnectTimer = vertx.setTimer(delay, id -> context.runOnContext(v -> connect()));
  }

  private void watch(RedisConnection conn) {
    conn.exceptionHandler(err -> context.runOnContext(v -> nodeLost(conn,
      new RedisUnavailableException(Reason.CONNECTION_LOST, "connection to Redis failed: " + err.getMessage(), err))));
    conn.endHandler(v0 -> context.runOnContext(v -> nodeLost(conn,
      new RedisUnavailableException(Reason.CONNECTION_LOST, "connection to Redis closed", null))));
  }

  /**
   * A link reported broken. On a cluster that is one node's link: the other masters still serve
   * their slots on the current connection, so a fresh cluster connection is built beside it and
   * swapped in once up (after a failover, once the promoted replica is in the slot map), instead
   * of failing every slot meanwhile. Elsewhere the connection is lost as a whole.
   */
  private void nodeLost(RedisConnection conn, RedisUnavailableException cause) {
    if (options.getType() != RedisClientType.CLUSTER) {
      connectionLost(conn, cause);
      return;
    }
    if (conn != connection || state != ConnectionState.CONNECTED) {
      return;
    }
    lastError = cause.getMessage();
    if (!rebuilding) {
      log(System.Logger.Level.WARNING, "link to a cluster node lost (" + lastError + "); rebuilding the cluster connection");
    }
    rebuildCluster(conn);
  }

  private void rebuildCluster(RedisConnection old) {
    if (rebuilding || state != ConnectionState.CONNECTED || connection != old) {
      return;
    }
    rebuilding = true;
    long attempt = ++connectAttempt;
    long guard = vertx.setTimer(options.getConnectTimeoutMs(), id -> context.runOnContext(v -> {
      if (attempt == connectAttempt && rebuilding) {
        rebuildFailed(old, "rebuilding the cluster connection did not complete within "
          + options.getConnectTimeoutMs() + " ms (connectTimeoutMs)");
      }
    }));
    client.connect().onComplete(ar -> context.runOnContext(v -> {
      vertx.cancelTimer(guard);
      if (attempt != connectAttempt || !rebuilding || state != ConnectionState.CONNECTED || connection != old) {
        if (ar.succeeded()) {
          ar.result().close();
        }
        return;
      }
      if (ar.failed()) {
        rebuildFailed(old, mapConnectFailure(ar.cause()).getMessage());
        return;
      }
      rebuilding = false;
      RedisConnection fresh = ar.result();
      old.exceptionHandler(null).endHandler(null);
      connection = fresh;
      sender = sender(fresh);
      watch(fresh);
      reconnects++;
      reconnectDelayMs = INITIAL_RECONNECT_DELAY_MS;
      log(System.Logger.Level.INFO, "cluster connection rebuilt");
      // Commands still in flight on the old connection complete there; it goes back to the pool.
      old.close();
    }));
  }

  private void rebuildFailed(RedisConnection old, String error) {
    rebuilding = false;
    lastError = error;
    long delay = reconnectDelayMs;
    reconnectDelayMs = Math.min(options.getReconnectMaxDelayMs(), reconnectDelayMs * 2);
    log(System.Logger.Level.DEBUG, "cannot rebuild the cluster connection (" + error + "); next attempt in " + delay + " ms");
    reconnectTimer = vertx.setTimer(delay, id -> context.runOnContext(v -> rebuildCluster(old)));
  }

  private void connectionLost(RedisConnection conn, RedisUnavailableException cause) {
    if (conn != connection || state != ConnectionState.CONNECTED) {
      return;
    }
    connection = null;
    sender = null;
    rebuilding = false;
    lastError = cause.getMessage();
    log(System.Logger.Level.WARNING, "connection to Redis lost (" + lastError + "); reconnecting");
    failAll(inflight, cause, Outcome.CONNECTION);
    // Reconnect at once: most drops are one-off, and commands wait in `waiting` meanwhile.
    connect();
  }

  private RedisUnavailableException mapConnectFailure(Throwable cause) {
    if (cause instanceof RedisUnavailableException rue) {
      return rue;
    }
    String msg = String.valueOf(cause.getMessage());
    if (cause instanceof ErrorType err && (err.is("WRONGPASS") || err.is("NOAUTH") || err.is("NOPERM"))) {
      return new RedisUnavailableException(Reason.AUTHENTICATION, "authentication to Redis failed: " + msg, null);
    }
    if (cause instanceof RedisTimeoutException) {
      return new RedisUnavailableException(Reason.DISCONNECTED, msg, cause);
    }
    return new RedisUnavailableException(Reason.DISCONNECTED, "cannot connect to Redis at "
      + Redaction.redact(String.join(",", options.getEndpoints())) + ": " + msg, cause);
  }

  private Throwable mapFailure(Throwable cause) {
    if (cause instanceof dev.rediskit.error.RedisKitException) {
      return cause;
    }
    if (cause instanceof ErrorType err && !isClientSideError(err)) {
      return new RedisCommandException(err.getMessage(), err);
    }
    return new RedisUnavailableException(Reason.CONNECTION_LOST, String.valueOf(cause.getMessage()), cause);
  }

  /**
   * Whether a failure of dedicated work is the connection failing (reset, closed, broken pipe), as
   * opposed to an error reply or a failure of the work's own making.
   */
  private static boolean isConnectionFailure(Throwable cause) {
    if (cause instanceof ErrorType err) {
      return isClientSideError(err);
    }
    for (Throwable t = cause; t != null && !(t instanceof dev.rediskit.error.RedisKitException); t = t.getCause()) {
      // The client's own words when a command is written on a connection it already saw close.
      if (t instanceof IOException || "Connection is closed".equals(t.getMessage())) {
        return true;
      }
    }
    return false;
  }

  private static void forceClose(RedisConnection conn) {
    if (conn == null) {
      return;
    }
    if (conn instanceof PooledRedisConnection pooled) {
      // close() would only hand a possibly stalled connection back to the pool.
      pooled.actual().forceClose();
    } else {
      conn.close();
    }
  }

  // ---------------------------------------------------------------- breaker

  private void breakerChanged(CircuitBreakerState s) {
    CircuitBreakerState previous = breakerState;
    if (s == previous) {
      return;
    }
    breakerState = s;
    logBreaker(previous, s);
    CommandObserver o = observer;
    if (o != null) {
      context.runOnContext(v -> o.onBreakerState(s));
    }
    if (s == CircuitBreakerState.HALF_OPEN) {
      context.runOnContext(v -> trial());
    }
  }

  /**
   * Tries Redis as soon as the breaker half-opens, with a PING through the normal path, instead of
   * waiting for a caller: an idle gateway would otherwise stay half-open through an outage and after
   * it, and its breaker state (what health checks, the gauge and the alerts read) would say nothing
   * true. The PING is the breaker's trial call unless a caller's call got there first; its outcome
   * closes or reopens the breaker, so it needs no handling here.
   */
  private void trial() {
    if (state == ConnectionState.CLOSED || breakerState != CircuitBreakerState.HALF_OPEN) {
      return;
    }
    // Don't let the trial call wait for the back-off timer: try to connect now.
    if (state == ConnectionState.DISCONNECTED && !authFailed) {
      if (reconnectTimer != -1) {
        vertx.cancelTimer(reconnectTimer);
      }
      connect();
    }
    send(Request.cmd(Command.PING)).onFailure(err -> { });
  }

  /**
   * One line per transition. A long outage repeats open, half-open, open every reset timeout, so
   * only the first opening is a warning and the repeats are debug; closing again is info.
   */
  private void logBreaker(CircuitBreakerState from, CircuitBreakerState to) {
    switch (to) {
      case OPEN -> {
        if (from == CircuitBreakerState.CLOSED) {
          log(System.Logger.Level.WARNING, "circuit breaker OPEN after " + breaker.failureCount() + " failures (last: "
            + lastFailure + "); calls fail fast for " + options.getBreakerResetTimeoutMs() + " ms, then one trial call");
        } else {
          log(System.Logger.Level.DEBUG, "circuit breaker OPEN again, the trial call failed (" + lastFailure
            + "); next trial in " + options.getBreakerResetTimeoutMs() + " ms");
        }
      }
      case HALF_OPEN -> log(System.Logger.Level.DEBUG, "circuit breaker HALF_OPEN: trying Redis with one call");
      case CLOSED -> log(System.Logger.Level.INFO, "circuit breaker CLOSED: Redis answers again");
    }
  }

  private void log(System.Logger.Level level, String message) {
    if (LOG.isLoggable(level)) {
      LOG.log(level, "Redis gateway \"" + name + "\": " + message);
    }
  }

  /**
   * Tells the breaker about a failure, on the owning event loop.
   *
   * @param why the failure, for the log line when the breaker opens
   */
  private void reportFailure(String why) {
    lastFailure = why;
    if (breakerState != CircuitBreakerState.CLOSED) {
      // While open the breaker counts nothing; while half-open the trial call reports itself.
      return;
    }
    unreportedFailures++;
    breaker.<Void>execute(p -> p.fail("Redis failure")).onFailure(err -> { });
  }

  /** For failures seen off the owning event loop (dedicated connections run on the caller's context). */
  private void reportFailureFromAnyThread(String why) {
    context.runOnContext(v -> {
      if (state != ConnectionState.CLOSED) {
        reportFailure(why);
      }
    });
  }

  private void reportSuccess() {
    unreportedFailures = 0;
    if (breakerState == CircuitBreakerState.CLOSED) {
      breaker.<Void>execute(Promise::complete);
    }
  }

  private RedisUnavailableException breakerOpen() {
    return new RedisUnavailableException(Reason.BREAKER_OPEN,
      "Redis circuit breaker is open after repeated failures (last: " + lastError + "); failing fast", null);
  }

  private void notifyObserver(String command, Outcome outcome, long nanos) {
    CommandObserver o = observer;
    if (o != null) {
      o.onCommand(command, outcome, nanos);
    }
  }
}
