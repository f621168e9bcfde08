package dev.rediskit.web;

import dev.rediskit.web.impl.ClientIpResolverImpl;
import io.vertx.core.http.HttpServerRequest;

import java.util.List;

/**
 * Finds the address of the client behind a request, for per-IP limits, without letting the
 * client choose it.
 *
 * <p>The peer of the TCP connection is the client, unless it is one of the configured trusted
 * proxies. Then, and only then, the forwarding header the proxies write is read, from the right
 * (the entry the nearest proxy appended) to the left, skipping addresses that are trusted
 * proxies themselves; the first untrusted one is the client. Whatever a client writes into the
 * header itself sits to the left of that and is never reached, and a request coming straight
 * from a client has its header ignored altogether.
 * An entry with a port, as some proxies write one ({@code 198.51.100.7:4711},
 * {@code [2001:db8::1]:443}), is read as its address.
 *
 * <p>Name the one header your proxies set: reading the other would let a client supply it,
 * since proxies pass unknown headers through.
 */
public interface ClientIpResolver {

  /** The forwarding header trusted proxies write. */
  enum ForwardedHeader {
    /** {@code X-Forwarded-For: client, proxy1, proxy2} (an entry may carry a port: {@code 198.51.100.7:4711}). */
    X_FORWARDED_FOR,
    /** RFC 7239 {@code Forwarded: for=192.0.2.60;proto=https, for="[2001:db8::1]:4711"}. */
    FORWARDED
  }

  /** @return a resolver that trusts no proxy: the TCP peer is the client */
  static ClientIpResolver direct() {
    return new ClientIpResolverImpl(ForwardedHeader.X_FORWARDED_FOR, List.of());
  }

  /**
   * @param header the header the trusted proxies write
   * @param trustedProxies the proxies' addresses or networks ({@link Cidr#parse}), IPv4 or IPv6
   * @return the resolver
   * @throws IllegalArgumentException when an entry is not an address or CIDR block
   */
  static ClientIpResolver create(ForwardedHeader header, List<String> trustedProxies) {
    return new ClientIpResolverImpl(header, trustedProxies.stream().map(Cidr::parse).toList());
  }

  /**
   * @param request the request
   * @return the client's address: an IP literal, or the peer as reported when it is not an IP
   * (a Unix socket)
   */
  String resolve(HttpServerRequest request);

  /**
   * The rule itself, for a peer address and the header's values.
   *
   * @param peer the TCP peer's address
   * @param headerValues every value of the configured header, in the order received
   * @return the client's address
   */
  String resolve(String peer, List<String> headerValues);
}
