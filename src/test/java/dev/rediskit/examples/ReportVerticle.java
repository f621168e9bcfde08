package dev.rediskit.examples;

import dev.rediskit.cache.CacheStats;
import dev.rediskit.eventbus.CacheClient;
import dev.rediskit.eventbus.RateLimitClient;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A verticle that never touches Redis itself: it reaches the module only over the event bus,
 * through the consumers {@link dev.rediskit.RedisKitVerticle} registers.
 * <ul>
 *   <li>It listens for {@value #USER_UPDATED} events and keeps the latest one in the cache namespace
 *       {@value #REPORTS_NAMESPACE} ({@link CacheClient#set}).</li>
 *   <li>Every {@value #JOB_PERIOD_MS} ms a report job asks for a slot of a service-wide limit
 *       ({@value #JOB_LIMIT} runs per {@value #JOB_WINDOW_S} s, shared by every instance of the
 *       service, through {@link RateLimitClient#check}); when allowed it writes a summary to the
 *       cache, otherwise it skips the run.</li>
 *   <li>It answers {@value #STATS} with its counters, the cached summary ({@link CacheClient#get})
 *       and the namespace's counters ({@link CacheClient#stats}).</li>
 * </ul>
 */
public class ReportVerticle extends VerticleBase {

  /** Published by the HTTP verticle when a profile changed. */
  static final String USER_UPDATED = "example.user.updated";
  /** Answers with the report. */
  static final String STATS = "example.report.stats";
  static final String REPORTS_NAMESPACE = "reports";
  static final long JOB_PERIOD_MS = 1_000;
  static final long JOB_LIMIT = 3;
  static final long JOB_WINDOW_S = 10;

  private final String addressPrefix;
  private CacheClient cache;
  private RateLimitClient limits;
  private long timer = -1;
  private long runs;
  private long skipped;
  private long failed;
  private long updatesSeen;

  /** @param addressPrefix the RedisKit address prefix ({@code addressPrefix} of the options) */
  public ReportVerticle(String addressPrefix) {
    this.addressPrefix = addressPrefix;
  }

  @Override
  public Future<?> start() {
    cache = CacheClient.create(vertx, addressPrefix);
    limits = RateLimitClient.create(vertx, addressPrefix);
    MessageConsumer<JsonObject> updates = vertx.eventBus().consumer(USER_UPDATED, msg -> {
      updatesSeen++;
      JsonObject event = msg.body().copy().put("at", Instant.now().toString());
      cache.set(REPORTS_NAMESPACE, "last-update", event, Duration.ofHours(1))
        .onFailure(err -> failed++);
    });
    MessageConsumer<Object> stats = vertx.eventBus().consumer(STATS, msg -> report().onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(ar.result());
      } else {
        msg.fail(500, ar.cause().getMessage());
      }
    }));
    timer = vertx.setPeriodic(JOB_PERIOD_MS, id -> runJob());
    return Future.all(updates.completion(), stats.completion());
  }

  private void runJob() {
    limits.check("report-job", JOB_LIMIT, Duration.ofSeconds(JOB_WINDOW_S)).onComplete(ar -> {
      if (ar.failed()) {
        failed++;
        return;
      }
      if (!ar.result().allowed()) {
        skipped++;
        return;
      }
      runs++;
      JsonObject summary = new JsonObject().put("run", runs).put("at", Instant.now().toString())
        .put("updatesSeen", updatesSeen);
      cache.set(REPORTS_NAMESPACE, "summary", summary, Duration.ofHours(1)).onFailure(err -> failed++);
    });
  }

  private Future<JsonObject> report() {
    JsonObject json = new JsonObject()
      .put("job", new JsonObject().put("runs", runs).put("skipped", skipped).put("failed", failed)
        .put("limit", JOB_LIMIT + " per " + JOB_WINDOW_S + " s"))
      .put("updatesSeen", updatesSeen);
    Future<JsonObject> cached = cache.lookupMany(REPORTS_NAMESPACE, List.of("summary", "last-update")).map(m -> {
      JsonObject values = new JsonObject();
      m.forEach((k, r) -> values.put(k, r.found() ? r.value() : null));
      return values;
    });
    Future<CacheStats> counters = cache.stats(REPORTS_NAMESPACE);
    return Future.join(cached, counters).transform(ar -> {
      json.put("cached", cached.succeeded() ? cached.result() : new JsonObject().put("error", cached.cause().getMessage()));
      if (counters.succeeded()) {
        CacheStats s = counters.result();
        json.put("reportsCache", new JsonObject().put("hits", s.hits()).put("misses", s.misses()).put("sets", s.sets()));
      }
      return Future.succeededFuture(json);
    });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }
}
