package dev.rediskit.client.impl;

import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * A command on its way, as {@link ReadCoalescer} and {@link WriteCoalescer} see it: they write it
 * together with others and hand each its own outcome. Answered exactly once; later answers (a
 * reply after the deadline answered it) are ignored by the command itself.
 */
interface Coalesced {

  /** @return whether it was already answered (by its deadline, or a lost connection) */
  boolean settled();

  /** @return the command */
  Request request();

  /** @param conn the connection to send it on, alone */
  void dispatch(RedisConnection conn);

  /** @param reply its reply */
  void replied(Response reply);

  /** @param cause why it failed, as the client reported it (an error value, or the connection failing) */
  void failed(Throwable cause);

  /**
   * Redis answered it with an error reply that reached us only as text (one line of a batch's
   * folded failure).
   *
   * @param errorReply the error reply, such as {@code "WRONGTYPE Operation against a key ..."}
   */
  void refused(String errorReply);

  /**
   * It ran, or may have run, but its own reply cannot be told apart any more; it is not sent again.
   *
   * @param why what happened, for the caller's message
   */
  void replyLost(String why);
}
