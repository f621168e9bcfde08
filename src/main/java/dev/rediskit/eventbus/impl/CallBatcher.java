package dev.rediskit.eventbus.impl;

import dev.rediskit.eventbus.FailureCodes;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * The calls a typed client makes to one address in one event-loop turn, sent as one message to the
 * address's batch form ({@code <address>.batch}, see {@link BatchConsumers}) and answered to each
 * caller separately: its own reply, or its own failure code and message, turned back into the same
 * typed exception a call of its own would get. One call in a turn goes to the address itself, as
 * before; so do calls made off an event loop.
 *
 * <p>A turn's calls leave together at the end of the turn, so their deadlines (the delivery
 * options' send timeout) start within the same turn and stay what they were. When the batch
 * address has no consumer (a service of an older version), nothing was handled, so each call is
 * sent again on its own.
 *
 * <p>A batch and its reply travel in {@link SharedJsonCodec}: not copied when the service is local.
 *
 * <p>One outbox per event-loop thread: calls from any context of that thread gather in it, and each
 * caller is answered on its own context.
 */
final class CallBatcher {

  /**
   * Calls per message at most: a full message leaves at once rather than at the end of the turn,
   * so that calls queued as many tasks of their own do not wait for all of them.
   */
  static final int MAX_CALLS = 128;

  private final EventBus eventBus;
  private final String address;
  private final String batchAddress;
  private final DeliveryOptions options;
  private final DeliveryOptions batchOptions;
  private final ThreadLocal<Outbox> outboxes = new ThreadLocal<>();

  /**
   * @param vertx the Vert.x instance
   * @param address the full address of the single call
   * @param options the delivery options of every message
   */
  CallBatcher(Vertx vertx, String address, DeliveryOptions options) {
    this.eventBus = vertx.eventBus();
    this.address = address;
    this.batchAddress = BatchConsumers.batchAddress(address);
    this.options = options;
    SharedJsonCodec.register(eventBus);
    this.batchOptions = SharedJsonCodec.requestOptions(options);
  }

  /**
   * @param body the request body of one call
   * @return the reply body, or the failure as the typed exception of {@link FailureCodes#fromReply}
   */
  Future<JsonObject> call(JsonObject body) {
    Context ctx = Vertx.currentContext();
    if (ctx == null || !ctx.isEventLoopContext() || !Context.isOnEventLoopThread()) {
      return single(body);
    }
    Outbox box = outboxes.get();
    if (box == null) {
      box = new Outbox();
      outboxes.set(box);
    }
    Promise<JsonObject> p = Promise.promise();
    if (box.calls.isEmpty()) {
      box.context = ctx;
      Outbox flushing = box;
      ctx.runOnContext(v -> flush(flushing));
    }
    box.calls.add(new Call(body, p, ctx));
    if (box.calls.size() >= MAX_CALLS) {
      flush(box);
    }
    return p.future();
  }

  private Future<JsonObject> single(JsonObject body) {
    return eventBus.<JsonObject>request(address, body, options).transform(ar ->
      ar.succeeded() ? Future.succeededFuture(ar.result().body()) : Future.failedFuture(FailureCodes.fromReply(ar.cause())));
  }

  private void flush(Outbox box) {
    if (box.calls.isEmpty()) {
      return;
    }
    List<Call> calls = new ArrayList<>(box.calls);
    box.calls.clear();
    if (calls.size() == 1) {
      Call c = calls.get(0);
      single(c.body).onComplete(ar -> c.complete(ar.succeeded() ? Future.succeededFuture(ar.result()) : Future.failedFuture(ar.cause()), box.context));
      return;
    }
    JsonArray bodies = new JsonArray(new ArrayList<>(calls.size()));
    for (Call c : calls) {
      bodies.add(c.body);
    }
    Context flushContext = box.context;
    eventBus.<JsonObject>request(batchAddress, new JsonObject().put("calls", bodies), batchOptions).onComplete(ar -> {
      if (ar.failed()) {
        if (ar.cause() instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
          for (Call c : calls) {
            single(c.body).onComplete(one -> c.complete(one, flushContext));
          }
          return;
        }
        Throwable failure = FailureCodes.fromReply(ar.cause());
        for (Call c : calls) {
          c.complete(Future.failedFuture(failure), flushContext);
        }
        return;
      }
      JsonArray results = ar.result().body().getJsonArray("results");
      for (int i = 0; i < calls.size(); i++) {
        calls.get(i).complete(BatchConsumers.outcome(results, i), flushContext);
      }
    });
  }

  /** The calls gathered on one thread in the current turn, and the context of the first of them. */
  private static final class Outbox {
    final List<Call> calls = new ArrayList<>();
    Context context;
  }

  /** One caller: what it asked, and where it is answered. */
  private record Call(JsonObject body, Promise<JsonObject> promise, Context context) {

    void complete(io.vertx.core.AsyncResult<JsonObject> outcome, Context current) {
      if (context == current) {
        promise.handle(outcome);
      } else {
        context.runOnContext(v -> promise.handle(outcome));
      }
    }
  }
}
