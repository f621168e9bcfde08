package dev.rediskit.ratelimit.impl;

import dev.rediskit.ratelimit.Decision;
import dev.rediskit.ratelimit.Limit;
import io.vertx.redis.client.Response;

/**
 * Fixed windows aligned on Redis time ({@code fixed_window.lua}), on one key or several, all or
 * nothing: the reply is 1 or 0, then per key its count in the window and the ms to the window's end.
 */
final class FixedWindowScript extends WindowScript {

  FixedWindowScript() {
    super(Scripts.FIXED_WINDOW, 2);
  }

  @Override
  Decision keyState(Call call, int i, boolean allowed, Response reply, int at) {
    return keyState(call, i, allowed, reply.get(at).toLong(), reply.get(at + 1).toLong());
  }

  private static Decision keyState(Call call, int i, boolean allowed, long count, long msToEnd) {
    Limit l = call.limits[i];
    long remaining = Math.max(0, l.limit() - count);
    boolean keyAllowed = allowed || count + call.cost <= l.limit();
    long reset = count > 0 ? msToEnd : 0;
    // After an allowed request: when the next one of this cost passes; after a rejection: when this one would.
    long retry = (allowed ? remaining >= call.cost : keyAllowed) ? 0 : msToEnd;
    call.retryUs[i] = retry * 1000;
    return Decisions.fromRedis(keyAllowed, l, remaining, reset, retry, call.policies[i]);
  }
}
