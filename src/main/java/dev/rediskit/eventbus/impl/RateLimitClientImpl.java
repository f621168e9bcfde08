package dev.rediskit.eventbus.impl;

import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.eventbus.Addresses;
import dev.rediskit.eventbus.FailureCodes;
import dev.rediskit.eventbus.LimitsReport;
import dev.rediskit.eventbus.RateLimitClient;
import dev.rediskit.ratelimit.Decision;
import dev.rediskit.ratelimit.InvalidLimitChangeException;
import dev.rediskit.ratelimit.LimitChange;
import dev.rediskit.ratelimit.Permit;
import dev.rediskit.ratelimit.RateLimitStats;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.List;

/** Builds the request bodies, sends them, and turns replies and failure codes back into types. */
public final class RateLimitClientImpl implements RateLimitClient {

  private final Vertx vertx;
  private final String prefix;
  private final DeliveryOptions options;
  private final boolean failOnUnavailable;
  private final String checkAddress;
  private final String verifyAddress;
  private final String serviceAddress;
  /** Gathers the checks of one event-loop turn into one message. */
  private final CallBatcher checks;

  /**
   * @param vertx the Vert.x instance
   * @param prefix the address prefix
   * @param options delivery options
   * @param failOnUnavailable whether to ask for errors instead of FAIL_CLOSED rejections
   */
  public RateLimitClientImpl(Vertx vertx, String prefix, DeliveryOptions options, boolean failOnUnavailable) {
    this.vertx = vertx;
    this.prefix = prefix;
    this.options = new DeliveryOptions(options.toJson());
    this.failOnUnavailable = failOnUnavailable;
    this.checkAddress = Addresses.of(prefix, Addresses.RATELIMIT_CHECK);
    this.verifyAddress = Addresses.of(prefix, Addresses.RATELIMIT_VERIFY);
    this.serviceAddress = Addresses.of(prefix, Addresses.RATELIMIT_SERVICE);
    this.checks = new CallBatcher(vertx, checkAddress, this.options);
  }

  @Override
  public RateLimitClient failOnUnavailable(boolean fail) {
    return new RateLimitClientImpl(vertx, prefix, options, fail);
  }

  @Override
  public Future<Decision> check(String key, long limit, Duration window) {
    return check(key, limit, window, 1);
  }

  @Override
  public Future<Decision> check(String key, long limit, Duration window, long cost) {
    return ClientArgs.built(() -> ClientArgs.putMillis(new JsonObject().put("key", key).put("limit", limit).put("cost", cost),
      "windowMs", window), body -> {
        if (failOnUnavailable) {
          body.put("failOnUnavailable", true);
        }
        return checks.call(body).map(Decision::fromJson);
      });
  }

  @Override
  public Future<Decision> verifyAndLimit(String token, String ip, String endpoint) {
    return verifyAndLimit(token, ip, endpoint, null);
  }

  @Override
  public Future<Decision> verifyAndLimit(String token, String ip, String endpoint, Duration window) {
    JsonObject body = new JsonObject().put("endpoint", endpoint);
    if (token != null) {
      body.put("token", token);
    }
    if (ip != null) {
      body.put("ip", ip);
    }
    return ClientArgs.built(() -> ClientArgs.putMillis(body, "windowMs", window), b -> send(verifyAddress, b));
  }

  @Override
  public Future<Decision> serviceLimit(String service) {
    return send(serviceAddress, new JsonObject().put("service", service));
  }

  private Future<Decision> send(String address, JsonObject body) {
    if (failOnUnavailable) {
      body.put("failOnUnavailable", true);
    }
    return vertx.eventBus().<JsonObject>request(address, body, options)
      .transform(ar -> ar.succeeded()
        ? Future.succeededFuture(Decision.fromJson(ar.result().body()))
        : Future.failedFuture(FailureCodes.fromReply(ar.cause())));
  }

  // ---------------------------------------------------------------- stats

