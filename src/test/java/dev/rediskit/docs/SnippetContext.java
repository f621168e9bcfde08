package dev.rediskit.docs;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.cache.CacheCodec;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.health.RedisHealthCheck;
import dev.rediskit.metrics.RedisKitMetrics;
import dev.rediskit.ratelimit.RateLimiter;
import dev.rediskit.web.RateLimitHandler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;

import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * What the documentation's snippets use without defining it: the application's Vert.x instance,
 * gateway, router and so on, declared once so that each snippet region compiles as a reader would
 * paste it. The snippet classes extend this one; their code is compiled, never run.
 *
 * <p>A snippet that declares one of these names itself (a local variable) shadows the field, as it
 * would shadow the reader's own.
 */
abstract class SnippetContext {

  /** A user profile, as an application would map it (public fields: Vert.x JSON mapping, Jackson). */
  public static final class User {
    /** Its id. */
    public String id;
    /** Its name. */
    public String name;
  }

  /** Some other value type, with a codec of the application's own. */
  public static final class Proto {
  }

  /** The application's non-blocking data access. */
  interface UserStore {
    Future<User> findUser(String id);

    Future<User> findUser(long id);

    Future<Map<String, User>> findUsers(List<String> ids);
  }

  /** The application's blocking data access (JDBC, say). */
  interface BlockingUserStore {
    User findUser(String id);

    JsonObject findOrder(String id);
  }

  /** Some service of the application whose answers are worth caching. */
  interface PricingService {
    Future<Double> quote(Long id);
  }

  Vertx vertx;
  RedisKitOptions options;
  RedisGateway gateway;
  RedisCache cache;
  RateLimiter limiter;
  RedisHealthCheck healthCheck;
  RedisKitMetrics metrics;
  Router router;
  JsonObject config;
  HealthChecks myHealthChecks;
  RateLimitHandler rateLimitHandler;
  String token;
  String ip;
  String clientIp;
  UserStore db;
  BlockingUserStore jdbc;
  CacheCodec<Proto> myCodec;
  Logger log;
  PricingService pricing;
  List<String> hotIds;
  java.time.Duration ttl;
  String prefix;
}
