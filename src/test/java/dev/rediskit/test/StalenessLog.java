package dev.rediskit.test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What a near-cache staleness checker saw: when each increasing version's write was acknowledged,
 * and which version each near-cache read returned when it started. A read of version {@code v}
 * that started after version {@code v + 1} was acknowledged was stale by the time between the two.
 * One writer thread and one reader thread.
 */
public final class StalenessLog {

  private final ConcurrentHashMap<Integer, Long> acked = new ConcurrentHashMap<>();
  private final List<long[]> nearReads = new ArrayList<>();

  /** @param version the version whose write was just acknowledged */
  public void acked(int version) {
    acked.put(version, System.nanoTime());
  }

  /**
   * @param startNanos {@link System#nanoTime()} when the read started
   * @param version the version it returned from the near cache
   */
  public void nearRead(long startNanos, int version) {
    nearReads.add(new long[] {startNanos, version});
  }

  /** @return the writes acknowledged */
  public int writes() {
    return acked.size();
  }

  /** @return the reads answered by the near cache */
  public int nearReads() {
    return nearReads.size();
  }

  /**
   * @param boundMs the staleness bound
   * @return the near-cache reads staler than the bound, and the worst staleness seen
   */
  public Judgement judge(long boundMs) {
    long stale = 0;
    long worst = 0;
    for (long[] read : nearReads) {
      Long next = acked.get((int) read[1] + 1);
      if (next != null && next < read[0]) {
        worst = Math.max(worst, read[0] - next);
        if (TimeUnit.NANOSECONDS.toMillis(read[0] - next) > boundMs) {
          stale++;
        }
      }
    }
    return new Judgement(stale, worst / 1e6);
  }

  /**
   * @param stale near-cache reads staler than the bound
   * @param worstMs the worst staleness seen, in ms
   */
  public record Judgement(long stale, double worstMs) {
  }
}
