package dev.rediskit.eventbus;

import dev.rediskit.ratelimit.LimitChange;
import io.vertx.core.json.JsonObject;

/**
 * What a {@code ratelimit.limits.get} request reports ({@link RateLimitClient#limits()}): the limits
 * stored in Redis, read from it for this request, and the answering limiter's own view of them.
 *
 * @param version the stored limits' version ({@code 0} while nothing was ever stored)
 * @param stored the stored entries, in the form of a change that would store them again: every
 * entry sets a limit, none removes one (a name absent here has its configured limits)
 * @param status the answering limiter's view, as {@link dev.rediskit.ratelimit.RateLimitAdmin#status()}:
 * {@code {version, lastReadAgoMs, refreshes, refreshFailures, lastError?, changes, link, effective}}
 * (a copy)
 */
public record LimitsReport(long version, LimitChange stored, JsonObject status) {

  /**
   * @param json a {@code ratelimit.limits.get} reply: {@code {stored: {version, endpoints, services, plans}, status}}
   * @return the report
   */
  public static LimitsReport fromJson(JsonObject json) {
    JsonObject stored = json.getJsonObject("stored", new JsonObject()).copy();
    long version = stored.getLong("version", 0L);
    // LimitChange reads the three sections only; the version is this record's own component.
    stored.remove("version");
    JsonObject status = json.getJsonObject("status");
    return new LimitsReport(version, new LimitChange(stored), status == null ? new JsonObject() : status.copy());
  }
}
