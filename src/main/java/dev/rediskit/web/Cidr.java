package dev.rediskit.web;

import dev.rediskit.ratelimit.IpAddresses;

import java.util.Arrays;

/**
 * An IPv4 or IPv6 network, such as {@code 10.0.0.0/8}, {@code 2001:db8::/32}, or a single address
 * ({@code 192.0.2.1} is {@code 192.0.2.1/32}). IPv4-mapped IPv6 addresses match as IPv4.
 *
 * @param network the network's address bytes (4 or 16), host bits cleared
 * @param prefixLength the number of leading bits that must match
 */
public record Cidr(byte[] network, int prefixLength) {

  /**
   * @param network 4 or 16 bytes
   * @param prefixLength 0 to 32 for IPv4, 0 to 128 for IPv6
   * @throws IllegalArgumentException when the prefix does not fit the address
   */
  public Cidr {
    if (network.length != 4 && network.length != 16) {
      throw new IllegalArgumentException("network: must be 4 or 16 bytes, was " + network.length);
    }
    if (prefixLength < 0 || prefixLength > network.length * 8) {
      throw new IllegalArgumentException("prefix length: must be between 0 and " + network.length * 8 + ", was " + prefixLength);
    }
    network = IpAddresses.mask(network, prefixLength);
  }

  /**
   * @param cidr {@code address/prefix} or a single address
   * @return the network
   * @throws IllegalArgumentException when it is not an IP address (host names are refused, not resolved)
   */
  public static Cidr parse(String cidr) {
    String s = cidr.trim();
    int slash = s.indexOf('/');
    String address = slash < 0 ? s : s.substring(0, slash);
    byte[] bytes = IpAddresses.parse(address);
    if (bytes == null) {
      throw new IllegalArgumentException("\"" + cidr + "\" is not an IP address or CIDR block");
    }
    int max = bytes.length * 8;
    int prefix = max;
    if (slash >= 0) {
      String p = s.substring(slash + 1);
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
        throw new IllegalArgumentException("\"" + cidr + "\": the prefix length must be a number");
      }
      prefix = Integer.parseInt(p);
      // "::ffff:10.0.0.0/104" names an IPv4 network in IPv6 notation.
      if (bytes.length == 4 && address.contains(":") && prefix >= 96) {
        prefix -= 96;
      }
      if (prefix > max) {
        throw new IllegalArgumentException("\"" + cidr + "\": the prefix length must be at most " + max);
      }
    }
    return new Cidr(bytes, prefix);
  }

  /**
   * @param address 4 or 16 bytes, as {@link IpAddresses#parse} gives them
   * @return whether the address is in this network (never across address families)
   */
  public boolean contains(byte[] address) {
    if (address == null || address.length != network.length) {
      return false;
    }
    int full = prefixLength / 8;
    for (int i = 0; i < full; i++) {
      if (address[i] != network[i]) {
        return false;
      }
    }
    int rest = prefixLength % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (address[full] & mask) == (network[full] & mask);
  }

  /**
   * @param address an IP address literal
   * @return whether it is in this network; {@code false} when it is not an address
   */
  public boolean contains(String address) {
    return contains(IpAddresses.parse(address));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr c && c.prefixLength == prefixLength && Arrays.equals(c.network, network);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(network) + prefixLength;
  }

  @Override
  public String toString() {
    return IpAddresses.format(network) + "/" + prefixLength;
  }
}
