package dev.rediskit.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CidrTest {

  @Test
  void ipv4Networks() {
    Cidr c = Cidr.parse("10.1.0.0/16");
    assertThat(c.contains("10.1.0.0")).isTrue();
    assertThat(c.contains("10.1.255.255")).isTrue();
    assertThat(c.contains("10.2.0.0")).isFalse();
    assertThat(c.contains("9.255.255.255")).isFalse();
    assertThat(c).hasToString("10.1.0.0/16");
  }

  @Test
  void prefixesNotOnAByteBoundary() {
    Cidr c = Cidr.parse("192.168.1.64/26");
    assertThat(c.contains("192.168.1.64")).isTrue();
    assertThat(c.contains("192.168.1.127")).isTrue();
    assertThat(c.contains("192.168.1.63")).isFalse();
    assertThat(c.contains("192.168.1.128")).isFalse();
  }

  @Test
  void singleAddressesAndEverything() {
    assertThat(Cidr.parse("127.0.0.1").contains("127.0.0.1")).isTrue();
    assertThat(Cidr.parse("127.0.0.1").contains("127.0.0.2")).isFalse();
    assertThat(Cidr.parse("0.0.0.0/0").contains("203.0.113.7")).isTrue();
    assertThat(Cidr.parse("::/0").contains("2001:db8::1")).isTrue();
  }

  @Test
  void hostBitsOfTheNetworkAreIgnored() {
    assertThat(Cidr.parse("10.1.2.3/8")).isEqualTo(Cidr.parse("10.0.0.0/8"));
  }

  @Test
  void ipv6Networks() {
    Cidr c = Cidr.parse("2001:db8:abcd::/48");
    assertThat(c.contains("2001:db8:abcd:1::5")).isTrue();
    assertThat(c.contains("2001:DB8:ABCD:ffff:ffff:ffff:ffff:ffff")).isTrue();
    assertThat(c.contains("2001:db8:abce::")).isFalse();
    assertThat(Cidr.parse("::1/128").contains("0:0:0:0:0:0:0:1")).isTrue();
    assertThat(Cidr.parse("[::1]").contains("::1")).isTrue();
  }

  @Test
  void familiesNeverMatchEachOtherButMappedAddressesAreIpv4() {
    assertThat(Cidr.parse("10.0.0.0/8").contains("::a00:1")).isFalse();
    assertThat(Cidr.parse("10.0.0.0/8").contains("::ffff:10.0.0.1")).isTrue();
    assertThat(Cidr.parse("::ffff:10.0.0.0/104").contains("10.0.0.1")).isTrue();
    assertThat(Cidr.parse("::/0").contains("10.0.0.1")).isFalse();
  }

  @Test
  void badInputIsRefusedNotResolved() {
    assertThatThrownBy(() -> Cidr.parse("localhost")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Cidr.parse("10.0.0.0/")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Cidr.parse("10.0.0.0/x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Cidr.parse("2001:db8::/129")).isInstanceOf(IllegalArgumentException.class);
    assertThat(Cidr.parse("10.0.0.0/8").contains("not-an-ip")).isFalse();
  }
}
