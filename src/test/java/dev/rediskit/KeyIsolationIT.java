package dev.rediskit;

import dev.rediskit.cache.CacheNamespace;
import dev.rediskit.cache.LoadOptions;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.cache.WriteOptions;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.error.RedisKitException;
import dev.rediskit.eventbus.CacheClient;
import dev.rediskit.eventbus.CacheConsumers;
import dev.rediskit.eventbus.RateLimitClient;
import dev.rediskit.eventbus.RateLimitConsumers;
import dev.rediskit.ratelimit.EndpointLimits;
import dev.rediskit.ratelimit.Limit;
import dev.rediskit.ratelimit.LimitChange;
import dev.rediskit.ratelimit.RateLimitOptions;
import dev.rediskit.ratelimit.RateLimitOptions.Algorithm;
import dev.rediskit.ratelimit.RateLimiter;
import dev.rediskit.test.Await;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import dev.rediskit.test.RespConnection;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

import static dev.rediskit.test.Futures.await;
import static dev.rediskit.test.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * No public input reaches another key family: with every family populated (cache entries, a live
 * lease, limiter state of each algorithm for check, serviceLimit and verifyAndLimit, a limiter's
 * stored run-time limits), hostile
 * namespaces, keys, limiter keys and endpoints are sent through the event bus, and after each
 * operation every key outside the caller's own family (and namespace) is exactly as before: same
 * keys, same values ({@code DUMP}), no TTL pushed out (limiter state kept in a key's expiry).
 */
@IntegrationTest
class KeyIsolationIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  static final String P = RedisKitOptions.DEFAULT_KEY_PREFIX;
  static final Duration HOUR = Duration.ofHours(1);
  static final List<String> NAMESPACES = List.of("rl", "c", "cl", "*", "?", "[a-z]*", "\\", "r*", "users*", "u?ers",
    "rl{g}", "%", "..");
  static final List<String> KEYS = List.of("42", "rl:g:k:victim", "g:k:victim", "*", "../victim", "{victim}",
    ":lease:users:42", "c:users:42", "slow");
  static final List<String> LIMITER_KEYS = List.of("victim2", "*", "../victim", "s:mailer", "v:{/login}:e", "}:e",
    ":k:victim", "g:k:victim", "k:victim", "victim*", "rl:l:GCRA", ":l:GCRA", "l:GCRA", "../l:GCRA");
  static final List<String> TAGS = List.of("users", "*", "../users", "c:users:42", "rl:g:k:victim", "{users}", "cv:users",
    "ct:users", "users*", "rl:l:GCRA");
  static final List<String> ENDPOINTS = List.of("/other", "/login}", "{/login}", "/login}:e", "/log*", "%7D", "l:GCRA",
    "../../l:GCRA");

  record Snapshot(Map<String, String> values, Map<String, Long> pttls, long takenAtNanos) {
  }

  static Snapshot snapshot(RedisServer server) {
    Map<String, String> values = new TreeMap<>();
    Map<String, Long> pttls = new TreeMap<>();
    long started = System.nanoTime();
    try (RespConnection c = server.connect()) {
      String cursor = "0";
      do {
        List<?> reply = (List<?>) c.call("SCAN", cursor, "COUNT", "1000");
        cursor = (String) reply.get(0);
        for (Object k : (List<?>) reply.get(1)) {
          String key = (String) k;
          Long pttl = (Long) c.call("PTTL", key);
          Object dump = c.call("DUMP", key);
          if (pttl == -2 || dump == null) {
            // Listed by SCAN but expired before it was read (a GCRA key lives ~60 ms after one use).
            continue;
          }
          values.put(key, String.valueOf(dump));
          pttls.put(key, pttl);
        }
      } while (!cursor.equals("0"));
    }
    return new Snapshot(values, pttls, started);
  }

  /**
   * Who wrote each key: the component and input that created it, whatever the layout calls it, so
   * that the check does not take the layout's word for which keys belong together.
   */
  final Map<String, String> owners = new TreeMap<>();

  /** Gives every key not yet owned to {@code owner}. */
  Snapshot claim(String owner) {
    Snapshot now = snapshot(redis.server());
    now.values().keySet().forEach(k -> owners.putIfAbsent(k, owner));
    return now;
  }

  /**
   * After an operation on behalf of {@code owner}: every key of another owner is exactly as before
   * (it was not overwritten, deleted, or consumed from), and the keys that appeared become the
   * owner's.
   */
  Snapshot onlyOwnKeysChanged(Snapshot before, String owner, String what) {
    Snapshot after = snapshot(redis.server());
    before.values().forEach((key, value) -> {
      if (owner.equals(owners.get(key))) {
        return;
      }
      long elapsedMs = (System.nanoTime() - before.takenAtNanos()) / 1_000_000;
      if (!after.values().containsKey(key) && before.pttls().get(key) >= 0 && before.pttls().get(key) <= elapsedMs) {
        // Ran out by its own expiry meanwhile (a default per-token limit's GCRA key lives ~60 ms after one
        // use); a key deleted or overwritten before its time is still caught below.
        return;
      }
      assertThat(after.values()).as("%s: key %s of %s (PTTL before %s ms, %s ms ago; after: %s)", what, key, owners.get(key),
        before.pttls().get(key), elapsedMs, after.values().containsKey(key) ? "changed" : "gone").containsEntry(key, value);
      // Expiries only run down; a consumed limiter unit would push a GCRA key's expiry out by minutes.
      assertThat(after.pttls().get(key)).as("%s: PTTL of %s", what, key).isLessThanOrEqualTo(before.pttls().get(key) + 2);
    });
    return claim(owner);
  }

  /** An operation may be refused (bad input, 400): then nothing at all may have changed, which the check covers. */
  static void attempt(Supplier<Future<?>> op) {
    Future<?> f;
    try {
      f = op.get();
    } catch (RuntimeException e) {
      return;
    }
    try {
      await(f);
    } catch (RuntimeException e) {
      Throwable cause = e instanceof ReplyException ? e : e.getCause() != null ? e.getCause() : e;
      assertThat(cause).as("only refusals are expected").isInstanceOfAny(ReplyException.class,
        InvalidRequestException.class, RedisKitException.class);
    }
  }

  static RateLimitOptions limits(Algorithm algorithm) {
    return new RateLimitOptions().setAlgorithm(algorithm)
      .setEndpointLimits(Map.of("/login", new EndpointLimits(Limit.of(10, HOUR), Limit.of(10, HOUR), Limit.of(100, HOUR))));
  }

  @Test
  void noPublicInputReachesAnotherFamily(Vertx vertx) {
    RedisGateway gateway = await(RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(redis.uri())).ready());
    RedisCache cache = RedisCache.create(vertx, gateway);
    List<RateLimiter> limiters = new ArrayList<>();
    for (Algorithm a : Algorithm.values()) {
      // The GCRA limiter also keeps run-time limits, so that their hash is among the keys no input may touch.
      limiters.add(RateLimiter.create(vertx, gateway, a.name(), limits(a).setRuntimeLimits(a == Algorithm.GCRA)));
    }
    CacheConsumers cacheConsumers = await(CacheConsumers.register(vertx.eventBus(), "", cache));
    RateLimitConsumers limitConsumers = await(RateLimitConsumers.register(vertx, limiters.get(0), ""));
    CacheClient cacheClient = CacheClient.create(vertx, "");
    RateLimitClient limitClient = RateLimitClient.create(vertx, "");

    // Every family populated, a lease included: its load is held open for the whole test.
    CacheNamespace<Object> users = cache.namespace("users");
    await(users.set("42", "ada", HOUR));
    await(users.set("43", "bob", HOUR));
    claim("cache:users");
    await(cache.namespace("rl").set("x", "legit entry of namespace rl", HOUR));
    claim("cache:rl");
    Promise<Object> slowLoad = Promise.promise();
    Future<Object> loading = users.getOrLoad("slow", slowLoad::future, LoadOptions.ttl(HOUR));
    // The lease is the one key that appears while the load is held open.
    Await.until(() -> snapshot(redis.server()).values().size() == owners.size() + 1, "the lease to be taken");
    claim("lease:users:slow");
    for (RateLimiter l : limiters) {
      await(l.check("victim", 10, HOUR));
      await(l.serviceLimit("mailer", 10, HOUR));
      await(l.verifyAndLimit("token-1", "10.0.0.1", "/login"));
      claim("limiter:" + l.name());
    }
    await(limiters.get(0).admin().apply(new LimitChange().setPlan("pro", Limit.of(10, HOUR))
      .setEndpoint("/other", new EndpointLimits(Limit.of(10, HOUR), null, null))));
    claim("stored-limits:GCRA");
    await(cache.invalidateTag("users"));
    claim("tag:users");
    Snapshot before = snapshot(redis.server());
    // users 2, rl 1, the lease, per algorithm: check, service, verify's token, ip and endpoint keys;
    // the stored limits; a tag version.
    assertThat(owners).as("every family populated").hasSize(3 + 1 + 3 * 5 + 1 + 1);
    assertThat(owners).containsEntry(P + ":rl:l:GCRA", "stored-limits:GCRA");

    for (String ns : NAMESPACES) {
      for (String key : KEYS) {
        attempt(() -> cacheClient.set(ns, key, "attack", HOUR));
        attempt(() -> cacheClient.get(ns, key));
        attempt(() -> cacheClient.getMany(ns, List.of(key, "*")));
        attempt(() -> cacheClient.setMany(ns, Map.of(key, "attack"), HOUR));
        attempt(() -> cacheClient.delete(ns, List.of(key)));
        attempt(() -> cacheClient.invalidate(ns, List.of(key)));
      }
      // Deletes ran last, so the namespace's own entries are gone again; write one to flush.
      attempt(() -> cacheClient.set(ns, "to-flush", "attack", HOUR));
      before = onlyOwnKeysChanged(before, "cache:" + ns, "cache operations on namespace " + ns);
      attempt(() -> cacheClient.flush(ns));
      before = onlyOwnKeysChanged(before, "cache:" + ns, "cache.flush of namespace " + ns);
    }
    assertThat(owners.values()).as("the hostile namespaces wrote entries of their own").contains("cache:*", "cache:c");

    for (int i = 0; i < TAGS.size(); i++) {
      String tag = TAGS.get(i);
      String key = "k" + i;
      attempt(() -> cacheClient.invalidateTag(tag));
      attempt(() -> cacheClient.setWith("tagged", key, "v", new WriteOptions().setTtl(HOUR).setTags(List.of(tag))));
      attempt(() -> cacheClient.get("tagged", key));
      before = onlyOwnKeysChanged(before, "tag:" + tag, "cache.invalidateTag and a tagged write of tag " + tag);
    }
    assertThat(owners).as("each hostile tag has a version key of its own").containsEntry(P + ":ct:*", "tag:*")
      .containsEntry(P + ":ct:c:users:42", "tag:c:users:42");

    for (String key : LIMITER_KEYS) {
      attempt(() -> limitClient.check(key, 10, HOUR));
      before = onlyOwnKeysChanged(before, "check:" + key, "ratelimit.check of " + key);
    }
    for (String endpoint : ENDPOINTS) {
      attempt(() -> limitClient.verifyAndLimit("token-1", "10.0.0.1", endpoint));
      attempt(() -> limitClient.verifyAndLimit(null, "10.0.0.1", endpoint));
      before = onlyOwnKeysChanged(before, "verify:" + endpoint, "ratelimit.verify of " + endpoint);
    }

    // The start-up permission probes' reserved keys: produced by no input above, and the probes touch nothing else.
    List<String> probeKeys = List.of(P + ":c::probe", P + ":cl::probe", P + ":cv::probe", P + ":rl:g:probe", P + ":rl:f:probe",
      P + ":rl:w:probe", P + ":rl:l::probe");
    assertThat(owners.keySet()).as("no public input produced a probe key").noneMatch(k -> k.endsWith("probe"))
      .doesNotContainAnyElementsOf(probeKeys);
    for (RateLimiter l : limiters) {
      await(l.verifyAccess());
    }
    await(cache.verifyAccess());
    before = onlyOwnKeysChanged(before, "probe", "the start-up permission probes");
    assertThat(owners.entrySet().stream().filter(e -> e.getValue().equals("probe")).map(Map.Entry::getKey).toList())
      .as("what the probes left, if it has not expired yet").allMatch(probeKeys::contains);

    slowLoad.complete("loaded");
    await(loading);
    await(cacheConsumers.unregister());
    await(limitConsumers.unregister());
    await(gateway.close());
  }

  @Test
  void limiterTextFieldsRefuseControlCharacters(Vertx vertx) {
    RedisGateway gateway = await(RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(redis.uri())).ready());
    RateLimiter limiter = RateLimiter.create(vertx, gateway);
    RateLimitConsumers consumers = await(RateLimitConsumers.register(vertx, limiter, ""));
    Snapshot before = snapshot(redis.server());
    for (String bad : List.of("a\r\nb", "\u0000", "\t", "x\u007f")) {
      ReplyException check = (ReplyException) failure(vertx.eventBus().request("ratelimit.check",
        new JsonObject().put("key", bad).put("limit", 10).put("windowMs", 60_000)));
      assertThat(check.failureCode()).isEqualTo(400);
      assertThat(check.getMessage()).startsWith("key: must not contain control characters");
      ReplyException verify = (ReplyException) failure(vertx.eventBus().request("ratelimit.verify",
        new JsonObject().put("ip", "10.0.0.1").put("endpoint", bad)));
      assertThat(verify.failureCode()).isEqualTo(400);
      assertThat(verify.getMessage()).startsWith("endpoint: must not contain control characters");
      assertThat(failure(limiter.serviceLimit(bad, 10, HOUR))).isInstanceOf(InvalidRequestException.class)
        .hasMessageStartingWith("service: must not contain control characters");
    }
    assertThat(snapshot(redis.server()).values()).as("nothing reached Redis").isEqualTo(before.values());
    await(consumers.unregister());
    await(gateway.close());
  }
}
