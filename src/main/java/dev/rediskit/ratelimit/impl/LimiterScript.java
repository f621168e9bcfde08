package dev.rediskit.ratelimit.impl;

import dev.rediskit.client.Script;
import dev.rediskit.ratelimit.Decision;
import io.vertx.redis.client.Response;

import java.util.List;

/**
 * How Redis decides one kind of call: the script, its arguments, and the reading of its reply, in
 * one place per algorithm and key count, so that the three always agree.
 *
 * <p>Implementations are shared by every call of a limiter, on any thread: they keep no per-call
 * state (what they learn of a call goes into the call and the decisions).
 */
interface LimiterScript {

  /** @return the script that decides the call */
  Script script();

  /**
   * @param call the call
   * @return the script's {@code ARGV}, for the call's keys in order
   */
  List<String> args(Call call);

  /**
   * Reads the script's reply: fills {@code each} with every key's state and {@link Call#retryUs}
   * with every key's exact wait.
   *
   * @param call the call
   * @param reply what the script returned
   * @param each per key its state, filled here
   * @return whether the request as a whole was allowed
   * @throws RuntimeException when the reply is not of the shape the script returns
   */
  boolean parse(Call call, Response reply, Decision[] each);
}
