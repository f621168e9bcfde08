package dev.rediskit.ratelimit.impl;

import dev.rediskit.ratelimit.Limit;
import dev.rediskit.ratelimit.RateLimitOptions.Algorithm;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which script decides a call, and the arguments it is given: no Redis needed. */
class AlgorithmScriptsTest {

  /** 10 per second: an emission interval of 100 ms, whole milliseconds. */
  private static final Limit MS_LIMIT = Limit.of(10, 1_000);
  /** 3 per second: 333,333 us, not whole milliseconds. */
  private static final Limit US_LIMIT = Limit.of(3, 1_000);

  private static Call call(LimiterScript script, long cost, Limit... limits) {
    String[] keys = new String[limits.length];
    String[] policies = new String[limits.length];
    for (int i = 0; i < limits.length; i++) {
      keys[i] = "k" + i;
      policies[i] = "p" + i;
    }
    return new Call(keys, limits, policies, cost, limits.length > 1, script);
  }

  @Test
  void gcraTakesTheMillisecondScriptWhenTheIntervalAllowsItAndTheMultiScriptForSeveralKeys() {
    AlgorithmScripts gcra = AlgorithmScripts.of(Algorithm.GCRA);
    assertThat(gcra.forLimits(new Limit[] {MS_LIMIT}).script()).isSameAs(Scripts.GCRA_MS);
    assertThat(gcra.forLimits(new Limit[] {US_LIMIT}).script()).isSameAs(Scripts.GCRA);
    assertThat(gcra.forLimits(new Limit[] {MS_LIMIT, MS_LIMIT}).script()).isSameAs(Scripts.GCRA_MULTI);
  }

  @Test
  void windowAlgorithmsTakeOneScriptWhateverTheKeys() {
    AlgorithmScripts fixed = AlgorithmScripts.of(Algorithm.FIXED_WINDOW);
    assertThat(fixed.forLimits(new Limit[] {MS_LIMIT}).script()).isSameAs(Scripts.FIXED_WINDOW);
    assertThat(fixed.forLimits(new Limit[] {US_LIMIT, MS_LIMIT}).script()).isSameAs(Scripts.FIXED_WINDOW);
    AlgorithmScripts sliding = AlgorithmScripts.of(Algorithm.SLIDING_WINDOW);
    assertThat(sliding.forLimits(new Limit[] {MS_LIMIT}).script()).isSameAs(Scripts.SLIDING_WINDOW);
  }

  @Test
  void gcraArgumentsAreInTheScriptsUnitAndReusedForTheSameLimitAndCost() {
    LimiterScript ms = AlgorithmScripts.of(Algorithm.GCRA).forLimits(new Limit[] {MS_LIMIT});
    List<String> first = ms.args(call(ms, 2, MS_LIMIT));
    // Increment 2 x 100 ms, tolerance 10 x 100 ms (burst = limit by default).
    assertThat(first).containsExactly("200", "1000");
    assertThat(ms.args(call(ms, 2, MS_LIMIT))).isSameAs(first);
    assertThat(ms.args(call(ms, 1, MS_LIMIT))).containsExactly("100", "1000");
    LimiterScript us = AlgorithmScripts.of(Algorithm.GCRA).forLimits(new Limit[] {US_LIMIT});
    assertThat(us.args(call(us, 1, US_LIMIT))).containsExactly("333333", "999999");
  }

  @Test
  void severalKeysGetTheirArgumentsInKeyOrder() {
    LimiterScript multi = AlgorithmScripts.of(Algorithm.GCRA).forLimits(new Limit[] {MS_LIMIT, US_LIMIT});
    assertThat(multi.args(call(multi, 1, MS_LIMIT, US_LIMIT))).containsExactly("100000", "1000000", "333333", "999999");
    LimiterScript window = AlgorithmScripts.of(Algorithm.SLIDING_WINDOW).forLimits(new Limit[] {MS_LIMIT, US_LIMIT});
    assertThat(window.args(call(window, 2, MS_LIMIT, US_LIMIT))).containsExactly("10", "1000", "2", "3", "1000", "2");
  }
}
