package dev.rediskit.eventbus;

import io.vertx.core.json.JsonObject;

/**
 * What a {@code cache.warm} request did.
 *
 * @param requested the keys the request named (repeats included)
 * @param loaded keys the batch loader returned a value for
 * @param failed keys whose batch failed, or whose value could not be written (too large, not encodable, a failed write)
 * @param written keys written to Redis with their TTL
 * @param skipped keys without a value, and repeated keys
 * @param error the first failure met, or {@code null}
 */
public record WarmSummary(long requested, long loaded, long failed, long written, long skipped, String error) {

  /**
   * @param json a {@code cache.warm} reply
   * @return the summary
   */
  public static WarmSummary fromJson(JsonObject json) {
    return new WarmSummary(json.getLong("requested", 0L), json.getLong("loaded", 0L), json.getLong("failed", 0L),
      json.getLong("written", 0L), json.getLong("skipped", 0L), json.getString("error"));
  }
}
