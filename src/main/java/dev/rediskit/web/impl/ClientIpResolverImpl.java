package dev.rediskit.web.impl;

import dev.rediskit.ratelimit.IpAddresses;
import dev.rediskit.web.Cidr;
import dev.rediskit.web.ClientIpResolver;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

import java.util.ArrayList;
import java.util.List;

/** Right-to-left reading of X-Forwarded-For or Forwarded, from trusted proxies only. */
public final class ClientIpResolverImpl implements ClientIpResolver {

  private final ForwardedHeader header;
  private final List<Cidr> trusted;
  private final String headerName;

  /**
   * @param header the header the proxies write
   * @param trusted the proxies
   */
  public ClientIpResolverImpl(ForwardedHeader header, List<Cidr> trusted) {
    this.header = header;
    this.trusted = List.copyOf(trusted);
    this.headerName = header == ForwardedHeader.FORWARDED ? "Forwarded" : "X-Forwarded-For";
  }

  @Override
  public String resolve(HttpServerRequest request) {
    // The connection's peer, not request.remoteAddress(): Vert.x Web's allowForward() makes the
    // latter report what the headers say, whoever sent them.
    HttpConnection connection = request.connection();
    SocketAddress peer = connection != null ? connection.remoteAddress() : request.remoteAddress();
    String peerAddress = peer == null ? "unknown" : peer.hostAddress() != null ? peer.hostAddress() : peer.host();
    if (trusted.isEmpty()) {
      return peerAddress;
    }
    return resolve(peerAddress, request.headers().getAll(headerName));
  }

  @Override
  public String resolve(String peer, List<String> headerValues) {
    if (!isTrusted(IpAddresses.parse(peer)) || headerValues == null || headerValues.isEmpty()) {
      return peer;
    }
    List<String> hops = new ArrayList<>();
    for (String value : headerValues) {
      for (String element : value.split(",")) {
        // Some proxies write X-Forwarded-For entries with the client's port (Azure's application
        // gateway does): unread, they would make the proxy the client of every request it forwards.
        hops.add(header == ForwardedHeader.FORWARDED ? forwardedFor(element) : node(element.trim()));
      }
    }
    String last = peer;
    for (int i = hops.size() - 1; i >= 0; i--) {
      String hop = hops.get(i);
      byte[] bytes = hop == null ? null : IpAddresses.parse(hop);
      if (bytes == null) {
        // A trusted proxy wrote something that is no address ("unknown", an obfuscated name):
        // the last address known for sure is the proxy that forwarded it.
        return last;
      }
      String address = IpAddresses.format(bytes);
      if (!isTrusted(bytes)) {
        return address;
      }
      last = address;
    }
    // Every hop is a trusted proxy: the request started inside.
    return last;
  }

  private boolean isTrusted(byte[] address) {
    if (address == null) {
      return false;
    }
    for (Cidr c : trusted) {
      if (c.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** The node of a Forwarded element's {@code for=} parameter, without quotes, brackets or port; {@code null} when absent. */
  static String forwardedFor(String element) {
    for (String pair : element.split(";")) {
      String p = pair.trim();
      if (p.length() > 4 && p.regionMatches(true, 0, "for=", 0, 4)) {
        return node(p.substring(4).trim());
      }
    }
    return null;
  }

  /**
   * The address of a node as proxies write it, without quotes, brackets or port: {@code 192.0.2.43},
   * {@code 192.0.2.43:8080}, {@code [2001:db8::17]:4711}, {@code "[2001:db8::17]"}; {@code null} for
   * a bracket left open.
   */
  static String node(String value) {
    String v = value;
    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
      v = v.substring(1, v.length() - 1);
    }
    if (v.startsWith("[")) {
      int close = v.indexOf(']');
      return close > 0 ? v.substring(1, close) : null;
    }
    int colon = v.indexOf(':');
    // One colon: IPv4 with a port. More: an unbracketed IPv6 (RFC 7239 forbids it in Forwarded), read as is.
    if (colon > 0 && v.indexOf(':', colon + 1) < 0) {
      v = v.substring(0, colon);
    }
    return v;
  }
}
