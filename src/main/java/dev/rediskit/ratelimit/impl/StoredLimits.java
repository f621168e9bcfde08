package dev.rediskit.ratelimit.impl;

import dev.rediskit.client.RedisGateway;
import dev.rediskit.client.StandingRefusal;
import dev.rediskit.client.TrackingLink;
import dev.rediskit.config.KeyFamily;
import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.error.RedisPermissionException;
import dev.rediskit.ratelimit.EndpointLimits;
import dev.rediskit.ratelimit.InvalidLimitChangeException;
import dev.rediskit.ratelimit.Limit;
import dev.rediskit.ratelimit.LimitChange;
import dev.rediskit.ratelimit.RateLimitAdmin;
import dev.rediskit.ratelimit.RateLimitOptions.Algorithm;
import dev.rediskit.ratelimit.RateLimitStats.LimitChangeOutcome;
import dev.rediskit.ratelimit.RateLimiter;
import dev.rediskit.ratelimit.RateLimits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The limits of one limiter stored in Redis, one hash {@code <keyPrefix>:rl:l:<limiter name>}, and
 * this instance's copy of them in {@link RateLimits}. The copy follows the hash two ways: a tracking
 * link (Redis reports every write of the hash, by any client, within milliseconds) and a periodic
 * read every {@code limitsRefreshMs}, for a report lost with a connection. A read that fails keeps
 * the limits known last; the failure is logged when it starts and counted (a permission refusal as
 * a {@link StandingRefusal} of its own, on the health board).
 */
final class StoredLimits implements RateLimitAdmin, TrackingLink.Listener {

