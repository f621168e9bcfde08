package dev.rediskit.health.impl;

import dev.rediskit.client.RedisGateway;
import dev.rediskit.health.HealthOptions;
import dev.rediskit.health.HealthSnapshot;
import dev.rediskit.health.RedisHealthCheck;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the health commands through the gateway and races them against the health timeout.
 *
 * <p>Each run lives on one context (the caller's, or a fresh one for a caller outside Vert.x): the
 * replies and the deadline timer all arrive there, so a run's state needs no locking.
 */
public class RedisHealthCheckImpl implements RedisHealthCheck {

  private static final Logger LOG = LoggerFactory.getLogger(RedisHealthCheck.class);
  private static final String PING = "PING";

  private final Vertx vertx;
  private final RedisGateway gateway;
  private final HealthOptions options;
  private volatile HealthSnapshot last;

  /**
   * @param vertx the Vert.x instance
   * @param gateway the gateway to check through
   * @param options the settings (copied, then validated)
   */
  public RedisHealthCheckImpl(Vertx vertx, RedisGateway gateway, HealthOptions options) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.gateway = Objects.requireNonNull(gateway, "gateway");
    this.options = new HealthOptions(Objects.requireNonNull(options, "options")).validate();
  }

  @Override
  public Future<Status> check() {
    // The caller's callbacks run on the caller's context, whichever thread finishes the check.
    Context ctx = vertx.getOrCreateContext();
    Promise<Status> done = Promise.promise();
    Promise<Status> result = Promise.promise();
    done.future().onComplete(ar -> {
      if (Vertx.currentContext() == ctx) {
        result.handle(ar);
      } else {
        ctx.runOnContext(v -> result.handle(ar));
      }
    });
    ctx.runOnContext(v -> new Run(done).start());
    return result.future();
  }

  @Override
  public Future<JsonObject> checkAsJson() {
    return check().map(status -> CheckResult.from(DEFAULT_NAME, status).toJson());
  }

  @Override
  public void handle(Promise<Status> promise) {
    check().onComplete(promise);
  }

  @Override
  public HealthChecks register(HealthChecks checks) {
    return register(checks, DEFAULT_NAME);
  }

  @Override
  public HealthChecks register(HealthChecks checks, String name) {
    return checks.register(name, registrationTimeoutMs(), this);
  }

  @Override
  public HealthChecks healthChecks() {
    return register(HealthChecks.create(vertx));
  }

  @Override
  public long registrationTimeoutMs() {
    return options.getTimeoutMs() + REGISTRATION_SLACK_MS;
  }

  @Override
  public HealthOptions options() {
    return options;
  }

  @Override
  public HealthSnapshot lastSnapshot() {
    return last;
  }

  /** One run: the commands in flight, the report they fill, and the deadline. */
  private final class Run {
    private final Promise<Status> result;
    private final HealthReport report = new HealthReport(gateway.options(), options.getSlowPingMs());
    private final Set<String> outstanding = new LinkedHashSet<>();
    private final long start = System.nanoTime();
    private long timer = -1;
    private boolean done;

    Run(Promise<Status> result) {
      this.result = result;
    }

    void start() {
      try {
        // The gateway's command timeout may be longer than ours: our deadline decides.
        timer = vertx.setTimer(options.getTimeoutMs(), id -> expire());
        long pingStart = System.nanoTime();
        send(PING, Request.cmd(Command.PING),
          r -> report.ping((System.nanoTime() - pingStart) / 1_000_000.0));
        send("INFO", Request.cmd(Command.INFO), r -> report.info(r.toString()));
        if (gateway.type() == RedisClientType.CLUSTER) {
          send("CLUSTER INFO", Request.cmd(Command.CLUSTER).arg("INFO"), r -> report.clusterInfo(r.toString()));
          send("CLUSTER NODES", Request.cmd(Command.CLUSTER).arg("NODES"), r -> report.clusterNodes(r.toString()));
        } else if (gateway.type() == RedisClientType.SENTINEL) {
          send("CLIENT INFO", Request.cmd(Command.CLIENT).arg("INFO"), r -> report.clientInfo(r.toString()));
        }
      } catch (RuntimeException e) {
        report.pingFailed("health check could not start: " + describe(e));
        finish();
      }
    }

    private void send(String name, Request request, Consumer<Response> onReply) {
      outstanding.add(name);
      gateway.send(request).onComplete(ar -> replied(name, ar, onReply));
    }

    private void replied(String name, AsyncResult<Response> ar, Consumer<Response> onReply) {
      if (done) {
        return;
      }
      outstanding.remove(name);
      if (ar.succeeded() && ar.result() != null) {
        try {
          onReply.accept(ar.result());
        } catch (RuntimeException e) {
          // An unexpected reply format must not cost the answer: note it and go on.
          report.missing(name, "unreadable reply: " + describe(e));
        }
      } else {
        String why = ar.succeeded() ? "empty reply" : describe(ar.cause());
        if (name.equals(PING)) {
          // Named like a PING that timed out, so that every DOWN of a failed PING reads the same way.
          report.pingFailed("PING: " + why);
        } else {
          report.missing(name, why);
        }
      }
      if (outstanding.isEmpty()) {
        finish();
      }
    }

    private void expire() {
      if (done) {
        return;
      }
      String late = "no reply within " + options.getTimeoutMs() + " ms (health.timeoutMs)";
      for (String name : outstanding) {
        if (name.equals(PING)) {
          report.pingFailed("PING: " + late);
        } else {
          report.missing(name, late);
        }
      }
      finish();
    }

    private void finish() {
      if (done) {
        return;
      }
      done = true;
      if (timer != -1) {
        vertx.cancelTimer(timer);
      }
      Status status;
      try {
        report.gateway(gateway.status());
        report.refusals(gateway.refusals().standing());
        report.elapsed(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        last = report.snapshot(System.currentTimeMillis());
        status = report.toStatus(options.getDetail());
      } catch (RuntimeException e) {
        // Whatever went wrong, the caller gets a DOWN, never a hanging or failed procedure.
        LOG.warn("Redis health check failed unexpectedly", e);
        last = new HealthSnapshot(false, false, Double.NaN, System.currentTimeMillis());
        status = Status.KO();
      }
      result.tryComplete(status);
    }
  }

  private static String describe(Throwable t) {
    String message = t.getMessage();
    return message == null || message.isEmpty() ? t.getClass().getSimpleName() : message;
  }
}
