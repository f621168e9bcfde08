package dev.rediskit.test;

import io.vertx.core.Context;
import io.vertx.core.Future;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Keeps a fixed number of calls in flight on one Vert.x context, each one started as another
 * completes, for fault tests that need calls on the wire at the moment a connection breaks (a
 * timer-driven load may have nothing in flight just then).
 *
 * <p>At the first failure it stops starting calls: the calls still in flight finish, so the
 * failures collected are those of the calls the fault caught, not of the fail-fast calls that
 * would follow.
 *
 * <pre>{@code
 * InFlightLoad load = InFlightLoad.start(context, 32, () -> gateway.send(Request.cmd(Command.PING)));
 * Await.until(() -> load.successes() > 1_000, "load to flow");
 * server.kill();
 * load.awaitStopped(Duration.ofSeconds(30));
 * assertThat(load.failures()).allSatisfy(...);
 * }</pre>
 */
public final class InFlightLoad {

  private final Context context;
  private final Supplier<Future<?>> call;
  private final AtomicLong successes = new AtomicLong();
  private final List<Throwable> failures = new CopyOnWriteArrayList<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicBoolean stopped = new AtomicBoolean();

  private InFlightLoad(Context context, Supplier<Future<?>> call) {
    this.context = context;
    this.call = call;
  }

  /**
   * @param context the context the calls are started on (the owning context of what is called, for its fast path)
   * @param calls how many calls to keep in flight
   * @param call starts one call
   * @return the running load
   */
  public static InFlightLoad start(Context context, int calls, Supplier<Future<?>> call) {
    InFlightLoad load = new InFlightLoad(context, call);
    context.runOnContext(v -> {
      for (int i = 0; i < calls; i++) {
        load.next();
      }
    });
    return load;
  }

  private void next() {
    if (stopped.get()) {
      return;
    }
    inFlight.incrementAndGet();
    Future<?> f;
    try {
      f = call.get();
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(ar -> {
      if (ar.succeeded()) {
        successes.incrementAndGet();
      } else {
        failures.add(ar.cause());
        stopped.set(true);
      }
      inFlight.decrementAndGet();
      // A task of its own: a call that completes at once must not recurse.
      context.runOnContext(v -> next());
    });
  }

  /** @return calls that succeeded so far */
  public long successes() {
    return successes.get();
  }

  /** @return the failures so far, in completion order */
  public List<Throwable> failures() {
    return List.copyOf(failures);
  }

  /** Stops starting calls; those in flight still complete. */
  public void stop() {
    stopped.set(true);
  }

  /**
   * Waits until a failure has stopped the load (or {@link #stop()} was called) and every call in
   * flight has completed.
   *
   * @param timeout how long to wait
   * @throws AssertionError when that does not happen in time
   */
  public void awaitStopped(Duration timeout) {
    Await.until(() -> stopped.get() && inFlight.get() == 0, timeout,
      () -> "the load to stop: stopped " + stopped.get() + ", in flight " + inFlight.get() + ", successes "
        + successes.get() + ", failures " + failures.size());
  }
}
