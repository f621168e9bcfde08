package dev.rediskit.eventbus.impl;

import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.eventbus.FailureCodes;
import dev.rediskit.eventbus.JsonRequest;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The batch form of an address: {@code {calls: [<request>, ...]}} in, {@code {results: [<outcome>, ...]}}
 * out, in the same order, each outcome {@code {ok: <reply>}} or {@code {failureCode, message}}:
 * exactly what the address itself would have replied to that request, or failed it with. Every
 * call goes through the address's own handler, so its checks, its errors and its codes are the
 * same; a bad call fails alone.
 */
final class BatchConsumers {

  /** Suffix of the batch form of an address. */
  static final String SUFFIX = ".batch";
  /** Calls per batch at most. */
  static final int MAX_CALLS = 512;

  private BatchConsumers() {
  }

  /**
   * @param address a full address
   * @return the full address of its batch form
   */
  static String batchAddress(String address) {
    return address + SUFFIX;
  }

  /**
   * @param eventBus the event bus
   * @param address the full address of the single call (its batch form is registered)
   * @param handler the single call's handler: request body in, reply body out; may throw for bad input
   * @return the registered consumer of the batch form
   */
  static MessageConsumer<Object> register(EventBus eventBus, String address, Function<JsonObject, Future<JsonObject>> handler) {
    return Consumers.register(eventBus, batchAddress(address), handler(handler));
  }

  /**
   * @param single the single call's handler
   * @return the batch form's handler
   */
  static Function<JsonObject, Future<JsonObject>> handler(Function<JsonObject, Future<JsonObject>> single) {
    return body -> run(single, body);
  }

  private static Future<JsonObject> run(Function<JsonObject, Future<JsonObject>> handler, JsonObject body) {
    for (String f : body.fieldNames()) {
      if (!"calls".equals(f)) {
        throw new InvalidRequestException(f, "unknown field of a batch (expected calls)");
      }
    }
    Object calls = body.getValue("calls");
    if (!(calls instanceof JsonArray array)) {
      throw new InvalidRequestException("calls", calls == null ? "is required" : "must be an array, was " + JsonRequest.typeName(calls));
    }
    if (array.size() > MAX_CALLS) {
      throw new InvalidRequestException("calls", "at most " + MAX_CALLS + " calls per batch, was " + array.size());
    }
    List<Future<JsonObject>> outcomes = new ArrayList<>(array.size());
    for (Object call : array) {
      Future<JsonObject> f;
      try {
        f = handler.apply(JsonRequest.body(call));
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      outcomes.add(f);
    }
    return Future.join(outcomes).transform(ignored -> {
      JsonArray results = new JsonArray(new ArrayList<>(outcomes.size()));
      for (Future<JsonObject> f : outcomes) {
        if (f.succeeded()) {
          results.add(new JsonObject().put("ok", f.result()));
        } else {
          ReplyException re = FailureCodes.toReply(f.cause());
          results.add(new JsonObject().put("failureCode", re.failureCode()).put("message", re.getMessage()));
        }
      }
      return Future.succeededFuture(new JsonObject().put("results", results));
    });
  }

  /**
   * @param results a batch's results
   * @param i a call's index
   * @return its outcome, a failure as the typed exception its own request would have failed with
   */
  static Future<JsonObject> outcome(JsonArray results, int i) {
    JsonObject r = results == null || i >= results.size() ? null : results.getJsonObject(i);
    if (r == null) {
      return Future.failedFuture(FailureCodes.fromReply(new ReplyException(ReplyFailure.RECIPIENT_FAILURE,
        FailureCodes.INTERNAL, "the batch reply has no result for call " + i)));
    }
    JsonObject ok = r.getJsonObject("ok");
    if (ok != null) {
      return Future.succeededFuture(ok);
    }
    return Future.failedFuture(FailureCodes.fromReply(new ReplyException(ReplyFailure.RECIPIENT_FAILURE,
      r.getInteger("failureCode", FailureCodes.INTERNAL), r.getString("message"))));
  }
}
