package dev.rediskit.eventbus.impl;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;

/**
 * A JSON object handed to a consumer in the same Vert.x instance as it was sent, without the deep
 * copy that the event bus's own JSON codec makes of every local message; across a clustered event
 * bus it travels as the JSON it is, exactly like the built-in codec's.
 *
 * <p>Used only for the messages of the batch addresses between the typed clients and the services
 * (a batch of 64 calls is 64 request objects and 64 replies, and copying them was a measured share
 * of the event-bus read path). That is safe because neither side touches a message after it was
 * handed over: the client builds each batch fresh and never looks at it again, each consumer
 * handler only reads its request and replies with an object of its own making, and the client only
 * reads the replies. The consumer answers with this codec only when the request says, by
 * {@link #HEADER}, that its sender's node knows it: a caller of a batch address that is not a typed
 * client of this module gets replies in the built-in codec, which every node can decode.
 */
final class SharedJsonCodec implements MessageCodec<JsonObject, JsonObject> {

  /** The codec's name on the event bus. */
  static final String NAME = "rediskit.json.shared";
  /** The request header by which a sender says its node can decode replies in this codec. */
  static final String HEADER = "rediskit-codec";

  /** The one instance, shared by every event bus. */
  static final SharedJsonCodec INSTANCE = new SharedJsonCodec();
  // Never changed after this: replies only read their options.
  private static final DeliveryOptions REPLY = new DeliveryOptions().setCodecName(NAME);
  private static final DeliveryOptions PLAIN_REPLY = new DeliveryOptions();

  private SharedJsonCodec() {
  }

  /**
   * Registers the codec on an event bus, once: every client and service of a Vert.x instance calls
   * this, the first one registers.
   *
   * @param eventBus the event bus
   */
  static void register(EventBus eventBus) {
    try {
      eventBus.registerCodec(INSTANCE);
    } catch (IllegalStateException alreadyRegistered) {
      // Registered by another client or service of this Vert.x instance, perhaps at the same
      // moment on another thread: the name is taken by this same instance either way, so no lock.
    }
  }

  /**
   * @param options delivery options
   * @return a copy that sends in this codec and says so by {@link #HEADER}
   */
  static DeliveryOptions requestOptions(DeliveryOptions options) {
    return new DeliveryOptions(options).setCodecName(NAME).addHeader(HEADER, NAME);
  }

  /**
   * @param headers a request's headers
   * @return the options to reply with: this codec when the sender asked for it, the built-in codec otherwise
   */
  static DeliveryOptions replyOptions(MultiMap headers) {
    return NAME.equals(headers.get(HEADER)) ? REPLY : PLAIN_REPLY;
  }

  @Override
  public void encodeToWire(Buffer buffer, JsonObject json) {
    Buffer encoded = json.toBuffer();
    buffer.appendInt(encoded.length());
    buffer.appendBuffer(encoded);
  }

  @Override
  public JsonObject decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    int start = pos + 4;
    return new JsonObject(buffer.slice(start, start + length));
  }

  @Override
  public JsonObject transform(JsonObject json) {
    return json;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
