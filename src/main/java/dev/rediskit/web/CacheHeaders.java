package dev.rediskit.web;

import dev.rediskit.cache.CacheResult;
import io.vertx.core.http.HttpServerResponse;

import java.util.Objects;

/**
 * Tells an HTTP client where a cached answer came from, in an {@code X-Cache}-style response
 * header: {@code HIT}, {@code MISS} or {@code STALE}, from the {@link CacheResult#source()} of the
 * read that produced the answer.
 *
 * <pre>{@code
 * users.getOrLoadResult(id, () -> db.findUser(id), LoadOptions.ttl(ttl)).onSuccess(r -> {
 *   CacheHeaders.put(ctx.response(), r);                       // X-Cache: HIT | MISS | STALE
 *   ctx.json(r.value());
 * });
 * }</pre>
 *
 * <p>The mapping: a fresh entry from Redis or a cached absence ({@code cache} found,
 * {@code negative}) is a {@code HIT}; an entry past its TTL served within its stale window
 * ({@code stale}) is {@code STALE}; a value loaded for the request ({@code loader}) or nothing found
 * ({@code cache} not found) is a {@code MISS}. A source added later (a near cache) maps by what it
 * found: {@code HIT} when found, else {@code MISS}, so an older version of this helper never breaks
 * on a newer cache.
 */
public final class CacheHeaders {

  /** The header name {@link #put(HttpServerResponse, CacheResult)} sets. */
  public static final String X_CACHE = "X-Cache";
  /** The value for an answer served from the cache, fresh. */
  public static final String HIT = "HIT";
  /** The value for an answer the cache did not have (loaded for this request, or absent). */
  public static final String MISS = "MISS";
  /** The value for an entry past its TTL, served within its stale window. */
  public static final String STALE = "STALE";

  private CacheHeaders() {
  }

  /**
   * @param result a read result
   * @return {@link #HIT}, {@link #MISS} or {@link #STALE}
   * @throws NullPointerException when {@code result} is {@code null}
   */
  public static String status(CacheResult<?> result) {
    Objects.requireNonNull(result, "result");
    return switch (result.source()) {
      case STALE -> STALE;
      case LOADER -> MISS;
      case NEGATIVE -> HIT;
      // CACHE, and any source added later: what was found decides.
      default -> result.stale() ? STALE : result.found() ? HIT : MISS;
    };
  }

  /**
   * Sets {@code X-Cache} on a response not yet sent.
   *
   * @param response the response
   * @param result the read result the response answers with
   * @return the response, for chaining
   */
  public static HttpServerResponse put(HttpServerResponse response, CacheResult<?> result) {
    return put(response, X_CACHE, result);
  }

  /**
   * Sets a header of another name ({@code X-Cache-Status}, a CDN's own...) with the same values.
   *
   * @param response the response
   * @param headerName the header to set
   * @param result the read result the response answers with
   * @return the response, for chaining
   */
  public static HttpServerResponse put(HttpServerResponse response, String headerName, CacheResult<?> result) {
    Objects.requireNonNull(response, "response");
    Objects.requireNonNull(headerName, "headerName");
    return response.putHeader(headerName, status(result));
  }
}
