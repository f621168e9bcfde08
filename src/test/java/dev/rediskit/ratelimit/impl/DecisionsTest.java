package dev.rediskit.ratelimit.impl;

import dev.rediskit.ratelimit.Decision;
import dev.rediskit.ratelimit.Decision.Source;
import dev.rediskit.ratelimit.Limit;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How the keys of one request make its decision. */
class DecisionsTest {

  private static final Limit TOKEN = Limit.of(100, 60_000);
  private static final Limit IP = Limit.of(10, 60_000);

  private static Call verify() {
    return new Call(new String[] {"t", "i"}, new Limit[] {TOKEN, IP}, new String[] {"token", "ip"}, 1, true,
      new GcraMultiScript());
  }

  @Test
  void anAllowedRequestSpeaksThroughTheKeyWithFewestUnitsLeft() {
    Decision[] each = {Decisions.fromRedis(true, TOKEN, 50, 1_000, 0, "token"), Decisions.fromRedis(true, IP, 4, 500, 0, "ip")};
    Decision d = Decisions.combine(verify(), true, each, Source.REDIS, null);
    assertThat(d.allowed()).isTrue();
    assertThat(d.policy()).isEqualTo("ip");
    assertThat(d.remaining()).isEqualTo(4);
    assertThat(d.limits()).containsExactly(each);
  }

  @Test
  void aRejectedRequestSpeaksThroughTheRejectingKeyWithTheLongestWaitAndKeepsNoUnits() {
    Decision[] each = {Decisions.fromRedis(false, TOKEN, 0, 9_000, 8_000, "token"), Decisions.fromRedis(true, IP, 4, 500, 0, "ip")};
    Decision d = Decisions.combine(verify(), false, each, Source.REDIS, null);
    assertThat(d.allowed()).isFalse();
    assertThat(d.policy()).isEqualTo("token");
    assertThat(d.retryAfterMs()).isEqualTo(8_000);
    assertThat(d.remaining()).isZero();
  }

  @Test
  void theKeysOfAFallbackCarryTheFallbacksSource() {
    Decision[] each = {Decisions.fromRedis(true, TOKEN, 50, 0, 0, "token"), Decisions.failOpen(IP, 1, "ip")};
    Decision d = Decisions.combine(verify(), true, each, Source.FALLBACK, new RuntimeException("down"));
    assertThat(d.limits()).extracting(Decision::source).containsOnly(Source.FALLBACK);
    assertThat(d.failure()).hasMessage("down");
  }

  @Test
  void shadowModeLetsARejectionThroughMarked() {
    Decision rejected = Decisions.rejectedFor(IP, 1_000, "check", Source.OVERLOADED);
    Decision shadowed = Decisions.shadowed(rejected);
    assertThat(shadowed.allowed()).isTrue();
    assertThat(shadowed.shadowRejected()).isTrue();
    assertThat(shadowed.source()).isEqualTo(Source.OVERLOADED);
    assertThat(shadowed.retryAfterMs()).isEqualTo(1_000);
  }

  @Test
  void waitsAreRoundedUpToWholeMilliseconds() {
    assertThat(Decisions.ceilMs(0)).isZero();
    assertThat(Decisions.ceilMs(1)).isEqualTo(1);
    assertThat(Decisions.ceilMs(1_000)).isEqualTo(1);
    assertThat(Decisions.ceilMs(1_001)).isEqualTo(2);
  }
}
