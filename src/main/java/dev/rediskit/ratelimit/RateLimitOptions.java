package dev.rediskit.ratelimit;

import dev.rediskit.config.ConfigKey;
import dev.rediskit.config.ConfigurationException;
import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.config.JsonOptionsReader;
import dev.rediskit.config.OptionChecks;
import dev.rediskit.config.RequestText;
import dev.rediskit.config.Setting;
import dev.rediskit.config.SettingTable;
import dev.rediskit.config.SettingValues;
import io.vertx.core.json.JsonObject;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Rate-limit settings: the algorithm, the limiter's own timeout and its behaviour when Redis is
 * unavailable, shadow mode, the deny cache, and the named limits (endpoint defaults, per endpoint,
 * per service) that {@link RateLimiter#verifyAndLimit} and {@link RateLimiter#serviceLimit(String)}
 * apply. The {@code rateLimit} section of {@link dev.rediskit.RedisKitOptions}; durations are in
 * milliseconds. Each limiter takes its own copy, so several limiters may differ.
 *
 * <p>Limits are written as {@link Limit#parse(String)} reads them: {@code "100/1m"},
 * {@code "10/1s;burst=20"}.
 *
 * <p>Fluent setters reject at once a value no configuration could make valid; the JSON
 * constructor never throws and keeps such problems for {@link #validate()}.
 */
public class RateLimitOptions {

  /** What a limiter answers when Redis is unavailable or the breaker is open. */
  public enum FailurePolicy {
    /** Allow the request. */
    FAIL_OPEN,
    /** Reject the request. */
    FAIL_CLOSED,
    /** Decide with an in-memory limiter holding a share of the quota. */
    LOCAL
  }

  /** How a limiter counts. */
  public enum Algorithm {
    /**
     * Generic cell rate algorithm: units are spaced evenly over the window, with up to
     * {@link Limit#burst()} at once; one integer per key. The default.
     */
    GCRA,
    /** Windows aligned on Redis time (a day starts at 00:00 UTC), for quotas such as 1,000 a day. */
    FIXED_WINDOW,
    /** The current window's count plus the previous one's, weighted by the overlap: smooth, two counters per key. */
    SLIDING_WINDOW;

    /** Above this, {@code limit * windowMs} would leave the range the sliding-window script computes exactly in. */
    public static final long MAX_SLIDING_LIMIT_TIMES_WINDOW = 1L << 51;

    /**
     * Checks that this algorithm can count the limit exactly.
     *
     * @param limit a limit
     * @throws InvalidRequestException when it cannot
     */
    public void check(Limit limit) {
      if (this == SLIDING_WINDOW && (double) limit.limit() * limit.windowMs() > MAX_SLIDING_LIMIT_TIMES_WINDOW) {
        throw new InvalidRequestException("limit", "limit * windowMs must be at most 2^51 for SLIDING_WINDOW, was "
          + limit.limit() + " * " + limit.windowMs());
      }
    }
  }

  /**
   * Default limiter timeout, in milliseconds: the gateway's default command timeout
   * ({@link dev.rediskit.RedisKitOptions#DEFAULT_COMMAND_TIMEOUT_MS}). A decision takes well under a
   * millisecond of Redis time, but on a busy machine a healthy Redis can take a few hundred
   * milliseconds to answer a burst; a shorter timeout would let the failure policy decide then
   * (with FAIL_OPEN, let the burst through) although Redis is fine.
   */
  public static final long DEFAULT_TIMEOUT_MS = 1_000;
  /**
   * Default number of decisions a limiter has at Redis at once (decisions). Enough to keep the
   * pipeline full (a decision costs Redis about 5 to 15 microseconds, so 256 are a few milliseconds
   * of its time); more would only queue inside Redis and the socket, where the deny cache cannot
   * answer them.
   */
  public static final int DEFAULT_MAX_IN_FLIGHT = 256;
  /**
   * Default number of decisions that may wait for one of the {@link #DEFAULT_MAX_IN_FLIGHT} places
   * (decisions). Waiting calls are answered by the deny cache as soon as Redis has rejected their
   * key, so a burst on one key drains at memory speed; past this many, calls are rejected at once
   * with source {@code OVERLOADED}.
   */
  public static final int DEFAULT_MAX_QUEUED = 10_000;
  /** Upper bound of {@link #setMaxInFlight(int)} and {@link #setMaxQueued(int)}, in decisions. */
  public static final int MAX_ADMISSION_LIMIT = 1_000_000;
  /** Default failure policy. */
  public static final FailurePolicy DEFAULT_FAILURE_POLICY = FailurePolicy.FAIL_OPEN;
  /** Default share of the quota the LOCAL policy grants each instance, in percent. */
  public static final int DEFAULT_LOCAL_SHARE_PERCENT = 50;
  /** Default size of the local deny cache (entries). */
  public static final int DEFAULT_DENY_CACHE_SIZE = 10_000;
  /** Default algorithm. */
  public static final Algorithm DEFAULT_ALGORITHM = Algorithm.GCRA;
  /** Default shadow mode: off. */
  public static final boolean DEFAULT_SHADOW_MODE = false;
  /** Default number of leading bits of an IPv6 address that identify one client (a /64 network). */
  public static final int DEFAULT_IPV6_PREFIX_LENGTH = 64;

  /**
   * Default per-token limit of {@link RateLimiter#verifyAndLimit} on endpoints without their own:
   * 1,000 per minute (the original guide's 60-second window). A token names one authenticated
   * client, often a service calling in a loop, so it gets more than an anonymous address; 1,000 a
   * minute (about 17 a second, in a burst of up to 1,000) is above what an interactive client needs
   * and stops a runaway script within a minute.
   */
  public static final Limit DEFAULT_TOKEN_LIMIT = Limit.of(1_000, java.time.Duration.ofMinutes(1));
  /**
   * Default per-client-IP limit of {@link RateLimiter#verifyAndLimit} on endpoints without their
   * own: 300 per minute. One address can be many users behind a NAT or a proxy, and a page load fires
   * tens of requests at once, so the burst is the whole minute's 300; a scraper or a password
   * guesser at full speed is stopped after 300.
   */
  public static final Limit DEFAULT_IP_LIMIT = Limit.of(300, java.time.Duration.ofMinutes(1));
  /** The value of a default-limit key that means "no default limit": {@value}. */
  public static final String NO_LIMIT = "none";

  /** Default of run-time limits: off, the configured limits are all there is. */
  public static final boolean DEFAULT_RUNTIME_LIMITS = false;
  /**
   * Default period of the safety-net refresh of the limits stored in Redis, in milliseconds (5 s).
   * A change normally arrives within milliseconds, through Redis's change notifications; this read
   * covers a notification lost with its connection, so it bounds how long an instance can miss a
   * change. One HGETALL of a small hash every 5 s is nothing to Redis.
   */
  public static final long DEFAULT_LIMITS_REFRESH_MS = 5_000;
  /** Upper bound of {@link #setLimitsRefreshMs(long)}, in milliseconds (1 hour). */
  public static final long MAX_LIMITS_REFRESH_MS = 3_600_000;
  /** Default of the privileged limit addresses ({@code ratelimit.limits.set/.get}): off. */
  public static final boolean DEFAULT_ADMIN_ADDRESSES = false;
  /**
   * Default time a token's plan is kept locally, in milliseconds (1 minute): a plan changes when a
   * customer upgrades, rarely, and a minute's delay then is acceptable; asking the plan hook on
   * every request would put the user's store on the hot path.
   */
  public static final long DEFAULT_PLAN_CACHE_MS = 60_000;
  /** Upper bound of {@link #setPlanCacheMs(long)}, in milliseconds (1 day). */
  public static final long MAX_PLAN_CACHE_MS = 86_400_000;
  /** Default number of tokens whose plan is kept locally (entries; about 100 bytes each). */
  public static final int DEFAULT_PLAN_CACHE_SIZE = 10_000;
  /** Default plan address: none, so only a {@link PlanResolver} set in Java gives tokens a plan. */
  public static final String DEFAULT_PLAN_ADDRESS = "";

  /** Upper bound of {@link #setTimeoutMs(long)}, in milliseconds (1 minute). */
  public static final long MAX_TIMEOUT_MS = 60_000;

  private static final Setting<Long> TIMEOUT_MS = Setting.ofLong("rateLimit.timeoutMs", DEFAULT_TIMEOUT_MS, "ms",
      "How long a decision may wait for a place at Redis (then it is rejected, source OVERLOADED) and, once sent, for "
        + "Redis to answer (then the failure policy decides; while Redis keeps answering the commands sent before it, "
        + "up to once more); 1 to 60000.")
    .between(1, MAX_TIMEOUT_MS);
  private static final Setting<FailurePolicy> FAILURE_POLICY = Setting.ofEnum("rateLimit.failurePolicy", FailurePolicy.class,
    DEFAULT_FAILURE_POLICY, "What a limiter answers when Redis is unavailable or too slow: allow, reject, or decide locally.");
  private static final Setting<Integer> MAX_IN_FLIGHT = Setting.ofInt("rateLimit.maxInFlight", DEFAULT_MAX_IN_FLIGHT, "decisions",
      "Decisions a limiter has at Redis at once; more wait in its queue; 1 to " + MAX_ADMISSION_LIMIT + ".")
    .between(1, MAX_ADMISSION_LIMIT);
  private static final Setting<Integer> MAX_QUEUED = Setting.ofInt("rateLimit.maxQueued", DEFAULT_MAX_QUEUED, "decisions",
      "Decisions that may wait for a place at Redis; past it, or after waiting timeoutMs, a call is rejected "
        + "(source OVERLOADED), never decided by the failure policy; 0 to " + MAX_ADMISSION_LIMIT + ".")
    .between(0, MAX_ADMISSION_LIMIT);
  private static final Setting<Integer> LOCAL_SHARE_PERCENT = Setting.ofInt("rateLimit.localSharePercent",
      DEFAULT_LOCAL_SHARE_PERCENT, "percent", "Share of each limit that the LOCAL policy grants this instance while Redis is away; 1 to 100.")
    .between(1, 100);
  private static final Setting<Integer> DENY_CACHE_SIZE = Setting.ofInt("rateLimit.denyCacheSize", DEFAULT_DENY_CACHE_SIZE, "entries",
    "Keys remembered locally as denied until they may pass again, sparing Redis a round trip; 0 turns it off.").atLeast(0);
  private static final Setting<Algorithm> ALGORITHM = Setting.ofEnum("rateLimit.algorithm", Algorithm.class, DEFAULT_ALGORITHM,
    "How limits are counted: GCRA (smooth, with bursts), fixed windows aligned on Redis time, or a sliding-window counter.");
  private static final Setting<Boolean> SHADOW_MODE = Setting.ofBoolean("rateLimit.shadowMode", DEFAULT_SHADOW_MODE,
    "Decide and count, but never reject: for trying limits out on live traffic.");
  private static final Setting<Limit> DEFAULT_TOKEN_LIMIT_SETTING = limitSetting("rateLimit.defaultTokenLimit", DEFAULT_TOKEN_LIMIT,
    "Per-token limit of verifyAndLimit on endpoints without their own, e.g. 100/1m or 10/1s;burst=20; " + NO_LIMIT + " for no default.");
  private static final Setting<Limit> DEFAULT_IP_LIMIT_SETTING = limitSetting("rateLimit.defaultIpLimit", DEFAULT_IP_LIMIT,
    "Per-client-IP limit of verifyAndLimit on endpoints without their own, e.g. 300/1m; " + NO_LIMIT + " for no default.");
  private static final Setting<Limit> DEFAULT_ENDPOINT_LIMIT_SETTING = limitSetting("rateLimit.defaultEndpointLimit", null,
    "Limit of all callers of an endpoint together, for endpoints without their own, e.g. 10000/1m; " + NO_LIMIT + " for no default.");
  private static final Setting<Integer> IPV6_PREFIX_LENGTH = Setting.ofInt("rateLimit.ipv6PrefixLength", DEFAULT_IPV6_PREFIX_LENGTH,
      "bits", "Leading bits of an IPv6 address that identify one client for per-IP limits (64: a subscriber's network); 1 to 128.")
    .between(1, 128);
  private static final Setting<Boolean> RUNTIME_LIMITS = Setting.ofBoolean("rateLimit.runtimeLimits", DEFAULT_RUNTIME_LIMITS,
    "Read endpoint, service and plan limits stored in Redis (changed at run time through RateLimitAdmin) over the configured ones, "
      + "and follow their changes.");
  private static final Setting<Long> LIMITS_REFRESH_MS = Setting.ofLong("rateLimit.limitsRefreshMs", DEFAULT_LIMITS_REFRESH_MS, "ms",
      "With runtimeLimits: how often the stored limits are read again even without a change notification; an instance "
        + "enforces a change at the latest this long (plus one Redis read) after it was made; 100 to " + MAX_LIMITS_REFRESH_MS + ".")
    .between(100, MAX_LIMITS_REFRESH_MS);
  private static final Setting<Boolean> ADMIN_ADDRESSES = Setting.ofBoolean("rateLimit.adminAddresses", DEFAULT_ADMIN_ADDRESSES,
    "Register the privileged ratelimit.limits.set and ratelimit.limits.get addresses, as local consumers only (never reachable "
      + "from another node); turns runtimeLimits on too.");
  private static final Setting<String> PLAN_ADDRESS = Setting.ofString("rateLimit.planAddress", DEFAULT_PLAN_ADDRESS,
      "Event-bus address (after addressPrefix) that RedisKit.create and RedisKitVerticle ask for a token's plan: request "
        + "{token}, reply {plan} or {} for none, within timeoutMs; a failure means the ordinary limits (counted). "
        + "Empty: no address, plans only from a PlanResolver set in Java, which also replaces this one.")
    .check((key, address) -> planAddressProblem(address));
  private static final Setting<Long> PLAN_CACHE_MS = Setting.ofLong("rateLimit.planCacheMs", DEFAULT_PLAN_CACHE_MS, "ms",
      "How long the plan a PlanResolver gave for a token is kept locally; 1 to " + MAX_PLAN_CACHE_MS + ".")
    .between(1, MAX_PLAN_CACHE_MS);
  private static final Setting<Integer> PLAN_CACHE_SIZE = Setting.ofInt("rateLimit.planCacheSize", DEFAULT_PLAN_CACHE_SIZE, "entries",
      "Tokens whose plan is kept locally; 1 to " + MAX_ADMISSION_LIMIT + ".")
    .between(1, MAX_ADMISSION_LIMIT);
  private static final SettingTable TABLE = SettingTable.of("rateLimit.", TIMEOUT_MS, FAILURE_POLICY, MAX_IN_FLIGHT, MAX_QUEUED,
    LOCAL_SHARE_PERCENT, DENY_CACHE_SIZE, ALGORITHM, SHADOW_MODE, DEFAULT_TOKEN_LIMIT_SETTING, DEFAULT_IP_LIMIT_SETTING,
    DEFAULT_ENDPOINT_LIMIT_SETTING, IPV6_PREFIX_LENGTH, RUNTIME_LIMITS, LIMITS_REFRESH_MS, ADMIN_ADDRESSES, PLAN_ADDRESS,
    PLAN_CACHE_MS, PLAN_CACHE_SIZE);

  /** The keys of this section, named as in the configuration ({@code rateLimit.timeoutMs}). */
  public static final List<ConfigKey> KEYS = Stream.concat(TABLE.keys().stream(), Stream.of(
    new ConfigKey("rateLimit.endpointLimits", ConfigKey.Type.OBJECT, new JsonObject(), "",
      "Limits per endpoint name: {\"/login\": {\"token\": \"5/1m\", \"ip\": \"20/1m\", \"endpoint\": \"1000/1m\"}}; "
        + "unset ones come from the defaults.", false, List.of()),
    new ConfigKey("rateLimit.serviceLimits", ConfigKey.Type.OBJECT, new JsonObject(), "",
      "Limits per service name, for serviceLimit(name): {\"mailer\": \"50/1s\"}.", false, List.of()),
    new ConfigKey("rateLimit.planLimits", ConfigKey.Type.OBJECT, new JsonObject(), "",
      "Per-token limit of each plan a PlanResolver or the planAddress names: {\"free\": \"100/1m\", \"pro\": \"5000/1m\"}; an endpoint's own "
        + "token limit wins.", false, List.of()))).toList();

  private Map<String, EndpointLimits> endpointLimits = new LinkedHashMap<>();
  private Map<String, Limit> serviceLimits = new LinkedHashMap<>();
  private Map<String, Limit> planLimits = new LinkedHashMap<>();
  // Which of the three maps the code gave (JSON holding the key, a setter or put), for toGivenJson().
  private final Set<String> givenMaps = new HashSet<>();
  private final SettingValues values;

  /** Missing keeps the default; {@value #NO_LIMIT} (or an empty string) means no limit. */
  private static Setting<Limit> limitSetting(String name, Limit defaultValue, String description) {
    // "none" written rather than the key left out: a missing key reads back as the default.
    return Setting.ofText(name, defaultValue, description,
      spec -> spec.isBlank() || spec.trim().equalsIgnoreCase(NO_LIMIT) ? null : Limit.parse(spec),
      limit -> limit == null ? NO_LIMIT : limit.toString());
  }

  /** Options with every default. */
  public RateLimitOptions() {
    this.values = new SettingValues(TABLE);
  }

  /**
   * Copy constructor.
   *
   * @param other the options to copy
   */
  public RateLimitOptions(RateLimitOptions other) {
    this.values = new SettingValues(other.values);
    this.endpointLimits = new LinkedHashMap<>(other.endpointLimits);
    this.serviceLimits = new LinkedHashMap<>(other.serviceLimits);
    this.planLimits = new LinkedHashMap<>(other.planLimits);
    this.givenMaps.addAll(other.givenMaps);
  }

  /**
   * Reads the options from JSON (keys as in {@link #toJson()}; numbers may also be given as
   * strings, the policy in any case). Never throws: values of the wrong type and unknown keys are
   * kept as problems that {@link #validate()} reports, and the options concerned keep their defaults.
   *
   * @param json the {@code rateLimit} section
   */
  public RateLimitOptions(JsonObject json) {
    this.values = new SettingValues(TABLE);
    JsonOptionsReader in = values.read(json);
    JsonObject o = in.readJsonObject("endpointLimits");
    if (o != null) {
      givenMaps.add("endpointLimits");
      for (Map.Entry<String, Object> e : o) {
        try {
          RateLimits.checkName("endpoint", e.getKey());
          if (!(e.getValue() instanceof JsonObject entry)) {
            throw new InvalidRequestException("limits", "expected an object {token?, ip?, endpoint?}, was "
              + OptionChecks.describe(e.getValue()));
          }
          endpointLimits.put(e.getKey(), EndpointLimits.fromJson(entry));
        } catch (InvalidRequestException ex) {
          entryProblem("endpointLimits", e.getKey(), ex);
        }
      }
    }
    readLimits(in, "serviceLimits", "service", serviceLimits);
    readLimits(in, "planLimits", "plan", planLimits);
    in.reportUnknownKeys(List.of());
  }

  /** A map of names to limits ({@code "mailer": "50/1s"}): each entry read, or kept as a problem of its own. */
  private void readLimits(JsonOptionsReader in, String key, String nameField, Map<String, Limit> into) {
    JsonObject o = in.readJsonObject(key);
    if (o == null) {
      return;
    }
    givenMaps.add(key);
    for (Map.Entry<String, Object> e : o) {
      try {
        RateLimits.checkName(nameField, e.getKey());
        into.put(e.getKey(), Limit.parse(e.getValue()));
      } catch (InvalidRequestException ex) {
        entryProblem(key, e.getKey(), ex);
      }
    }
  }

  private void entryProblem(String key, String entry, InvalidRequestException e) {
    String full = "rateLimit." + key;
    values.inputProblems().put(full + "." + entry, full + ": entry " + OptionChecks.describe(entry) + ": " + e.getMessage());
  }

  /** @return the options as JSON, the form the JSON constructor reads */
  public JsonObject toJson() {
    JsonObject json = values.toJson();
    JsonObject endpoints = new JsonObject();
    endpointLimits.forEach((name, limits) -> endpoints.put(name, limits.toJson()));
    json.put("endpointLimits", endpoints);
    JsonObject services = new JsonObject();
    serviceLimits.forEach((name, limit) -> services.put(name, limit.toString()));
    JsonObject plans = new JsonObject();
    planLimits.forEach((name, limit) -> plans.put(name, limit.toString()));
    return json.put("serviceLimits", services).put("planLimits", plans);
  }

  /**
   * What the code gave: the settings read from the JSON these options were built from (the keys it
   * held, whatever their values) or set by a setter, copied along by the copy constructor; in
   * {@link #toJson()}'s form, other settings left out. The limits by endpoint, service and plan are
   * written whole when given (merged entry by entry over a source below, as the deployment
   * config's are). {@code RedisKit.create} lets these override the config file, and the file keep
   * the rest.
   *
   * @return the given settings as JSON
   */
  public JsonObject toGivenJson() {
    JsonObject json = values.toGivenJson();
    JsonObject all = toJson();
    for (String key : List.of("endpointLimits", "serviceLimits", "planLimits")) {
      if (givenMaps.contains(key)) {
        json.put(key, all.getJsonObject(key));
      }
    }
    return json;
  }

  /** @return the limiter timeout in milliseconds */
  public long getTimeoutMs() {
    return values.get(TIMEOUT_MS);
  }

  /**
   * @param timeoutMs how long a limiter waits for Redis before the failure policy decides, in
   * milliseconds: 1 to {@link #MAX_TIMEOUT_MS}
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public RateLimitOptions setTimeoutMs(long timeoutMs) {
    values.set(TIMEOUT_MS, timeoutMs);
    return this;
  }

  /** @return the failure policy */
  public FailurePolicy getFailurePolicy() {
    return values.get(FAILURE_POLICY);
  }

  /**
   * @param failurePolicy what a limiter answers when Redis is unavailable
   * @return this
   * @throws IllegalArgumentException when {@code null}
   */
  public RateLimitOptions setFailurePolicy(FailurePolicy failurePolicy) {
    values.set(FAILURE_POLICY, failurePolicy);
    return this;
  }

  /** @return the LOCAL policy's share of the quota, in percent */
  public int getLocalSharePercent() {
    return values.get(LOCAL_SHARE_PERCENT);
  }

  /**
   * @param localSharePercent the LOCAL policy's share of the quota, in percent: 1 to 100
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public RateLimitOptions setLocalSharePercent(int localSharePercent) {
    values.set(LOCAL_SHARE_PERCENT, localSharePercent);
    return this;
  }

  /** @return the deny cache size in entries */
  public int getDenyCacheSize() {
    return values.get(DENY_CACHE_SIZE);
  }

  /** @return how many decisions the limiter has at Redis at once */
  public int getMaxInFlight() {
    return values.get(MAX_IN_FLIGHT);
  }

  /**
   * @param maxInFlight decisions the limiter has at Redis at once, 1 to {@link #MAX_ADMISSION_LIMIT};
   * further calls wait in its queue
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public RateLimitOptions setMaxInFlight(int maxInFlight) {
    values.set(MAX_IN_FLIGHT, maxInFlight);
    return this;
  }

  /** @return how many decisions may wait for a place at Redis */
  public int getMaxQueued() {
    return values.get(MAX_QUEUED);
  }

  /**
   * @param maxQueued decisions that may wait for a place at Redis, 0 to {@link #MAX_ADMISSION_LIMIT};
   * past it a call is rejected at once with source {@code OVERLOADED}
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public RateLimitOptions setMaxQueued(int maxQueued) {
    values.set(MAX_QUEUED, maxQueued);
    return this;
  }

  /**
   * @param denyCacheSize the deny cache size in entries; 0 turns it off
   * @return this
   * @throws IllegalArgumentException when negative
   */
  public RateLimitOptions setDenyCacheSize(int denyCacheSize) {
    values.set(DENY_CACHE_SIZE, denyCacheSize);
    return this;
  }

  /** @return the algorithm */
  public Algorithm getAlgorithm() {
    return values.get(ALGORITHM);
  }

  /**
   * @param algorithm how limits are counted
   * @return this
   * @throws IllegalArgumentException when {@code null}
   */
  public RateLimitOptions setAlgorithm(Algorithm algorithm) {
    values.set(ALGORITHM, algorithm);
    return this;
  }

  /** @return whether shadow mode is on */
  public boolean isShadowMode() {
    return values.get(SHADOW_MODE);
  }

  /**
   * @param shadowMode decide and count, but never reject
   * @return this
   */
  public RateLimitOptions setShadowMode(boolean shadowMode) {
    values.set(SHADOW_MODE, shadowMode);
    return this;
  }

  /** @return the per-token limit of endpoints without their own ({@link #DEFAULT_TOKEN_LIMIT} unless set), or {@code null} for none */
  public Limit getDefaultTokenLimit() {
    return values.get(DEFAULT_TOKEN_LIMIT_SETTING);
  }

  /**
   * @param limit the per-token limit of endpoints without their own; {@code null} for none
   * @return this
   */
  public RateLimitOptions setDefaultTokenLimit(Limit limit) {
    values.set(DEFAULT_TOKEN_LIMIT_SETTING, limit);
    return this;
  }

  /** @return the per-IP limit of endpoints without their own ({@link #DEFAULT_IP_LIMIT} unless set), or {@code null} for none */
  public Limit getDefaultIpLimit() {
    return values.get(DEFAULT_IP_LIMIT_SETTING);
  }

  /**
   * @param limit the per-client-IP limit of endpoints without their own; {@code null} for none
   * @return this
   */
  public RateLimitOptions setDefaultIpLimit(Limit limit) {
    values.set(DEFAULT_IP_LIMIT_SETTING, limit);
    return this;
  }

  /** @return the whole-endpoint limit of endpoints without their own, or {@code null} */
  public Limit getDefaultEndpointLimit() {
    return values.get(DEFAULT_ENDPOINT_LIMIT_SETTING);
  }

  /**
   * @param limit the limit of all callers of an endpoint together, for endpoints without their
   * own; {@code null} for none
   * @return this
   */
  public RateLimitOptions setDefaultEndpointLimit(Limit limit) {
    values.set(DEFAULT_ENDPOINT_LIMIT_SETTING, limit);
    return this;
  }

  /** @return the three defaults together */
  public EndpointLimits getDefaultLimits() {
    return new EndpointLimits(getDefaultTokenLimit(), getDefaultIpLimit(), getDefaultEndpointLimit());
  }

  /** @return the limits per endpoint name (read-only view) */
  public Map<String, EndpointLimits> getEndpointLimits() {
    return Collections.unmodifiableMap(endpointLimits);
  }

  /**
   * @param endpointLimits the limits per endpoint name (copied)
   * @return this
   * @throws IllegalArgumentException when a name is empty or too long, or a value {@code null}
   */
  public RateLimitOptions setEndpointLimits(Map<String, EndpointLimits> endpointLimits) {
    Map<String, EndpointLimits> copy = new LinkedHashMap<>();
    endpointLimits.forEach((name, limits) -> copy.put(checkedName("endpointLimits", name), Objects.requireNonNull(limits)));
    this.endpointLimits = copy;
    givenMaps.add("endpointLimits");
    values.inputProblems().keySet().removeIf(k -> k.startsWith("rateLimit.endpointLimits"));
    return this;
  }

  /**
   * @param endpoint an endpoint name
   * @param limits its limits
   * @return this
   * @throws IllegalArgumentException when the name is empty or too long
   */
  public RateLimitOptions putEndpointLimits(String endpoint, EndpointLimits limits) {
    endpointLimits.put(checkedName("endpointLimits", endpoint), Objects.requireNonNull(limits, "limits"));
    givenMaps.add("endpointLimits");
    return this;
  }

  /** @return the limits per service name (read-only view) */
  public Map<String, Limit> getServiceLimits() {
    return Collections.unmodifiableMap(serviceLimits);
  }

  /**
   * @param serviceLimits the limits per service name (copied)
   * @return this
   * @throws IllegalArgumentException when a name is empty or too long, or a value {@code null}
   */
  public RateLimitOptions setServiceLimits(Map<String, Limit> serviceLimits) {
    Map<String, Limit> copy = new LinkedHashMap<>();
    serviceLimits.forEach((name, limit) -> copy.put(checkedName("serviceLimits", name), Objects.requireNonNull(limit)));
    this.serviceLimits = copy;
    givenMaps.add("serviceLimits");
    values.inputProblems().keySet().removeIf(k -> k.startsWith("rateLimit.serviceLimits"));
    return this;
  }

  /**
   * @param service a service name
   * @param limit its limit
   * @return this
   * @throws IllegalArgumentException when the name is empty or too long
   */
  public RateLimitOptions putServiceLimit(String service, Limit limit) {
    serviceLimits.put(checkedName("serviceLimits", service), Objects.requireNonNull(limit, "limit"));
    givenMaps.add("serviceLimits");
    return this;
  }

  /** @return the per-token limit of each plan (read-only view) */
  public Map<String, Limit> getPlanLimits() {
    return Collections.unmodifiableMap(planLimits);
  }

  /**
   * @param planLimits the per-token limit of each plan (copied)
   * @return this
   * @throws IllegalArgumentException when a name is empty or too long, or a value {@code null}
   */
  public RateLimitOptions setPlanLimits(Map<String, Limit> planLimits) {
    Map<String, Limit> copy = new LinkedHashMap<>();
    planLimits.forEach((name, limit) -> copy.put(checkedName("planLimits", name), Objects.requireNonNull(limit)));
    this.planLimits = copy;
    givenMaps.add("planLimits");
    values.inputProblems().keySet().removeIf(k -> k.startsWith("rateLimit.planLimits"));
    return this;
  }

  /**
   * @param plan a plan name
   * @param limit the per-token limit of the tokens on that plan
   * @return this
   * @throws IllegalArgumentException when the name is empty or too long
   */
  public RateLimitOptions putPlanLimit(String plan, Limit limit) {
    planLimits.put(checkedName("planLimits", plan), Objects.requireNonNull(limit, "limit"));
    givenMaps.add("planLimits");
    return this;
  }

  /**
   * @return whether limits stored in Redis are read and followed: {@code runtimeLimits}, or
   * {@code adminAddresses}, which change them and so need them
   */
  public boolean isRuntimeLimits() {
    return values.get(RUNTIME_LIMITS) || values.get(ADMIN_ADDRESSES);
  }

  /**
   * @param runtimeLimits read the limits stored in Redis over the configured ones and follow their changes
   * @return this
   */
  public RateLimitOptions setRuntimeLimits(boolean runtimeLimits) {
    values.set(RUNTIME_LIMITS, runtimeLimits);
    return this;
  }

  /** @return the period of the safety-net refresh of the stored limits, in milliseconds */
  public long getLimitsRefreshMs() {
    return values.get(LIMITS_REFRESH_MS);
  }

  /**
   * @param limitsRefreshMs how often the stored limits are read even without a change
   * notification, in milliseconds: 100 to {@link #MAX_LIMITS_REFRESH_MS}
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public RateLimitOptions setLimitsRefreshMs(long limitsRefreshMs) {
    values.set(LIMITS_REFRESH_MS, limitsRefreshMs);
    return this;
  }

  /** @return whether the privileged {@code ratelimit.limits.*} addresses are registered (local consumers only) */
  public boolean isAdminAddresses() {
    return values.get(ADMIN_ADDRESSES);
  }

  /**
   * @param adminAddresses register {@code ratelimit.limits.set} and {@code .get} as local consumers
   * (this turns {@link #isRuntimeLimits() runtime limits} on too)
   * @return this
   */
  public RateLimitOptions setAdminAddresses(boolean adminAddresses) {
    values.set(ADMIN_ADDRESSES, adminAddresses);
    return this;
  }

  /**
   * @return the event-bus address, after the address prefix, asked for the plan of a token; empty
   * for none
   */
  public String getPlanAddress() {
    return values.get(PLAN_ADDRESS);
  }

  /**
   * The limiter that {@link dev.rediskit.RedisKit#create} and {@link dev.rediskit.RedisKitVerticle}
   * build asks this address, prefixed with {@code addressPrefix}, for the plan of each token it has
   * not kept: request {@code {token}}, reply {@code {plan}} (a string), or {@code {}} or
   * {@code {plan: null}} for none, within {@link #getTimeoutMs()}. A failure, no consumer, no reply
   * in time or a reply outside that contract means the ordinary per-token limits for that decision,
   * counted in {@link RateLimitStats#planFailures()}. A {@link RateLimiter#planResolver} set in Java
   * afterwards replaces it. A limiter made with {@link RateLimiter#create} does not read it: give it
   * {@code PlanAddress.resolver(...)} of {@code dev.rediskit.eventbus}.
   *
   * @param planAddress an event-bus address without whitespace or control characters, at most
   * 256 characters; empty for none
   * @return this
   * @throws IllegalArgumentException when {@code null} or not such an address
   */
  public RateLimitOptions setPlanAddress(String planAddress) {
    values.set(PLAN_ADDRESS, planAddress);
    return this;
  }

  private static String planAddressProblem(String address) {
    if (address == null) {
      return "rateLimit.planAddress: must not be null (empty for no plan address)";
    }
    if (address.isEmpty()) {
      return null;
    }
    try {
      RequestText.checkAddress("rateLimit.planAddress", address);
      return null;
    } catch (InvalidRequestException e) {
      return e.getMessage();
    }
  }

  /** @return how long a token's plan is kept locally, in milliseconds */
  public long getPlanCacheMs() {
    return values.get(PLAN_CACHE_MS);
  }

  /**
   * @param planCacheMs how long a token's plan is kept locally, in milliseconds: 1 to {@link #MAX_PLAN_CACHE_MS}
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public RateLimitOptions setPlanCacheMs(long planCacheMs) {
    values.set(PLAN_CACHE_MS, planCacheMs);
    return this;
  }

  /** @return how many tokens' plans are kept locally */
  public int getPlanCacheSize() {
    return values.get(PLAN_CACHE_SIZE);
  }

  /**
   * @param planCacheSize tokens whose plan is kept locally: 1 to {@link #MAX_ADMISSION_LIMIT}
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public RateLimitOptions setPlanCacheSize(int planCacheSize) {
    values.set(PLAN_CACHE_SIZE, planCacheSize);
    return this;
  }

  private static String checkedName(String key, String name) {
    try {
      RateLimits.checkName("name", name);
    } catch (InvalidRequestException e) {
      throw new IllegalArgumentException("rateLimit." + key + ": " + e.getMessage());
    }
    return name;
  }

  /** @return the IPv6 prefix length that identifies one client */
  public int getIpv6PrefixLength() {
    return values.get(IPV6_PREFIX_LENGTH);
  }

  /**
   * @param ipv6PrefixLength leading bits of an IPv6 address that identify one client: 1 to 128
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public RateLimitOptions setIpv6PrefixLength(int ipv6PrefixLength) {
    values.set(IPV6_PREFIX_LENGTH, ipv6PrefixLength);
    return this;
  }

  private void algorithmProblems(List<String> problems) {
    if (getAlgorithm() == null) {
      return;
    }
    checkAlgorithm(problems, "defaultTokenLimit", "", getDefaultTokenLimit());
    checkAlgorithm(problems, "defaultIpLimit", "", getDefaultIpLimit());
    checkAlgorithm(problems, "defaultEndpointLimit", "", getDefaultEndpointLimit());
    endpointLimits.forEach((name, l) -> {
      checkAlgorithm(problems, "endpointLimits", entry(name) + "token: ", l.token());
      checkAlgorithm(problems, "endpointLimits", entry(name) + "ip: ", l.ip());
      checkAlgorithm(problems, "endpointLimits", entry(name) + "endpoint: ", l.endpoint());
    });
    serviceLimits.forEach((name, l) -> checkAlgorithm(problems, "serviceLimits", entry(name), l));
    planLimits.forEach((name, l) -> checkAlgorithm(problems, "planLimits", entry(name), l));
  }

  private static String entry(String name) {
    return "entry \"" + name + "\": ";
  }

  /** Names the entry as the other problems of a map of limits do ({@code entry "/login": ip: ...}). */
  private void checkAlgorithm(List<String> problems, String key, String entry, Limit limit) {
    if (limit == null) {
      return;
    }
    try {
      getAlgorithm().check(limit);
    } catch (InvalidRequestException e) {
      problems.add("rateLimit." + key + ": " + entry + limit + ": " + e.getMessage());
    }
  }

  /**
   * Lists every problem of this section: values of the wrong type or unknown keys met by the JSON
   * constructor, then rule violations, each naming the key ({@code rateLimit.timeoutMs}), the
   * value and what is allowed.
   *
   * @return the problems; empty when the section is valid
   */
  public List<String> problems() {
    List<String> problems = values.problems();
    algorithmProblems(problems);
    return problems;
  }

  /**
   * Checks this section on its own; {@link dev.rediskit.RedisKitOptions#validate()} includes it.
   *
   * @return this
   * @throws ConfigurationException listing every problem of {@link #problems()}
   */
  public RateLimitOptions validate() {
    OptionChecks.requireNone(problems());
    return this;
  }

  @Override
  public String toString() {
    return "RateLimitOptions" + toJson().encode();
  }
}
