package dev.rediskit.ratelimit;

import io.vertx.core.json.JsonObject;

import java.util.Locale;

/** {@link RateLimitStats} read back from its JSON form: fixed values, for the event-bus client. */
final class StatsSnapshot implements RateLimitStats {

  private final JsonObject json;

  StatsSnapshot(JsonObject json) {
    this.json = json.copy();
  }

  @Override
  public String limiter() {
    return json.getString("limiter");
  }

  @Override
  public long decisions(Outcome outcome) {
    return number(json, camel(outcome.name()));
  }

  @Override
  public long decisions(Decision.Source source) {
    JsonObject by = json.getJsonObject("bySource", new JsonObject());
    return number(by, camel(source.name()));
  }

  @Override
  public long denyCacheHits() {
    return number(json, "denyCacheHits");
  }

  @Override
  public long switchesToFallback() {
    return number(json, "switchesToFallback");
  }

  @Override
  public long switchesToRedis() {
    return number(json, "switchesToRedis");
  }

  @Override
  public boolean fallbackActive() {
    return json.getBoolean("fallbackActive", false);
  }

  @Override
  public long permissionRefusals() {
    return number(json, "permissionRefusals");
  }

  @Override
  public long denyCacheSize() {
    return number(json, "denyCacheSize");
  }

  @Override
  public JsonObject toJson() {
    return json.copy();
  }

  private static long number(JsonObject o, String field) {
    Number n = o.getNumber(field);
    return n == null ? 0 : n.longValue();
  }

  /** {@code FALLBACK_ALLOWED} → {@code fallbackAllowed}: the JSON names of {@link RateLimitStats#toJson()}. */
  static String camel(String constant) {
    StringBuilder sb = new StringBuilder();
    boolean up = false;
    for (char c : constant.toLowerCase(Locale.ROOT).toCharArray()) {
      if (c == '_') {
        up = true;
      } else {
        sb.append(up ? Character.toUpperCase(c) : c);
        up = false;
      }
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "RateLimitStats" + json.encode();
  }
}
