package dev.rediskit.ratelimit;

import dev.rediskit.error.InvalidRequestException;
import io.vertx.core.json.JsonObject;

/**
 * The limits {@link RateLimiter#verifyAndLimit} applies to one endpoint: per token, per client IP,
 * and for the endpoint as a whole. Each may be {@code null}: then the limiter's defaults apply to
 * it ({@link RateLimits#defaults()}), and when those have none either, that kind of limit is not
 * applied.
 *
 * <p>The token and IP limits are counted per endpoint: a token has its own quota on each
 * endpoint (see docs/RATE_LIMITING.md for why: on a cluster all keys of one decision must share a
 * hash slot). Endpoints that should share quotas share an endpoint name.
 *
 * @param token the limit of each token on this endpoint, or {@code null}
 * @param ip the limit of each client IP on this endpoint, or {@code null}
 * @param endpoint the limit of all callers of this endpoint together, or {@code null}
 */
public record EndpointLimits(Limit token, Limit ip, Limit endpoint) {

  /** No limits of its own: everything comes from the defaults. */
  public static final EndpointLimits NONE = new EndpointLimits(null, null, null);

  /**
   * @param defaults the limits used where this one has none
   * @return this one's limits, completed from {@code defaults}
   */
  public EndpointLimits orElse(EndpointLimits defaults) {
    if (defaults == null) {
      return this;
    }
    return new EndpointLimits(token != null ? token : defaults.token, ip != null ? ip : defaults.ip,
      endpoint != null ? endpoint : defaults.endpoint);
  }

  /** @return whether no limit is set */
  public boolean isEmpty() {
    return token == null && ip == null && endpoint == null;
  }

  /**
   * Reads the configuration form {@code {"token": "100/1m", "ip": ..., "endpoint": ...}}, each
   * entry optional and written as {@link Limit#parse(Object)} reads it.
   *
   * @param json the object
   * @return the limits
   * @throws InvalidRequestException naming the entry and what is wrong with it
   */
  public static EndpointLimits fromJson(JsonObject json) {
    for (String f : json.fieldNames()) {
      if (!f.equals("token") && !f.equals("ip") && !f.equals("endpoint")) {
        throw new InvalidRequestException(f, "unknown limit (expected token, ip, endpoint)");
      }
    }
    return new EndpointLimits(entry(json, "token"), entry(json, "ip"), entry(json, "endpoint"));
  }

  private static Limit entry(JsonObject json, String name) {
    Object v = json.getValue(name);
    if (v == null) {
      return null;
    }
    try {
      return Limit.parse(v);
    } catch (InvalidRequestException e) {
      throw new InvalidRequestException(name, e.getMessage());
    }
  }

  /** @return the configuration form: the limits that are set, as strings such as {@code "100/1m"} */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    if (token != null) {
      json.put("token", token.toString());
    }
    if (ip != null) {
      json.put("ip", ip.toString());
    }
    if (endpoint != null) {
      json.put("endpoint", endpoint.toString());
    }
    return json;
  }
}
