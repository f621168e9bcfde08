package dev.rediskit.cache.impl;

import dev.rediskit.client.RedisGateway;
import dev.rediskit.config.KeyFamily;
import dev.rediskit.error.RedisPermissionException;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache's start-up permission check: one pipelined burst of what the cache sends (a write, a
 * read, a batch read, and its lease-release script, which calls {@code GET} and {@code DEL}) on a
 * probe key inside its entry family, {@code <keyPrefix>:c::probe}, that no request can produce (a
 * namespace is never empty) and no namespace flush matches. The key lives at most a second, and the
 * script deletes it at once.
 */
final class AccessProbe {

  private static final Logger LOG = LoggerFactory.getLogger(dev.rediskit.cache.RedisCache.class);
  /** How the messages name the cache. */
  static final String COMPONENT = "cache";

  private AccessProbe() {
  }

  /**
   * @param keyPrefix the module's key prefix
   * @return the probe's key
   */
  static String key(String keyPrefix) {
    return KeyFamily.CACHE_ENTRY.start(keyPrefix) + ":probe";
  }

  /**
   * @param keyPrefix the module's key prefix
   * @return what the ACL user needs for the cache: its commands, those its scripts call, and its key families
   */
  static String grant(String keyPrefix) {
    return "+get +mget +set +unlink +scan +incr +evalsha +eval +del and the key pattern ~" + keyPrefix + ":c*";
  }

  /**
   * @param gateway the cache's gateway
   * @return failed with a {@link RedisPermissionException} when Redis refuses any of it, succeeded otherwise
   */
  static Future<Void> run(RedisGateway gateway) {
    String prefix = gateway.options().getKeyPrefix();
    String key = key(prefix);
    String value = "probe";
    List<Future<Response>> probes = List.of(
      gateway.send(Request.cmd(Command.SET).arg(key).arg(value).arg("PX").arg(1000)),
      gateway.send(Request.cmd(Command.GET).arg(key)),
      gateway.send(Request.cmd(Command.MGET).arg(key)),
      gateway.eval(Leases.RELEASE_LEASE, List.of(key), List.of(value)));
    return Future.join(probes).transform(ar -> {
      Set<String> refused = new LinkedHashSet<>();
      RedisPermissionException first = null;
      for (Future<Response> f : probes) {
        if (f.failed() && f.cause() instanceof RedisPermissionException rpe) {
          refused.add(rpe.getMessage());
          first = first == null ? rpe : first;
        } else if (f.failed()) {
          LOG.debug("cache: the start-up permission probe could not run: " + f.cause().getMessage());
        }
      }
      if (first == null) {
        return Future.succeededFuture();
      }
      String what = String.join(" and ", refused.stream().map(RedisPermissionException::refused).distinct().toList());
      return Future.failedFuture(new RedisPermissionException(COMPONENT + ": Redis refuses " + what + " on " + key + " ("
        + String.join("; ", refused) + "); grant the ACL user " + grant(prefix), first));
    });
  }
}
