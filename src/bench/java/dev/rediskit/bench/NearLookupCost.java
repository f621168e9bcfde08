package dev.rediskit.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;

import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the parts of a near-cache hit cost, in a tight loop on one thread, without Vert.x or Redis:
 * a Caffeine lookup of a random key among 10,000 (a two-part key object like the client near
 * cache's, probed with other {@code String} instances than those stored, so equality compares the
 * characters), then the same with each thing a hit adds on top: a hit counter ({@link LongAdder}),
 * one wall-clock read (which the staleness bound needs on every hit), and one read in four recorded
 * for Caffeine's eviction policy. Five rounds of 10 million lookups each, ns per lookup; the first
 * round includes the JIT's warm-up.
 *
 * <pre>java -cp target/classes:target/test-classes:$(cat /tmp/bench.cp) dev.rediskit.bench.NearLookupCost</pre>
 */
public final class NearLookupCost {

  private static final int KEYS = 10_000;
  private static final int LOOKUPS = 10_000_000;

  private NearLookupCost() {
  }

  /** A namespace and a key, its hash computed once, as the client near cache keys its copies. */
  private record Key(String namespace, String key, int hash) {
    Key(String namespace, String key) {
      this(namespace, key, 31 * namespace.hashCode() + key.hashCode());
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && hash == k.hash && key.equals(k.key) && namespace.equals(k.namespace);
    }
  }

  /** A copy: its value and until when it may be served. */
  private record Copy(Object value, long servableUntilMs) {
  }

  /**
   * @param args unused
   */
  public static void main(String[] args) {
    String[] probes = new String[KEYS];
    Cache<Key, Copy> copies = Caffeine.newBuilder().executor(Runnable::run).maximumSize(2L * KEYS).build();
    Policy<Key, Copy> unrecorded = copies.policy();
    for (int i = 0; i < KEYS; i++) {
      String stored = String.valueOf(i);
      copies.put(new Key("near", stored), new Copy("x".repeat(98), Long.MAX_VALUE));
      probes[i] = new String(stored.toCharArray());
    }
    SplittableRandom rnd = new SplittableRandom(42);
    LongAdder hits = new LongAdder();
    long sink = 0;
    System.out.println("ns per lookup: bare, + hit counter, + wall-clock read, + one read in four recorded");
    for (int round = 0; round < 5; round++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < LOOKUPS; i++) {
        Copy c = unrecorded.getIfPresentQuietly(new Key("near", probes[rnd.nextInt(KEYS)]));
        sink += c == null ? 0 : 1;
      }
      long t1 = System.nanoTime();
      for (int i = 0; i < LOOKUPS; i++) {
        Copy c = unrecorded.getIfPresentQuietly(new Key("near", probes[rnd.nextInt(KEYS)]));
        if (c != null) {
          hits.increment();
        }
      }
      long t2 = System.nanoTime();
      for (int i = 0; i < LOOKUPS; i++) {
        long now = System.currentTimeMillis();
        Copy c = unrecorded.getIfPresentQuietly(new Key("near", probes[rnd.nextInt(KEYS)]));
        sink += c != null && c.servableUntilMs > now ? 1 : 0;
      }
      long t3 = System.nanoTime();
      for (int i = 0; i < LOOKUPS; i++) {
        Key k = new Key("near", probes[rnd.nextInt(KEYS)]);
        Copy c = (ThreadLocalRandom.current().nextInt() & 3) == 0 ? copies.getIfPresent(k) : unrecorded.getIfPresentQuietly(k);
        sink += c == null ? 0 : 1;
      }
      long t4 = System.nanoTime();
      System.out.printf(Locale.ROOT, "round %d: %.1f, %.1f, %.1f, %.1f%n", round, (t1 - t0) / (double) LOOKUPS,
        (t2 - t1) / (double) LOOKUPS, (t3 - t2) / (double) LOOKUPS, (t4 - t3) / (double) LOOKUPS);
    }
    System.out.println("(" + (sink + hits.sum()) + " hits)");
  }
}
