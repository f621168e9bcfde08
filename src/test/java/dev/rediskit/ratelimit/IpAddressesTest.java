package dev.rediskit.ratelimit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IpAddressesTest {

  @Test
  void ipv4IsItsOwnKey() {
    assertThat(IpAddresses.clientKey("192.0.2.1", 64)).isEqualTo("192.0.2.1");
    assertThat(IpAddresses.clientKey(" 192.0.2.1 ", 64)).isEqualTo("192.0.2.1");
    assertThat(IpAddresses.clientKey("::ffff:192.0.2.1", 64)).isEqualTo("192.0.2.1");
  }

  @Test
  void ipv6CountsPerNetworkInOneSpelling() {
    assertThat(IpAddresses.clientKey("2001:DB8:1:2:aaaa:bbbb:cccc:dddd", 64)).isEqualTo("2001:db8:1:2::/64");
    assertThat(IpAddresses.clientKey("2001:db8:1:2::1", 64)).isEqualTo("2001:db8:1:2::/64");
    assertThat(IpAddresses.clientKey("[2001:db8:1:2::1]", 48)).isEqualTo("2001:db8:1::/48");
    assertThat(IpAddresses.clientKey("2001:db8:0:0::1", 128)).isEqualTo("2001:db8::1");
    assertThat(IpAddresses.clientKey("fe80::1%eth0", 128)).isEqualTo("fe80::1");
  }

  @Test
  void hostNamesAndGarbageAreNoAddresses() {
    assertThat(IpAddresses.parse("localhost")).isNull();
    assertThat(IpAddresses.parse("256.1.1.1")).isNull();
    assertThat(IpAddresses.parse("1.2.3")).isNull();
    assertThat(IpAddresses.parse("")).isNull();
    assertThat(IpAddresses.parse(null)).isNull();
    assertThat(IpAddresses.clientKey("example.org", 64)).isNull();
  }

  @Test
  void maskClearsHostBits() {
    assertThat(IpAddresses.mask(new byte[] {10, 1, 2, 3}, 12)).containsExactly(10, 0, 0, 0);
    assertThat(IpAddresses.mask(new byte[] {10, (byte) 0xff, 2, 3}, 12)).containsExactly(10, (byte) 0xf0, 0, 0);
  }
}
