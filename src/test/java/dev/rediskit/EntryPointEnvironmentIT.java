package dev.rediskit;

import dev.rediskit.test.ChildJvm;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RespConnection;
import dev.rediskit.test.TlsCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every entry point reads the environment: a child JVM whose only configuration is {@code REDIS_URL}
 * deploys the verticle with {@code {}} (or calls {@code RedisKit.create} with default options), and
 * its keys land on that server while a second server, standing where a wrong default or a stale
 * configuration would point, sees no connection at all. The same with mutual TLS, the certificate
 * files named by {@code REDISKIT_TLS_*} variables only.
 */
@IntegrationTest
class EntryPointEnvironmentIT {

  static RedisServer target;
  static RedisServer decoy;

  @BeforeAll
  static void start() {
    target = RedisServer.start();
    decoy = RedisServer.start();
  }

  @AfterAll
  static void stop() {
    target.close();
    decoy.close();
  }

  /** Asked on one connection kept open, so that asking adds no connection of its own. */
  static long connectionsReceived(RespConnection connection) {
    String info = (String) connection.call("INFO", "stats");
    return info.lines().filter(l -> l.startsWith("total_connections_received:"))
      .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(':') + 1).trim())).findFirst().orElseThrow();
  }

  @ParameterizedTest
  @ValueSource(strings = {"verticle", "create"})
  void onlyRedisUrlInTheEnvironment(String entryPoint) throws Exception {
    try (RespConnection decoyConnection = decoy.connect()) {
      run(entryPoint, decoyConnection);
    }
  }

  /**
   * Mutual TLS from the environment alone, as a container gets its certificate files mounted and
   * their paths set: the variables of tlsCaPath, tlsCertPath and tlsKeyPath reach the gateway, which
   * a server with {@code tls-auth-clients yes} lets in.
   */
  @ParameterizedTest
  @ValueSource(strings = {"verticle", "create"})
  void mutualTlsFromTheEnvironmentOnly(String entryPoint) throws Exception {
    TlsCertificates certs = TlsCertificates.shared();
    try (RedisServer strict = RedisServer.builder().tls(certs).tlsAuthClients(true).start();
         RespConnection decoyConnection = decoy.connect()) {
      // A generous connect timeout: the child's first TLS connection builds its TLS context, seconds on a busy machine.
      run(entryPoint, decoyConnection, strict, Map.of("REDISKIT_TLS_CA_PATH", certs.caCert().toString(),
        "REDISKIT_TLS_CERT_PATH", certs.clientCert().toString(), "REDISKIT_TLS_KEY_PATH", certs.clientKey().toString(),
        "REDISKIT_CONNECT_TIMEOUT_MS", "10000"));
    }
  }

  void run(String entryPoint, RespConnection decoyConnection) throws Exception {
    run(entryPoint, decoyConnection, target, Map.of());
  }

  void run(String entryPoint, RespConnection decoyConnection, RedisServer target, Map<String, String> more) throws Exception {
    long decoyBefore = connectionsReceived(decoyConnection);
    Map<String, String> env = new java.util.HashMap<>(more);
    env.putIfAbsent("REDIS_URL", target.uri());
    ChildJvm.Result child = ChildJvm.run(EntryPointChild.class, List.of(), List.of(entryPoint), env, null);
    String out = child.output();
    assertThat(child.exitValue()).as(out).isZero();
    assertThat(out).contains(EntryPointChild.DONE);
    String key = entryPoint.equals("verticle") ? "from-verticle" : "from-create";
    assertThat(target.command("EXISTS", "rediskit:c:envtest:0:" + key)).as(out).isEqualTo(1L);
    assertThat(target.command("EXISTS", "rediskit:rl:g:k:envtest-" + entryPoint)).as(out).isEqualTo(1L);
    assertThat(connectionsReceived(decoyConnection)).as("connections to the other server").isEqualTo(decoyBefore);
    // The start-up line names the server, the topology, the source and the server version.
    String version = target.info("server").get("redis_version");
    assertThat(out).contains("connected to Redis at " + target.uri() + " (STANDALONE, endpoints from env REDIS_URL)")
      .contains("server version " + version)
      .doesNotContain("no Redis endpoint configured");
  }

}
