package dev.rediskit.ratelimit.impl;

import dev.rediskit.client.Script;
import dev.rediskit.ratelimit.Decision;
import io.vertx.redis.client.Response;

import java.util.List;

/**
 * GCRA on one key with a bounded wait ({@code gcra_reserve.lua}): when the request's slot is at
 * most {@link Call#maxWaitUs} away, Redis books it in the same script, and the call learns the wait
 * in {@link Call#waitUs}; further away, the request is rejected as by {@link GcraScript}.
 */
final class GcraReserveScript implements LimiterScript {

  static final GcraReserveScript INSTANCE = new GcraReserveScript();

  private GcraReserveScript() {
  }

  @Override
  public Script script() {
    return Scripts.GCRA_RESERVE;
  }

  @Override
  public List<String> args(Call call) {
    return List.of(Long.toString(Gcra.increment(call.limits[0], call.cost)), Long.toString(Gcra.tolerance(call.limits[0])),
      Long.toString(call.maxWaitUs));
  }

  @Override
  public boolean parse(Call call, Response reply, Decision[] each) {
    boolean allowed = reply.get(0).toInteger() == 1;
    long resetUs = reply.get(1).toLong();
    call.waitUs = allowed ? reply.get(2).toLong() : 0;
    each[0] = GcraScript.keyState(call, 0, allowed, resetUs);
    if (allowed && call.waitUs > 0) {
      // Booked, not yet due: the key state reads as "would wait", but the request is granted.
      Decision d = each[0];
      each[0] = new Decision(true, d.limit(), 0, d.resetMs(), d.retryAfterMs(), d.windowMs(), d.policy(), d.source(), false,
        null, null);
    }
    return allowed;
  }
}
