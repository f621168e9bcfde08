package dev.rediskit.web;

import dev.rediskit.web.ClientIpResolver.ForwardedHeader;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ClientIpResolverTest {

  static final ClientIpResolver XFF = ClientIpResolver.create(ForwardedHeader.X_FORWARDED_FOR,
    List.of("10.0.0.0/8", "2001:db8:ffff::/48"));
  static final ClientIpResolver FWD = ClientIpResolver.create(ForwardedHeader.FORWARDED, List.of("10.0.0.0/8"));

  @Test
  void anUntrustedPeerIsTheClientWhateverItWrites() {
    assertThat(XFF.resolve("203.0.113.5", List.of("198.51.100.1"))).isEqualTo("203.0.113.5");
    assertThat(ClientIpResolver.direct().resolve("203.0.113.5", List.of("198.51.100.1"))).isEqualTo("203.0.113.5");
  }

  @Test
  void fromATrustedProxyTheRightmostUntrustedEntryIsTheClient() {
    assertThat(XFF.resolve("10.0.0.2", List.of("198.51.100.1"))).isEqualTo("198.51.100.1");
    // The client wrote "1.2.3.4" itself; the proxy appended what it saw.
    assertThat(XFF.resolve("10.0.0.2", List.of("1.2.3.4, 198.51.100.1"))).isEqualTo("198.51.100.1");
    // Proxies behind proxies are skipped.
    assertThat(XFF.resolve("10.0.0.2", List.of("1.2.3.4, 198.51.100.1, 10.9.9.9"))).isEqualTo("198.51.100.1");
    assertThat(XFF.resolve("10.0.0.2", List.of("198.51.100.1", "10.9.9.9"))).isEqualTo("198.51.100.1");
  }

  @Test
  void aChainOfOnlyTrustedProxiesEndsAtTheLeftmost() {
    assertThat(XFF.resolve("10.0.0.2", List.of("10.0.0.3, 10.0.0.4"))).isEqualTo("10.0.0.3");
  }

  @Test
  void noHeaderFromATrustedProxyMeansThePeer() {
    assertThat(XFF.resolve("10.0.0.2", List.of())).isEqualTo("10.0.0.2");
    assertThat(XFF.resolve("10.0.0.2", null)).isEqualTo("10.0.0.2");
  }

  @Test
  void somethingThatIsNoAddressStopsAtTheProxyThatWroteIt() {
    assertThat(XFF.resolve("10.0.0.2", List.of("unknown"))).isEqualTo("10.0.0.2");
    assertThat(XFF.resolve("10.0.0.2", List.of("198.51.100.1, garbage, 10.0.0.7"))).isEqualTo("10.0.0.7");
    assertThat(XFF.resolve("10.0.0.2", List.of("example.org"))).isEqualTo("10.0.0.2");
  }

  @Test
  void ipv6PeersAndEntries() {
    assertThat(XFF.resolve("2001:db8:ffff::1", List.of("2001:DB8:1::5"))).isEqualTo("2001:db8:1::5");
    assertThat(XFF.resolve("2001:db8:ffff::1", List.of("[2001:db8:1::5]"))).isEqualTo("2001:db8:1::5");
    assertThat(XFF.resolve("2001:db8:fffe::1", List.of("198.51.100.1"))).isEqualTo("2001:db8:fffe::1");
  }

  @Test
  void xForwardedForEntriesWithAPortAreReadAsTheirAddress() {
    // As some proxies write them: without this, the proxy itself would be every forwarded client.
    assertThat(XFF.resolve("10.0.0.2", List.of("198.51.100.1:4711"))).isEqualTo("198.51.100.1");
    assertThat(XFF.resolve("10.0.0.2", List.of("[2001:db8:1::5]:443"))).isEqualTo("2001:db8:1::5");
    assertThat(XFF.resolve("10.0.0.2", List.of("1.2.3.4:1, 198.51.100.1:4711, 10.0.0.9:80"))).isEqualTo("198.51.100.1");
    // What the port form does not change: an unbracketed IPv6 is an address, a broken bracket none.
    assertThat(XFF.resolve("10.0.0.2", List.of("2001:db8:1::5"))).isEqualTo("2001:db8:1::5");
    assertThat(XFF.resolve("10.0.0.2", List.of("[2001:db8:1::5"))).isEqualTo("10.0.0.2");
    assertThat(XFF.resolve("10.0.0.2", List.of("198.51.100.1:"))).isEqualTo("198.51.100.1");
    assertThat(XFF.resolve("10.0.0.2", List.of(":4711"))).isEqualTo("10.0.0.2");
  }

  @Test
  void ipv4MappedPeersAreIpv4() {
    assertThat(XFF.resolve("::ffff:10.0.0.2", List.of("198.51.100.1"))).isEqualTo("198.51.100.1");
  }

  @Test
  void forwardedHeaderElements() {
    assertThat(FWD.resolve("10.0.0.2", List.of("for=192.0.2.60;proto=http;by=203.0.113.43"))).isEqualTo("192.0.2.60");
    assertThat(FWD.resolve("10.0.0.2", List.of("for=\"[2001:db8:cafe::17]:4711\""))).isEqualTo("2001:db8:cafe::17");
    assertThat(FWD.resolve("10.0.0.2", List.of("For=\"192.0.2.43:8080\""))).isEqualTo("192.0.2.43");
    assertThat(FWD.resolve("10.0.0.2", List.of("for=1.2.3.4, for=198.51.100.9, for=10.1.1.1"))).isEqualTo("198.51.100.9");
    assertThat(FWD.resolve("10.0.0.2", List.of("for=_hidden"))).isEqualTo("10.0.0.2");
    assertThat(FWD.resolve("10.0.0.2", List.of("proto=https"))).isEqualTo("10.0.0.2");
  }
}
