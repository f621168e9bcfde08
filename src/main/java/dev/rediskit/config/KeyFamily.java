package dev.rediskit.config;

/**
 * The families of keys the module writes to Redis, each under a segment of its own right after
 * the key prefix: {@code <keyPrefix>:<segment>:...}. The segment is fixed by the code, never taken
 * from a request, so no value of any public input (namespace, key, limiter key, service name,
 * endpoint, token, IP) can produce a key of another family, or a glob that matches one: a cache
 * namespace called {@code rl} lives at {@code <keyPrefix>:c:rl:...}, far from the limiter's state.
 *
 * <p>This enum is the one table of the layout; {@code docs/KEYS.md} is checked against it. A new
 * family takes a segment no other family starts with.
 *
 * <p>Internal: shared by the module's packages; not part of the API.
 */
public enum KeyFamily {

  /** Cache entries: {@code <keyPrefix>:c:<namespace>:<version>:<key>}. */
  CACHE_ENTRY("c", "<keyPrefix>:c:<namespace>:<version>:<key>, <keyPrefix>:c::probe",
    "cache entries (value, header, TTL), under the namespace's version; c::probe is the start-up permission probe "
      + "(RedisCache.verifyAccess: no namespace is empty, so no request produces it; deleted at once, lives at most 1 s)"),
  /** Leases that let one instance load a missing entry while the others wait: {@code <keyPrefix>:cl:<namespace>:<version>:<key>}. */
  CACHE_LEASE("cl", "<keyPrefix>:cl:<namespace>:<version>:<key>, <keyPrefix>:cl::probe",
    "get-or-load leases across instances (short TTL); cl::probe is the start-up permission probe's lease (lives at most 1 s)"),
  /** Namespace versions, part of every entry key: {@code <keyPrefix>:cv:<namespace>}. */
  CACHE_NAMESPACE_VERSION("cv", "<keyPrefix>:cv:<namespace>, <keyPrefix>:cv::probe",
    "namespace versions: a counter bumpVersion increments (no TTL; absent means version 0); cv::probe is only read by "
      + "the start-up permission probe (a namespace never contains ':')"),
  /** Tag versions, compared with those each tagged entry carries: {@code <keyPrefix>:ct:<tag>}. */
  CACHE_TAG("ct", "<keyPrefix>:ct:<tag>",
    "tag versions: invalidateTag sets a new one (the invalidator's clock in ms); expires 2 × cache.maxTtlMs + 60 s after the last invalidation"),
  /** Rate-limiter state, GCRA: {@code <keyPrefix>:rl:g:<k|s|v>:...}. */
  RATE_LIMIT_GCRA("rl:g", "<keyPrefix>:rl:g:k:<key>, …:rl:g:s:<service>, …:rl:g:v:{<endpoint>}:<t:<token hash (SHA-256)>|i:<ip>|e>, …:rl:g:probe",
    "rate-limiter state of the GCRA algorithm (a TAT in the key's expiry or value); probe is the start-up permission "
      + "probe (RateLimiter.verifyAccess: requests only produce k:, s: and v:{ keys; lives at most 1 s)"),
  /** Rate-limiter state, fixed window. */
  RATE_LIMIT_FIXED("rl:f", "<keyPrefix>:rl:f:k:<key>, …:rl:f:s:<service>, …:rl:f:v:{<endpoint>}:…, …:rl:f:probe",
    "rate-limiter state of the fixed-window algorithm (a counter per window); probe as for GCRA"),
  /** Rate-limiter state, sliding window. */
  RATE_LIMIT_SLIDING("rl:w", "<keyPrefix>:rl:w:k:<key>, …:rl:w:s:<service>, …:rl:w:v:{<endpoint>}:…, …:rl:w:probe",
    "rate-limiter state of the sliding-window algorithm (this and the previous window's counters); probe as for GCRA, lives at most 2 s"),
  /** Concurrency limits: {@code <keyPrefix>:rl:c:<key>}, a sorted set of permit holders scored by lease end. */
  CONCURRENCY("rl:c", "<keyPrefix>:rl:c:<key>",
    "concurrency-limit permits: a sorted set of holder ids, each scored by the Redis time (ms) its lease ends"),
  /**
   * Run-time limits of one limiter: {@code <keyPrefix>:rl:l:<limiter name>}, a hash. The limiter's
   * name comes from the deployment, never from a request, so no public input reaches this family.
   */
  RATE_LIMIT_LIMITS("rl:l", "<keyPrefix>:rl:l:<limiter name>, <keyPrefix>:rl:l::probe",
    "run-time limits (RateLimitAdmin): a hash of e:<endpoint>, s:<service>, p:<plan> to limits, and v, the version (no TTL); "
      + "l::probe is only read by the start-up permission probe of a limiter with runtimeLimits, never written");

  private final String segment;
  private final String layout;
  private final String description;

  KeyFamily(String segment, String layout, String description) {
    this.segment = segment;
    this.layout = layout;
    this.description = description;
  }

  /** @return the fixed segment after the key prefix, e.g. {@code c} or {@code rl:g} */
  public String segment() {
    return segment;
  }

  /** @return the layout of the family's keys, for the documentation */
  public String layout() {
    return layout;
  }

  /** @return what the family's keys hold, for the documentation */
  public String description() {
    return description;
  }

  /**
   * @param keyPrefix the module's validated key prefix
   * @return {@code <keyPrefix>:<segment>:}, the start of every key of the family
   */
  public String start(String keyPrefix) {
    return keyPrefix + ':' + segment + ':';
  }
}
