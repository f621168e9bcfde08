package dev.rediskit.cache;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.cache.CompressionOptions.Codec;
import dev.rediskit.cache.impl.EntryFormat;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.error.ValueTooLargeException;
import dev.rediskit.eventbus.CacheClient;
import dev.rediskit.eventbus.CacheConsumers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.rediskit.test.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compression on a real Redis: what is stored (the header's version and codec, the size), that
 * every write path compresses and every read path decompresses, that caches with different
 * settings and entries of the old format read each other, and the size guard on the uncompressed
 * value. Run once per topology by the subclasses.
 */
abstract class AbstractCompressionTest {

  Vertx vertx;
  RedisGateway gateway;
  RedisCache lz4;

  /** @return connection settings for the topology under test */
  abstract RedisKitOptions baseOptions();

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    gateway = await(RedisGateway.create(vertx, baseOptions().setKeyPrefix("z")
      // Generous: the build machine has two cores shared with other builds, and a cold JVM connects slowly.
      .setConnectTimeoutMs(15_000).setCommandTimeoutMs(10_000)).ready());
    lz4 = RedisCache.create(vertx, gateway, new CacheOptions().setMaxValueBytes(64 * 1024));
  }

  @AfterEach
  void stop() {
    await(gateway.close());
  }

  static <T> T await(Future<T> f) {
    return dev.rediskit.test.Futures.join(f);
  }

  RedisCache cache(Codec codec) {
    return RedisCache.create(vertx, gateway, new CacheOptions().setMaxValueBytes(64 * 1024)
      .setCompression(new CompressionOptions().setCodec(codec)));
  }

  /** A JSON document of about {@code bytes} bytes, as an API caches them. */
  static JsonObject document(int bytes) {
    JsonArray orders = new JsonArray();
    JsonObject doc = new JsonObject().put("id", "cust-1").put("name", "Ada Lovelace").put("orders", orders);
    for (int i = 0; doc.encode().length() < bytes; i++) {
      orders.add(new JsonObject().put("orderId", "o-" + i).put("status", i % 3 == 0 ? "shipped" : "paid")
        .put("total", i * 3.25).put("lines", new JsonArray().add(new JsonObject().put("sku", "SKU-" + (i * 7 % 1000)).put("qty", 1 + i % 4))));
    }
    return doc;
  }

  Buffer stored(String ns, String key) {
    Response r = await(gateway.send(Request.cmd(Command.GET).arg("z:c:" + ns + ":0:" + key)));
    return r == null ? null : r.toBuffer();
  }

  @Test
  void largeValuesAreStoredCompressedAndReadBackThroughEveryPath() {
    CacheNamespace<Object> ns = lz4.namespace("docs");
    JsonObject doc = document(10_000);
    int raw = doc.encode().length();
    await(ns.set("big", doc));
    Buffer big = stored("docs", "big");
    assertThat(big.getByte(0)).isEqualTo(EntryFormat.VERSION_COMPRESSED);
    assertThat(big.getByte(22)).as("LZ4 in the header").isEqualTo((byte) 1);
    assertThat(big.length()).as("stored bytes of a %d-byte document", raw).isLessThan(raw / 2);
    assertThat(await(ns.get("big"))).isEqualTo(doc);
    assertThat(await(ns.lookup("big")).source()).isEqualTo(CacheResult.Source.CACHE);

    await(ns.set("small", new JsonObject().put("id", 1)));
    assertThat(stored("docs", "small").getByte(0)).isEqualTo(EntryFormat.VERSION);

    await(ns.setMany(Map.of("m1", doc, "m2", document(3_000)), Duration.ofMinutes(1)));
    assertThat(stored("docs", "m1").getByte(0)).isEqualTo(EntryFormat.VERSION_COMPRESSED);
    assertThat(await(ns.getMany(List.of("m1", "m2", "small")))).containsOnlyKeys("m1", "m2", "small")
      .containsEntry("m1", doc).containsEntry("m2", document(3_000));

    assertThat(await(ns.getOrLoad("loaded", () -> Future.succeededFuture(doc), LoadOptions.ttl(Duration.ofMinutes(1)))))
      .isEqualTo(doc);
    assertThat(stored("docs", "loaded").getByte(0)).isEqualTo(EntryFormat.VERSION_COMPRESSED);
    assertThat(await(ns.getOrLoadResult("loaded", () -> Future.failedFuture("not called"), LoadOptions.ttl(Duration.ofMinutes(1)))).value())
      .isEqualTo(doc);

    await(ns.warmEach(List.of("w1"), k -> Future.succeededFuture(doc), Duration.ofMinutes(1), 10));
    assertThat(stored("docs", "w1").getByte(0)).isEqualTo(EntryFormat.VERSION_COMPRESSED);
    assertThat(await(ns.get("w1"))).isEqualTo(doc);
    assertThat(ns.stats().errors()).isZero();
  }

  @Test
  void theEventBusReadsAndWritesCompressedEntries() {
    CacheConsumers consumers = await(CacheConsumers.register(vertx.eventBus(), "zc.", lz4));
    try {
      CacheClient client = CacheClient.create(vertx, "zc.");
      JsonObject doc = document(8_000);
      await(client.set("bus", "k", doc, Duration.ofMinutes(1)));
      assertThat(stored("bus", "k").getByte(0)).isEqualTo(EntryFormat.VERSION_COMPRESSED);
      assertThat(await(client.lookup("bus", "k")).value()).isEqualTo(doc);
      assertThat(await(client.getMany("bus", List.of("k")))).containsEntry("k", doc);
    } finally {
      await(consumers.unregister());
    }
  }

  @Test
  void cachesWithOtherCodecsAndOldEntriesMix() {
    JsonObject doc = document(6_000);
    await(lz4.namespace("mix").set("lz4", doc));
    await(cache(Codec.ZSTD).namespace("mix").set("zstd", doc));
    await(cache(Codec.NONE).namespace("mix").set("none", doc));
    assertThat(stored("mix", "zstd").getByte(22)).as("zstd in the header").isEqualTo((byte) 2);
    assertThat(stored("mix", "none").getByte(0)).isEqualTo(EntryFormat.VERSION);
    assertThat(stored("mix", "zstd").length()).isLessThan(stored("mix", "lz4").length());
    // An entry as the previous release wrote it: version 1, the JSON codec's bytes ('J' + text).
    Buffer old = EntryFormat.encode(0, System.currentTimeMillis() + 60_000, 60_000, 0,
      Buffer.buffer("J").appendString(doc.encode()));
    await(gateway.send(Request.cmd(Command.SET).arg("z:c:mix:0:old").arg(old).arg("PX").arg(60_000)));
    for (Codec reader : Codec.values()) {
      CacheNamespace<Object> ns = cache(reader).namespace("mix");
      assertThat(await(ns.getMany(List.of("lz4", "zstd", "none", "old")))).as(reader.name())
        .containsOnlyKeys("lz4", "zstd", "none", "old").allSatisfy((k, v) -> assertThat(v).isEqualTo(doc));
      assertThat(ns.stats().errors()).isZero();
    }
  }

  @Test
  void theSizeGuardAppliesToTheUncompressedValue() {
    JsonObject doc = document(70_000);   // over 64 KiB raw, a few KiB compressed
    assertThat(failure(lz4.namespace("guard").set("k", doc))).isInstanceOf(ValueTooLargeException.class);
    assertThat(stored("guard", "k")).isNull();
    // A reader with a smaller maximum refuses an entry whose header announces more: a miss and an error.
    JsonObject medium = document(20_000);
    await(lz4.namespace("guard").set("m", medium));
    RedisCache strict = RedisCache.create(vertx, gateway, new CacheOptions().setMaxValueBytes(10_000));
    CacheNamespace<Object> ns = strict.namespace("guard");
    assertThat(await(ns.lookup("m")).found()).isFalse();
    assertThat(ns.stats().errors()).isEqualTo(1);
  }
}
