package dev.rediskit.ratelimit.impl;

import dev.rediskit.ratelimit.Decision;
import dev.rediskit.ratelimit.Limit;
import io.vertx.redis.client.Response;

/**
 * The sliding-window counter ({@code sliding_window.lua}), on one key or several, all or nothing:
 * the reply is 1 or 0, then per key the counts of the current and the previous window and the ms
 * elapsed in the current one; the previous window weighs by the share of it still in the slide.
 */
final class SlidingWindowScript extends WindowScript {

  SlidingWindowScript() {
    super(Scripts.SLIDING_WINDOW, 3);
  }

  @Override
  Decision keyState(Call call, int i, boolean allowed, Response reply, int at) {
    return keyState(call, i, allowed, reply.get(at).toLong(), reply.get(at + 1).toLong(), reply.get(at + 2).toLong());
  }

  private static Decision keyState(Call call, int i, boolean allowed, long cur, long prev, long elapsed) {
    Limit l = call.limits[i];
    long w = l.windowMs();
    long limitW = l.limit() * w;
    long weighted = prev * (w - elapsed) + cur * w;
    long remaining = Math.max(0, (limitW - weighted) / w);
    boolean keyAllowed = allowed || weighted + call.cost * w <= limitW;
    long reset = cur > 0 ? 2 * w - elapsed : prev > 0 ? w - elapsed : 0;
    long retry = slidingWait(l, call.cost, cur, prev, elapsed);
    call.retryUs[i] = retry * 1000;
    return Decisions.fromRedis(keyAllowed, l, remaining, reset, retry, call.policies[i]);
  }

  /** How long until a request of {@code cost} fits, if nothing else is consumed meanwhile. */
  static long slidingWait(Limit l, long cost, long cur, long prev, long elapsed) {
    long w = l.windowMs();
    long limit = l.limit();
    if (prev * (w - elapsed) + (cur + cost) * w <= limit * w) {
      return 0;
    }
    if (cur + cost <= limit) {
      // Within this window, once enough of the previous one has slid out.
      long needed = w - (limit - cur - cost) * w / prev;
      return Math.max(1, needed - elapsed);
    }
    // In the next window, where this window's count becomes the weighted one.
    long needed = Math.max(0, w - (limit - cost) * w / cur);
    return (w - elapsed) + needed;
  }
}
