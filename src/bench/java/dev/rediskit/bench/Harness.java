package dev.rediskit.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import dev.rediskit.RedisKitOptions;
import dev.rediskit.client.RedisGateway;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import org.HdrHistogram.Histogram;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * A closed-loop load driver: {@code inFlight} virtual callers each send a request, wait for its
 * reply, and send the next, for a fixed time, all on one event loop (the one that owns the
 * connection, as a verticle would). Records ops/s and latency percentiles with HdrHistogram.
 * Shared by the benchmark mains in this package.
 */
public final class Harness {

  /** Result of one measured scenario. */
  public record Result(String name, int inFlight, long ops, double seconds, Histogram latencyMicros, long errors) {
    /** @return completed operations per second */
    public double opsPerSec() {
      return ops / seconds;
    }

    /** @return one aligned line for the report */
    public String line() {
      return String.format(Locale.ROOT, "%-34s %5d %12.0f %9d %9d %9d %7d", name, inFlight, opsPerSec(),
        latencyMicros.getValueAtPercentile(50), latencyMicros.getValueAtPercentile(99),
        latencyMicros.getMaxValue(), errors);
    }
  }

  /** Header matching {@link Result#line()}. */
  public static final String HEADER = String.format(Locale.ROOT, "%-34s %5s %12s %9s %9s %9s %7s",
    "scenario", "conc", "ops/s", "p50(us)", "p99(us)", "max(us)", "errors");

  private Harness() {
  }

  /**
   * Runs one scenario: warm-up, then measurement, on the given context.
   *
   * @param ctx the context owning the client under test
   * @param name scenario name
   * @param inFlight concurrent callers
   * @param warmupMs warm-up time
   * @param measureMs measured time
   * @param op one operation
   * @return the result
   */
  public static Result run(Context ctx, String name, int inFlight, long warmupMs, long measureMs, Supplier<Future<?>> op) {
    loop(ctx, inFlight, warmupMs, op, new Histogram(3_600_000_000L, 3), new long[2]);
    Histogram h = new Histogram(3_600_000_000L, 3);
    long[] counters = new long[2];
    long t0 = System.nanoTime();
    loop(ctx, inFlight, measureMs, op, h, counters);
    double secs = (System.nanoTime() - t0) / 1e9;
    return new Result(name, inFlight, counters[0], secs, h, counters[1]);
  }

  private static void loop(Context ctx, int inFlight, long durationMs, Supplier<Future<?>> op, Histogram h, long[] counters) {
    Promise<Void> done = Promise.promise();
    ctx.runOnContext(v -> {
      long now = System.nanoTime();
      long end = now + durationMs * 1_000_000L;
      int[] active = {inFlight};
      for (int i = 0; i < inFlight; i++) {
        next(op, h, counters, end, active, done, now);
      }
    });
    done.future().await();
  }

  /**
   * One caller: sends operations one after the other until {@code end}.
   *
   * @param now the time the caller's next operation starts at (one clock read serves as the end of
   *            one operation and the start of the next: on a local hit of a few hundred nanoseconds,
   *            a second read per operation would be a tenth of what is measured)
   */
  private static void next(Supplier<Future<?>> op, Histogram h, long[] counters, long end, int[] active, Promise<Void> done,
                           long now) {
    // Iterates while the operation completes at once (a local hit): recursing through onComplete
    // would grow the stack by one frame per call. Every so many, it yields to the event loop, as
    // a real caller would, so that the loop's other work (timers, the tracking link) still runs.
    long start = now;
    for (int inline = 0; ; inline++) {
      if (inline == INLINE_BEFORE_YIELD) {
        io.vertx.core.Vertx.currentContext().runOnContext(v -> next(op, h, counters, end, active, done, System.nanoTime()));
        return;
      }
      if (start - end >= 0) {
        if (--active[0] == 0) {
          done.complete();
        }
        return;
      }
      Future<?> f = op.get();
      if (f.isComplete()) {
        start = record(h, counters, start, f.succeeded());
        continue;
      }
      long started = start;
      f.onComplete(ar -> next(op, h, counters, end, active, done, record(h, counters, started, ar.succeeded())));
      return;
    }
  }

  /** Operations completed at once in a row before a caller yields to the event loop. */
  private static final int INLINE_BEFORE_YIELD = 100;

  /** @return the time the operation ended at */
  private static long record(Histogram h, long[] counters, long start, boolean succeeded) {
    long now = System.nanoTime();
    h.recordValue(Math.max(1, (now - start) / 1000));
    if (succeeded) {
      counters[0]++;
    } else {
      counters[1]++;
    }
    return now;
  }

  /**
   * @param r a result
   * @return it, after printing its line
   */
  public static Result print(Result r) {
    System.out.println(r.line());
    return r;
  }

  /**
   * @param values some figures
   * @return their median
   */
  public static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** @return the measured time of each scenario, from {@code -Dbench.seconds} (default 5 s), in ms */
  public static long measureMs() {
    return Long.getLong("bench.seconds", 5) * 1000;
  }

