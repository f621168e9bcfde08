package dev.rediskit.web.impl;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The health routes' own limit ({@code health.maxRequestsPerSecond}): at most that many requests
 * in each second of this instance reach the Redis procedure (a PING and an INFO each); the others
 * get {@code 429} with {@code Retry-After: 1} at once. Kept in memory, never in Redis: the routes
 * must answer, DOWN included, when Redis is down or stalled, and must not add a round trip of
 * their own to every probe.
 *
 * <p>A platform handler, like the module's rate-limit handler, so that one can follow it as the
 * routes' guard (Vert.x Web runs platform handlers before the others).
 *
 * <p>A window per whole second of {@link System#nanoTime()}: a burst across a window's edge may
 * pass twice the limit once, which still bounds what the routes can ask of Redis.
 */
public final class HealthRouteLimit implements PlatformHandler {

  /** The policy named in the 429 body. */
  static final String POLICY = "health";

  private final long maxPerSecond;
  private final java.util.function.LongSupplier nanoTime;
  /** The current window's second (high 32 bits) and the requests let through in it (low 32 bits). */
  private final AtomicLong state = new AtomicLong();

  /** @param maxPerSecond requests let through per second, at least 1 */
  public HealthRouteLimit(long maxPerSecond) {
    this(maxPerSecond, System::nanoTime);
  }

  /**
   * @param maxPerSecond requests let through per second, at least 1
   * @param nanoTime the clock ({@link System#nanoTime()}; a test's own)
   */
  HealthRouteLimit(long maxPerSecond, java.util.function.LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
    if (maxPerSecond < 1) {
      throw new IllegalArgumentException("health.maxRequestsPerSecond: must be >= 1 here (0 mounts no limit), was " + maxPerSecond);
    }
    this.maxPerSecond = maxPerSecond;
  }

  /** @return whether a request may pass now, counting it when it may */
  boolean tryPass() {
    long second = (nanoTime.getAsLong() / 1_000_000_000L) & 0xffff_ffffL;
    while (true) {
      long s = state.get();
      boolean same = (s >>> 32) == second;
      long count = same ? s & 0xffff_ffffL : 0;
      if (count >= maxPerSecond) {
        return false;
      }
      if (state.compareAndSet(s, (second << 32) | (count + 1))) {
        return true;
      }
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (tryPass()) {
      ctx.next();
      return;
    }
    ctx.response().setStatusCode(429)
      .putHeader("Retry-After", "1")
      .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
      .putHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json")
      .end(new JsonObject()
        .put("type", RateLimitHandlerImpl.QUOTA_EXCEEDED)
        .put("title", "Request cannot be satisfied as assigned quota has been exceeded")
        .put("status", 429)
        .put("detail", "More than " + maxPerSecond + " health requests in one second on this instance "
          + "(health.maxRequestsPerSecond); retry in 1 s")
        .put("violated-policies", new JsonArray().add(POLICY))
        .encode());
  }
}
