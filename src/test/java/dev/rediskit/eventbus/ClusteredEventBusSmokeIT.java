package dev.rediskit.eventbus;

import dev.rediskit.test.ClusteredVertx;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static dev.rediskit.test.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Two clustered nodes on loopback see each other's consumers: the ground the scale-out tests stand on. */
@Tag("integration")
class ClusteredEventBusSmokeIT {

  @Test
  void requestCrossesNodes() {
    try (ClusteredVertx.Nodes nodes = ClusteredVertx.start(2)) {
      Vertx a = nodes.get(0);
      Vertx b = nodes.get(1);
      await(a.eventBus().<JsonObject>consumer("echo", m -> m.reply(m.body().put("by", "a"))).completion());
      JsonObject reply = await(b.eventBus().<JsonObject>request("echo", new JsonObject().put("x", 1))).body();
      assertThat(reply.getString("by")).isEqualTo("a");
    }
  }
}
