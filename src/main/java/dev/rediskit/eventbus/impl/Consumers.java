package dev.rediskit.eventbus.impl;

import dev.rediskit.eventbus.FailureCodes;
import dev.rediskit.eventbus.JsonRequest;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.util.function.Function;

/**
 * Registers the module's consumers the one way they all work: decode and validate the JSON body,
 * call the Java API, reply with plain JSON (so replies cross a clustered event bus; to a typed
 * client's batch, in {@link SharedJsonCodec}, not copied when local), and map every
 * failure, thrown or returned, to a coded {@link io.vertx.core.eventbus.ReplyException}. A
 * malformed message gets an error reply and never reaches Redis or kills the consumer.
 */
public final class Consumers {

  private Consumers() {
  }

  /**
   * @param eventBus the event bus
   * @param address the full address
   * @param handler the operation: request body in, reply body out; may throw for bad input
   * @return the registered consumer (its {@code completion()} tells when registration is done)
   */
  public static MessageConsumer<Object> register(EventBus eventBus, String address,
                                                 Function<JsonObject, Future<JsonObject>> handler) {
    SharedJsonCodec.register(eventBus);
    return eventBus.consumer(address, msg -> handle(msg, handler));
  }

  /**
   * Like {@link #register}, as a local consumer: reachable from this Vert.x instance only, never
   * from another node of a clustered event bus (for privileged addresses).
   *
   * @param eventBus the event bus
   * @param address the full address
   * @param handler the operation
   * @return the registered consumer
   */
  public static MessageConsumer<Object> registerLocal(EventBus eventBus, String address,
                                                      Function<JsonObject, Future<JsonObject>> handler) {
    return eventBus.localConsumer(address, msg -> handle(msg, handler));
  }

  /**
   * @param address one of {@link dev.rediskit.eventbus.Addresses}' constants, with its fields in
   *   {@link dev.rediskit.eventbus.Addresses#REQUEST_FIELDS}
   * @param handler the operation
   * @return {@code handler}, behind a refusal of any field the address does not read (a mistyped
   *   option fails with a 400 naming it instead of being ignored, and never reaches Redis)
   */
  public static Function<JsonObject, Future<JsonObject>> onlyDeclaredFields(String address, Function<JsonObject, Future<JsonObject>> handler) {
    java.util.Set<String> accepted = java.util.Set.copyOf(dev.rediskit.eventbus.Addresses.fieldNames(address));
    return body -> {
      JsonRequest.onlyFields(body, address, accepted);
      return handler.apply(body);
    };
  }

  private static void handle(io.vertx.core.eventbus.Message<Object> msg, Function<JsonObject, Future<JsonObject>> handler) {
    Future<JsonObject> result;
    try {
      result = handler.apply(JsonRequest.body(msg.body()));
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(ar.result(), SharedJsonCodec.replyOptions(msg.headers()));
      } else {
        io.vertx.core.eventbus.ReplyException re = FailureCodes.toReply(ar.cause());
        msg.fail(re.failureCode(), re.getMessage());
      }
    });
  }
}
