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
  void planLimitsReplaceTheDefaultTokenLimitButNotAnEndpointsOwn() {
    RateLimits limits = new RateLimits(new EndpointLimits(Limit.parse("10/1m"), Limit.parse("300/1m"), null),
      Map.of("/login", new EndpointLimits(Limit.parse("5/1m"), null, null)), Map.of(),
      Map.of("pro", Limit.parse("5000/1m")));
    assertThat(limits.endpoint("/search", "pro").token()).isEqualTo(Limit.parse("5000/1m"));
    assertThat(limits.endpoint("/search", "pro").ip()).isEqualTo(Limit.parse("300/1m"));
    assertThat(limits.endpoint("/login", "pro").token()).isEqualTo(Limit.parse("5/1m"));
    assertThat(limits.endpoint("/search", "unknown").token()).isEqualTo(Limit.parse("10/1m"));
    assertThat(limits.endpoint("/search", null).token()).isEqualTo(Limit.parse("10/1m"));
    limits.setPlan("free", Limit.parse("100/1m"));
    assertThat(limits.endpoint("/search", "free").token()).isEqualTo(Limit.parse("100/1m"));
    limits.removePlan("free");
    assertThat(limits.plan("free")).isNull();
  }

  @Test
  void storedLimitsWinOverConfiguredOnesAndGoWithTheirEntry() {
    RateLimits limits = new RateLimits(EndpointLimits.NONE, Map.of("/a", new EndpointLimits(Limit.parse("1/1s"), null, null)),
      Map.of("mailer", Limit.parse("5/1s")), Map.of("pro", Limit.parse("50/1s")));
    limits.replaceStored(Map.of("/a", new EndpointLimits(null, Limit.parse("2/1s"), null)), Map.of("mailer", Limit.parse("9/1s")),
      Map.of("pro", Limit.parse("99/1s"), "free", Limit.parse("3/1s")));
    assertThat(limits.endpoint("/a")).isEqualTo(new EndpointLimits(null, Limit.parse("2/1s"), null));
    assertThat(limits.service("mailer")).isEqualTo(Limit.parse("9/1s"));
    assertThat(limits.plans()).containsOnlyKeys("pro", "free").containsEntry("pro", Limit.parse("99/1s"));
    assertThat(limits.endpoint("/a", "pro").token()).isEqualTo(Limit.parse("99/1s"));
    limits.replaceStored(Map.of(), Map.of(), Map.of());
    assertThat(limits.endpoint("/a").token()).isEqualTo(Limit.parse("1/1s"));
    assertThat(limits.service("mailer")).isEqualTo(Limit.parse("5/1s"));
    assertThat(limits.plans()).containsOnlyKeys("pro");
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
