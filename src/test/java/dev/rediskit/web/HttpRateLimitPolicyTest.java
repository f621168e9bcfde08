package dev.rediskit.web;

import dev.rediskit.web.HttpRateLimitPolicy.KeyKind;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Plan policies: only per token and per rate, and the mark survives the other copies. */
class HttpRateLimitPolicyTest {

  @Test
  void withPlansIsForPerTokenRatePoliciesOnly() {
    HttpRateLimitPolicy p = HttpRateLimitPolicy.perToken("per-token", 60, Duration.ofMinutes(1)).withPlans();
    assertThat(p.usesPlans()).isTrue();
    assertThat(p.withCost(2).usesPlans()).isTrue();
    assertThat(p.withMaxWait(Duration.ofSeconds(1)).usesPlans()).isTrue();
    assertThat(p.withPartitionKey().usesPlans()).isTrue();
    assertThat(p.toString()).endsWith(", plans]");
    assertThat(HttpRateLimitPolicy.perToken("t", 1, Duration.ofSeconds(1)).usesPlans()).isFalse();
    assertThatThrownBy(() -> HttpRateLimitPolicy.perIp("per-ip", 60, Duration.ofMinutes(1)).withPlans())
      .isInstanceOf(IllegalStateException.class).hasMessage("withPlans: only for a per-token policy, this one counts per IP");
    assertThatThrownBy(() -> HttpRateLimitPolicy.concurrent("c", KeyKind.TOKEN, 5, Duration.ofSeconds(30)).withPlans())
      .isInstanceOf(IllegalStateException.class).hasMessage("withPlans: not for a concurrency limit");
  }

  @Test
  void durationsPastALongOfMillisecondsAreRefusedNamingTheSetting() {
    Duration huge = Duration.ofSeconds(Long.MAX_VALUE);
    assertThatThrownBy(() -> HttpRateLimitPolicy.concurrent("c", KeyKind.IP, 2, huge))
      .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("leaseTtl: must be between 1 ms and 1 day");
    assertThatThrownBy(() -> HttpRateLimitPolicy.perIp("p", 5, Duration.ofSeconds(1)).withMaxWait(huge))
      .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("maxWait: must be between 0 and 1 hour");
  }
}
