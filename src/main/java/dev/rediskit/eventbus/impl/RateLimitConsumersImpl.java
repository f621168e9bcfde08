package dev.rediskit.eventbus.impl;

import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.eventbus.Addresses;
import dev.rediskit.eventbus.JsonRequest;
import dev.rediskit.eventbus.RateLimitConsumers;
import dev.rediskit.ratelimit.Decision;
import dev.rediskit.ratelimit.Limit;
import dev.rediskit.ratelimit.LimitChange;
import dev.rediskit.ratelimit.RateLimitAdmin;
import dev.rediskit.ratelimit.RateLimitOptions.FailurePolicy;
import dev.rediskit.ratelimit.RateLimiter;
import dev.rediskit.ratelimit.RequestChecks;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Decodes and validates {@code ratelimit.*} requests, calls the limiter, encodes the decision.
 * Every check happens here, before the limiter is called, so that a bad request never reaches
 * Redis and its message names the JSON field.
 */
public final class RateLimitConsumersImpl implements RateLimitConsumers {

  private static final Set<String> CHECK_FIELDS = Set.of("key", "limit", "windowMs", "cost", "maxWaitMs", "failOnUnavailable");
  private static final Set<String> VERIFY_FIELDS = Set.of("token", "ip", "endpoint", "windowMs", "failOnUnavailable");
  private static final Set<String> SERVICE_FIELDS = Set.of("service", "failOnUnavailable");
  /** The limiter's argument names and the request fields that carry them. */
  private static final Map<String, String> JSON_FIELDS = Map.of("maxWait", "maxWaitMs", "window", "windowMs");

  private final List<MessageConsumer<Object>> consumers;

  private RateLimitConsumersImpl(List<MessageConsumer<Object>> consumers) {
    this.consumers = consumers;
  }

  /**
   * @param vertx the Vert.x instance
   * @param limiter the limiter
   * @param prefix the address prefix
   * @return the registration, once complete
   */
  public static Future<RateLimitConsumers> register(Vertx vertx, RateLimiter limiter, String prefix) {
    FailurePolicy policy = limiter.options().getFailurePolicy();
    MessageConsumer<Object> check = Consumers.register(vertx.eventBus(), Addresses.of(prefix, Addresses.RATELIMIT_CHECK),
      body -> check(limiter, policy, body));
    MessageConsumer<Object> verify = Consumers.register(vertx.eventBus(), Addresses.of(prefix, Addresses.RATELIMIT_VERIFY),
      body -> verify(limiter, policy, body));
    MessageConsumer<Object> service = Consumers.register(vertx.eventBus(), Addresses.of(prefix, Addresses.RATELIMIT_SERVICE),
      body -> service(limiter, policy, body));
    MessageConsumer<Object> checkBatch = BatchConsumers.register(vertx.eventBus(), Addresses.of(prefix, Addresses.RATELIMIT_CHECK),
      body -> check(limiter, policy, body));
    MessageConsumer<Object> stats = Consumers.register(vertx.eventBus(), Addresses.of(prefix, Addresses.RATELIMIT_STATS),
      body -> {
        onlyKnownFields(body, Set.of());
        return Future.succeededFuture(limiter.stats().toJson());
      });
    List<MessageConsumer<Object>> all = new java.util.ArrayList<>(List.of(check, checkBatch, verify, service, stats));
    all.addAll(PermitConsumers.register(vertx, limiter, prefix));
    if (limiter.options().isAdminAddresses()) {
      all.addAll(adminConsumers(vertx, limiter, prefix));
    }
    RateLimitConsumersImpl registration = new RateLimitConsumersImpl(List.copyOf(all));
    return Future.all(all.stream().map(MessageConsumer::completion).toList()).map(registration);
  }

  /**
   * The privileged addresses: local consumers, so that only code in this Vert.x instance can reach
   * them; a caller on another node of the cluster gets NO_HANDLERS, never a changed limit.
   */
  private static List<MessageConsumer<Object>> adminConsumers(Vertx vertx, RateLimiter limiter, String prefix) {
    RateLimitAdmin admin = limiter.admin();
    MessageConsumer<Object> set = Consumers.registerLocal(vertx.eventBus(), Addresses.of(prefix, Addresses.RATELIMIT_LIMITS_SET),
      body -> admin.apply(new LimitChange(body)).map(v -> new JsonObject().put("version", v)));
    MessageConsumer<Object> get = Consumers.registerLocal(vertx.eventBus(), Addresses.of(prefix, Addresses.RATELIMIT_LIMITS_GET),
      body -> {
        onlyKnownFields(body, Set.of());
        return admin.stored().map(stored -> new JsonObject().put("stored", stored).put("status", admin.status()));
      });
    return List.of(set, get);
  }