  /** @return the warm-up before each scenario, in ms: half the measured time, at least 1 s */
  public static long warmupMs() {
    return Math.max(1000, measureMs() / 2);
  }

  /**
   * The clients compared in one run, both bound to one context as a verticle's would be.
   *
   * @param gateway the module's gateway
   * @param raw one raw vertx-redis-client connection, for pipelining by hand
   */
  public record Clients(RedisGateway gateway, RedisConnection raw) {
  }

  /**
   * Creates a gateway and a raw connection on {@code ctx} and waits until both are connected.
   *
   * @param vertx the Vert.x instance
   * @param ctx the context owning both
   * @param options the gateway's settings
   * @return the connected clients
   */
  public static Clients connect(Vertx vertx, Context ctx, RedisKitOptions options) {
    String url = options.getEndpoints().get(0);
    return onContext(ctx, () -> {
      RedisGateway gateway = RedisGateway.create(vertx, options);
      return Redis.createClient(vertx, new RedisOptions().setConnectionString(url).setMaxWaitingHandlers(8192))
        .connect()
        .compose(raw -> gateway.ready().map(g -> new Clients(gateway, raw)));
    });
  }

  /**
   * Runs {@code work} on {@code ctx} and waits for its result (benchmark threads only).
   *
   * @param ctx the context
   * @param work what to run there
   * @param <T> the result type
   * @return the result
   */
  public static <T> T onContext(Context ctx, Supplier<Future<T>> work) {
    Promise<T> p = Promise.promise();
    ctx.runOnContext(v -> work.get().onComplete(p));
    return p.future().await();
  }

  /**
   * A new context on another event loop than {@code ctx}'s, as a verticle deployed beside the one
   * owning {@code ctx} usually gets. {@code getOrCreateContext()} will not do: from a thread outside
   * Vert.x it keeps giving contexts of that thread's one event loop.
   *
   * @param vertx the Vert.x instance (with more than one event loop)
   * @param ctx a context
   * @return a context of its own on another event loop
   * @throws IllegalStateException when Vert.x has no other event loop
   */
  public static Context otherLoop(Vertx vertx, Context ctx) {
    io.netty.channel.EventLoop loop = ((io.vertx.core.internal.ContextInternal) ctx).nettyEventLoop();
    for (io.netty.util.concurrent.EventExecutor e : ((io.vertx.core.internal.VertxInternal) vertx).nettyEventLoopGroup()) {
      if (e != loop) {
        return ((io.vertx.core.internal.VertxInternal) vertx).contextBuilder()
          .withEventLoop((io.netty.channel.EventLoop) e).build();
      }
    }
    throw new IllegalStateException("no other event loop than " + loop + ": give Vert.x more than one");
  }

  /**
   * @param vertx the Vert.x instance
   * @param ctx a context
   * @return a new context (of its own, as another verticle's) on {@code ctx}'s event loop
   */
  public static Context sameLoop(Vertx vertx, Context ctx) {
    return ((io.vertx.core.internal.VertxInternal) vertx).contextBuilder()
      .withEventLoop(((io.vertx.core.internal.ContextInternal) ctx).nettyEventLoop()).build();
  }

  /** @return a Vert.x with two event loops (the machine's cores) */
  public static Vertx vertx() {
    return Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
  }

  /** A redis-server started for the benchmark on a free port, stopped on close. */
  public static final class Server implements AutoCloseable {
    private final Process process;
    private final int port;

    private Server(Process process, int port) {
      this.process = process;
      this.port = port;
    }

    /**
     * @return a started server
     * @throws Exception when it cannot start
     */
    public static Server start() throws Exception {
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      File dir = Files.createTempDirectory("bench-redis").toFile();
      Process p = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--dir", dir.getAbsolutePath())
        .redirectErrorStream(true).redirectOutput(new File(dir, "redis.log")).start();
      Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
      long deadline = System.currentTimeMillis() + 10_000;
      while (true) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
          break;
        } catch (IOException e) {
          if (System.currentTimeMillis() > deadline) {
            throw new IllegalStateException("redis-server did not start on port " + port);
          }
          Thread.sleep(20);
        }
      }
      return new Server(p, port);
    }

    /** @return its port */
    public int port() {
      return port;
    }

    /** @return its URL */
    public String url() {
      return "redis://127.0.0.1:" + port;
    }

    /**
     * Runs redis-cli or redis-benchmark against this server and returns its output.
     *
     * @param args the command and its arguments
     * @return standard output
     * @throws Exception when it cannot run
     */
    public String tool(String... args) throws Exception {
      List<String> cmd = new ArrayList<>(List.of(args));
      cmd.add(1, "-p");
      cmd.add(2, String.valueOf(port));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      StringBuilder out = new StringBuilder();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
        String line;
        while ((line = r.readLine()) != null) {
          out.append(line).append('\n');
        }
      }
      p.waitFor();
      return out.toString();
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }
}
