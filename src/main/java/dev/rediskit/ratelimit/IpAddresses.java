package dev.rediskit.ratelimit;

import io.netty.util.NetUtil;

import java.util.Arrays;

/**
 * Parsing and normalising of IP address literals, without any DNS lookup (a host name is refused,
 * never resolved: resolving would block and let a client choose its own key).
 *
 * <p>Normalising gives each client one spelling: {@code ::ffff:10.0.0.1} is {@code 10.0.0.1},
 * {@code 2001:DB8:0:0::1} is {@code 2001:db8::1}; and an IPv6 address is cut to its network
 * prefix (by default /64, what one subscriber usually gets), since a client holding a /64 could
 * otherwise take a fresh address, and a fresh quota, for every request.
 */
public final class IpAddresses {

  private IpAddresses() {
  }

  /**
   * @param literal an IPv4 or IPv6 address, IPv6 possibly in brackets or with a zone
   * ({@code fe80::1%eth0}, the zone is dropped)
   * @return its 4 or 16 bytes (IPv4-mapped IPv6 addresses give 4), or {@code null} when it is not
   * an IP address literal
   */
  public static byte[] parse(String literal) {
    if (literal == null) {
      return null;
    }
    String s = literal.trim();
    if (s.length() > 2 && s.charAt(0) == '[' && s.charAt(s.length() - 1) == ']') {
      s = s.substring(1, s.length() - 1);
    }
    int zone = s.indexOf('%');
    if (zone > 0 && s.indexOf(':') >= 0) {
      s = s.substring(0, zone);
    }
    if (s.isEmpty() || s.length() > 45) {
      return null;
    }
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(s);
    if (bytes == null) {
      return null;
    }
    if (bytes.length == 16 && isV4Mapped(bytes)) {
      return Arrays.copyOfRange(bytes, 12, 16);
    }
    return bytes;
  }

  private static boolean isV4Mapped(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
  }

  /**
   * @param bytes 4 or 16 bytes
   * @return the canonical text: dotted IPv4, or RFC 5952 IPv6 ({@code 2001:db8::1})
   */
  public static String format(byte[] bytes) {
    return NetUtil.bytesToIpAddress(bytes);
  }

  /**
   * The identity of a client for rate limiting.
   *
   * @param literal an IP address literal
   * @param ipv6PrefixLength how many leading bits of an IPv6 address identify one client (1 to 128)
   * @return the IPv4 address, or the IPv6 network as {@code 2001:db8:1:2::/64} (the plain address
   * for 128); {@code null} when {@code literal} is not an IP address
   */
  public static String clientKey(String literal, int ipv6PrefixLength) {
    byte[] bytes = parse(literal);
    if (bytes == null) {
      return null;
    }
    if (bytes.length == 4 || ipv6PrefixLength >= 128) {
      return format(bytes);
    }
    return format(mask(bytes, ipv6PrefixLength)) + "/" + ipv6PrefixLength;
  }

  /**
   * @param bytes an address
   * @param prefixLength the bits to keep
   * @return a copy with every bit after the prefix cleared
   */
  public static byte[] mask(byte[] bytes, int prefixLength) {
    byte[] out = bytes.clone();
    for (int bit = Math.max(0, prefixLength); bit < out.length * 8; bit++) {
      out[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    return out;
  }
}
