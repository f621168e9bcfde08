package dev.rediskit.ratelimit;

import dev.rediskit.error.InvalidRequestException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LimitTest {

  @Test
  void parsesEveryUnit() {
    assertThat(Limit.parse("100/1m")).isEqualTo(new Limit(100, 60_000, 100));
    assertThat(Limit.parse("5/500ms")).isEqualTo(new Limit(5, 500, 5));
    assertThat(Limit.parse("5/500")).isEqualTo(new Limit(5, 500, 5));
    assertThat(Limit.parse(" 10 / 2s ")).isEqualTo(new Limit(10, 2_000, 10));
    assertThat(Limit.parse("1000/1d")).isEqualTo(new Limit(1000, 86_400_000, 1000));
    assertThat(Limit.parse("60/1h")).isEqualTo(new Limit(60, 3_600_000, 60));
    assertThat(Limit.parse("10/1s;burst=20")).isEqualTo(new Limit(10, 1_000, 20));
  }

  @Test
  void parsesTheObjectForm() {
    assertThat(Limit.parse(new JsonObject().put("limit", 3).put("windowMs", 1000))).isEqualTo(new Limit(3, 1000, 3));
    assertThat(Limit.parse(new JsonObject().put("limit", 3).put("windowMs", 1000).put("burst", 1))).isEqualTo(new Limit(3, 1000, 1));
    assertThatThrownBy(() -> Limit.parse(new JsonObject().put("limit", 3)))
      .isInstanceOf(InvalidRequestException.class).hasMessage("windowMs: is required");
    assertThatThrownBy(() -> Limit.parse(new JsonObject().put("limit", 3).put("windowMs", 1000).put("extra", 1)))
      .isInstanceOf(InvalidRequestException.class).hasMessage("extra: unknown field (expected limit, windowMs, burst)");
  }

  @Test
  void printsWithTheLargestUnitThatFits() {
    assertThat(Limit.parse("100/60s")).hasToString("100/1m");
    assertThat(Limit.parse("5/1500ms")).hasToString("5/1500ms");
    assertThat(Limit.parse("10/1s;burst=20")).hasToString("10/1s;burst=20");
    assertThat(Limit.parse("10/1s;burst=10")).hasToString("10/1s");
    assertThat(Limit.parse(Limit.parse("7/2d").toString())).isEqualTo(Limit.parse("7/2d"));
  }

  @Test
  void refusesWhatCannotBeCounted() {
    assertThatThrownBy(() -> Limit.parse("0/1m")).hasMessage("limit: must be between 1 and 1000000000, was 0");
    assertThatThrownBy(() -> Limit.parse("100")).hasMessage("limit: expected LIMIT/WINDOW such as \"100/1m\", was \"100\"");
    assertThatThrownBy(() -> Limit.parse("x/1m")).hasMessageStartingWith("limit: expected LIMIT/WINDOW[;burst=N]");
    assertThatThrownBy(() -> Limit.parse("5/1w")).hasMessageStartingWith("limit: expected LIMIT/WINDOW[;burst=N]");
    assertThatThrownBy(() -> Limit.parse("5/0s")).hasMessage("windowMs: must be between 1 and 31622400000 (366 days), was 0");
    assertThatThrownBy(() -> Limit.parse("5/400d")).hasMessage("windowMs: must be at most 366 days, was \"400d\"");
    assertThatThrownBy(() -> Limit.parse("5/1s;rate=3")).hasMessageContaining("unknown parameter");
    assertThatThrownBy(() -> Limit.parse("5/1s;burst=0")).hasMessage("burst: must be between 1 and 1000000000, was 0");
    assertThatThrownBy(() -> Limit.parse("2000/1ms")).hasMessage("limit: must be at most one per microsecond of the window (1000 for 1 ms), was 2000");
    assertThatThrownBy(() -> Limit.parse("1/366d;burst=2")).hasMessageStartingWith("burst: must keep burst * windowMs / limit within");
  }

  @Test
  void durations() {
    assertThat(Limit.of(5, Duration.ofSeconds(2))).isEqualTo(new Limit(5, 2000, 5));
    assertThatThrownBy(() -> Limit.of(5, Duration.ZERO)).hasMessage("window: must be > 0, was 0 ms");
    assertThatThrownBy(() -> Limit.of(5, (Duration) null)).hasMessage("window: is required");
    assertThatThrownBy(() -> Limit.of(5, Duration.ofNanos(1_500_000))).hasMessageStartingWith("window: must be a whole number of milliseconds");
    assertThatThrownBy(() -> Limit.of(5, Duration.ofDays(400))).hasMessageStartingWith("window: must be at most 366 days");
  }
}