  private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);

  private final RedisGateway gateway;
  private final Vertx vertx;
  private final String limiter;
  private final String key;
  private final RateLimits limits;
  private final Algorithm algorithm;
  private final Counters counters;
  private final long timer;
  private final long linkWatch;
  private final TrackingLink link;
  /**
   * Whether a read was sent since the link last confirmed: a change written before the link
   * (re)subscribed is reported by no one, so each confirmation is followed by one read.
   */
  private volatile boolean readSinceConfirmed;
  /** Reads are numbered as they are sent; an older one finishing later never overwrites a newer one. */
  private final AtomicLong readsSent = new AtomicLong();
  private final AtomicLong readApplied = new AtomicLong();
  private final LongAdder refreshes = new LongAdder();
  private volatile long version = -1;
  private volatile long lastReadNanos;
  private volatile String lastError;
  private volatile boolean failing;
  /** A standing refusal of the reads: a component of its own, since decisions may well be allowed meanwhile. */
  private final StandingRefusal refusal;

  StoredLimits(Vertx vertx, RedisGateway gateway, String limiter, RateLimits limits, Algorithm algorithm, long refreshMs,
               Counters counters) {
    this.vertx = vertx;
    this.gateway = gateway;
    this.limiter = limiter;
    this.key = KeyFamily.RATE_LIMIT_LIMITS.start(gateway.options().getKeyPrefix()) + limiter;
    this.limits = limits;
    this.algorithm = algorithm;
    this.counters = counters;
    this.refusal = new StandingRefusal(AccessProbe.component(limiter) + " (stored limits)",
      "+evalsha +eval +hgetall +hget +hset +hdel +time +client and the key pattern ~" + gateway.options().getKeyPrefix() + ":rl:*",
      gateway.refusals(), LOG, "The limits read last stay in force", "Redis serves the stored limits again", System::nanoTime);
    this.link = gateway.track(List.of(key), this);
    this.timer = vertx.setPeriodic(refreshMs, id -> refresh());
    // Checked at the link's own heartbeat: one volatile read and the link's state, nothing sent.
    this.linkWatch = vertx.setPeriodic(TrackingLink.HEARTBEAT_MS, id -> {
      if (!readSinceConfirmed && link.state() == TrackingLink.State.CONFIRMED) {
        readSinceConfirmed = true;
        refresh();
      }
    });
    refresh();
  }

  /** @return the hash holding this limiter's stored limits */
  String key() {
    return key;
  }

  @Override
  public void invalidated(String changed) {
    if (changed.equals(key)) {
      refresh();
    }
  }

  @Override
  public void flushed(TrackingLink.FlushCause cause) {
    // A change may have gone unreported: read again now (if Redis is away, the periodic read
    // retries), and once more when the link confirms again.
    if (cause != TrackingLink.FlushCause.CLOSED) {
      readSinceConfirmed = false;
      refresh();
    }
  }

  @Override
  public Future<Long> apply(LimitChange change) {
    List<String> problems = change == null ? List.of("change: is required") : change.problems(algorithm);
    if (!problems.isEmpty()) {
      counters.limitChange(LimitChangeOutcome.REFUSED);
      LOG.warn("rate limiter {}: limit change refused, nothing applied: {}", limiter, String.join("; ", problems));
      return Future.failedFuture(new InvalidLimitChangeException(problems));
    }
    List<String> sets = new ArrayList<>();
    List<String> deletes = new ArrayList<>();
    change.endpoints().forEach((n, l) -> entry(sets, deletes, "e:" + n, l == null ? null : l.toJson().encode()));
    change.services().forEach((n, l) -> entry(sets, deletes, "s:" + n, l == null ? null : l.toString()));
    change.plans().forEach((n, l) -> entry(sets, deletes, "p:" + n, l == null ? null : l.toString()));
    List<String> args = new ArrayList<>(1 + sets.size() + deletes.size());
    args.add(Integer.toString(sets.size() / 2));
    args.addAll(sets);
    args.addAll(deletes);
    return gateway.eval(Scripts.LIMITS_APPLY, List.of(key), args).map(Response::toLong)
      .onFailure(err -> {
        counters.limitChange(LimitChangeOutcome.FAILED);
        LOG.warn("rate limiter {}: limit change not applied, Redis failed: {}", limiter, err.getMessage());
      })
      .compose(v -> {
        counters.limitChange(LimitChangeOutcome.APPLIED);
        LOG.info("rate limiter {}: limits changed to version {}: {}", limiter, v, change.toJson().encode());
        // This instance enforces the change at once; the write itself stands even if this read fails.
        return refresh().transform(ar -> Future.succeededFuture(v));
      });
  }

  private static void entry(List<String> sets, List<String> deletes, String field, String value) {
    if (value == null) {
      deletes.add(field);
    } else {
      sets.add(field);
      sets.add(value);
    }
  }

  @Override
  public Future<JsonObject> stored() {
    return read().map(Read::toJson);
  }

  @Override
  public Future<Void> refresh() {
    long seq = readsSent.incrementAndGet();
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    read().onComplete(ar -> onGatewayContext(() -> {
      refreshes.increment();
      if (ar.succeeded()) {
        refusal.answered();
        install(seq, ar.result());
        done.complete();
      } else {
        counters.limitRefreshFailed();
        if (seq < readApplied.get()) {
          // A newer read has already succeeded: this older one's failure says nothing about now.
          done.fail(ar.cause());
          return;
        }
        lastError = ar.cause().getMessage();
        if (ar.cause() instanceof RedisPermissionException rpe) {
          // Counted as any failed read, and loud on its own (ERROR lines, the health board) as a refused decision is.
          refusal.refused(rpe);
        } else if (!failing) {
          failing = true;
          LOG.warn("rate limiter {}: cannot read the stored limits, keeping the last known (version {}): {}", limiter,
            version, lastError);
        }
        done.fail(ar.cause());
      }
    }));
    return done.future();
  }

  /** Installs run one at a time on the gateway's context, so that no lock orders them. */
  private void onGatewayContext(Runnable task) {
    io.vertx.core.Context context = gateway.context();
    if (Vertx.currentContext() == context) {
      task.run();
    } else {
      context.runOnContext(v -> task.run());
    }
  }

  private void install(long seq, Read r) {
    if (seq < readApplied.get()) {
      return;
    }
    readApplied.set(seq);
    if (r.version != version) {
      limits.replaceStored(r.endpoints, r.services, r.plans);
      if (version >= 0 || r.version > 0) {
        LOG.info("rate limiter {}: stored limits version {} in force", limiter, r.version);
      }
      version = r.version;
    }
    lastReadNanos = System.nanoTime();
    if (failing) {
      failing = false;
      LOG.info("rate limiter {}: stored limits read again", limiter);
    }
    if (!r.problems.isEmpty()) {
      lastError = "entries skipped: " + String.join("; ", r.problems);
      LOG.warn("rate limiter {}: stored limits version {}: {}", limiter, r.version, lastError);
    } else {
      lastError = null;
    }
  }

  private Future<Read> read() {
    return gateway.eval(Scripts.LIMITS_READ, List.of(key), List.of()).map(Read::parse);
  }

  /** What one read found: the entries, and those that could not be read (written by hand, or by a newer version). */
  record Read(long version, Map<String, EndpointLimits> endpoints, Map<String, Limit> services, Map<String, Limit> plans,
              List<String> problems) {

    static Read parse(Response flat) {
      long version = 0;
      Map<String, EndpointLimits> endpoints = new LinkedHashMap<>();
      Map<String, Limit> services = new LinkedHashMap<>();
      Map<String, Limit> plans = new LinkedHashMap<>();
      List<String> problems = new ArrayList<>();
      for (int i = 0; i + 1 < flat.size(); i += 2) {
        String field = flat.get(i).toString();
        String value = flat.get(i + 1).toString();
        try {
          if (field.equals("v")) {
            version = Long.parseLong(value);
          } else if (field.startsWith("e:")) {
            endpoints.put(field.substring(2), EndpointLimits.fromJson(new JsonObject(value)));
          } else if (field.startsWith("s:")) {
            services.put(field.substring(2), Limit.parse(value));
          } else if (field.startsWith("p:")) {
            plans.put(field.substring(2), Limit.parse(value));
          } else {
            problems.add(field + ": unknown field");
          }
        } catch (InvalidRequestException | io.vertx.core.json.DecodeException | NumberFormatException e) {
          problems.add(field + ": " + e.getMessage());
        }
      }
      return new Read(version, endpoints, services, plans, problems);
    }

    JsonObject toJson() {
      JsonObject e = new JsonObject();
      endpoints.forEach((n, l) -> e.put(n, l.toJson()));
      JsonObject s = new JsonObject();
      services.forEach((n, l) -> s.put(n, l.toString()));
      JsonObject p = new JsonObject();
      plans.forEach((n, l) -> p.put(n, l.toString()));
      return new JsonObject().put("version", version).put("endpoints", e).put("services", s).put("plans", p);
    }
  }

  @Override
  public JsonObject status() {
    JsonObject e = new JsonObject();
    limits.endpoints().forEach((n, l) -> e.put(n, l.toJson()));
    JsonObject s = new JsonObject();
    limits.services().forEach((n, l) -> s.put(n, l.toString()));
    JsonObject p = new JsonObject();
    limits.plans().forEach((n, l) -> p.put(n, l.toString()));
    long read = lastReadNanos;
    JsonObject status = new JsonObject()
      .put("version", version)
      .put("lastReadAgoMs", read == 0 ? null : (System.nanoTime() - read) / 1_000_000)
      .put("refreshes", refreshes.sum())
      .put("refreshFailures", counters.limitRefreshFailures())
      .put("changes", new JsonObject()
        .put("applied", counters.limitChanges(LimitChangeOutcome.APPLIED))
        .put("refused", counters.limitChanges(LimitChangeOutcome.REFUSED))
        .put("failed", counters.limitChanges(LimitChangeOutcome.FAILED)))
      .put("link", link.state().name())
      .put("effective", new JsonObject().put("endpoints", e).put("services", s).put("plans", p));
    if (lastError != null) {
      status.put("lastError", lastError);
    }
    return status;
  }

  Future<Void> close() {
    vertx.cancelTimer(timer);
    vertx.cancelTimer(linkWatch);
    return link.close();
  }
}
