package dev.rediskit.ratelimit;

import dev.rediskit.config.OptionChecks;
import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.ratelimit.RateLimitOptions.Algorithm;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One change of the limits stored in Redis, applied by {@link RateLimitAdmin#apply} all at once or
 * not at all: endpoint limits, service limits and plan limits to set, and names whose stored entry
 * to remove (the configured limits apply to them again).
 *
 * <p>JSON form (the body of {@code ratelimit.limits.set}): {@code {"endpoints": {"/login":
 * {"token": "5/1m"}, "/old": null}, "services": {"mailer": "50/1s"}, "plans": {"pro": "5000/1m"}}},
 * limits written as {@link Limit#parse(String)} reads them, {@code null} removing an entry.
 *
 * <p>Like the options, the fluent setters reject at once a name no change could make valid; the
 * JSON reader never throws for an entry and keeps every problem for {@link #problems(Algorithm)},
 * so that a refused change names them all.
 */
public final class LimitChange {

  /** Most entries one change may carry (set and removed together), so that one script applies it quickly. */
  public static final int MAX_ENTRIES = 1_000;

  private final Map<String, EndpointLimits> endpoints = new LinkedHashMap<>();
  private final Map<String, Limit> services = new LinkedHashMap<>();
  private final Map<String, Limit> plans = new LinkedHashMap<>();
  private final List<String> inputProblems = new ArrayList<>();

  /** An empty change. */
  public LimitChange() {
  }

  /**
   * Copy constructor.
   *
   * @param other the change to copy
   */
  public LimitChange(LimitChange other) {
    endpoints.putAll(other.endpoints);
    services.putAll(other.services);
    plans.putAll(other.plans);
    inputProblems.addAll(other.inputProblems);
  }

  /**
   * Reads the JSON form. Never throws: every problem (an unknown section, an entry of the wrong
   * type, a limit that does not parse, a bad name) is kept for {@link #problems(Algorithm)}.
   *
   * @param json the change
   */
  public LimitChange(JsonObject json) {
    for (String f : json.fieldNames()) {
      if (!f.equals("endpoints") && !f.equals("services") && !f.equals("plans")) {
        inputProblems.add(f + ": unknown field (expected endpoints, services, plans)");
      }
    }
    read(json, "endpoints", endpoints, v -> {
      if (!(v instanceof JsonObject o)) {
        throw new InvalidRequestException("limits", "expected an object {token?, ip?, endpoint?} or null, was "
          + OptionChecks.describe(v));
      }
      return EndpointLimits.fromJson(o);
    });
    read(json, "services", services, Limit::parse);
    read(json, "plans", plans, Limit::parse);
  }

  private <V> void read(JsonObject json, String section, Map<String, V> into, Function<Object, V> parse) {
    Object raw = json.getValue(section);
    if (raw == null) {
      return;
    }
    if (!(raw instanceof JsonObject o)) {
      inputProblems.add(section + ": expected an object of name to limit, was " + OptionChecks.describe(raw));
      return;
    }
    String kind = section.substring(0, section.length() - 1);
    for (Map.Entry<String, Object> e : o) {
      String where = section + "." + e.getKey();
      try {
        RequestChecks.name(kind, e.getKey());
      } catch (InvalidRequestException ex) {
        inputProblems.add(section + ": entry " + OptionChecks.describe(e.getKey()) + ": " + ex.getMessage());
        continue;
      }
      if (e.getValue() == null) {
        into.put(e.getKey(), null);
        continue;
      }
      try {
        into.put(e.getKey(), parse.apply(e.getValue()));
      } catch (InvalidRequestException ex) {
        inputProblems.add(where + "." + ex.getMessage());
      }
    }
  }

  /**
   * @param endpoint an endpoint name
   * @param limits its limits (unset ones come from the defaults)
   * @return this
   * @throws IllegalArgumentException when the name is empty or too long, or the limits {@code null}
   */
  public LimitChange setEndpoint(String endpoint, EndpointLimits limits) {
    if (limits == null) {
      throw new IllegalArgumentException("endpoints." + endpoint + ": limits is required (removeEndpoint removes)");
    }
    endpoints.put(checked("endpoint", endpoint), limits);
    return this;
  }

  /**
   * @param endpoint an endpoint name whose stored limits to remove (its configured ones apply again)
   * @return this
   * @throws IllegalArgumentException when the name is empty or too long
   */
  public LimitChange removeEndpoint(String endpoint) {
    endpoints.put(checked("endpoint", endpoint), null);
    return this;
  }

  /**
   * @param service a service name
   * @param limit its limit
   * @return this
   * @throws IllegalArgumentException when the name is empty or too long, or the limit {@code null}
   */
  public LimitChange setService(String service, Limit limit) {
    if (limit == null) {
      throw new IllegalArgumentException("services." + service + ": limit is required (removeService removes)");
    }
    services.put(checked("service", service), limit);
    return this;
  }

  /**
   * @param service a service name whose stored limit to remove
   * @return this
   * @throws IllegalArgumentException when the name is empty or too long
   */
  public LimitChange removeService(String service) {
    services.put(checked("service", service), null);
    return this;
  }

  /**
   * @param plan a plan name
   * @param limit the per-token limit of the tokens on it
   * @return this
   * @throws IllegalArgumentException when the name is empty or too long, or the limit {@code null}
   */
  public LimitChange setPlan(String plan, Limit limit) {
    if (limit == null) {
      throw new IllegalArgumentException("plans." + plan + ": limit is required (removePlan removes)");
    }
    plans.put(checked("plan", plan), limit);
    return this;
  }

  /**
   * @param plan a plan name whose stored limit to remove
   * @return this
   * @throws IllegalArgumentException when the name is empty or too long
   */
  public LimitChange removePlan(String plan) {
    plans.put(checked("plan", plan), null);
    return this;
  }

  private static String checked(String kind, String name) {
    try {
      RequestChecks.name(kind, name);
    } catch (InvalidRequestException e) {
      throw new IllegalArgumentException(kind + "s: " + e.getMessage());
    }
    return name;
  }

  /** @return the endpoint entries: limits to store, {@code null} for a removal (read-only) */
  public Map<String, EndpointLimits> endpoints() {
    return Collections.unmodifiableMap(endpoints);
  }

  /** @return the service entries: limits to store, {@code null} for a removal (read-only) */
  public Map<String, Limit> services() {
    return Collections.unmodifiableMap(services);
  }

  /** @return the plan entries: limits to store, {@code null} for a removal (read-only) */
  public Map<String, Limit> plans() {
    return Collections.unmodifiableMap(plans);
  }

  /** @return how many entries the change has */
  public int size() {
    return endpoints.size() + services.size() + plans.size();
  }

  /**
   * Every problem of the change: those the JSON reader met, then an empty or oversized change, then
   * limits the limiter's algorithm cannot count exactly; each names the entry and the reason.
   *
   * @param algorithm the limiter's algorithm
   * @return the problems; empty when the change may be applied
   */
  public List<String> problems(Algorithm algorithm) {
    List<String> problems = new ArrayList<>(inputProblems);
    if (size() == 0 && inputProblems.isEmpty()) {
      problems.add("change: has no entry (expected endpoints, services or plans)");
    }
    if (size() > MAX_ENTRIES) {
      problems.add("change: at most " + MAX_ENTRIES + " entries, was " + size());
    }
    endpoints.forEach((n, l) -> {
      if (l != null) {
        algorithmProblem(problems, algorithm, "endpoints." + n + ".token", l.token());
        algorithmProblem(problems, algorithm, "endpoints." + n + ".ip", l.ip());
        algorithmProblem(problems, algorithm, "endpoints." + n + ".endpoint", l.endpoint());
      }
    });
    services.forEach((n, l) -> algorithmProblem(problems, algorithm, "services." + n, l));
    plans.forEach((n, l) -> algorithmProblem(problems, algorithm, "plans." + n, l));
    return problems;
  }

  private static void algorithmProblem(List<String> problems, Algorithm algorithm, String where, Limit limit) {
    if (limit == null || algorithm == null) {
      return;
    }
    try {
      algorithm.check(limit);
    } catch (InvalidRequestException e) {
      problems.add(where + ": " + limit + ": " + e.getMessage());
    }
  }

  /**
   * @param algorithm the limiter's algorithm
   * @return this
   * @throws InvalidLimitChangeException listing every problem of {@link #problems(Algorithm)}
   */
  public LimitChange validate(Algorithm algorithm) {
    List<String> problems = problems(algorithm);
    if (!problems.isEmpty()) {
      throw new InvalidLimitChangeException(problems);
    }
    return this;
  }

  /** @return the JSON form the JSON constructor reads, removals as {@code null} */
  public JsonObject toJson() {
    JsonObject e = new JsonObject();
    endpoints.forEach((n, l) -> e.put(n, l == null ? null : l.toJson()));
    JsonObject s = new JsonObject();
    services.forEach((n, l) -> s.put(n, l == null ? null : l.toString()));
    JsonObject p = new JsonObject();
    plans.forEach((n, l) -> p.put(n, l == null ? null : l.toString()));
    return new JsonObject().put("endpoints", e).put("services", s).put("plans", p);
  }

  @Override
  public String toString() {
    return "LimitChange" + toJson().encode();
  }
}
