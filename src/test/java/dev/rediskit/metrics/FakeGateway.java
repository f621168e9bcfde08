package dev.rediskit.metrics;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.client.CommandObserver;
import dev.rediskit.client.GatewayStatus;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.client.Script;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.List;
import java.util.function.Function;

/** A gateway whose status a test sets and whose observer a test drives, for the metrics' pure logic. */
final class FakeGateway implements RedisGateway {

  final dev.rediskit.client.PermissionRefusals refusals = new dev.rediskit.client.PermissionRefusals();
  volatile GatewayStatus status = new GatewayStatus(GatewayStatus.ConnectionState.CONNECTED, CircuitBreakerState.CLOSED, 0, 0, null, 0);
  volatile CommandObserver observer;

  @Override
  public Future<RedisGateway> ready() {
    return Future.succeededFuture(this);
  }

  @Override
  public Future<Response> send(Request request) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Future<List<Response>> batch(List<Request> requests) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Future<Response> eval(Script script, List<String> keys, List<String> args) {
    throw new UnsupportedOperationException();
  }

  @Override
  public <T> Future<T> withConnection(Function<RedisConnection, Future<T>> work) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Future<List<String>> masters() {
    throw new UnsupportedOperationException();
  }

  @Override
  public <T> Future<T> onNode(String hostPort, Function<RedisConnection, Future<T>> work) {
    throw new UnsupportedOperationException();
  }

  @Override
  public RedisClientType type() {
    return RedisClientType.STANDALONE;
  }

  @Override
  public io.vertx.core.Context context() {
    throw new IllegalStateException("a fake gateway has no context");
  }

  @Override
  public RedisKitOptions options() {
    return new RedisKitOptions();
  }

  @Override
  public long replies() {
    return 0;
  }

  @Override
  public GatewayStatus status() {
    return status;
  }

  @Override
  public dev.rediskit.client.PermissionRefusals refusals() {
    return refusals;
  }

  @Override
  public RedisGateway observer(CommandObserver observer) {
    this.observer = observer;
    return this;
  }

  @Override
  public dev.rediskit.client.TrackingLink track(java.util.Collection<String> prefixes,
                                                dev.rediskit.client.TrackingLink.Listener listener) {
    throw new UnsupportedOperationException("the metrics tests need no tracking link");
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
