package dev.rediskit.ratelimit;

import dev.rediskit.error.InvalidRequestException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateLimitsTest {

  @Test
  void endpointsInheritWhatTheyDoNotSet() {
    RateLimits limits = new RateLimits(new EndpointLimits(Limit.parse("100/1m"), Limit.parse("300/1m"), null),
      Map.of("/login", new EndpointLimits(Limit.parse("5/1m"), null, Limit.parse("1000/1m"))), Map.of());
    assertThat(limits.endpoint("/login")).isEqualTo(new EndpointLimits(Limit.parse("5/1m"), Limit.parse("300/1m"),
      Limit.parse("1000/1m")));
    assertThat(limits.endpoint("/other")).isEqualTo(limits.defaults());
  }

  @Test
  void changesApplyAtOnce() {
    RateLimits limits = new RateLimits(EndpointLimits.NONE, Map.of(), Map.of());
    assertThat(limits.endpoint("/x").isEmpty()).isTrue();
    limits.setEndpoint("/x", new EndpointLimits(null, Limit.parse("1/1s"), null));
    assertThat(limits.endpoint("/x").ip()).isEqualTo(Limit.parse("1/1s"));
    limits.setDefaults(new EndpointLimits(Limit.parse("2/1s"), null, null));
    assertThat(limits.endpoint("/x").token()).isEqualTo(Limit.parse("2/1s"));
    limits.removeEndpoint("/x");
    assertThat(limits.endpoint("/x").ip()).isNull();
    limits.setService("mailer", Limit.parse("5/1s"));
    assertThat(limits.service("mailer")).isEqualTo(Limit.parse("5/1s"));
    assertThat(limits.services()).containsOnlyKeys("mailer");
    limits.removeService("mailer");
    assertThat(limits.service("mailer")).isNull();
  }

  @Test
  void namesAreChecked() {
    RateLimits limits = new RateLimits(EndpointLimits.NONE, Map.of(), Map.of());
    assertThatThrownBy(() -> limits.setEndpoint("", EndpointLimits.NONE))
      .isInstanceOf(InvalidRequestException.class).hasMessage("endpoint: must not be empty");
    assertThatThrownBy(() -> limits.setService("s".repeat(257), Limit.parse("1/1s")))
      .isInstanceOf(InvalidRequestException.class).hasMessage("service: must be at most 256 characters, was 257");
  }
}
