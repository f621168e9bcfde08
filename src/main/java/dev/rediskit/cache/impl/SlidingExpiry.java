package dev.rediskit.cache.impl;

import dev.rediskit.client.RedisGateway;
import dev.rediskit.client.Script;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.List;

/**
 * Sliding expiry (time to idle): the read of an entry that also moves its Redis expiry to
 * {@code min(now + idle, freshUntil)}, in the same round trip. {@code GETEX PX} cannot do it: it
 * would move the expiry past the entry's maximum age, which only the header knows
 * ({@code freshUntil}, the write time plus the entry's TTL). So a script reads the value, takes
 * {@code freshUntil} from bytes 2..9 of the header, and extends the key only when that lengthens
 * its current life: an entry written without sliding (or one already past its maximum age, that is
 * stale) is never shortened or revived. One key per call, so it runs on any cluster node; only
 * Redis 2.6+ commands (GET, TIME, PTTL, PEXPIREAT), so it works on Redis 6.2.
 *
 * <p>Writes of a sliding entry set {@code PX min(idle, ttl)}: without reads it is gone after the idle
 * time, with reads at its maximum age at the latest. It has no stale window (see docs/CACHING.md).
 */
final class SlidingExpiry {

  /**
   * KEYS[1] the entry; ARGV[1] the reader's epoch ms; ARGV[2] the idle TTL in ms. Returns the value
   * (nil when absent). The header's first byte is the format version (1, 2 or 3 share bytes 0..21);
   * an unknown one is left alone. The new deadline is absolute ({@code PEXPIREAT}), from the reader's
   * clock like {@code freshUntil}, so the time the call spends in transit never carries it past the
   * maximum age; it is compared with the key's current deadline on Redis' clock ({@code TIME} +
   * {@code PTTL}), so a read only ever lengthens a life. {@code TIME} before a write needs effects
   * replication of scripts, the default since Redis 5.
   */
  static final Script READ_AND_SLIDE = Script.of(
    "local v = redis.call('get', KEYS[1])\n"
      + "if not v then return false end\n"
      + "local f = string.byte(v, 1)\n"
      + "if #v < 22 or f < 1 or f > 3 then return v end\n"
      + "local fresh = 0\n"
      + "for i = 3, 10 do fresh = fresh * 256 + string.byte(v, i) end\n"
      + "local at = math.min(tonumber(ARGV[1]) + tonumber(ARGV[2]), fresh)\n"
      + "local t = redis.call('time')\n"
      + "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"
      + "if at > now and at > now + redis.call('pttl', KEYS[1]) then redis.call('pexpireat', KEYS[1], at) end\n"
      + "return v\n");

  private SlidingExpiry() {
  }

  /**
   * @param gateway the gateway
   * @param rk the entry's Redis key
   * @param idleMs the idle TTL, 0 for a plain read
   * @return the GET reply (a {@code null} response for no entry)
   */
  static Future<Response> read(RedisGateway gateway, String rk, long idleMs) {
    if (idleMs <= 0) {
      return gateway.send(Request.cmd(Command.GET).arg(rk));
    }
    return gateway.eval(READ_AND_SLIDE, List.of(rk), List.of(Long.toString(System.currentTimeMillis()), Long.toString(idleMs)));
  }

  /**
   * @param ttlMs the entry's (jittered) fresh lifetime, its maximum age
   * @param staleMs its stale window when not sliding
   * @param idleMs the idle TTL, 0 when not sliding
   * @return the PX of its write
   */
  static long writePx(long ttlMs, long staleMs, long idleMs) {
    return idleMs > 0 ? Math.min(idleMs, ttlMs) : ttlMs + staleMs;
  }
}
