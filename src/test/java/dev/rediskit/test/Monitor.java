package dev.rediskit.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every command a real redis-server receives, read from {@code MONITOR} on a connection of its own: for the tests
 * that show a bad request never reaches Redis.
 */
public final class Monitor implements AutoCloseable {
  private static final Pattern COMMAND = Pattern.compile("\\] \"([A-Za-z]+)\"(.*)$");
  private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
  private final RespConnection conn;
  private final Thread reader;
  private volatile boolean closed;

  /** @param server the server to watch, from now on */
  public Monitor(RedisServer server) {
    conn = server.connect();
    conn.setReadTimeout(Duration.ZERO);
    assertThat(conn.call("MONITOR")).isEqualTo("OK");
    reader = new Thread(() -> {
      while (!closed) {
        try {
          lines.add(String.valueOf(conn.read()));
        } catch (RuntimeException e) {
          return;
        }
      }
    }, "monitor");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * The commands Redis received since the last call, up to a marker sent now; background traffic left out.
   *
   * @param server the watched server, which the marker is sent to
   * @return the commands, each with its arguments as MONITOR shows them
   */
  public List<String> drain(RedisServer server) {
    String marker = "marker-" + UUID.randomUUID();
    server.command("ECHO", marker);
    List<String> seen = new ArrayList<>();
    Await.until(() -> {
      String line;
      while ((line = lines.poll()) != null) {
        if (line.contains(marker)) {
          return true;
        }
        Matcher m = COMMAND.matcher(line);
        boolean found = m.find();
        String cmd = found ? m.group(1).toUpperCase() : line;
        if (!List.of("PING", "INFO", "ECHO", "CLIENT", "HELLO", "SELECT", "COMMAND").contains(cmd)) {
          seen.add(cmd + (found ? m.group(2) : ""));
        }
      }
      return false;
    }, "the marker to reach MONITOR");
    return seen;
  }

  @Override
  public void close() {
    closed = true;
    conn.close();
  }
}
