package dev.rediskit.eventbus.impl;

import dev.rediskit.eventbus.Addresses;
import dev.rediskit.eventbus.FailureCodes;
import dev.rediskit.ratelimit.Decision;
import dev.rediskit.ratelimit.Permit;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/** A permit taken through {@code ratelimit.acquire}: release and renew are messages to the limiter's node. */
final class RemotePermit implements Permit {

  private final Vertx vertx;
  private final String prefix;
  private final DeliveryOptions options;
  private final JsonObject json;
  private final AtomicReference<Future<Boolean>> released = new AtomicReference<>();

  RemotePermit(Vertx vertx, String prefix, DeliveryOptions options, JsonObject json) {
    this.vertx = vertx;
    this.prefix = prefix;
    this.options = options;
    this.json = json.copy();
  }

  @Override
  public boolean acquired() {
    return json.getBoolean("acquired", false);
  }

  @Override
  public String key() {
    return json.getString("key");
  }

  @Override
  public String id() {
    return json.getString("permitId");
  }

  @Override
  public int maxConcurrent() {
    return json.getInteger("maxConcurrent", 0);
  }

  @Override
  public int held() {
    return json.getInteger("held", 0);
  }

  @Override
  public long leaseTtlMs() {
    return json.getLong("leaseTtlMs", 0L);
  }

  @Override
  public long retryAfterMs() {
    return json.getLong("retryAfterMs", 0L);
  }

  @Override
  public Decision.Source source() {
    return Decision.Source.valueOf(json.getString("source", "REDIS"));
  }

  @Override
  public Future<Boolean> release() {
    if (id() == null) {
      return Future.succeededFuture(false);
    }
    Future<Boolean> done = released.get();
    if (done != null && !done.failed()) {
      return done;
    }
    Promise<Boolean> mine = Promise.promise();
    if (!released.compareAndSet(done, mine.future())) {
      return released.get();
    }
    send(Addresses.RATELIMIT_RELEASE, new JsonObject().put("key", key()).put("permitId", id()), "released").onComplete(mine);
    return mine.future();
  }

  @Override
  public Future<Boolean> renew(Duration leaseTtl) {
    if (id() == null || released.get() != null) {
      return Future.succeededFuture(false);
    }
    // Absent when null: the limiter's node refuses it, naming leaseTtlMs as for an acquire without one.
    return ClientArgs.built(() -> ClientArgs.putMillis(new JsonObject().put("key", key()).put("permitId", id()), "leaseTtlMs", leaseTtl),
      body -> send(Addresses.RATELIMIT_RENEW, body, "renewed"));
  }

  private Future<Boolean> send(String address, JsonObject body, String field) {
    return vertx.eventBus().<JsonObject>request(Addresses.of(prefix, address), body, options)
      .transform(ar -> ar.succeeded()
        ? Future.succeededFuture(ar.result().body().getBoolean(field, false))
        : Future.failedFuture(FailureCodes.fromReply(ar.cause())));
  }

  @Override
  public String toString() {
    return "Permit" + json.encode();
  }
}
