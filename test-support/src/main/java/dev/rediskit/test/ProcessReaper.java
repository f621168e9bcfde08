package dev.rediskit.test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Kills server processes and removes their directories when the JVM exits, whatever the tests did.
 *
 * <p>Fixtures stop their servers when a test ends; this is the safety net for a test that forgot, an extension that
 * failed half-way, or a run stopped with Ctrl-C. A leftover redis-server keeps its port and would confuse the next
 * run (and other developers' runs on the same machine).
 *
 * <p>A hook cannot run when the JVM itself is SIGKILLed (a build tool's fork timeout, say), so the first server
 * started in a JVM also cleans up after earlier JVMs: see {@link #reapOrphansOnce()}.
 */
final class ProcessReaper {

  /** Written into every server directory: the pid of the JVM that owns the server. */
  static final String OWNER_FILE = "owner.pid";

  /** Written by redis-server itself ({@code pidfile}): the server's pid. */
  static final String PID_FILE = "redis.pid";

  private static boolean orphansReaped;

  private static final Set<Process> PROCESSES = ConcurrentHashMap.newKeySet();
  private static final Set<Path> DIRECTORIES = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(ProcessReaper::reap, "rediskit-process-reaper"));
  }

  private ProcessReaper() {
  }

  static void register(Process process) {
    PROCESSES.add(process);
  }

  static void unregister(Process process) {
    PROCESSES.remove(process);
  }

  static void deleteOnExit(Path dir) {
    DIRECTORIES.add(dir);
  }

  /**
   * Marks a fresh temporary directory as owned by this JVM: removed at exit, and by a later JVM's
   * {@link #reapOrphansOnce()} if this one dies without running its hook.
   */
  static void claim(Path dir) {
    deleteOnExit(dir);
    try {
      Files.writeString(dir.resolve(OWNER_FILE), String.valueOf(ProcessHandle.current().pid()));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("Cannot write to " + dir, e);
    }
  }

  static void forgetDirectory(Path dir) {
    DIRECTORIES.remove(dir);
  }

  /** SIGKILL a process and anything it forked (an RDB or replication child), and wait until it is gone. */
  static boolean killNow(Process process, long timeoutMillis) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      return process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }

  static void deleteRecursively(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
          Files.deleteIfExists(d);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException ignored) {
      // Best effort: a leftover file in the temp directory harms nobody, a failing cleanup would hide test results.
    }
  }

  /**
   * Kills redis-servers left behind by test JVMs that died without running their shutdown hook, and removes their
   * directories. A server counts as orphaned only when its directory's owner JVM is gone, and it is killed only by
   * the pid it wrote itself and only if that process still runs in that directory, so a reused pid or another
   * developer's live test run is never touched.
   */
  static synchronized void reapOrphansOnce() {
    if (orphansReaped) {
      return;
    }
    orphansReaped = true;
    reapOrphans(Path.of(System.getProperty("java.io.tmpdir")));
  }

  /** Does the work of {@link #reapOrphansOnce()} in the given directory; separate so that it can be tested. */
  static void reapOrphans(Path tmp) {
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, "rediskit-*")) {
      for (Path dir : dirs) {
        Path owner = dir.resolve(OWNER_FILE);
        if (!Files.isRegularFile(owner) || isAlive(readPid(owner))) {
          continue;
        }
        Path pidFile = dir.resolve(PID_FILE);
        if (Files.isRegularFile(pidFile)) {
          long pid = readPid(pidFile);
          ProcessHandle.of(pid).filter(p -> runsIn(pid, dir)).ifPresent(p -> {
            p.destroyForcibly();
            p.onExit().orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).exceptionally(e -> null).join();
          });
        }
        deleteRecursively(dir);
      }
    } catch (IOException | RuntimeException ignored) {
      // Best effort: failing to clean up after a dead JVM must not fail this JVM's tests.
    }
  }

  private static long readPid(Path file) throws IOException {
    try {
      return Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static boolean isAlive(long pid) {
    return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** Whether the process's working directory is {@code dir}; Linux only, elsewhere nothing is ever killed. */
  private static boolean runsIn(long pid, Path dir) {
    try {
      return Files.readSymbolicLink(Path.of("/proc", String.valueOf(pid), "cwd")).equals(dir.toRealPath());
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  private static void reap() {
    for (Process process : PROCESSES) {
      killNow(process, 5_000);
    }
    for (Path dir : DIRECTORIES) {
      deleteRecursively(dir);
    }
  }
}
