package dev.rediskit.ratelimit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The answer of a rate limiter to one request.
 *
 * <p>Times are relative to the moment Redis decided (taken from Redis {@code TIME}) and rounded
 * up to whole milliseconds, so that a caller who waits them out is never early.
 *
 * @param allowed whether the request may proceed (always {@code true} in shadow mode)
 * @param limit the quota of the limit that decided (units per window)
 * @param remaining units left after this request (0 when rejected)
 * @param resetMs ms until the full quota is available again
 * @param retryAfterMs ms until a request of the same cost would pass; 0 when one would pass now
 * @param windowMs the window of the limit that decided, in ms
 * @param policy which limit decided: {@code "check"}, {@code "service:<name>"}, or for
 * {@link RateLimiter#verifyAndLimit} {@code "token"}, {@code "ip"} or {@code "endpoint"}
 * @param source where the decision came from
 * @param shadowRejected whether the request would have been rejected, had shadow mode been off
 * @param limits for {@link RateLimiter#verifyAndLimit}: the state of each limit applied (when the
 * request was rejected, none of them was consumed; from the deny cache, only the blocked one);
 * empty otherwise
 * @param failure for {@link Source#FALLBACK}: why Redis could not decide; {@code null} otherwise
 * @param waitedMs for a reservation ({@link RateLimiter#check(String, Limit, long, java.time.Duration)}): how
 * long the request waited for the slot Redis booked for it (the times above count from when it was due); 0 otherwise
 */
public record Decision(boolean allowed, long limit, long remaining, long resetMs, long retryAfterMs, long windowMs,
                       String policy, Source source, boolean shadowRejected, List<Decision> limits, Throwable failure,
                       long waitedMs) {

  /** Where a decision came from. */
  public enum Source {
    /** Redis decided (the script ran). */
    REDIS,
    /** The local deny cache answered: the key was known to be blocked, Redis was not asked. */
    DENY_CACHE,
    /** Redis was unavailable, too slow or failed: the limiter's failure policy decided. */
    FALLBACK,
    /**
     * Redis was healthy but the limiter itself was saturated (its admission queue full, the call
     * waiting in it past the limiter's timeout, or the gateway refusing more pending commands):
     * rejected without asking Redis. The failure policy does not apply, so a burst can never get
     * more than the limit through.
     */
    OVERLOADED
  }

  /**
   * Copies the list of limits.
   *
   * @param allowed whether the request may proceed
   * @param limit the quota
   * @param remaining units left
   * @param resetMs ms until the quota is full
   * @param retryAfterMs ms until a request of the same cost would pass
   * @param windowMs the window
   * @param policy which limit decided
   * @param source where the decision came from
   * @param shadowRejected whether shadow mode let a rejected request through
   * @param limits per-limit states, or {@code null} for none
   * @param failure why the fallback decided, or {@code null}
   * @param waitedMs how long a reservation waited for its slot, 0 for none
   */
  public Decision {
    limits = limits == null ? List.of() : List.copyOf(limits);
  }

  /**
   * A decision that did not wait.
   *
   * @param allowed whether the request may proceed
   * @param limit the quota
   * @param remaining units left
   * @param resetMs ms until the quota is full
   * @param retryAfterMs ms until a request of the same cost would pass
   * @param windowMs the window
   * @param policy which limit decided
   * @param source where the decision came from
   * @param shadowRejected whether shadow mode let a rejected request through
   * @param limits per-limit states, or {@code null} for none
   * @param failure why the fallback decided, or {@code null}
   */
  public Decision(boolean allowed, long limit, long remaining, long resetMs, long retryAfterMs, long windowMs,
                  String policy, Source source, boolean shadowRejected, List<Decision> limits, Throwable failure) {
    this(allowed, limit, remaining, resetMs, retryAfterMs, windowMs, policy, source, shadowRejected, limits, failure, 0);
  }

  /** @return {@link #resetMs()} rounded up to whole seconds, as HTTP headers carry it */
  public long resetSeconds() {
    return ceilSeconds(resetMs);
  }

  /** @return {@link #retryAfterMs()} rounded up to whole seconds, as HTTP headers carry it */
  public long retryAfterSeconds() {
    return ceilSeconds(retryAfterMs);
  }

  private static long ceilSeconds(long ms) {
    return ms <= 0 ? 0 : (ms + 999) / 1000;
  }

  /**
   * @return this decision as the event-bus reply: {@code {allowed, limit, remaining, resetMs,
   * retryAfterMs, windowMs, policy, source, shadowRejected, limits?, waitedMs?}} (the failure is not sent;
   * {@code waitedMs} only for a request that waited)
   */
  public JsonObject toJson() {
    JsonObject json = new JsonObject()
      .put("allowed", allowed)
      .put("limit", limit)
      .put("remaining", remaining)
      .put("resetMs", resetMs)
      .put("retryAfterMs", retryAfterMs)
      .put("windowMs", windowMs)
      .put("policy", policy)
      .put("source", source.name())
      .put("shadowRejected", shadowRejected);
    if (!limits.isEmpty()) {
      JsonArray array = new JsonArray();
      for (Decision d : limits) {
        array.add(d.toJson());
      }
      json.put("limits", array);
    }
    if (waitedMs > 0) {
      json.put("waitedMs", waitedMs);
    }
    return json;
  }

  /**
   * Reads the form written by {@link #toJson()}.
   *
   * @param json the reply body
   * @return the decision (without failure)
   */
  public static Decision fromJson(JsonObject json) {
    // One pass over the fields rather than a lookup (two, with a default) per field: every
    // decision over the event bus is read here.
    boolean allowed = false;
    boolean shadowRejected = false;
    long limit = 0;
    long remaining = 0;
    long resetMs = 0;
    long retryAfterMs = 0;
    long windowMs = 0;
    long waitedMs = 0;
    String policy = null;
    Source source = Source.REDIS;
    List<Decision> limits = List.of();
    for (Map.Entry<String, Object> e : json) {
      Object v = e.getValue();
      switch (e.getKey()) {
        case "allowed" -> allowed = Boolean.TRUE.equals(v);
        case "shadowRejected" -> shadowRejected = Boolean.TRUE.equals(v);
        case "limit" -> limit = asLong(v);
        case "remaining" -> remaining = asLong(v);
        case "resetMs" -> resetMs = asLong(v);
        case "retryAfterMs" -> retryAfterMs = asLong(v);
        case "windowMs" -> windowMs = asLong(v);
        case "waitedMs" -> waitedMs = asLong(v);
        case "policy" -> policy = v == null ? null : v.toString();
        case "source" -> source = v == null ? Source.REDIS : Source.valueOf(v.toString());
        case "limits" -> {
          if (v instanceof JsonArray array) {
            List<Decision> parts = new ArrayList<>(array.size());
            for (int i = 0; i < array.size(); i++) {
              parts.add(fromJson(array.getJsonObject(i)));
            }
            limits = parts;
          }
        }
        default -> {
          // A field of a later version: ignored, as JSON readers of this module do.
        }
      }
    }
    return new Decision(allowed, limit, remaining, resetMs, retryAfterMs, windowMs, policy, source, shadowRejected,
      limits, null, waitedMs);
  }

  private static long asLong(Object v) {
    return v instanceof Number n ? n.longValue() : 0L;
  }

}
