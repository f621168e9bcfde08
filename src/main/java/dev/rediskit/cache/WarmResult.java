package dev.rediskit.cache;

import io.vertx.core.json.JsonObject;

/**
 * What a warm-up did.
 *
 * @param loaded keys loaded and written
 * @param failed keys whose loading or writing failed (a failed batch counts all its keys)
 * @param skipped keys the loader had no value for (nothing written), and repeated keys
 */
public record WarmResult(long loaded, long failed, long skipped) {

  /** @return {@code {loaded, failed, skipped}} */
  public JsonObject toJson() {
    return new JsonObject().put("loaded", loaded).put("failed", failed).put("skipped", skipped);
  }
}
