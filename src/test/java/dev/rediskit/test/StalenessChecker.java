package dev.rediskit.test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Never silently stale, under a fault: a writer thread writes increasing versions of one key, a
 * reader thread reads it continuously through a near cache. A read served locally at {@code t} that
 * returns version {@code v} is stale by {@code t - ack(v + 1)} when version {@code v + 1} had already
 * been acknowledged to the writer before {@code t} (see {@link StalenessLog}). No local read may be
 * staler than the bound; the worst seen is printed. What writes, what reads and what counts as a
 * local hit is the caller's: the near cache of a {@code RedisCache} or of an event-bus client.
 */
public final class StalenessChecker {

  /** Reads the checker's key once. */
  @FunctionalInterface
  public interface Reader {
    /**
     * @return the version the read returned when the near cache answered it, {@code null} when it
     * was answered from further away (Redis, the event bus)
     * @throws RuntimeException when the read failed
     */
    Integer readLocal();
  }

  private final long boundMs;
  private final IntConsumer writer;
  private final Reader reader;
  private final LongSupplier hits;
  private final Supplier<String> stats;
  private final StalenessLog log = new StalenessLog();
  private volatile boolean running = true;
  private long remoteReads;
  private long failedReads;
  private long failedWrites;

  /**
   * @param boundMs the staleness bound under test
   * @param writer writes a version and returns once it is acknowledged; throws when the write failed
   * @param reader reads the key once
   * @param hits the near cache's hit count, to see it serve before and after the fault
   * @param stats the near cache's statistics, for the report and failure messages
   */
  public StalenessChecker(long boundMs, IntConsumer writer, Reader reader, LongSupplier hits, Supplier<String> stats) {
    this.boundMs = boundMs;
    this.writer = writer;
    this.reader = reader;
    this.hits = hits;
    this.stats = stats;
  }

  /**
   * Waits on the test thread for a while, the writer and the reader running meanwhile.
   *
   * @param d how long
   */
  public void runFor(Duration d) {
    long end = System.nanoTime() + d.toNanos();
    while (System.nanoTime() < end) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }

  /**
   * Starts the writer and the reader, waits until the near cache serves, runs the fault, waits until
   * it serves again (the fault healed), then stops both.
   *
   * @param fault the fault, run on the test thread
   * @throws InterruptedException when interrupted while joining the threads
   */
  public void run(Runnable fault) throws InterruptedException {
    Thread w = new Thread(this::write, "staleness-writer");
    Thread r = new Thread(this::read, "staleness-reader");
    w.start();
    r.start();
    try {
      Await.until(() -> hits.getAsLong() > 100, Duration.ofSeconds(30),
        () -> "the near cache never served before the fault: " + stats.get());
      runFor(Duration.ofSeconds(1));
      fault.run();
      long hitsAfter = hits.getAsLong();
      // Recovery: local hits again after the fault (the link confirmed again).
      Await.until(() -> hits.getAsLong() > hitsAfter + 100, Duration.ofSeconds(60),
        () -> "the near cache never served again after the fault: " + stats.get());
      runFor(Duration.ofSeconds(2));
    } finally {
      running = false;
      w.join(30_000);
      r.join(30_000);
    }
  }

  private void write() {
    int v = 1;
    while (running) {
      try {
        writer.accept(v);
        log.acked(v);
        v++;
      } catch (RuntimeException e) {
        // Redis down: the same version again (it may have been applied; ack(v) is only ever later).
        failedWrites++;
      }
      // Paced, so that reads in between can be served locally: a load generator's rate, not a wait.
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }

  private void read() {
    while (running) {
      long t0 = System.nanoTime();
      try {
        Integer version = reader.readLocal();
        if (version != null) {
          log.nearRead(t0, version);
        } else {
          remoteReads++;
        }
      } catch (RuntimeException e) {
        failedReads++;
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
      }
    }
  }

  /**
   * Prints what was seen and asserts that no local read was staler than the bound, and that there
   * were local reads at all.
   *
   * @param fault what the fault was, for the printed line
   */
  public void report(String fault) {
    StalenessLog.Judgement j = log.judge(boundMs);
    System.out.printf("near cache staleness under %s: %d local reads, %d from further away, %d failed, "
        + "%d writes (%d failed); staler than %d ms: %d; worst staleness %.3f ms; stats %s%n", fault, log.nearReads(),
      remoteReads, failedReads, log.writes(), failedWrites, boundMs, j.stale(), j.worstMs(), stats.get());
    assertThat(j.stale()).as("local reads staler than the bound").isZero();
    assertThat(log.nearReads()).isPositive();
  }

  /**
   * Kills the connections of a server that are in subscribed state: the tracking links of the near
   * caches using it.
   *
   * @param server the server
   */
  public static void killTrackingConnections(RedisServer server) {
    String list = (String) server.command("CLIENT", "LIST");
    for (String line : list.split("\n")) {
      if (line.contains(" sub=1 ")) {
        server.command("CLIENT", "KILL", "ID", line.substring(3, line.indexOf(' ')));
      }
    }
  }
}
