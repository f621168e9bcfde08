package dev.rediskit.eventbus;

import dev.rediskit.eventbus.impl.PlanCalls;
import dev.rediskit.ratelimit.PlanResolver;
import dev.rediskit.ratelimit.RateLimitOptions;
import io.vertx.core.eventbus.EventBus;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A {@link PlanResolver} that asks an event-bus address for the plan of a token, so that the plan
 * store stays in the verticle (or on the node) that owns it, and a limiter deployed from JSON
 * ({@code rateLimit.planAddress}) applies {@code rateLimit.planLimits} without Java code.
 *
 * <p>The contract: request {@code {token}} (the token as the caller presented it), reply
 * {@code {plan: "pro"}}, or {@code {}} or {@code {plan: null}} for a token on no plan. Any other
 * reply (a field other than {@code plan}, a plan that is not a string or not a valid plan name), a
 * failure reply, no consumer at the address, or no reply within the timeout completes the lookup
 * with a {@link dev.rediskit.error.RedisKitException} naming the address and what went wrong; the
 * limiter then decides with the ordinary per-token limits and counts the failure.
 *
 * <pre>{@code
 * // in the verticle that knows the plans; the module configured with {"rateLimit": {"planAddress": "plans.lookup"}}
 * vertx.eventBus().<JsonObject>consumer("plans.lookup", msg -> plansOfTokens.planOf(msg.body().getString("token"))
 *   .onSuccess(plan -> msg.reply(new JsonObject().put("plan", plan)))   // null: no plan, the ordinary limits
 *   .onFailure(err -> msg.fail(500, err.getMessage())));                 // the ordinary limits too, counted
 * }</pre>
 *
 * <p>The token travels in the request: on a clustered event bus it crosses the network to whichever
 * node answers, so secure the cluster's transport or register the consumer with {@code localConsumer}
 * on every node.
 */
public final class PlanAddress {

  /** What the limiter sends the plan address: {@code {token}}. */
  public static final List<String> REQUEST_FIELDS = List.of("token");
  /** The one field of a reply: {@code plan}, a string, absent or {@code null} for none. */
  public static final String REPLY_FIELD = "plan";

  private PlanAddress() {
  }

  /**
   * @param eventBus the event bus to send on
   * @param address the full address asked (any address prefix already applied)
   * @param timeout how long to wait for a reply, at least 1 ms
   * @return a resolver asking {@code address}; set it with {@link dev.rediskit.ratelimit.RateLimiter#planResolver}
   * @throws IllegalArgumentException when the address is not a valid event-bus address or the timeout not positive
   */
  public static PlanResolver resolver(EventBus eventBus, String address, Duration timeout) {
    Objects.requireNonNull(eventBus, "eventBus");
    Objects.requireNonNull(timeout, "timeout");
    try {
      dev.rediskit.config.RequestText.checkAddress("address", address);
    } catch (dev.rediskit.error.InvalidRequestException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    if (timeout.toMillis() < 1) {
      throw new IllegalArgumentException("timeout: must be at least 1 ms, was " + timeout);
    }
    return new PlanCalls(eventBus, address, timeout.toMillis(), false);
  }

  /**
   * The resolver {@code rateLimit.planAddress} asks for: what {@link dev.rediskit.RedisKit#create}
   * and {@link dev.rediskit.RedisKitVerticle} set on their limiter.
   *
   * @param eventBus the event bus to send on
   * @param addressPrefix the configured address prefix ({@code null} or empty for none)
   * @param options validated rate-limit settings: the plan address and, as the reply timeout,
   * {@code rateLimit.timeoutMs}
   * @return a resolver asking {@code <addressPrefix><planAddress>}, or {@code null} when no plan address is set
   */
  public static PlanResolver resolver(EventBus eventBus, String addressPrefix, RateLimitOptions options) {
    Objects.requireNonNull(eventBus, "eventBus");
    String address = options.getPlanAddress();
    if (address == null || address.isEmpty()) {
      return null;
    }
    return new PlanCalls(eventBus, Addresses.of(addressPrefix, address), options.getTimeoutMs(), true);
  }
}
