package dev.rediskit.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks that servers left behind by a dead test JVM are cleaned up, and live ones are not. */
@IntegrationTest
class ProcessReaperIT {

  @Test
  void killsOrphanedServersAndKeepsOwnedOnes(@TempDir Path tmp) throws Exception {
    Process deadOwner = new ProcessBuilder("true").start();
    deadOwner.waitFor();

    Path orphanDir = Files.createDirectory(tmp.resolve("rediskit-orphan"));
    Files.writeString(orphanDir.resolve(ProcessReaper.OWNER_FILE), String.valueOf(deadOwner.pid()));
    Process orphan = startServer(orphanDir);

    Path ownedDir = Files.createDirectory(tmp.resolve("rediskit-owned"));
    Files.writeString(ownedDir.resolve(ProcessReaper.OWNER_FILE), String.valueOf(ProcessHandle.current().pid()));
    Process owned = startServer(ownedDir);
    try {
      ProcessReaper.reapOrphans(tmp);

      Await.until(() -> !orphan.isAlive(), "the orphaned server to be killed");
      assertThat(orphanDir).doesNotExist();
      assertThat(owned.isAlive()).isTrue();
      assertThat(ownedDir).exists();
    } finally {
      ProcessReaper.killNow(orphan, 10_000);
      ProcessReaper.killNow(owned, 10_000);
    }
  }

  /** A bare redis-server writing its pid file, as a dead JVM's fixture would have left it. */
  private static Process startServer(Path dir) throws Exception {
    int port = Ports.reserve();
    try {
      Path pidFile = dir.resolve(ProcessReaper.PID_FILE);
      Files.write(dir.resolve("redis.conf"), List.of(
          "bind 127.0.0.1", "port " + port, "save \"\"", "appendonly no", "pidfile " + pidFile));
      Process process = new ProcessBuilder(RedisBinary.get().executable().toString(), "redis.conf")
          .directory(dir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("redis.log").toFile())
          .start();
      ProcessReaper.register(process);
      Await.until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank(),
          "redis-server to write its pid file");
      return process;
    } finally {
      Ports.release(port);
    }
  }
}
