package dev.rediskit.client.impl;

import dev.rediskit.client.Script;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import java.util.List;

/**
 * A script call: sent as EVALSHA, and what it needs to be sent again as EVAL when the node does
 * not know the script.
 *
 * @param script the script
 * @param keys its keys
 * @param args its arguments
 */
record ScriptCall(Script script, List<String> keys, List<String> args) {

  /** @return the EVALSHA to send first */
  Request evalsha() {
    return request(Command.EVALSHA, script.sha());
  }

  /** @return the EVAL to send on NOSCRIPT: it runs the script and caches it on that node */
  Request eval() {
    return request(Command.EVAL, script.source());
  }

  private Request request(Command cmd, String shaOrSource) {
    Request req = Request.cmd(cmd).arg(shaOrSource).arg(keys.size());
    for (String k : keys) {
      req.arg(k);
    }
    for (String a : args) {
      req.arg(a);
    }
    return req;
  }
}
