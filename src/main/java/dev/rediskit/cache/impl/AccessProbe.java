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
 * namespace is never empty) and no namespace flush matches; a lease taken and released on
 * {@code <keyPrefix>:cl::probe}, and a namespace version read on {@code <keyPrefix>:cv::probe}, so
 * that key patterns narrower than {@code ~<keyPrefix>:c*} are caught too. The keys live at most a
 * second, and the script deletes them at once; the version key is only read.
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
   * @return the probe's lease key, {@code <keyPrefix>:cl::probe}: no namespace is empty, so no load takes it
   */
  static String leaseKey(String keyPrefix) {
    return KeyFamily.CACHE_LEASE.start(keyPrefix) + ":probe";
  }

  /**
   * @param keyPrefix the module's key prefix
   * @return the version key the probe reads, {@code <keyPrefix>:cv::probe}: no namespace contains {@code ':'}
   */
  static String versionKey(String keyPrefix) {
    return KeyFamily.CACHE_NAMESPACE_VERSION.start(keyPrefix) + ":probe";
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
    String lease = leaseKey(prefix);
    String version = versionKey(prefix);
    List<String> keys = List.of(key, key, key, key, lease, lease, version);
    List<Future<Response>> probes = List.of(
      gateway.send(Request.cmd(Command.SET).arg(key).arg(value).arg("PX").arg(1000)),
      gateway.send(Request.cmd(Command.GET).arg(key)),
      gateway.send(Request.cmd(Command.MGET).arg(key)),
      gateway.eval(Leases.RELEASE_LEASE, List.of(key), List.of(value)),
      // A lease as a load takes it, and gives it back; a namespace's version as a read fetches it (never written:
      // an INCR would leave a key without expiry behind).
      gateway.send(Request.cmd(Command.SET).arg(lease).arg(value).arg("NX").arg("PX").arg(1000)),
      gateway.eval(Leases.RELEASE_LEASE, List.of(lease), List.of(value)),
      gateway.send(Request.cmd(Command.GET).arg(version)));
    return Future.join(probes).transform(ar -> {
      Set<String> refused = new LinkedHashSet<>();
      Set<String> on = new LinkedHashSet<>();
      RedisPermissionException first = null;
      for (int i = 0; i < probes.size(); i++) {
        Future<Response> f = probes.get(i);
        if (f.failed() && f.cause() instanceof RedisPermissionException rpe) {
          refused.add(rpe.getMessage());
          on.add(keys.get(i));
          first = first == null ? rpe : first;
        } else if (f.failed()) {
          LOG.debug("cache: the start-up permission probe could not run: " + f.cause().getMessage());
        }
      }
      if (first == null) {
        return Future.succeededFuture();
      }
      String what = String.join(" and ", refused.stream().map(RedisPermissionException::refused).distinct().toList());
      return Future.failedFuture(new RedisPermissionException(COMPONENT + ": Redis refuses " + what + " on " + String.join(", ", on) + " ("
        + String.join("; ", refused) + "); grant the ACL user " + grant(prefix), first));
    });
  }
}
