package dev.rediskit.eventbus.impl;

import dev.rediskit.cache.NearCacheTracking;
import dev.rediskit.eventbus.Addresses;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The cache service's side of the event-bus clients' near caches: relays every change its cache's
 * tracking learns of to {@link Addresses#CACHE_INVALIDATIONS}, numbered, and publishes a heartbeat
 * that vouches for the stream (see docs/CACHING.md, "Near cache for event-bus clients").
 *
 * <p>Everything runs on the context it was started on: changes learned on another thread hop to it
 * in the order they came, so the numbering and the order of publication agree. The keys of one
 * event-loop turn leave in one message per namespace; a flush or heartbeat sends them first.
 */
final class InvalidationPublisher implements NearCacheTracking.Listener {

  private final Context context;
  private final EventBus eventBus;
  private final String address;
  private final Consumer<String> versionRefresh;
  private final NearCacheTracking tracking;
  private final String service = UUID.randomUUID().toString();
  private final JsonArray namespaces;
  private final long timer;
  /** Keys waiting for the end of the turn, by namespace. */
  private final Map<String, List<String>> pending = new LinkedHashMap<>();
  private boolean drainScheduled;
  private boolean closed;
  private long seq;

  /**
   * Starts publishing on the current context.
   *
   * @param context the context of the cache service's consumers
   * @param prefix the address prefix
   * @param versionRefresh refreshes a namespace's version when it is due ({@code cache.namespace(ns).version()})
   * @param tracking the cache's tracking
   */
  InvalidationPublisher(Context context, String prefix, Consumer<String> versionRefresh, NearCacheTracking tracking) {
    this.context = context;
    Vertx vertx = context.owner();
    this.eventBus = vertx.eventBus();
    this.address = Addresses.of(prefix, Addresses.CACHE_INVALIDATIONS);
    this.versionRefresh = versionRefresh;
    this.tracking = tracking;
    this.namespaces = new JsonArray(new ArrayList<>(tracking.namespaces()));
    tracking.addListener(this);
    // Created on the service's context, so the timer fires on it too.
    this.timer = vertx.setPeriodic(Addresses.NEAR_HEARTBEAT_MS, id -> heartbeat());
  }

  /** @return the id this service instance publishes under, and puts in its {@code cache.get} replies */
  String service() {
    return service;
  }

  /**
   * @param namespace a namespace
   * @return whether this service relays the changes of that namespace
   */
  boolean tracks(String namespace) {
    return tracking.namespaces().contains(namespace);
  }

  /** Stops: clients hear a last flush, so that they stop trusting this instance at once. */
  void close() {
    onContext(() -> {
      if (closed) {
        return;
      }
      tracking.removeListener(this);
      context.owner().cancelTimer(timer);
      publish(numbered("flush").put("cause", "closed"));
      closed = true;
    });
  }

  // ---------------------------------------------------------------- from the tracking

  @Override
  public void invalidated(String namespace, String key) {
    onContext(() -> {
      if (closed) {
        return;
      }
      pending.computeIfAbsent(namespace, ns -> new ArrayList<>()).add(key);
      if (!drainScheduled) {
        drainScheduled = true;
        context.runOnContext(v -> drain());
      }
    });
  }

  @Override
  public void flushed(String namespace, String cause) {
    onContext(() -> {
      if (closed) {
        return;
      }
      if (namespace == null) {
        // A flush of everything covers the keys still waiting, and they were learned in the old epoch.
        pending.clear();
      } else {
        drain();
      }
      JsonObject m = numbered("flush").put("cause", cause);
      if (namespace != null) {
        m.put("namespace", namespace);
      }
      publish(m);
    });
  }

  // ---------------------------------------------------------------- on the context

  private void onContext(Runnable r) {
    if (Vertx.currentContext() == context) {
      r.run();
    } else {
      context.runOnContext(v -> r.run());
    }
  }

  private void drain() {
    drainScheduled = false;
    if (pending.isEmpty()) {
      return;
    }
    for (Map.Entry<String, List<String>> e : pending.entrySet()) {
      publish(numbered("invalidate").put("namespace", e.getKey()).put("keys", new JsonArray(new ArrayList<>(e.getValue()))));
    }
    pending.clear();
  }

  private JsonObject numbered(String type) {
    seq++;
    return head(type);
  }

  private JsonObject head(String type) {
    return new JsonObject().put("type", type).put("service", service).put("epoch", tracking.epoch()).put("seq", seq);
  }

  private void heartbeat() {
    if (closed) {
      return;
    }
    drain();
    // Versions are refreshed here even when nothing reads through this instance (the clients'
    // copies do not), so that a bump made elsewhere is seen within cache.versionRefreshMs.
    for (String ns : tracking.namespaces()) {
      versionRefresh.accept(ns);
    }
    JsonObject m = head("heartbeat").put("namespaces", namespaces);
    long ago = tracking.confirmedAgoNanos();
    if (ago != Long.MAX_VALUE) {
      // Rounded towards the past: a client must never believe the link newer than it was.
      m.put("confirmedAtMs", System.currentTimeMillis() - ago / 1_000_000 - 1);
    }
    publish(m);
  }

  private void publish(JsonObject m) {
    eventBus.publish(address, m);
  }

  /** @return the namespaces announced (for tests and status) */
  Set<String> namespaces() {
    return tracking.namespaces();
  }
}