  static Future<JsonObject> check(RateLimiter limiter, FailurePolicy policy, JsonObject body) {
    onlyKnownFields(body, CHECK_FIELDS);
    String key = JsonRequest.requiredString(body, "key");
    RequestChecks.key("key", key);
    long limit = JsonRequest.requiredLong(body, "limit");
    RequestChecks.limit("limit", limit);
    long windowMs = JsonRequest.requiredLong(body, "windowMs");
    RequestChecks.windowMs("windowMs", windowMs);
    Long cost = JsonRequest.optionalLong(body, "cost");
    Long maxWaitMs = JsonRequest.optionalLong(body, "maxWaitMs");
    if (maxWaitMs != null) {
      RequestChecks.maxWaitMs("maxWaitMs", maxWaitMs);
    }
    boolean failOnUnavailable = optionalBoolean(body, "failOnUnavailable");
    Limit l = Limit.of(limit, windowMs);
    RequestChecks.cost("cost", cost == null ? 1 : cost, l);
    return jsonFields(() -> limiter.check(key, l, cost == null ? 1 : cost, maxWaitMs == null ? null : Duration.ofMillis(maxWaitMs)))
      .compose(d -> reply(d, policy, failOnUnavailable));
  }

  static Future<JsonObject> verify(RateLimiter limiter, FailurePolicy policy, JsonObject body) {
    onlyKnownFields(body, VERIFY_FIELDS);
    String token = JsonRequest.optionalString(body, "token", null);
    String ip = JsonRequest.optionalString(body, "ip", null);
    String endpoint = JsonRequest.requiredString(body, "endpoint");
    Long windowMs = JsonRequest.optionalLong(body, "windowMs");
    if (windowMs != null) {
      RequestChecks.windowMs("windowMs", windowMs);
    }
    boolean failOnUnavailable = optionalBoolean(body, "failOnUnavailable");
    return jsonFields(() -> limiter.verifyAndLimit(token, ip, endpoint, windowMs == null ? null : Duration.ofMillis(windowMs)))
      .compose(d -> reply(d, policy, failOnUnavailable));
  }

  static Future<JsonObject> service(RateLimiter limiter, FailurePolicy policy, JsonObject body) {
    onlyKnownFields(body, SERVICE_FIELDS);
    // Only configured limits: a caller naming its own limit for a configured service would escape it.
    String service = JsonRequest.requiredString(body, "service");
    boolean failOnUnavailable = optionalBoolean(body, "failOnUnavailable");
    return jsonFields(() -> limiter.serviceLimit(service)).compose(d -> reply(d, policy, failOnUnavailable));
  }

  /**
   * The limiter names its Java arguments ({@code maxWait}, {@code window}); a 400 on the bus names the
   * JSON field the caller sent instead.
   */
  private static Future<Decision> jsonFields(Supplier<Future<Decision>> call) {
    Future<Decision> f;
    try {
      f = call.get();
    } catch (InvalidRequestException e) {
      f = Future.failedFuture(e);
    }
    return f.recover(e -> {
      String json = e instanceof InvalidRequestException ire ? JSON_FIELDS.get(ire.field()) : null;
      return Future.failedFuture(json == null ? e
        : new InvalidRequestException(json, e.getMessage().substring(((InvalidRequestException) e).field().length() + 2)));
    });
  }

  private static Future<JsonObject> reply(Decision d, FailurePolicy policy, boolean failOnUnavailable) {
    if (failOnUnavailable && policy == FailurePolicy.FAIL_CLOSED && d.source() == Decision.Source.FALLBACK) {
      Throwable cause = d.failure();
      return Future.failedFuture(cause instanceof RedisUnavailableException rue ? rue
        : new RedisUnavailableException(RedisUnavailableException.Reason.DISCONNECTED,
          "Redis could not decide: " + (cause == null ? "unknown" : cause.getMessage()), cause));
    }
    return Future.succeededFuture(d.toJson());
  }

  static void onlyKnownFields(JsonObject body, Set<String> known) {
    for (String f : body.fieldNames()) {
      if (!known.contains(f)) {
        throw new InvalidRequestException(f, known.isEmpty() ? "unknown field (the address takes no fields)"
          : "unknown field (expected " + String.join(", ", known.stream().sorted().toList()) + ")");
      }
    }
  }

  private static boolean optionalBoolean(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v == null) {
      return false;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    throw new InvalidRequestException(field, "must be a boolean, was " + JsonRequest.typeName(v));
  }

  @Override
  public List<String> addresses() {
    return consumers.stream().map(MessageConsumer::address).toList();
  }

  @Override
  public Future<Void> unregister() {
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList()).mapEmpty();
  }
}
