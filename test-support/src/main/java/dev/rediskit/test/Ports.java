package dev.rediskit.test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Chooses ports for redis-server processes.
 *
 * <p>Ports come from 10000-19999 rather than from the kernel's ephemeral range (32768+ on Linux): ephemeral ports
 * are also handed to outgoing connections, so a port chosen there could be taken by some client socket before the
 * server binds it, or before a killed server is restarted on it. Every Redis port {@code p} is checked together with
 * {@code p + 10000}, the cluster bus port, which then lies in 20000-29999, also outside the ephemeral range.
 * Other builds on the same machine choose ports too, so the check is only a hint: {@link RedisServer} retries with
 * another port when the server reports the address in use.
 */
final class Ports {

  static final int FIRST = 10_000;
  static final int LAST = 19_999;
  static final int CLUSTER_BUS_OFFSET = 10_000;

  private static final Set<Integer> RESERVED = ConcurrentHashMap.newKeySet();

  private Ports() {
  }

  /** Reserves a port that is free now, together with its cluster bus port; released by {@link #release(int)}. */
  static int reserve() {
    for (int attempt = 0; attempt < 1_000; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(FIRST, LAST + 1);
      if (isFree(port) && isFree(port + CLUSTER_BUS_OFFSET) && RESERVED.add(port)) {
        return port;
      }
    }
    throw new IllegalStateException("No free port pair found in " + FIRST + "-" + LAST);
  }

  static void release(int port) {
    RESERVED.remove(port);
  }

  /** Whether nothing listens on the loopback port, checked by binding it the way redis-server will. */
  static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      // redis-server sets SO_REUSEADDR too, so connections in TIME_WAIT do not count as "in use" here either.
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName(RedisServer.HOST), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
