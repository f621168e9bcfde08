package dev.rediskit.ratelimit.impl;

import dev.rediskit.ratelimit.RateLimitStats;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The counters' JSON, as the ratelimit.stats address sends it, read back by the event-bus client's snapshot. */
class CountersTest {

  @Test
  void permissionRefusalsGoThroughTheJsonAndBack() {
    Counters counters = new Counters("api", () -> 0);
    counters.permissionRefused();
    counters.permissionRefused();
    assertThat(counters.permissionRefusals()).isEqualTo(2);
    assertThat(counters.toJson().getLong("permissionRefusals")).isEqualTo(2);
    RateLimitStats snapshot = RateLimitStats.fromJson(counters.toJson());
    assertThat(snapshot.permissionRefusals()).isEqualTo(2);
    assertThat(RateLimitStats.fromJson(new io.vertx.core.json.JsonObject()).permissionRefusals()).isZero();
  }
}
