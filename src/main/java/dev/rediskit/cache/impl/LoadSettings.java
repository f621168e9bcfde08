package dev.rediskit.cache.impl;

/**
 * The settings of one getOrLoad, resolved against the cache's defaults and checked
 * ({@link TtlRules#resolve}).
 *
 * @param ttlMs fresh lifetime of a loaded value
 * @param staleMs how long a value may be served stale after it stops being fresh
 * @param fraction refresh-ahead by fraction of the fresh lifetime, 0 when off
 * @param beta refresh-ahead by XFetch, 0 when off
 * @param cacheNulls whether an absent value is cached
 * @param nullTtlMs lifetime of a cached absence
 * @param idleMs sliding expiry: how long an entry may go unread, 0 when off
 * @param tags the checked tags of the entries written, each once; empty for none
 */
record LoadSettings(long ttlMs, long staleMs, double fraction, double beta, boolean cacheNulls, long nullTtlMs, long idleMs,
                    java.util.List<String> tags) {

  /** @return whether a read late in an entry's life reloads it in the background */
  boolean refreshAhead() {
    return fraction > 0 || beta > 0;
  }
}
