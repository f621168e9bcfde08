package dev.rediskit.client.impl;

import org.slf4j.event.Level;
import dev.rediskit.client.GatewayOptions;
import dev.rediskit.config.Redaction;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;

/**
 * The start-up line: where the gateway connected, from which source, and the server's version. The
 * INFO goes straight to the connection, outside the command queue, so it is neither counted in the
 * metrics nor held against the breaker; a server that refuses it (an ACL user without INFO) only
 * costs the version.
 */
final class StartupLine {

  private StartupLine() {
  }

  /**
   * @param log where the line goes
   * @param options the endpoints, topology and their source
   * @param conn the first connection
   */
  static void log(GatewayLog log, GatewayOptions<?> options, RedisConnection conn) {
    String where = Redaction.redact(String.join(",", options.getEndpoints())) + " (" + options.getType()
      + ", endpoints from " + options.endpointsSource() + ")";
    conn.send(Request.cmd(Command.INFO).arg("server")).onComplete(ar -> {
      String version = ar.succeeded() && ar.result() != null ? infoField(ar.result().toString(), "redis_version") : null;
      log.log(Level.INFO, "connected to Redis at " + where + ", server version "
        + (version != null ? version : "unknown (" + (ar.failed() ? ar.cause().getMessage() : "no INFO reply") + ")"));
    });
  }

  private static String infoField(String info, String field) {
    for (String line : info.split("\r?\n")) {
      if (line.startsWith(field + ":")) {
        return line.substring(field.length() + 1).trim();
      }
    }
    return null;
  }
}
