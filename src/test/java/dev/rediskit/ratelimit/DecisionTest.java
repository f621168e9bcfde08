package dev.rediskit.ratelimit;

import dev.rediskit.ratelimit.Decision.Source;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DecisionTest {

  @Test
  void jsonRoundTripWithoutTheFailure() {
    Decision token = new Decision(true, 5, 3, 2000, 0, 60_000, "token", Source.REDIS, false, null, null);
    Decision d = new Decision(false, 2, 0, 1500, 700, 60_000, "ip", Source.REDIS, false, List.of(token), new RuntimeException("x"));
    JsonObject json = d.toJson();
    assertThat(json.getBoolean("allowed")).isFalse();
    assertThat(json.getLong("retryAfterMs")).isEqualTo(700);
    assertThat(json.getJsonArray("limits")).hasSize(1);
    assertThat(json.containsKey("failure")).isFalse();
    Decision back = Decision.fromJson(json);
    assertThat(back.failure()).isNull();
    assertThat(back.limits()).containsExactly(token);
    assertThat(back).usingRecursiveComparison().ignoringFields("failure").isEqualTo(d);
  }

  @Test
  void readingKeepsEveryFieldIgnoresUnknownOnesAndDefaultsMissingOnes() {
    Decision waited = new Decision(true, 10, 4, 900, 0, 1000, "check", Source.DENY_CACHE, true, null, null, 250);
    JsonObject json = waited.toJson().put("aFieldOfALaterVersion", new JsonObject().put("x", 1));
    assertThat(Decision.fromJson(json)).usingRecursiveComparison().ignoringFields("failure").isEqualTo(waited);
    Decision empty = Decision.fromJson(new JsonObject());
    assertThat(empty.allowed()).isFalse();
    assertThat(empty.source()).isEqualTo(Source.REDIS);
    assertThat(empty.limits()).isEmpty();
    assertThat(empty.waitedMs()).isZero();
  }

  @Test
  void secondsRoundUp() {
    Decision d = new Decision(false, 2, 0, 1001, 1, 60_000, "check", Source.DENY_CACHE, false, null, null);
    assertThat(d.resetSeconds()).isEqualTo(2);
    assertThat(d.retryAfterSeconds()).isEqualTo(1);
    assertThat(new Decision(true, 2, 2, 0, 0, 1, "check", Source.REDIS, false, null, null).retryAfterSeconds()).isZero();
  }
}
