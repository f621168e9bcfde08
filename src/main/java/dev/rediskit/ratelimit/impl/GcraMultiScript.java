package dev.rediskit.ratelimit.impl;

import dev.rediskit.client.Script;
import dev.rediskit.ratelimit.Decision;
import io.vertx.redis.client.Response;

import java.util.Arrays;
import java.util.List;

/**
 * GCRA on several keys, all or nothing ({@code gcra_multi.lua}), in microseconds: two arguments
 * per key (increment, tolerance); the reply is 1 or 0, then each key's reset.
 */
final class GcraMultiScript implements LimiterScript {

  @Override
  public Script script() {
    return Scripts.GCRA_MULTI;
  }

  @Override
  public List<String> args(Call call) {
    int n = call.keys.length;
    String[] args = new String[2 * n];
    for (int i = 0; i < n; i++) {
      args[2 * i] = Long.toString(Gcra.increment(call.limits[i], call.cost));
      args[2 * i + 1] = Long.toString(Gcra.tolerance(call.limits[i]));
    }
    return Arrays.asList(args);
  }

  @Override
  public boolean parse(Call call, Response reply, Decision[] each) {
    boolean allowed = reply.get(0).toLong() == 1;
    for (int i = 0; i < each.length; i++) {
      each[i] = GcraScript.keyState(call, i, allowed, reply.get(i + 1).toLong());
    }
    return allowed;
  }
}
