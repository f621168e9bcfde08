package dev.rediskit.eventbus.impl;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static dev.rediskit.test.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The batch messages' codec: the same JSON on the wire, the same object locally, only when asked for. */
class SharedJsonCodecTest {

  private final JsonObject batch = new JsonObject().put("calls",
    new JsonArray().add(new JsonObject().put("namespace", "users").put("key", "k1")).add(new JsonObject().put("key", "é€")));

  @Test
  void wireFormIsTheJsonItselfReadBackFromAnyPosition() {
    Buffer buffer = Buffer.buffer("prefix");
    SharedJsonCodec codec = SharedJsonCodec.INSTANCE;
    codec.encodeToWire(buffer, batch);
    buffer.appendString("suffix");
    assertThat(codec.decodeFromWire("prefix".length(), buffer)).isEqualTo(batch);
  }

  @Test
  void localDeliveryHandsOverTheSameObject() {
    Vertx vertx = Vertx.vertx();
    try {
      SharedJsonCodec.register(vertx.eventBus());
      SharedJsonCodec.register(vertx.eventBus()); // a second client of the same instance
      JsonObject[] received = new JsonObject[1];
      await(vertx.eventBus().<JsonObject>consumer("codec.test", m -> {
        received[0] = m.body();
        m.reply(new JsonObject(), SharedJsonCodec.replyOptions(m.headers()));
      }).completion());
      await(vertx.eventBus().request("codec.test", batch, SharedJsonCodec.requestOptions(new DeliveryOptions())));
      assertThat(received[0]).isSameAs(batch);
      // Without the codec the event bus copies, as it always did.
      await(vertx.eventBus().request("codec.test", batch));
      assertThat(received[0]).isEqualTo(batch).isNotSameAs(batch);
    } finally {
      await(vertx.close());
    }
  }

  @Test
  void repliesUseTheCodecOnlyWhenTheRequestAskedForIt() {
    DeliveryOptions asked = SharedJsonCodec.requestOptions(new DeliveryOptions().setSendTimeout(1234));
    assertThat(asked.getSendTimeout()).isEqualTo(1234);
    assertThat(asked.getCodecName()).isEqualTo(SharedJsonCodec.NAME);
    assertThat(SharedJsonCodec.replyOptions(asked.getHeaders()).getCodecName()).isEqualTo(SharedJsonCodec.NAME);
    assertThat(SharedJsonCodec.replyOptions(MultiMap.caseInsensitiveMultiMap()).getCodecName()).isNull();
  }
}
