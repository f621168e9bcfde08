package dev.rediskit.client.impl;

import dev.rediskit.client.GatewayOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** Turns {@link GatewayOptions} into the vertx-redis-client's {@link RedisOptions}. */
final class RedisOptionsFactory {

  private RedisOptionsFactory() {
  }

  static RedisOptions create(GatewayOptions<?> o) {
    NetClientOptions net = new NetClientOptions()
      .setConnectTimeout((int) o.getConnectTimeoutMs())
      .setTcpNoDelay(true)
      .setTcpKeepAlive(true)
      .setHostnameVerificationAlgorithm(o.isTlsHostnameVerification() ? "HTTPS" : "");
    if (o.getTlsCaPath() != null) {
      net.setTrustOptions(new PemTrustOptions().addCertPath(o.getTlsCaPath()));
    }
    if (o.getTlsCertPath() != null && o.getTlsKeyPath() != null) {
      // Every other connection's options are copies of these (forNode, forMaster, forSentinel, the tracking
      // links' and the per-attempt clients'), so all of them present the certificate. Vert.x reads the files
      // on a worker when it builds a client's TLS context, never on the event loop.
      net.setKeyCertOptions(new PemKeyCertOptions().setCertPath(o.getTlsCertPath()).setKeyPath(o.getTlsKeyPath()));
    }
    List<String> endpoints = new ArrayList<>();
    for (String e : o.getEndpoints()) {
      endpoints.add(o.getDatabase() != null && o.getType() != RedisClientType.CLUSTER ? withDatabase(e, o.getDatabase()) : e);
    }
    RedisOptions r = new RedisOptions()
      .setType(o.getType())
      .setEndpoints(endpoints)
      .setNetClientOptions(net)
      // One connection is held for pipelining; the rest serve dedicated work.
      .setMaxPoolSize(o.getPoolSize() + 1)
      .setMaxPoolWaiting(o.getMaxPoolWaiting())
      // Our own cap (maxPendingCommands) fails fast first; the client's queue must never be the one refusing.
      .setMaxWaitingHandlers(Math.max(o.getMaxPendingCommands() * 2, 2048))
      .setPoolName("rediskit-" + System.identityHashCode(o));
    if (o.getType() == RedisClientType.SENTINEL) {
      r.setMasterName(o.getMasterName()).setRole(o.getRole());
    }
    if (o.getUser() != null) {
      r.setUser(o.getUser());
    }
    if (o.getPassword() != null) {
      r.setPassword(o.getPassword());
    }
    return r;
  }

  /** Options for a standalone connection to one node of a cluster, same credentials and TLS. */
  static RedisOptions forNode(RedisOptions base, String hostPort) {
    String first = base.getEndpoint();
    URI u = URI.create(first);
    String userInfo = u.getRawUserInfo() == null ? "" : u.getRawUserInfo() + "@";
    return new RedisOptions(base)
      .setType(RedisClientType.STANDALONE)
      .setEndpoints(new ArrayList<>(List.of(u.getScheme() + "://" + userInfo + hostPort)))
      .setMaxPoolSize(1)
      .setPoolName("rediskit-node-" + hostPort);
  }

  /**
   * Options for a standalone connection to the master a sentinel announced, with the credentials,
   * TLS settings and database of the sentinel client's endpoints (as the sentinel client itself
   * derives the master's address from them).
   */
  static RedisOptions forMaster(RedisOptions base, String hostPort) {
    URI u = URI.create(base.getEndpoint());
    String userInfo = u.getRawUserInfo() == null ? "" : u.getRawUserInfo() + "@";
    String path = u.getRawPath() == null ? "" : u.getRawPath();
    String query = u.getRawQuery() == null ? "" : "?" + u.getRawQuery();
    return new RedisOptions(base)
      .setType(RedisClientType.STANDALONE)
      .setEndpoints(new ArrayList<>(List.of(u.getScheme() + "://" + userInfo + hostPort + path + query)));
  }

  /**
   * Options for a standalone connection to one sentinel, to hear its announcements: the endpoint as
   * configured (a sentinel has no database to select).
   */
  static RedisOptions forSentinel(RedisOptions base, String endpoint) {
    return new RedisOptions(base)
      .setType(RedisClientType.STANDALONE)
      .setEndpoints(new ArrayList<>(List.of(endpoint)))
      .setMaxPoolSize(1)
      .setPoolName("rediskit-sentinel-" + hostPort(endpoint));
  }

  static String hostPort(String endpoint) {
    URI u = URI.create(endpoint);
    return u.getHost() + ":" + (u.getPort() == -1 ? 6379 : u.getPort());
  }

  private static String withDatabase(String endpoint, int db) {
    URI u = URI.create(endpoint);
    String userInfo = u.getRawUserInfo() == null ? "" : u.getRawUserInfo() + "@";
    String port = u.getPort() == -1 ? "" : ":" + u.getPort();
    String query = u.getRawQuery() == null ? "" : "?" + u.getRawQuery();
    return u.getScheme() + "://" + userInfo + u.getHost() + port + "/" + db + query;
  }
}
