package dev.rediskit.cache;

import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.List;

/**
 * How {@link CacheNamespace#set(String, Object, WriteOptions)} and
 * {@link CacheNamespace#setMany(java.util.Map, WriteOptions)} store entries: their TTL, sliding
 * expiry and tags. An unset TTL is {@code cache.ttlMs} and unset tags are none: a namespace's
 * configured {@code ttlMs} and {@code tags} ({@link NamespaceOptions#getLoadOptions()}) are load
 * options, which get-or-load and warm-up take and writes do not; only its {@code idleTtlMs} applies
 * to writes (every write of a sliding namespace slides). Everything is checked when the options are
 * used (an invalid value fails the call with code 400, naming the field, and nothing is written).
 *
 * <pre>{@code
 * users.set("42", ada, new WriteOptions().setTtl(Duration.ofHours(8)).setIdleTtl(Duration.ofMinutes(30)));
 * }</pre>
 */
public class WriteOptions {

  /** JSON name of {@link #setTtl(Duration)}, in ms: the same as in a {@code cache.set} request. */
  public static final String TTL_MS = "ttlMs";
  /** JSON name of {@link #setIdleTtl(Duration)}, in ms. */
  public static final String IDLE_TTL_MS = "idleTtlMs";
  /** JSON name of {@link #setTags(List)}: an array of strings. */
  public static final String TAGS = "tags";
  /** Every JSON name of these options, in the order {@link #toJson()} writes them. */
  public static final List<String> JSON_FIELDS = List.of(TTL_MS, IDLE_TTL_MS, TAGS);

  private Duration ttl;
  private Duration idleTtl;
  private List<String> tags = List.of();

  /** Options taking every default from the cache's and the namespace's settings. */
  public WriteOptions() {
  }

  /**
   * Copy constructor.
   *
   * @param other the options to copy
   */
  public WriteOptions(WriteOptions other) {
    this.ttl = other.ttl;
    this.idleTtl = other.idleTtl;
    this.tags = other.tags;
  }

  /**
   * Reads the JSON form of {@link #toJson()}; values of the wrong type fail with a
   * {@link ClassCastException} from {@link JsonObject}.
   *
   * @param json the options
   */
  public WriteOptions(JsonObject json) {
    Long t = json.getLong(TTL_MS);
    ttl = t == null ? null : Duration.ofMillis(t);
    Long i = json.getLong(IDLE_TTL_MS);
    idleTtl = i == null ? null : Duration.ofMillis(i);
    io.vertx.core.json.JsonArray tagArray = json.getJsonArray(TAGS);
    if (tagArray != null) {
      List<String> names = new java.util.ArrayList<>(tagArray.size());
      for (Object o : tagArray) {
        names.add(o == null ? null : o.toString());
      }
      setTags(names);
    }
  }

  /** @return the time to live, or {@code null} for {@code cache.ttlMs} */
  public Duration getTtl() {
    return ttl;
  }

  /**
   * @param ttl the time to live ({@code > 0}, at most {@code cache.maxTtlMs}); with sliding expiry
   * the entry's absolute maximum age; {@code null} for {@code cache.ttlMs}
   * @return this
   */
  public WriteOptions setTtl(Duration ttl) {
    this.ttl = ttl;
    return this;
  }

  /** @return the idle TTL of sliding expiry, or {@code null} for the namespace's */
  public Duration getIdleTtl() {
    return idleTtl;
  }

  /**
   * Sliding expiry for this entry, as {@link LoadOptions#setIdleTtl(Duration)}: it lives only
   * {@code idleTtl} past its last read that reaches Redis, and never past its TTL.
   *
   * @param idleTtl {@code > 0} and at most {@code cache.maxTtlMs}; {@link Duration#ZERO} for no
   * sliding; {@code null} for the namespace's setting
   * @return this
   */
  public WriteOptions setIdleTtl(Duration idleTtl) {
    this.idleTtl = idleTtl;
    return this;
  }

  /** @return the entries' tags (empty for none) */
  public List<String> getTags() {
    return tags;
  }

  /**
   * Tags: {@link RedisCache#invalidateTag(String)} of any of them makes the entries stale at once.
   * Checked when used: at most {@value CacheNames#MAX_TAGS}, each 1 to
   * {@value CacheNames#MAX_TAG_LENGTH} characters without control characters (repeats count once).
   *
   * @param tags the tags, {@code null} or empty for none (copied)
   * @return this
   */
  public WriteOptions setTags(List<String> tags) {
    this.tags = tags == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(tags));
    return this;
  }

  /** @return the options that are set, under {@link #JSON_FIELDS} (durations in ms) */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    if (ttl != null) {
      json.put(TTL_MS, ttl.toMillis());
    }
    if (idleTtl != null) {
      json.put(IDLE_TTL_MS, idleTtl.toMillis());
    }
    if (!tags.isEmpty()) {
      json.put(TAGS, new io.vertx.core.json.JsonArray(new java.util.ArrayList<>(tags)));
    }
    return json;
  }

  @Override
  public String toString() {
    return "WriteOptions" + toJson().encode();
  }
}
