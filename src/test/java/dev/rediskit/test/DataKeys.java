package dev.rediskit.test;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The keys a test's requests wrote: every key of a server but the start-up permission probes'
 * ({@code <keyPrefix>:rl:<g|f|w>:probe}, {@code <keyPrefix>:rl:l::probe}, {@code <keyPrefix>:c::probe},
 * {@code <keyPrefix>:cl::probe}, {@code <keyPrefix>:cv::probe}, see docs/KEYS.md), which
 * {@code RedisKit} and {@code RedisKitVerticle} write when they start and which live a second at
 * most, so that "nothing written" stays true of a test's requests whenever the test runs.
 */
public final class DataKeys {

  /** The probe keys of docs/KEYS.md, whatever the key prefix. */
  private static final Pattern PROBE = Pattern.compile(".+:(?:rl:[gfw]:probe|rl:l::probe|c[lv]?::probe)");

  private DataKeys() {
  }

  /**
   * @param server a test's server (small: KEYS lists them all)
   * @return its keys but the probes', in no order
   */
  @SuppressWarnings("unchecked")
  public static List<String> of(RedisServer server) {
    return ((List<Object>) server.command("KEYS", "*")).stream().map(String::valueOf)
      .filter(k -> !PROBE.matcher(k).matches()).toList();
  }
}
