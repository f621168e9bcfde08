package dev.rediskit.client;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.spi.tracing.SpanKind;
import io.vertx.core.spi.tracing.TagExtractor;
import io.vertx.core.spi.tracing.VertxTracer;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

import static dev.rediskit.test.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * With Vert.x tracing enabled, the gateway's commands reach the tracer as the Redis client
 * reports them (the gateway skips the client's per-command reporter only when there is no tracer
 * and no client metrics to report to).
 */
@IntegrationTest
class RedisGatewayTracingIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  /** Records the operation name of every client request span. */
  static final class RecordingTracer implements VertxTracer<Object, Object> {
    final List<String> operations = new CopyOnWriteArrayList<>();

    @Override
    public <R> Object sendRequest(Context context, SpanKind kind, TracingPolicy policy, R request, String operation,
                                  BiConsumer<String, String> headers, TagExtractor<R> tagExtractor) {
      Map<String, String> tags = tagExtractor.extract(request);
      operations.add(tags.getOrDefault("db.operation.name", operation));
      return request;
    }

    @Override
    public <R> void receiveResponse(Context context, R response, Object payload, Throwable failure,
                                    TagExtractor<R> tagExtractor) {
    }
  }

  @Test
  void commandsAreTracedWhenTracingIsOn(RedisServer server) {
    RecordingTracer tracer = new RecordingTracer();
    Vertx vertx = Vertx.builder().withTracer(options -> tracer).build();
    try {
      RedisGateway gw = await(RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(server.uri())).ready());
      await(gw.send(Request.cmd(Command.SET).arg("traced").arg("v")));
      await(gw.send(Request.cmd(Command.GET).arg("traced")));
      assertThat(tracer.operations).contains("set", "get");
      await(gw.close());
    } finally {
      await(vertx.close());
    }
  }
}
