package dev.rediskit.eventbus;

import dev.rediskit.eventbus.impl.RateLimitConsumersImpl;
import dev.rediskit.ratelimit.RateLimiter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.List;

/**
 * The {@code ratelimit.*} consumers of one {@link RateLimiter}:
 * thin adapters that validate the request (a bad one is answered with code 400 naming the field,
 * and never reaches Redis), call the limiter and reply with the decision as JSON.
 *
 * <table>
 *   <caption>Addresses</caption>
 *   <tr><th>address</th><th>request</th><th>reply</th></tr>
 *   <tr><td>{@code <prefix>ratelimit.check}</td>
 *       <td>{@code {key, limit, windowMs, cost?, failOnUnavailable?}}</td>
 *       <td>{@link dev.rediskit.ratelimit.Decision#toJson()}</td></tr>
 *   <tr><td>{@code <prefix>ratelimit.verify}</td>
 *       <td>{@code {token?, ip?, endpoint, windowMs?, failOnUnavailable?}}</td>
 *       <td>the strictest decision; {@code policy} names the limit that decided, {@code limits} lists each</td></tr>
 *   <tr><td>{@code <prefix>ratelimit.service}</td>
 *       <td>{@code {service, failOnUnavailable?}}</td>
 *       <td>the decision of one unit against the service's configured limit</td></tr>
 *   <tr><td>{@code <prefix>ratelimit.acquire}</td>
 *       <td>{@code {key, maxConcurrent, leaseTtlMs}}</td>
 *       <td>{@link dev.rediskit.ratelimit.Permit#toJson()}: {@code {acquired, permitId?, held, available, retryAfterMs, ...}}</td></tr>
 *   <tr><td>{@code <prefix>ratelimit.release}</td><td>{@code {key, permitId}}</td><td>{@code {released}}</td></tr>
 *   <tr><td>{@code <prefix>ratelimit.renew}</td><td>{@code {key, permitId, leaseTtlMs}}</td><td>{@code {renewed}}</td></tr>
 *   <tr><td>{@code <prefix>ratelimit.stats}</td><td>{@code {}}</td>
 *       <td>{@link dev.rediskit.ratelimit.RateLimitStats#toJson()}</td></tr>
 *   <tr><td>{@code <prefix>ratelimit.limits.set}</td><td>{@code {endpoints?, services?, plans?}}</td>
 *       <td>{@code {version}}: privileged, only with {@code rateLimit.adminAddresses}, a local consumer</td></tr>
 *   <tr><td>{@code <prefix>ratelimit.limits.get}</td><td>{@code {}}</td>
 *       <td>{@code {stored, status}}: privileged like {@code ratelimit.limits.set}</td></tr>
 * </table>
 *
 * <p>Failures: 400 invalid request (the message starts with the field), 503 when Redis could not
 * decide, the limiter's policy is FAIL_CLOSED and the request asked for errors with
 * {@code failOnUnavailable: true} (otherwise the policy's decision is the reply), 500 for anything
 * unexpected. Use {@link RateLimitClient} rather than writing the JSON by hand.
 */
public interface RateLimitConsumers {

  /**
   * Registers every consumer.
   *
   * @param vertx the Vert.x instance whose event bus to use
   * @param limiter the limiter to call
   * @param addressPrefix prepended to the addresses (may be empty)
   * @return the registration, once every consumer is registered (cluster-wide on a clustered event bus)
   */
  static Future<RateLimitConsumers> register(Vertx vertx, RateLimiter limiter, String addressPrefix) {
    return RateLimitConsumersImpl.register(vertx, limiter, addressPrefix);
  }

  /** @return the full addresses the consumers listen on */
  List<String> addresses();

  /**
   * Unregisters every consumer.
   *
   * @return completion, once every consumer is unregistered
   */
  Future<Void> unregister();
}
