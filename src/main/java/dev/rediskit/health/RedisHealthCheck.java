package dev.rediskit.health;

import dev.rediskit.client.RedisGateway;
import dev.rediskit.health.impl.RedisHealthCheckImpl;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;

/**
 * The Redis health procedure, for vertx-health-check: register it into your {@link HealthChecks}
 * ({@link #register(HealthChecks)}), or take a ready-made one ({@link #healthChecks()}).
 *
 * <p>Each run sends {@code PING} (timed), {@code INFO}, and per topology {@code CLUSTER INFO} and
 * {@code CLUSTER NODES} (cluster) or {@code CLIENT INFO} (Sentinel: which node the connection
 * reached) through the gateway, pipelined, and reports:
 * <ul>
 *   <li><b>DOWN</b> when PING fails or does not answer within {@link HealthOptions#getTimeoutMs()}
 *       (whatever the gateway's own command timeout), when a cluster's {@code cluster_state} is not
 *       {@code ok}, or when a Sentinel client meant for the master reached a replica;</li>
 *   <li><b>UP</b> otherwise, with {@code data.degraded = true} and the reasons when the breaker is
 *       half-open, PING is slower than {@link HealthOptions#getSlowPingMs()}, or a cluster master is
 *       failed or suspected, or slots are not all assigned and ok.</li>
 * </ul>
 * A run never fails and never hangs: a Redis that does not answer is a DOWN status within the
 * timeout, so that {@code HealthCheckHandler} answers 503 rather than 500.
 *
 * <p>With {@link HealthOptions.Detail#FULL} the status data holds the PING time, server version,
 * role, topology, memory, clients, breaker, connection and queue state; with
 * {@link HealthOptions.Detail#MINIMAL} it holds nothing. Either way no credential ever appears:
 * endpoints are shown through {@link dev.rediskit.config.Redaction#redact(String)} and every string
 * is scrubbed of the password.
 *
 * <p>The checks run on the caller's context and never block it.
 */
public interface RedisHealthCheck extends Handler<Promise<Status>> {

  /** The procedure's name in a {@link HealthChecks}, hence the {@code redis} of {@code /health/redis}. */
  String DEFAULT_NAME = "redis";

  /**
   * Added to the procedure's own timeout when it is registered into a {@link HealthChecks}: that
   * registry fails a procedure still running at its deadline as an execution failure (HTTP 500),
   * while a Redis that does not answer must come out as a plain DOWN (HTTP 503) from the procedure
   * itself, which therefore has to finish first.
   */
  long REGISTRATION_SLACK_MS = 500;

  /**
   * @param vertx the Vert.x instance (timers)
   * @param gateway the gateway to check through
   * @param options the health settings (copied)
   * @return the procedure
   * @throws dev.rediskit.config.ConfigurationException when the options are invalid
   */
  static RedisHealthCheck create(Vertx vertx, RedisGateway gateway, HealthOptions options) {
    return new RedisHealthCheckImpl(vertx, gateway, options);
  }

  /**
   * Uses the gateway's own {@code health} settings.
   *
   * @param vertx the Vert.x instance (timers)
   * @param gateway the gateway to check through
   * @return the procedure
   */
  static RedisHealthCheck create(Vertx vertx, RedisGateway gateway) {
    HealthOptions section = gateway.options().section(HealthOptions.class);
    return create(vertx, gateway, section != null ? section : new HealthOptions());
  }

  /**
   * Runs the check once.
   *
   * @return the status, UP or DOWN; never failed, completed within {@link HealthOptions#getTimeoutMs()}
   */
  Future<Status> check();

  /**
   * Runs the check once and renders it as {@code HealthCheckHandler} renders one procedure:
   * {@code {"id": "redis", "status": "UP"|"DOWN", "data": {...}, "outcome": ...}} (no {@code data}
   * at MINIMAL detail). The event-bus consumer replies this, the {@code /health/redis} route answers it.
   *
   * @return the JSON; never failed
   */
  Future<JsonObject> checkAsJson();

  /**
   * The procedure itself, as vertx-health-check calls it: completes the promise with the status
   * of {@link #check()}.
   *
   * @param promise completed with the status, never failed
   */
  @Override
  void handle(Promise<Status> promise);

  /**
   * Registers the procedure as {@value #DEFAULT_NAME}, with a registry timeout of
   * {@link #registrationTimeoutMs()}.
   *
   * @param checks the registry
   * @return the registry
   */
  HealthChecks register(HealthChecks checks);

  /**
   * Registers the procedure under a name of your choice (e.g. {@code "cache-redis"}, or
   * {@code "dependencies/redis"} to nest it), with a registry timeout of {@link #registrationTimeoutMs()}.
   *
   * @param checks the registry
   * @param name the procedure name
   * @return the registry
   */
  HealthChecks register(HealthChecks checks, String name);

  /** @return a new {@link HealthChecks} with this procedure registered as {@value #DEFAULT_NAME} */
  HealthChecks healthChecks();

  /** @return the timeout to register the procedure with: its own timeout plus {@link #REGISTRATION_SLACK_MS} */
  long registrationTimeoutMs();

  /** @return the settings in use */
  HealthOptions options();

  /** @return the outcome of the latest completed run, or {@code null} before the first */
  HealthSnapshot lastSnapshot();
}
