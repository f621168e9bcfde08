package dev.rediskit.client.impl;

import dev.rediskit.client.GatewayOptions;
import dev.rediskit.client.RedisGateway;
import io.netty.handler.ssl.SslProvider;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.spi.tls.DefaultSslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds Vert.x's first client TLS context of the process on a worker thread, before a TLS
 * gateway's first connect attempt. Vert.x 5.0.7 builds it lazily, on the event loop of the first
 * TLS connection: its default cipher suites come from an {@code SSLContext} initialised with the
 * JVM's whole trust store, and Netty's JDK context does the same once. That took 0.5 to 2.5 s on a
 * loaded 2-core machine, blocking the loop and eating the first attempt's {@code connectTimeoutMs},
 * so a healthy server failed the start-up. Both are built once per JVM, so once is enough here too.
 *
 * <p>A client certificate ({@code tlsCertPath}, {@code tlsKeyPath}) needs nothing more here: Vert.x
 * 5.0.7 reads the key and certificate files, and the CA file, on a worker when it builds a client's
 * TLS configuration ({@code SslContextManager.buildConfig}), so that reading never blocks a loop;
 * what it then builds on the loop reuses the JVM-wide parts warmed up above.
 */
final class TlsWarmUp {

  /** Under the gateway's logger name, as the README lists it. */
  private static final Logger LOG = LoggerFactory.getLogger(RedisGateway.class);
  private static volatile boolean done;

  private TlsWarmUp() {
  }

  /**
   * @param vertx the Vert.x instance whose workers do the work
   * @param options the gateway's options; nothing is done without a {@code rediss://} endpoint
   * @return completed once the TLS context was built (or failed to: the connect attempt then
   *         reports why); never failed
   */
  static Future<Void> ahead(Vertx vertx, GatewayOptions<?> options) {
    if (done || !usesTls(options)) {
      return Future.succeededFuture();
    }
    return vertx.<Void>executeBlocking(() -> {
      new DefaultSslContextFactory(SslProvider.JDK, false).forClient(true).create();
      return null;
    }, false).otherwise(err -> {
      LOG.debug("building a TLS context ahead of the first connection failed; the connection will tell why", err);
      return null;
    }).onComplete(v -> done = true);
  }

  /**
   * @param options a gateway's options
   * @return whether any of its endpoints is a {@code rediss://} one
   */
  static boolean usesTls(GatewayOptions<?> options) {
    return options.getEndpoints().stream().anyMatch(e -> e.regionMatches(true, 0, "rediss://", 0, 9));
  }
}
