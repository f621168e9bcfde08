package dev.rediskit.cache.impl;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.cache.CacheCodec;
import dev.rediskit.cache.NearCacheOptions;
import dev.rediskit.cache.impl.EntryFormat.Entry;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.client.TrackingLink;
import dev.rediskit.test.Await;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServers;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static dev.rediskit.test.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The in-flight race on a real server and a real tracking link: a GET is sent (its token
 * registered), its reply carries the old value, and another client's write lands before the reply
 * is stored. Whether Redis' invalidation reaches the near cache before or after the reply, the
 * stale reply must not stay cached. The GET's reply is taken before the write and handed to the
 * near cache after the invalidation arrived, so both orders are forced rather than hoped for.
 */
@IntegrationTest
class NearCacheRaceIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  private static final CacheCodec<Object> CODEC = CacheCodec.json();

  /** The start of the namespace's Redis keys at version 0. */
  private static final String START = "r:c:ns:0:";

  private RedisGateway gateway;
  private NearCache near;
  private final AtomicReference<NearCache> target = new AtomicReference<>();
  private TrackingLink link;

  @BeforeEach
  void start(Vertx vertx) {
    gateway = join(RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(redis.uri()).setConnectTimeoutMs(10_000)).ready());
    link = gateway.track(List.of("r:c:ns:"), new TrackingLink.Listener() {
      @Override
      public void invalidated(String key) {
        // As NearCaches routes it: by the key inside the namespace.
        if (key.startsWith(START)) {
          target.get().invalidate(key.substring(START.length()));
        }
      }

      @Override
      public void flushed(TrackingLink.FlushCause cause) {
        target.get().invalidateAll(cause.tagName());
      }
    });
    near = new NearCache("ns", new NearCacheOptions().setEnabled(true), link);
    target.set(near);
    Await.until(() -> link.state() == TrackingLink.State.CONFIRMED, Duration.ofSeconds(30), "link not confirmed");
  }

  @AfterEach
  void stop() {
    join(gateway.close());
  }

  /** Writes an entry and waits for its own invalidation, so that it cannot be taken for a later one. */
  private void put(String rk, String value) {
    long seen = link.status().getLong("invalidations");
    join(gateway.send(Request.cmd(Command.SET).arg(rk).arg(stored(value))));
    Await.until(() -> link.status().getLong("invalidations") > seen, "own write never reported");
  }

  private Entry read(String rk) {
    return NamespaceEntries.entryOf(join(gateway.send(Request.cmd(Command.GET).arg(rk))));
  }

  private static Buffer stored(String value) {
    return EntryFormat.encode(0, System.currentTimeMillis() + 60_000, 60_000, 0, Buffer.buffer(value));
  }

  @Test
  void invalidationBeforeTheReplyWins() {
    String key = "k1";
    String rk = START + key;
    put(rk, "old");
    NearCache.Fill token = near.begin(key);
    assertThat(token).isNotNull();
    Entry old = read(rk);                                  // Redis answered "old"...
    long before = near.invalidations();
    redis.server().command("SET", rk, "changed");          // ...another client writes...
    Await.until(() -> near.invalidations() > before, "invalidation never arrived");
    near.fill(START, key, token, old, System.currentTimeMillis(), CODEC); // ...and the old reply is handed in last.
    assertThat(near.entry(START, key)).isNull();
    assertThat(near.rejectedFills()).isEqualTo(1);
  }

  @Test
  void invalidationAfterTheReplyDropsIt() {
    String key = "k2";
    String rk = START + key;
    put(rk, "old");
    NearCache.Fill token = near.begin(key);
    near.fill(START, key, token, read(rk), System.currentTimeMillis(), CODEC);
    assertThat(near.entry(START, key)).isNotNull();
    redis.server().command("SET", rk, "changed");
    Await.until(() -> near.entry(START, key) == null, "the stored copy was never invalidated");
  }

  @Test
  void aNewEpochOutdatesReadsInFlight() {
    String key = "k3";
    String rk = START + key;
    put(rk, "old");
    NearCache.Fill token = near.begin(key);
    Entry old = read(rk);
    long epoch = link.epoch();
    // Kill the link's connection: the link flushes with a new epoch and confirms again later.
    String list = (String) redis.server().command("CLIENT", "LIST");
    for (String line : list.split("\n")) {
      if (line.contains(" sub=1 ")) {
        redis.server().command("CLIENT", "KILL", "ID", line.substring(3, line.indexOf(' ')));
      }
    }
    Await.until(() -> link.epoch() > epoch, "the link never noticed the kill");
    Await.until(() -> link.state() == TrackingLink.State.CONFIRMED, Duration.ofSeconds(30), "link not confirmed again");
    near.fill(START, key, token, old, System.currentTimeMillis(), CODEC);
    assertThat(near.entry(START, key)).isNull();
  }
}
