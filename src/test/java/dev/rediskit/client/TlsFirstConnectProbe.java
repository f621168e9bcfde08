package dev.rediskit.client;

import dev.rediskit.RedisKitOptions;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.TrustManagerFactorySpi;
import java.security.InvalidAlgorithmParameterException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Security;

/**
 * Run in a JVM of its own by {@link RedisGatewaySecurityIT}: the first TLS connection of a process is
 * the one that builds the JVM's default trust (Vert.x's default cipher suites and Netty's JDK context
 * each initialise an {@code SSLContext} with it). A recording trust-manager factory, made the default,
 * prints on which thread that happens; the JVM's trust store must never be read on an event loop.
 */
public final class TlsFirstConnectProbe {

  /** What the probe prints when the JVM's trust store is read on an event loop. */
  static final String ON_EVENT_LOOP = "default trust store read on an event loop: ";

  private TlsFirstConnectProbe() {
  }

  /** The default trust-manager factory while the probe runs: PKIX, telling where the JVM's trust store is read. */
  public static final class RecordingFactory extends TrustManagerFactorySpi {
    private final TrustManagerFactory real;

    /** @throws NoSuchAlgorithmException never: every JDK has PKIX */
    public RecordingFactory() throws NoSuchAlgorithmException {
      real = TrustManagerFactory.getInstance("PKIX");
    }

    @Override
    protected void engineInit(KeyStore ks) throws KeyStoreException {
      // A null key store means the JVM's own (cacerts): the slow read this probe looks for.
      if (ks == null && Thread.currentThread().getName().startsWith("vert.x-eventloop")) {
        System.out.println(ON_EVENT_LOOP + Thread.currentThread().getName());
      }
      real.init(ks);
    }

    @Override
    protected void engineInit(ManagerFactoryParameters spec) throws InvalidAlgorithmParameterException {
      real.init(spec);
    }

    @Override
    protected TrustManager[] engineGetTrustManagers() {
      return real.getTrustManagers();
    }
  }

  /**
   * @param args the server's rediss:// URI and the PEM file of its CA
   */
  public static void main(String[] args) {
    Provider recording = new Provider("RecordingTrust", "1", "records where the default trust is built") {
    };
    recording.put("TrustManagerFactory.RecordingPKIX", RecordingFactory.class.getName());
    Security.insertProviderAt(recording, 1);
    Security.setProperty("ssl.TrustManagerFactory.algorithm", "RecordingPKIX");
    Vertx vertx = Vertx.vertx();
    // Generous: the first TLS connection of a JVM may take seconds on a loaded machine; PING is what is read.
    RedisGateway gw = RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(args[0]).setTlsCaPath(args[1])
      .setConnectTimeoutMs(30_000).setCommandTimeoutMs(30_000));
    gw.ready().compose(g -> g.send(Request.cmd(Command.PING)))
      .onComplete(ar -> {
        System.out.println(ar.succeeded() ? "reply " + ar.result() : "failed " + ar.cause());
        vertx.close().onComplete(v -> System.exit(ar.succeeded() ? 0 : 1));
      });
  }
}
