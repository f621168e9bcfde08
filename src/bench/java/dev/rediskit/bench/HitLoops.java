package dev.rediskit.bench;

import io.vertx.core.Future;

import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * The timing loop of {@link NearHitLoop} and {@link ClientHitLoop}: reads on the caller's thread,
 * a key picked at random per read from names built once ({@code "0"} to {@code keys - 1}, other
 * instances than those the caches were filled with), rounds of {@code seconds} each, ns per read
 * of each round printed.
 */
final class HitLoops {

  private HitLoops() {
  }

  /**
   * @param keys how many keys
   * @param rounds how many rounds
   * @param seconds the length of a round
   * @param read one read of a key, expected to complete at once (a hit); one that does not is counted
   * @return how many reads found a value, so that the reads cannot be optimized away
   */
  static long run(int keys, int rounds, long seconds, Function<String, Future<Object>> read) {
    String[] names = new String[keys];
    for (int i = 0; i < keys; i++) {
      names[i] = String.valueOf(i);
    }
    SplittableRandom rnd = new SplittableRandom(42);
    long sink = 0;
    for (int r = 0; r < rounds; r++) {
      long n = 0;
      long pending = 0;
      long start = System.nanoTime();
      long end = start + seconds * 1_000_000_000L;
      long now;
      do {
        for (int i = 0; i < 1000; i++) {
          Future<Object> f = read.apply(names[rnd.nextInt(keys)]);
          if (f.isComplete()) {
            sink += f.result() == null ? 0 : 1;
          } else {
            pending++;
          }
        }
        n += 1000;
        now = System.nanoTime();
      } while (now < end);
      System.out.printf(Locale.ROOT, "round %d: %.0f ns per hit (%d reads, %d not complete at once)%n", r,
        (now - start) / (double) n, n, pending);
    }
    return sink;
  }
}
