package dev.rediskit.ratelimit.impl;

import dev.rediskit.client.Script;
import dev.rediskit.ratelimit.Decision;
import dev.rediskit.ratelimit.Limit;
import io.vertx.redis.client.Response;

import java.util.List;

/**
 * GCRA on one key: {@code gcra.lua} in microseconds, or {@code gcra_ms.lua} for a limit whose
 * emission interval is whole milliseconds (Redis then keeps the state in the key's expiry, which
 * is cheaper). Both take the increment and the tolerance and reply with one integer: the reset in
 * the script's unit when allowed, minus one minus it when rejected.
 */
final class GcraScript implements LimiterScript {

  /** The arguments of the last call: most calls repeat one limit and cost, so their strings are reused. */
  private record Args(Limit limit, long cost, List<String> args) {
  }

  private final Script script;
  /** Microseconds per unit of the script: 1, or 1000 for {@code gcra_ms.lua}. */
  private final long unit;
  private volatile Args last;

  private GcraScript(Script script, long unit) {
    this.script = script;
    this.unit = unit;
  }

  /** @return the microsecond script, for any limit */
  static GcraScript micros() {
    return new GcraScript(Scripts.GCRA, 1);
  }

  /** @return the millisecond script, for limits whose emission interval is whole milliseconds */
  static GcraScript millis() {
    return new GcraScript(Scripts.GCRA_MS, 1000);
  }

  @Override
  public Script script() {
    return script;
  }

  @Override
  public List<String> args(Call call) {
    Args a = last;
    if (a != null && a.cost == call.cost && a.limit.equals(call.limits[0])) {
      return a.args;
    }
    List<String> args = List.of(Long.toString(Gcra.increment(call.limits[0], call.cost) / unit),
      Long.toString(Gcra.tolerance(call.limits[0]) / unit));
    last = new Args(call.limits[0], call.cost, args);
    return args;
  }

  @Override
  public boolean parse(Call call, Response reply, Decision[] each) {
    long r = reply.toLong();
    boolean allowed = r > 0;
    each[0] = keyState(call, 0, allowed, (allowed ? r : -r - 1) * unit);
    return allowed;
  }

  /**
   * One key's state from its reset, the same for one key and several.
   *
   * @param call the call
   * @param i the key's index
   * @param allowed whether the request was allowed
   * @param resetUs the key's reset, in microseconds
   * @return the key's state; its exact wait is put in {@link Call#retryUs}
   */
  static Decision keyState(Call call, int i, boolean allowed, long resetUs) {
    Limit l = call.limits[i];
    long interval = Gcra.interval(l);
    long tol = Gcra.tolerance(l);
    long retryUs = Math.max(0, resetUs + Gcra.increment(l, call.cost) - tol);
    call.retryUs[i] = retryUs;
    long remaining = Math.max(0, Math.min(l.burst(), (tol - resetUs) / interval));
    // When the whole request was rejected, a key "allowed" is one that alone would have passed.
    boolean keyAllowed = allowed || retryUs == 0;
    return Decisions.fromRedis(keyAllowed, l, remaining, Decisions.ceilMs(resetUs), Decisions.ceilMs(retryUs),
      call.policies[i]);
  }
}