  @Override
  public Future<RateLimitStats> stats() {
    return vertx.eventBus().<JsonObject>request(Addresses.of(prefix, Addresses.RATELIMIT_STATS), new JsonObject(), options)
      .transform(ar -> ar.succeeded()
        ? Future.succeededFuture(RateLimitStats.fromJson(ar.result().body()))
        : Future.failedFuture(FailureCodes.fromReply(ar.cause())));
  }

  // ---------------------------------------------------------------- concurrency limits

  @Override
  public Future<Permit> acquire(String key, int maxConcurrent, Duration leaseTtl) {
    return ClientArgs.built(() -> ClientArgs.putMillis(new JsonObject().put("key", key).put("maxConcurrent", maxConcurrent),
      "leaseTtlMs", leaseTtl), body -> vertx.eventBus().<JsonObject>request(Addresses.of(prefix, Addresses.RATELIMIT_ACQUIRE), body, options)
        .transform(ar -> ar.succeeded()
          ? Future.succeededFuture((Permit) new RemotePermit(vertx, prefix, options, ar.result().body()))
          : Future.failedFuture(FailureCodes.fromReply(ar.cause()))));
  }

  // ---------------------------------------------------------------- reservations

  @Override
  public Future<Decision> check(String key, long limit, Duration window, Duration maxWait) {
    JsonObject body = new JsonObject().put("key", key).put("limit", limit);
    long waitMs;
    try {
      if (window != null) {
        body.put("windowMs", ClientArgs.millis("windowMs", window));
      }
      waitMs = maxWait == null ? 0 : ClientArgs.millis("maxWaitMs", maxWait);
    } catch (InvalidRequestException e) {
      return Future.failedFuture(e);
    }
    body.put("maxWaitMs", waitMs);
    if (failOnUnavailable) {
      body.put("failOnUnavailable", true);
    }
    // The reply comes when the slot is due: the send timeout must outlast the wait.
    DeliveryOptions waiting = new DeliveryOptions(options.toJson())
      .setSendTimeout(Math.max(options.getSendTimeout(), Math.max(0, waitMs) + options.getSendTimeout()));
    return vertx.eventBus().<JsonObject>request(checkAddress, body, waiting)
      .transform(ar -> ar.succeeded()
        ? Future.succeededFuture(Decision.fromJson(ar.result().body()))
        : Future.failedFuture(FailureCodes.fromReply(ar.cause())));
  }

  // ---------------------------------------------------------------- stored limits (privileged)

  @Override
  public Future<Long> setLimits(LimitChange change) {
    // The algorithm is the limiter's, not known here: null skips that check, which the limiter makes.
    List<String> problems = change == null ? List.of("change: is required") : change.problems(null);
    if (!problems.isEmpty()) {
      // Before sending: toJson() leaves out the entries the JSON reader could not read, so the
      // limiter would see (and might apply) only the readable part of the change.
      return Future.failedFuture(new InvalidLimitChangeException(problems));
    }
    return admin(Addresses.RATELIMIT_LIMITS_SET, change.toJson()).map(r -> r.getLong("version"));
  }

  @Override
  public Future<LimitsReport> limits() {
    return admin(Addresses.RATELIMIT_LIMITS_GET, new JsonObject()).map(LimitsReport::fromJson);
  }

  private Future<JsonObject> admin(String address, JsonObject body) {
    String full = Addresses.of(prefix, address);
    return vertx.eventBus().<JsonObject>request(full, body, options).transform(ar -> {
      if (ar.succeeded()) {
        return Future.succeededFuture(ar.result().body());
      }
      // The usual hint (is the verticle deployed?) would mislead: these consumers are off by default and local.
      return Future.failedFuture(FailureCodes.fromReply(ar.cause(), "in this Vert.x instance: the privileged addresses "
        + "need rateLimit.adminAddresses where the limiter runs, and answer only code of that Vert.x instance"));
    });
  }
}
