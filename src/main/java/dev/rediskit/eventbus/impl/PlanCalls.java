package dev.rediskit.eventbus.impl;

import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.error.RedisKitException;
import dev.rediskit.eventbus.JsonRequest;
import dev.rediskit.eventbus.PlanAddress;
import dev.rediskit.ratelimit.PlanResolver;
import dev.rediskit.ratelimit.RequestChecks;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

/**
 * The limiter's side of the plan-address contract ({@link PlanAddress}): sends {@code {token}} and
 * turns the reply into a plan, or into a failure naming the address: no consumer (code 501), a
 * failure reply or a reply outside the contract (502), no reply within the timeout (504). The token
 * is never part of a message: it is a secret, and these messages end up in logs.
 */
public final class PlanCalls implements PlanResolver {

  private static final String CONTRACT = " (the plan-address contract: reply {plan} with a string, or {} for no plan)";

  private final EventBus eventBus;
  private final String address;
  private final long timeoutMs;
  private final boolean configured;
  private final DeliveryOptions delivery;

  /**
   * @param eventBus the event bus
   * @param address the full address asked
   * @param timeoutMs how long to wait for a reply
   * @param configured whether the address and timeout come from {@code rateLimit.planAddress} and
   * {@code rateLimit.timeoutMs}, so that the messages name those keys
   */
  public PlanCalls(EventBus eventBus, String address, long timeoutMs, boolean configured) {
    this.eventBus = eventBus;
    this.address = address;
    this.timeoutMs = timeoutMs;
    this.configured = configured;
    this.delivery = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  @Override
  public Future<String> plan(String token) {
    return eventBus.request(address, new JsonObject().put("token", token), delivery).transform(ar -> {
      if (ar.failed()) {
        return Future.failedFuture(failure(ar.cause()));
      }
      try {
        return Future.succeededFuture(plan(ar.result().body()));
      } catch (RedisKitException e) {
        return Future.failedFuture(e);
      }
    });
  }

  private String plan(Object body) {
    if (!(body instanceof JsonObject json)) {
      throw bad("answered with " + JsonRequest.typeName(body) + ", not a JSON object");
    }
    for (String f : json.fieldNames()) {
      if (!f.equals(PlanAddress.REPLY_FIELD)) {
        throw bad("answered with the field \"" + f + "\"");
      }
    }
    Object plan = json.getValue(PlanAddress.REPLY_FIELD);
    if (plan == null) {
      return null;
    }
    if (!(plan instanceof String name)) {
      throw bad("answered with a plan that is " + JsonRequest.typeName(plan) + ", not a string");
    }
    try {
      RequestChecks.name("plan", name);
    } catch (InvalidRequestException e) {
      throw bad("answered with a plan that is not a plan name: " + e.getMessage());
    }
    return name;
  }

  private RedisKitException bad(String problem) {
    return new RedisKitException(502, "the plan address " + address + " " + problem + CONTRACT, null);
  }

  private RedisKitException failure(Throwable cause) {
    if (cause instanceof ReplyException re) {
      switch (re.failureType()) {
        case NO_HANDLERS:
          return new RedisKitException(501, "no consumer at the plan address " + address
            + (configured ? " (rateLimit.planAddress)" : "") + ": is the verticle that answers it deployed?", re);
        case TIMEOUT:
          return new RedisKitException(504, "the plan address " + address + " did not answer within " + timeoutMs
            + " ms" + (configured ? " (rateLimit.timeoutMs)" : ""), re);
        default:
          return new RedisKitException(502, "the plan address " + address + " answered with a failure: code "
            + re.failureCode() + ": " + re.getMessage(), re);
      }
    }
    return new RedisKitException(502, "asking the plan address " + address + " failed: " + cause, cause);
  }

  @Override
  public String toString() {
    return "plan address " + address;
  }
}
