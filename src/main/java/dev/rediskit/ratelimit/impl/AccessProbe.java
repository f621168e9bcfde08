package dev.rediskit.ratelimit.impl;

import dev.rediskit.client.PermissionRefusals;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.client.StandingRefusal;
import dev.rediskit.error.RedisPermissionException;
import dev.rediskit.ratelimit.Limit;
import dev.rediskit.ratelimit.RateLimitOptions.FailurePolicy;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The limiter's start-up permission check ({@link dev.rediskit.ratelimit.RateLimiter#verifyAccess()}): its decision
 * script sent as {@code EVAL} and as {@code EVALSHA}, pipelined, on the probe key of its family
 * ({@link LimiterKeys#probe()}), with a limit of 3 per second, so that the key lives at most a window; for GCRA
 * the whole-millisecond script runs after them, which reads the state with {@code PTTL} (the other script calls
 * it only on a key that one wrote). A limiter with stored limits also reads them on a probe key of their family,
 * {@link LimiterKeys#limitsProbe}: a read, which writes nothing.
 */
final class AccessProbe {

  private static final Logger LOG = LoggerFactory.getLogger(dev.rediskit.ratelimit.RateLimiter.class);

  private AccessProbe() {
  }

  /** @return how the log and the health check name a limiter */
  static String component(String name) {
    return "rate limiter " + name;
  }

  /**
   * A standing refusal of one of the limiter's parts (decisions, permits): while it lasts the failure
   * policy answers, logged under the limiter's logger.
   *
   * @param component how the log and the health check name the part
   * @param policy the failure policy that answers meanwhile
   * @param grant what the ACL user needs
   * @param board the gateway's board
   * @return the refusal, not standing
   */
  static StandingRefusal refusal(String component, FailurePolicy policy, String grant, PermissionRefusals board) {
    return new StandingRefusal(component, grant, board, LOG, "The " + policy + " failure policy decides",
      "Redis runs the limiter's commands again", System::nanoTime);
  }

  /** @return what the ACL user needs for the limiter's decisions: the commands it sends and its scripts call, and its keys */
  static String grant(String keyPrefix) {
    return grant(keyPrefix, false);
  }

  /**
   * @param keyPrefix the module's key prefix
   * @param storedLimits whether the limiter keeps stored limits ({@code runtimeLimits}), whose reads call {@code HGETALL}
   * @return what the ACL user needs for the limiter's decisions, and its stored limits' reads if asked
   */
  static String grant(String keyPrefix, boolean storedLimits) {
    return "+evalsha +eval +time +get +set +pttl" + (storedLimits ? " +hgetall" : "") + " and the key pattern ~" + keyPrefix
      + ":rl:*";
  }

  private static Request evalOf(Call call, String key) {
    Request eval = Request.cmd(Command.EVAL).arg(call.script.script().source()).arg(1).arg(key);
    for (String a : call.script.args(call)) {
      eval.arg(a);
    }
    return eval;
  }

  /**
   * @param gateway the limiter's gateway
   * @param name the limiter's name
   * @param probe the probe key of its decisions
   * @param scripts the limiter's scripts
   * @param limitsProbe the probe key of its stored limits ({@link LimiterKeys#limitsProbe}), or {@code null} when it
   *     keeps none ({@code runtimeLimits} off)
   * @return failed with a {@link RedisPermissionException} when Redis refuses any of it, succeeded otherwise
   */
  static Future<Void> run(RedisGateway gateway, String name, String probe, AlgorithmScripts scripts, String limitsProbe) {
    // 3 per second: for GCRA an emission interval of no whole milliseconds, so the script that calls every command.
    Limit[] ls = {Limit.of(3, Duration.ofSeconds(1))};
    Call call = new Call(new String[] {probe}, ls, new String[] {"probe"}, 1, false, scripts.forLimits(ls));
    List<Future<Response>> probes = new ArrayList<>();
    // EVAL first: a script another client loaded already would never have this user's EVAL checked.
    probes.add(gateway.send(evalOf(call, probe)));
    probes.add(gateway.eval(call.script.script(), List.of(probe), call.script.args(call)));
    // 1 per second: whole milliseconds. Where that is a script of its own (GCRA's, which reads its state with the PTTL
    // the other calls only on a key it wrote), it runs too. Last, and over the limit of what the others left, so that
    // it writes nothing: the key still expires when their state does.
    Limit[] whole = {Limit.of(1, Duration.ofSeconds(1))};
    LimiterScript wholeScript = scripts.forLimits(whole);
    if (wholeScript != call.script) {
      probes.add(gateway.send(evalOf(new Call(new String[] {probe}, whole, new String[] {"probe"}, 1, false, wholeScript),
        probe)));
    }
    if (limitsProbe != null) {
      probes.add(gateway.eval(Scripts.LIMITS_READ, List.of(limitsProbe), List.of()));
    }
    return Future.join(probes).transform(ar -> {
      Set<String> refused = new LinkedHashSet<>();
      RedisPermissionException first = null;
      for (Future<Response> f : probes) {
        if (f.failed() && f.cause() instanceof RedisPermissionException rpe) {
          refused.add(rpe.getMessage());
          first = first == null ? rpe : first;
        } else if (f.failed()) {
          // Unavailable, too slow, another error: the failure policy's case, not a refusal; decisions will say more.
          LOG.debug("rate limiter " + name + ": the start-up permission probe could not run: " + f.cause().getMessage());
        }
      }
      if (first == null) {
        return Future.succeededFuture();
      }
      String what = String.join(" and ", refused.stream().map(RedisPermissionException::refused).distinct().toList());
      return Future.failedFuture(new RedisPermissionException(component(name) + ": Redis refuses " + what + " on " + probe
        + (limitsProbe == null ? "" : " or " + limitsProbe) + " (" + String.join("; ", refused) + "); grant the ACL user "
        + grant(gateway.options().getKeyPrefix(), limitsProbe != null), first));
    });
  }
}
