package dev.rediskit.ratelimit.impl;

import dev.rediskit.client.Script;
import dev.rediskit.ratelimit.Decision;
import io.vertx.redis.client.Response;

import java.util.Arrays;
import java.util.List;

/**
 * What the two window scripts share: the arguments (limit, window in ms and cost, per key) and the
 * reply's frame (1 or 0, then a fixed number of integers per key); each reads its own integers
 * into a key's state.
 */
abstract class WindowScript implements LimiterScript {

  private final Script script;
  /** Integers per key in the reply. */
  private final int stride;

  WindowScript(Script script, int stride) {
    this.script = script;
    this.stride = stride;
  }

  @Override
  public final Script script() {
    return script;
  }

  @Override
  public final List<String> args(Call call) {
    int n = call.keys.length;
    String[] args = new String[3 * n];
    for (int i = 0; i < n; i++) {
      args[3 * i] = Long.toString(call.limits[i].limit());
      args[3 * i + 1] = Long.toString(call.limits[i].windowMs());
      args[3 * i + 2] = Long.toString(call.cost);
    }
    return Arrays.asList(args);
  }

  @Override
  public final boolean parse(Call call, Response reply, Decision[] each) {
    boolean allowed = reply.get(0).toLong() == 1;
    for (int i = 0; i < each.length; i++) {
      each[i] = keyState(call, i, allowed, reply, 1 + stride * i);
    }
    return allowed;
  }

  /**
   * @param call the call
   * @param i the key's index
   * @param allowed whether the request was allowed
   * @param reply the script's reply
   * @param at where the key's integers start in it
   * @return the key's state; its exact wait is put in {@link Call#retryUs}
   */
  abstract Decision keyState(Call call, int i, boolean allowed, Response reply, int at);
}
