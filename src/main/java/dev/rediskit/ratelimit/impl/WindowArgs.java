package dev.rediskit.ratelimit.impl;

import java.util.Arrays;
import java.util.List;

/** The arguments both window scripts take: limit, window in ms and cost, per key. */
final class WindowArgs {

  private WindowArgs() {
  }

  static List<String> of(Call call) {
    int n = call.keys.length;
    String[] args = new String[3 * n];
    for (int i = 0; i < n; i++) {
      args[3 * i] = Long.toString(call.limits[i].limit());
      args[3 * i + 1] = Long.toString(call.limits[i].windowMs());
      args[3 * i + 2] = Long.toString(call.cost);
    }
    return Arrays.asList(args);
  }
}
