package dev.rediskit.ratelimit.impl;

import dev.rediskit.config.KeyFamily;
import dev.rediskit.ratelimit.TokenHash;

/**
 * The Redis keys of one limiter: {@code <prefix><family>k:<key>} for check, {@code ...s:<service>}
 * for serviceLimit, and for verifyAndLimit {@code ...v:{<endpoint>}:t:<token hash>},
 * {@code ...:i:<ip>} and {@code ...:e}. The three kinds never meet, whatever the caller's names,
 * and all keys of one verifyAndLimit share the hash tag {@code {endpoint}}, hence one slot on a
 * cluster, so a single script can decide them all or nothing there too.
 */
final class LimiterKeys {

  private final String checkPrefix;
  private final String servicePrefix;
  private final String verifyPrefix;
  private final String probe;

  /**
   * @param family the family of the algorithm's keys
   * @param keyPrefix the deployment's key prefix
   */
  LimiterKeys(KeyFamily family, String keyPrefix) {
    String base = family.start(keyPrefix);
    this.checkPrefix = base + "k:";
    this.servicePrefix = base + "s:";
    this.verifyPrefix = base + "v:{";
    this.probe = base + PROBE;
  }

  /** The segment of the start-up probe's key: no public input produces it, their keys all start {@code k:}, {@code s:} or {@code v:}. */
  static final String PROBE = "probe";

  /**
   * @return the key the start-up permission probe decides on ({@code <family start>probe}): inside the family, so that
   * the ACL's key patterns are checked as for any decision, and out of reach of every public input
   */
  String probe() {
    return probe;
  }

  /**
   * @param keyPrefix the deployment's key prefix
   * @return the key the start-up probe reads the stored limits of ({@code <keyPrefix>:rl:l::probe}): inside their
   * family; limiter names come from the deployment, never from a request, and the probe only reads
   */
  static String limitsProbe(String keyPrefix) {
    return KeyFamily.RATE_LIMIT_LIMITS.start(keyPrefix) + ":" + PROBE;
  }

  /** @return the key of {@code check(key, ...)} */
  String check(String key) {
    return checkPrefix + key;
  }

  /** @return the key of {@code serviceLimit(service, ...)} */
  String service(String service) {
    return servicePrefix + service;
  }

  /** @return what the keys of a verifyAndLimit on {@code endpoint} start with, its hash tag closed */
  String verify(String endpoint) {
    return verifyPrefix + tagSafe(endpoint) + "}:";
  }

  /** @return the per-token key under a {@link #verify} base: the token hashed, never stored as given */
  static String token(String verifyBase, String token) {
    return verifyBase + "t:" + TokenHash.of(token);
  }

  /** @return the per-client-IP key under a {@link #verify} base */
  static String ip(String verifyBase, String ipKey) {
    return verifyBase + "i:" + ipKey;
  }

  /** @return the whole-endpoint key under a {@link #verify} base */
  static String endpoint(String verifyBase) {
    return verifyBase + "e";
  }

  /** Keeps an endpoint name from ending the hash tag early or opening another: braces and % are escaped. */
  static String tagSafe(String endpoint) {
    if (endpoint.indexOf('{') < 0 && endpoint.indexOf('}') < 0 && endpoint.indexOf('%') < 0) {
      return endpoint;
    }
    return endpoint.replace("%", "%25").replace("{", "%7B").replace("}", "%7D");
  }
}
