package dev.rediskit.examples;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.client.RedisGateway;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

/** The example's HTTP service: owns the gateway on its event loop and serves the API. */
public class UserProfileVerticle extends VerticleBase {

  private final RedisKitOptions options;
  private final int port;
  private RedisGateway gateway;
  private HttpServer server;

  /**
   * @param options the RedisKit settings
   * @param port the HTTP port (0 for any free port)
   */
  public UserProfileVerticle(RedisKitOptions options, int port) {
    this.options = options;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    gateway = RedisGateway.create(vertx, options);
    Router router = Router.router(vertx);
    router.get("/redis/ping").handler(ctx -> {
      long t0 = System.nanoTime();
      gateway.send(Request.cmd(Command.PING)).onComplete(ar -> {
        if (ar.succeeded()) {
          ctx.json(new JsonObject().put("reply", ar.result().toString()).put("micros", (System.nanoTime() - t0) / 1000));
        } else {
          ctx.fail(503, ar.cause());
        }
      });
    });
    return gateway.ready()
      .compose(gw -> vertx.createHttpServer().requestHandler(router).listen(port))
      .onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
    return (server == null ? Future.succeededFuture() : server.close()).compose(v -> gateway.close());
  }

  /** @return the port the HTTP server listens on */
  public int actualPort() {
    return server.actualPort();
  }
}
