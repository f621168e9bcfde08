package dev.rediskit.web.impl;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.rediskit.ratelimit.Permit;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;

/**
 * The concurrency permits of one request: released once when the request is over, however it
 * ends, and renewed while it lasts.
 */
final class Permits {

  private static final Logger LOG = LoggerFactory.getLogger(dev.rediskit.web.RateLimitHandler.class);

  private Permits() {
  }

  /** Releases every acquired permit among the answers (a request that is refused or failed holds none). */
  static void releaseAll(List<Future<?>> answers) {
    for (Future<?> f : answers) {
      if (f.succeeded() && f.result() instanceof Permit p && p.acquired()) {
        release(p);
      }
    }
  }

  /**
   * Holds the request's permits until its end: the routing context's end handler runs when the
   * response has been written, when writing it failed, and when the connection closed first (the
   * client went away, a timeout handler answered), so each permit is released on every path. A
   * request that lasts longer than half a lease renews its permits every half lease.
   */
  static void holdUntilEnd(RoutingContext ctx, List<Future<?>> answers) {
    List<Permit> held = new ArrayList<>(answers.size());
    long renewMs = Long.MAX_VALUE;
    for (Future<?> f : answers) {
      if (f.result() instanceof Permit p && p.acquired() && p.id() != null) {
        held.add(p);
        renewMs = Math.min(renewMs, Math.max(1, p.leaseTtlMs() / 2));
      }
    }
    if (held.isEmpty()) {
      return;
    }
    Vertx vertx = ctx.vertx();
    long timer = vertx.setPeriodic(renewMs, id -> held.forEach(p -> p.renew().onFailure(e ->
      LOG.warn("could not renew the permit of " + p.key() + ": " + e.getMessage()))));
    ctx.addEndHandler(ar -> {
      vertx.cancelTimer(timer);
      held.forEach(Permits::release);
    });
  }

  private static void release(Permit p) {
    p.release().onFailure(e -> LOG.warn("could not release the permit of " + p.key()
      + " (its lease ends by itself): " + e.getMessage()));
  }
}
