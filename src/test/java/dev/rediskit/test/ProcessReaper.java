package dev.rediskit.test;

import java.io.IOException;
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
 * run (and other developers' runs on the same machine). It cannot help when the JVM itself is SIGKILLed.
 */
final class ProcessReaper {

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

  private static void reap() {
    for (Process process : PROCESSES) {
      killNow(process, 5_000);
    }
    for (Path dir : DIRECTORIES) {
      deleteRecursively(dir);
    }
  }
}
