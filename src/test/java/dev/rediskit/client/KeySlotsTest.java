package dev.rediskit.client;


import io.vertx.redis.client.impl.ZModem;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class KeySlotsTest {

  @Test
  void knownSlots() {
    // Values from the Redis Cluster specification and CLUSTER KEYSLOT on a real server.
    assertThat(KeySlots.slot("foo")).isEqualTo(12182);
    assertThat(KeySlots.slot("bar")).isEqualTo(5061);
    assertThat(KeySlots.slot("hello")).isEqualTo(866);
    assertThat(KeySlots.slot("")).isEqualTo(0);
  }

  @Test
  void crc16MatchesTheSpecificationsCheckValue() {
    byte[] b = "123456789".getBytes(StandardCharsets.US_ASCII);
    assertThat(KeySlots.crc16(b, 0, b.length)).isEqualTo(0x31C3);
  }

  @Test
  void hashTagsDecideTheSlot() {
    assertThat(KeySlots.slot("{user1000}.following")).isEqualTo(KeySlots.slot("{user1000}.followers"))
      .isEqualTo(KeySlots.slot("user1000"));
    // 8363: CRC16-XMODEM of the whole key, computed by an independent implementation.
    assertThat(KeySlots.slot("foo{}{bar}")).as("an empty first tag means the whole key").isEqualTo(8363)
      .isNotEqualTo(KeySlots.slot("bar"));
    assertThat(KeySlots.slot("foo{{bar}}zap")).as("the tag is '{bar' up to the first '}'").isEqualTo(KeySlots.slot("{bar"));
    assertThat(KeySlots.slot("foo{bar")).as("no closing brace: the whole key").isEqualTo(15278);
  }

  @Test
  void agreesWithTheClientsOwnImplementationOnAsciiKeys() {
    // Compared on ASCII keys with at most a well-formed tag: the client's ZModem departs from the
    // specification for an empty tag followed by another '}' (it keeps looking), and its 16-bit
    // arithmetic is unmasked for bytes >= 0x80. The integration tests check against CLUSTER KEYSLOT.
    Random rnd = new Random(7);
    for (int i = 0; i < 2000; i++) {
      StringBuilder sb = new StringBuilder();
      int len = rnd.nextInt(40);
      for (int j = 0; j < len; j++) {
        sb.append((char) (rnd.nextInt(3) == 0 ? ":*?[]".charAt(rnd.nextInt(5)) : 32 + rnd.nextInt(95)));
      }
      String key = sb.toString().replace("{", "").replace("}", "");
      if (rnd.nextBoolean() && key.length() > 2) {
        key = key.substring(0, 1) + "{" + key.substring(1, key.length() - 1) + "}" + key.substring(key.length() - 1);
      }
      assertThat(KeySlots.slot(key)).as(key).isEqualTo(ZModem.generate(key));
    }
  }

  @Test
  void hashesUtf8Bytes() {
    byte[] b = "é".getBytes(StandardCharsets.UTF_8);
    assertThat(KeySlots.slot("é")).isEqualTo(KeySlots.crc16(b, 0, b.length) & 16383);
  }

  @Test
  void groupsBySlotKeepingOrder() {
    Map<Integer, List<String>> groups = KeySlots.groupBySlot(List.of("{a}1", "foo", "{a}2", "bar", "{a}3"));
    assertThat(groups).hasSize(3);
    assertThat(groups.get(KeySlots.slot("a"))).containsExactly("{a}1", "{a}2", "{a}3");
    assertThat(groups.keySet()).containsExactly(KeySlots.slot("a"), 12182, 5061);
  }
}
