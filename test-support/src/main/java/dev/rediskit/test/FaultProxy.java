package dev.rediskit.test;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy between a client under test and a Redis server that injects network faults on demand.
 *
 * <p>Built on Vert.x {@link NetServer} and {@link NetClient}; bytes are forwarded unchanged, so it works for TLS
 * servers too (the client still verifies the server's certificate for {@code localhost}). Modes apply to existing
 * and new connections alike and can be switched at any time from the test thread:
 * <ul>
 *   <li>{@link Mode#PASS}: forward both ways as they arrive.</li>
 *   <li>{@link Mode#DELAY}: forward both ways, each chunk held back for the configured delay; order is kept.</li>
 *   <li>{@link Mode#BLACKHOLE}: accept connections but forward nothing in either direction, like a network path
 *       that silently drops packets. New connections are accepted but not connected upstream. Data is not lost but
 *       held (the proxy stops reading, so TCP back-pressure holds the rest): on a switch back to PASS or DELAY it is
 *       delivered in order, like after a healed partition. Use {@link #resetAll()} if the test wants the held
 *       requests gone instead.</li>
 *   <li>{@link Mode#RESET}: every current connection is closed at once, and every new connection is closed right
 *       after it is accepted, for as long as the mode stays RESET. Closing is a normal TCP close (FIN), as Vert.x
 *       offers no per-socket RST.</li>
 * </ul>
 * {@link #resetAll()} closes the current connections once without changing the mode.
 *
 * <p>Only connections made to the proxy's port go through it. Cluster and Sentinel clients learn the real node
 * addresses from the servers ({@code MOVED}, {@code CLUSTER SLOTS}, {@code SENTINEL GET-MASTER-ADDR-BY-NAME}), so
 * for them a proxy covers the first hop only.
 *
 * <p>Call the methods from the test thread, not from an event loop: {@link #start} and {@link #close()} block
 * until Vert.x has bound or released the sockets.
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.start(vertx, redis)) {
 *   client = Redis.createClient(vertx, proxy.uri());
 *   proxy.blackhole();                 // commands now time out
 *   proxy.pass();                      // and are answered again
 *   proxy.reset();                     // connections drop; reconnects are refused until pass()
 * }
 * }</pre>
 */
public final class FaultProxy implements AutoCloseable {

  /** What the proxy does with traffic; see the class documentation. */
  public enum Mode {
    /** Forward both ways. */
    PASS,
    /** Forward both ways after a fixed delay, keeping order. */
    DELAY,
    /** Accept, but forward nothing (held until the mode changes). */
    BLACKHOLE,
    /** Close all connections, current and new. */
    RESET
  }

  /** Binding and closing local sockets is instant when all is well; the slack is for a loaded 2-core machine. */
  private static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(20);

  private static final long HELD = Long.MAX_VALUE;

  private final Vertx vertx;
  private final boolean ownsVertx;
  private final String targetHost;
  private final int targetPort;
  private final boolean tls;
  private final NetClient client;
  private final NetServer server;
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private final AtomicLong accepted = new AtomicLong();
  private volatile Mode mode = Mode.PASS;
  private volatile long delayNanos;
  private volatile boolean closed;

  private FaultProxy(Vertx vertx, boolean ownsVertx, String targetHost, int targetPort, boolean tls) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.tls = tls;
    this.client = vertx.createNetClient(new NetClientOptions()
        .setConnectTimeout((int) Duration.ofSeconds(5).toMillis())
        .setTcpNoDelay(true));
    this.server = vertx.createNetServer(new NetServerOptions().setTcpNoDelay(true)).connectHandler(this::accept);
    try {
      await(server.listen(0, RedisServer.HOST));
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * Starts a proxy in front of a server, on the given Vert.x instance (which the proxy does not close).
   *
   * @param vertx  the Vert.x instance to run on
   * @param target the server to forward to
   * @return the listening proxy, in PASS mode
   */
  public static FaultProxy start(Vertx vertx, RedisServer target) {
    return new FaultProxy(vertx, false, RedisServer.HOST, target.port(), target.isTls());
  }

  /**
   * Starts a proxy in front of any TCP endpoint, on the given Vert.x instance (which the proxy does not close).
   *
   * @param vertx the Vert.x instance to run on
   * @param host  target host
   * @param port  target port
   * @return the listening proxy, in PASS mode
   */
  public static FaultProxy start(Vertx vertx, String host, int port) {
    return new FaultProxy(vertx, false, host, port, false);
  }

  /**
   * Starts a proxy with a Vert.x instance of its own, closed with the proxy; for tests that do not otherwise use
   * Vert.x, or that want the proxy's event loop apart from the client's.
   *
   * @param target the server to forward to
   * @return the listening proxy, in PASS mode
   */
  public static FaultProxy start(RedisServer target) {
    return new FaultProxy(Vertx.vertx(), true, RedisServer.HOST, target.port(), target.isTls());
  }

  /**
   * The loopback port the proxy listens on.
   *
   * @return the port
   */
  public int port() {
    return server.actualPort();
  }

  /**
   * Connection string pointing at the proxy: {@code redis://127.0.0.1:PORT}, or {@code rediss://localhost:PORT}
   * when the target is a TLS server.
   *
   * @return the URI
   */
  public String uri() {
    return tls ? "rediss://" + RedisServer.TLS_HOST + ":" + port() : "redis://" + RedisServer.HOST + ":" + port();
  }

  /**
   * The current mode.
   *
   * @return the mode
   */
  public Mode mode() {
    return mode;
  }

  /**
   * Number of client connections open through the proxy right now.
   *
   * @return open connections
   */
  public int connectionCount() {
    return links.size();
  }

  /**
   * Number of client connections accepted since start, including those closed at once in RESET mode; shows
   * whether a client reconnected.
   *
   * @return accepted connections
   */
  public long acceptedCount() {
    return accepted.get();
  }

  /**
   * Forwards both ways without delay from now on; data held by BLACKHOLE is delivered.
   *
   * @return this proxy
   */
  public FaultProxy pass() {
    return switchTo(Mode.PASS, 0);
  }

  /**
   * Forwards both ways with an added delay per chunk, keeping order.
   *
   * @param delay the delay added to each chunk in each direction
   * @return this proxy
   */
  public FaultProxy delay(Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("negative delay");
    }
    return switchTo(Mode.DELAY, delay.toNanos());
  }

  /**
   * Stops forwarding on existing connections and holds new ones without connecting upstream; nothing gets an
   * answer until the mode changes.
   *
   * @return this proxy
   */
  public FaultProxy blackhole() {
    return switchTo(Mode.BLACKHOLE, 0);
  }

  /**
   * Closes every current connection now and every new one as soon as it is accepted, until the mode changes.
   *
   * @return this proxy
   */
  public FaultProxy reset() {
    switchTo(Mode.RESET, 0);
    resetAll();
    return this;
  }

  /** Closes every current connection now (both sides), leaving the mode as it is. */
  public void resetAll() {
    List<Future<Void>> closing = new ArrayList<>();
    for (Link link : links) {
      closing.add(link.closeOnContext());
    }
    await(Future.join(closing));
  }

  /** Closes all connections and the listening socket, and the Vert.x instance if the proxy created it. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      await(server.close());
      resetAll();
      await(client.close());
    } finally {
      if (ownsVertx) {
        await(vertx.close());
      }
    }
  }

  @Override
  public String toString() {
    return "proxy " + uri() + " -> " + targetHost + ":" + targetPort + " (" + mode + ")";
  }

  private FaultProxy switchTo(Mode newMode, long newDelayNanos) {
    delayNanos = newDelayNanos;
    mode = newMode;
    for (Link link : links) {
      link.context.runOnContext(v -> link.modeChanged());
    }
    return this;
  }

  private void accept(NetSocket socket) {
    accepted.incrementAndGet();
    if (closed) {
      socket.close();
      return;
    }
    Link link = new Link(socket, Vertx.currentContext());
    links.add(link);
    // Checked after adding: reset() sets the mode before it walks the links, so a connection accepted during a
    // reset is either walked or sees RESET here.
    if (mode == Mode.RESET || closed) {
      link.close();
      return;
    }
    link.open();
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.await(OPERATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Proxy operation did not complete within " + OPERATION_TIMEOUT, e);
    }
  }

  /** One proxied connection: the client's socket, the upstream socket, and a pipe for each direction. */
  private final class Link {

    final NetSocket downstream;
    final Context context;
    NetSocket upstream;
    Pipe toServer;
    Pipe toClient;
    boolean connecting;
    boolean linkClosed;

    Link(NetSocket downstream, Context context) {
      this.downstream = downstream;
      this.context = context;
    }

    /** Runs on the link's event loop. */
    void open() {
      // Paused until the upstream connection exists, so that nothing the client sends early is lost.
      downstream.pause();
      downstream.exceptionHandler(e -> close());
      downstream.closeHandler(v -> sideClosed(true));
      if (mode != Mode.BLACKHOLE) {
        connectUpstream();
      }
    }

    void connectUpstream() {
      connecting = true;
      client.connect(targetPort, targetHost).onComplete(ar -> {
        connecting = false;
        if (ar.failed()) {
          // Upstream down: the client sees its connection closed, as it would when connecting directly.
          close();
          return;
        }
        NetSocket socket = ar.result();
        if (linkClosed) {
          socket.close();
          return;
        }
        upstream = socket;
        toServer = new Pipe(downstream, upstream);
        toClient = new Pipe(upstream, downstream);
        upstream.exceptionHandler(e -> close());
        upstream.closeHandler(v -> sideClosed(false));
        downstream.handler(toServer::onData);
        upstream.handler(toClient::onData);
        modeChanged();
      });
    }

    /** Runs on the link's event loop after any mode switch. */
    void modeChanged() {
      if (linkClosed) {
        return;
      }
      Mode current = mode;
      if (current == Mode.RESET) {
        close();
        return;
      }
      if (upstream == null) {
        if (current != Mode.BLACKHOLE && !connecting) {
          connectUpstream();
        }
        return;
      }
      toServer.modeChanged(current);
      toClient.modeChanged(current);
    }

    /** One side closed: deliver what it sent that is still queued (unless held by BLACKHOLE), then close both. */
    void sideClosed(boolean clientSide) {
      if (linkClosed) {
        return;
      }
      if (upstream == null) {
        close();
        return;
      }
      if (mode == Mode.BLACKHOLE) {
        // Held data would never be delivered; keeping the other side open would only leak its socket.
        close();
        return;
      }
      Pipe from = clientSide ? toServer : toClient;
      Pipe to = clientSide ? toClient : toServer;
      to.discard();
      from.sourceClosed = true;
      from.drain();
    }

    Future<Void> closeOnContext() {
      return Future.future(promise -> context.runOnContext(v -> {
        close();
        promise.complete();
      })).compose(v -> closeFutures());
    }

    private Future<Void> closeFutures() {
      List<Future<Void>> all = new ArrayList<>();
      all.add(downstream.close());
      if (upstream != null) {
        all.add(upstream.close());
      }
      return Future.join(all).mapEmpty();
    }

    void close() {
      if (linkClosed) {
        return;
      }
      linkClosed = true;
      links.remove(this);
      if (toServer != null) {
        toServer.discard();
        toClient.discard();
      }
      downstream.close();
      if (upstream != null) {
        upstream.close();
      }
    }

    /** Forwards one direction through a FIFO queue, each chunk released at its own time. */
    private final class Pipe {

      final NetSocket from;
      final NetSocket to;
      final ArrayDeque<Chunk> queue = new ArrayDeque<>();
      long timerId = -1;
      boolean sourceClosed;
      boolean heldByMode;
      boolean heldByBackPressure;

      Pipe(NetSocket from, NetSocket to) {
        this.from = from;
        this.to = to;
      }

      void onData(Buffer data) {
        Mode current = mode;
        if (linkClosed || current == Mode.RESET) {
          return;
        }
        queue.add(new Chunk(data, releaseTime(current, System.nanoTime())));
        if (current == Mode.BLACKHOLE && !heldByMode) {
          // Stop reading: what the peer sends next stays in the kernel buffers, like on a stalled network path.
          heldByMode = true;
          updatePause();
        }
        drain();
      }

      void modeChanged(Mode current) {
        long now = System.nanoTime();
        for (Chunk chunk : queue) {
          if (current == Mode.BLACKHOLE) {
            chunk.releaseAt = HELD;
          } else if (chunk.releaseAt == HELD) {
            chunk.releaseAt = releaseTime(current, now);
          }
        }
        heldByMode = current == Mode.BLACKHOLE;
        updatePause();
        drain();
      }

      void drain() {
        if (timerId >= 0) {
          vertx.cancelTimer(timerId);
          timerId = -1;
        }
        while (!queue.isEmpty() && !linkClosed) {
          Chunk head = queue.peek();
          if (head.releaseAt == HELD) {
            return;
          }
          long waitNanos = head.releaseAt - System.nanoTime();
          if (waitNanos > 0) {
            long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos + 999_999));
            timerId = vertx.setTimer(millis, id -> {
              timerId = -1;
              drain();
            });
            return;
          }
          queue.poll();
          to.write(head.data);
          if (to.writeQueueFull() && !heldByBackPressure) {
            heldByBackPressure = true;
            updatePause();
            to.drainHandler(v -> {
              heldByBackPressure = false;
              updatePause();
            });
          }
        }
        if (sourceClosed && queue.isEmpty()) {
          close();
        }
      }

      void discard() {
        queue.clear();
        if (timerId >= 0) {
          vertx.cancelTimer(timerId);
          timerId = -1;
        }
      }

      private void updatePause() {
        if (heldByMode || heldByBackPressure) {
          from.pause();
        } else {
          from.resume();
        }
      }

      private long releaseTime(Mode current, long now) {
        switch (current) {
          case DELAY:
            return now + delayNanos;
          case BLACKHOLE:
            return HELD;
          default:
            return now;
        }
      }
    }
  }

  /** A chunk of bytes and the {@link System#nanoTime()} at which it may be forwarded. */
  private static final class Chunk {
    final Buffer data;
    long releaseAt;

    Chunk(Buffer data, long releaseAt) {
      this.data = Objects.requireNonNull(data);
      this.releaseAt = releaseAt;
    }
  }
}
