package dev.rediskit.cache;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.test.StalenessChecker;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The two instances of the near-cache staleness tests ({@link NearCacheFaultIT} and its cluster and
 * Sentinel variants): a reader with a near cache on namespace {@value #NS}, bounded by
 * {@value #BOUND_MS} ms, and a writer without, each on a gateway of its own; the gateways are closed
 * after each test. Register as an instance field with {@code @RegisterExtension}.
 */
final class StalenessCaches implements AfterEachCallback {

  static final long BOUND_MS = 500;
  static final String NS = "hot";
  /** The Redis key of the checker's entry, for finding the node that holds it. */
  static final String KEY = "f:c:" + NS + ":0:c";

  private final List<RedisGateway> gateways = new ArrayList<>();

  /**
   * @param vertx the Vert.x instance
   * @param base connection settings of the reader's Redis (or proxy)
   * @return the reader's cache, its tracking link confirmed
   */
  RedisCache reader(Vertx vertx, RedisKitOptions base) {
    return cache(vertx, base, "A", true);
  }

  /**
   * @param vertx the Vert.x instance
   * @param base connection settings of the writer's Redis
   * @return the writer's cache
   */
  RedisCache writer(Vertx vertx, RedisKitOptions base) {
    return cache(vertx, base, "B", false);
  }

  /**
   * @param reader the reader's cache, from {@link #reader}
   * @param writer the writer's cache, from {@link #writer}
   * @return a checker whose reads are local when the reader's near cache answered them
   */
  static StalenessChecker checker(RedisCache reader, RedisCache writer) {
    CacheNamespace<Object> readNs = reader.namespace(NS);
    CacheNamespace<Object> writeNs = writer.namespace(NS);
    return new StalenessChecker(BOUND_MS,
      v -> AbstractNearCacheTest.await(writeNs.set("c", v, Duration.ofMinutes(5))),
      () -> {
        CacheResult<Object> r = AbstractNearCacheTest.await(readNs.lookup("c"));
        return r.source() == CacheResult.Source.NEAR ? ((Number) r.value()).intValue() : null;
      },
      () -> reader.nearCacheStats().get(NS).hits(),
      () -> "flushes " + reader.nearCacheStats().get(NS).flushes());
  }

  private RedisCache cache(Vertx vertx, RedisKitOptions base, String name, boolean near) {
    RedisGateway g = AbstractNearCacheTest.await(RedisGateway.create(vertx, base.setKeyPrefix("f")
      .setConnectTimeoutMs(10_000).setCommandTimeoutMs(1000), name).ready());
    gateways.add(g);
    CacheOptions o = new CacheOptions();
    if (near) {
      o.putNamespace(NS, new NamespaceOptions().setNearCache(new NearCacheOptions().setEnabled(true).setMaxStalenessMs(BOUND_MS)));
    }
    RedisCache c = RedisCache.create(vertx, g, o);
    if (near) {
      AbstractNearCacheTest.awaitConfirmed(g);
    }
    return c;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    for (RedisGateway g : gateways) {
      AbstractNearCacheTest.await(g.close());
    }
    gateways.clear();
  }
}
