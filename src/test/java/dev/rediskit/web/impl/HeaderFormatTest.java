package dev.rediskit.web.impl;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HeaderFormatTest {

  @Test
  void policyItemsAsInTheDraft() {
    assertThat(HeaderFormat.policyItem("default", 100, 60_000)).isEqualTo("\"default\";q=100;w=60");
    assertThat(HeaderFormat.policyItem("daily", 1000, 86_400_000)).isEqualTo("\"daily\";q=1000;w=86400");
  }

  @Test
  void windowsAreWholeSecondsRoundedUpAndNeverZero() {
    assertThat(HeaderFormat.policyItem("p", 5, 1_500)).isEqualTo("\"p\";q=5;w=2");
    assertThat(HeaderFormat.policyItem("p", 5, 1)).isEqualTo("\"p\";q=5;w=1");
  }

  @Test
  void limitItemsAsInTheDraft() {
    assertThat(HeaderFormat.limitItem("default", 50, 30)).isEqualTo("\"default\";r=50;t=30");
    assertThat(HeaderFormat.limitItem("default", -1, -5)).isEqualTo("\"default\";r=0;t=0");
  }

  @Test
  void secondsRoundUp() {
    assertThat(HeaderFormat.seconds(0)).isZero();
    assertThat(HeaderFormat.seconds(1)).isEqualTo(1);
    assertThat(HeaderFormat.seconds(1000)).isEqualTo(1);
    assertThat(HeaderFormat.seconds(1001)).isEqualTo(2);
  }

  @Test
  void namesAreStructuredFieldStrings() {
    assertThat(HeaderFormat.sfString("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
    assertThatThrownBy(() -> HeaderFormat.sfString("tab\there")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HeaderFormat.sfString("é")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aConcurrencyLimitIsQuotedInConcurrentRequestsWithoutAWindow() {
    assertThat(HeaderFormat.concurrencyPolicyItem("reports", 20, null)).isEqualTo("\"reports\";q=20;qu=\"concurrent-requests\"");
    assertThat(HeaderFormat.limitItem("reports", 19, -1, null)).isEqualTo("\"reports\";r=19");
  }

  @Test
  void thePartitionKeyIsAByteSequence() {
    byte[] pk = {(byte) 0xfb, (byte) 0xff, 0x01};
    assertThat(HeaderFormat.policyItem("peruser", 100, 60_000, pk)).isEqualTo("\"peruser\";q=100;w=60;pk=:+/8B:");
    assertThat(HeaderFormat.limitItem("peruser", 50, 30, pk)).isEqualTo("\"peruser\";r=50;t=30;pk=:+/8B:");
    assertThat(HeaderFormat.policyItem("peruser", 100, 60_000, null)).isEqualTo("\"peruser\";q=100;w=60");
  }

  @Test
  void thePartitionKeyIsSixteenBytesOfTheKeysSha256() throws Exception {
    byte[] expected = java.util.Arrays.copyOf(java.security.MessageDigest.getInstance("SHA-256")
      .digest("198.51.100.7".getBytes(java.nio.charset.StandardCharsets.UTF_8)), 16);
    assertThat(RateLimitHandlerImpl.partitionKey("198.51.100.7")).hasSize(16).isEqualTo(expected);
  }
}
