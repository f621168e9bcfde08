package dev.rediskit.ratelimit;

import dev.rediskit.ConfigKey;
import dev.rediskit.ConfigurationException;
import dev.rediskit.impl.JsonOptionsReader;
import dev.rediskit.impl.OptionChecks;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rate-limit defaults: the limiter's own timeout and its behaviour when Redis is unavailable. The
 * {@code rateLimit} section of {@link dev.rediskit.RedisKitOptions}; durations are in milliseconds.
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

  /** Default limiter timeout, in milliseconds: past it the failure policy decides. */
  public static final long DEFAULT_TIMEOUT_MS = 250;
  /** Default failure policy. */
  public static final FailurePolicy DEFAULT_FAILURE_POLICY = FailurePolicy.FAIL_OPEN;
  /** Default share of the quota the LOCAL policy grants each instance, in percent. */
  public static final int DEFAULT_LOCAL_SHARE_PERCENT = 50;
  /** Default size of the local deny cache (entries). */
  public static final int DEFAULT_DENY_CACHE_SIZE = 10_000;

  /** Upper bound of {@link #setTimeoutMs(long)}, in milliseconds (1 minute). */
  public static final long MAX_TIMEOUT_MS = 60_000;

  /** The keys of this section, named as in the configuration ({@code rateLimit.timeoutMs}). */
  public static final List<ConfigKey> KEYS = List.of(
    new ConfigKey("rateLimit.timeoutMs", ConfigKey.Type.LONG, DEFAULT_TIMEOUT_MS, "ms",
      "How long a limiter waits for Redis before the failure policy decides; 1 to 60000.", false, List.of()),
    new ConfigKey("rateLimit.failurePolicy", ConfigKey.Type.ENUM, DEFAULT_FAILURE_POLICY.name(), "",
      "What a limiter answers when Redis is unavailable or too slow: allow, reject, or decide locally.", false,
      Arrays.stream(FailurePolicy.values()).map(Enum::name).toList()),
    new ConfigKey("rateLimit.localSharePercent", ConfigKey.Type.INT, DEFAULT_LOCAL_SHARE_PERCENT, "percent",
      "Share of each limit that the LOCAL policy grants this instance while Redis is away; 1 to 100.", false, List.of()),
    new ConfigKey("rateLimit.denyCacheSize", ConfigKey.Type.INT, DEFAULT_DENY_CACHE_SIZE, "entries",
      "Keys remembered locally as denied until their window resets, sparing Redis a round trip; 0 turns it off.", false,
      List.of()));

  private long timeoutMs = DEFAULT_TIMEOUT_MS;
  private FailurePolicy failurePolicy = DEFAULT_FAILURE_POLICY;
  private int localSharePercent = DEFAULT_LOCAL_SHARE_PERCENT;
  private int denyCacheSize = DEFAULT_DENY_CACHE_SIZE;
  // Problems found while reading JSON, by key; a setter that sets the key again clears its entry.
  private final Map<String, String> inputProblems = new LinkedHashMap<>();

  /** Options with every default. */
  public RateLimitOptions() {
  }

  /**
   * Copy constructor.
   *
   * @param other the options to copy
   */
  public RateLimitOptions(RateLimitOptions other) {
    this.timeoutMs = other.timeoutMs;
    this.failurePolicy = other.failurePolicy;
    this.localSharePercent = other.localSharePercent;
    this.denyCacheSize = other.denyCacheSize;
    this.inputProblems.putAll(other.inputProblems);
  }

  /**
   * Reads the options from JSON (keys as in {@link #toJson()}; numbers may also be given as
   * strings, the policy in any case). Never throws: values of the wrong type and unknown keys are
   * kept as problems that {@link #validate()} reports, and the options concerned keep their defaults.
   *
   * @param json the {@code rateLimit} section
   */
  public RateLimitOptions(JsonObject json) {
    JsonOptionsReader in = new JsonOptionsReader(json, "rateLimit.", inputProblems);
    Long l = in.readLong("timeoutMs");
    if (l != null) {
      timeoutMs = l;
    }
    FailurePolicy p = in.readEnum("failurePolicy", FailurePolicy.class);
    if (p != null) {
      failurePolicy = p;
    }
    Integer i = in.readInt("localSharePercent");
    if (i != null) {
      localSharePercent = i;
    }
    i = in.readInt("denyCacheSize");
    if (i != null) {
      denyCacheSize = i;
    }
    in.reportUnknownKeys(List.of());
  }

  /** @return the options as JSON, the form the JSON constructor reads */
  public JsonObject toJson() {
    return new JsonObject()
      .put("timeoutMs", timeoutMs)
      .put("failurePolicy", failurePolicy == null ? null : failurePolicy.name())
      .put("localSharePercent", localSharePercent)
      .put("denyCacheSize", denyCacheSize);
  }

  /** @return the limiter timeout in milliseconds */
  public long getTimeoutMs() {
    return timeoutMs;
  }

  /**
   * @param timeoutMs how long a limiter waits for Redis before the failure policy decides, in
   * milliseconds: 1 to {@link #MAX_TIMEOUT_MS}
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public RateLimitOptions setTimeoutMs(long timeoutMs) {
    OptionChecks.require(timeoutProblem(timeoutMs));
    this.timeoutMs = timeoutMs;
    inputProblems.remove("rateLimit.timeoutMs");
    return this;
  }

  /** @return the failure policy */
  public FailurePolicy getFailurePolicy() {
    return failurePolicy;
  }

  /**
   * @param failurePolicy what a limiter answers when Redis is unavailable
   * @return this
   * @throws IllegalArgumentException when {@code null}
   */
  public RateLimitOptions setFailurePolicy(FailurePolicy failurePolicy) {
    OptionChecks.require(policyProblem(failurePolicy));
    this.failurePolicy = failurePolicy;
    inputProblems.remove("rateLimit.failurePolicy");
    return this;
  }

  /** @return the LOCAL policy's share of the quota, in percent */
  public int getLocalSharePercent() {
    return localSharePercent;
  }

  /**
   * @param localSharePercent the LOCAL policy's share of the quota, in percent: 1 to 100
   * @return this
   * @throws IllegalArgumentException when out of range
   */
  public RateLimitOptions setLocalSharePercent(int localSharePercent) {
    OptionChecks.require(shareProblem(localSharePercent));
    this.localSharePercent = localSharePercent;
    inputProblems.remove("rateLimit.localSharePercent");
    return this;
  }

  /** @return the deny cache size in entries */
  public int getDenyCacheSize() {
    return denyCacheSize;
  }

  /**
   * @param denyCacheSize the deny cache size in entries; 0 turns it off
   * @return this
   * @throws IllegalArgumentException when negative
   */
  public RateLimitOptions setDenyCacheSize(int denyCacheSize) {
    OptionChecks.require(denyCacheProblem(denyCacheSize));
    this.denyCacheSize = denyCacheSize;
    inputProblems.remove("rateLimit.denyCacheSize");
    return this;
  }

  private static String timeoutProblem(long v) {
    return OptionChecks.between("rateLimit.timeoutMs", v, 1, MAX_TIMEOUT_MS, "ms");
  }

  private static String policyProblem(FailurePolicy p) {
    return p != null ? null : OptionChecks.violation("rateLimit.failurePolicy",
      "must be one of " + String.join(", ", Arrays.stream(FailurePolicy.values()).map(Enum::name).toList()), null);
  }

  private static String shareProblem(int v) {
    return OptionChecks.between("rateLimit.localSharePercent", v, 1, 100, "percent");
  }

  private static String denyCacheProblem(int v) {
    return OptionChecks.atLeast("rateLimit.denyCacheSize", v, 0, "entries");
  }

  /**
   * Lists every problem of this section: values of the wrong type or unknown keys met by the JSON
   * constructor, then rule violations, each naming the key ({@code rateLimit.timeoutMs}), the
   * value and what is allowed.
   *
   * @return the problems; empty when the section is valid
   */
  public List<String> problems() {
    List<String> problems = new ArrayList<>(inputProblems.values());
    OptionChecks.collect(problems, timeoutProblem(timeoutMs));
    OptionChecks.collect(problems, policyProblem(failurePolicy));
    OptionChecks.collect(problems, shareProblem(localSharePercent));
    OptionChecks.collect(problems, denyCacheProblem(denyCacheSize));
    return problems;
  }

  /**
   * Checks this section on its own; {@link dev.rediskit.RedisKitOptions#validate()} includes it.
   *
   * @return this
   * @throws ConfigurationException listing every problem of {@link #problems()}
   */
  public RateLimitOptions validate() {
    List<String> problems = problems();
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
    return this;
  }

  @Override
  public String toString() {
    return "RateLimitOptions" + toJson().encode();
  }
}
