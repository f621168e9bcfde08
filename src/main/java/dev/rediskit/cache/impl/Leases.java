package dev.rediskit.cache.impl;

import dev.rediskit.client.RedisGateway;
import dev.rediskit.client.Script;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The Redis lease that lets one instance of a cluster of nodes load a key while the others wait:
 * {@code SET NX PX} with a random token, released by a compare-and-delete script. The lease
 * expires by itself after {@code cache.leaseTtlMs}, so a holder that dies never blocks a key.
 */
final class Leases {

  /** Deletes the lease only if it still holds our token, so a late finisher never frees someone else's lease. */
  static final Script RELEASE_LEASE = Script.of(
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end");

  private final RedisGateway gateway;
  private final long leaseTtlMs;

  /**
   * @param gateway the gateway
   * @param leaseTtlMs lifetime of a lease ({@code cache.leaseTtlMs})
   */
  Leases(RedisGateway gateway, long leaseTtlMs) {
    this.gateway = gateway;
    this.leaseTtlMs = leaseTtlMs;
  }

  /** @return the lifetime of a lease, in ms */
  long ttlMs() {
    return leaseTtlMs;
  }

  /** @return a random token: 128 bits, so no two holders ever share one */
  String newToken() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return Long.toHexString(r.nextLong()) + Long.toHexString(r.nextLong());
  }

  /**
   * @param leaseKey the lease's Redis key
   * @param token the caller's token
   * @return {@code OK} when the lease is now the caller's, a {@code null} reply when someone holds it
   */
  Future<Response> acquire(String leaseKey, String token) {
    return gateway.send(Request.cmd(Command.SET).arg(leaseKey).arg(token).arg("NX").arg("PX").arg(leaseTtlMs));
  }

  /**
   * Releases the lease if it still holds {@code token}. A failure is only logged: the lease then
   * expires by itself, and the caller's result does not depend on it.
   *
   * @param leaseKey the lease's Redis key
   * @param token the token it was acquired with
   */
  void release(String leaseKey, String token) {
    gateway.eval(RELEASE_LEASE, List.of(leaseKey), List.of(token))
      .onFailure(err -> CacheContext.LOG.debug("lease release failed (it expires by itself): " + err));
  }
}
