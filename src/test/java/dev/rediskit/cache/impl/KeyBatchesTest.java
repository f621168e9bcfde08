package dev.rediskit.cache.impl;

import dev.rediskit.client.KeySlots;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class KeyBatchesTest {

  private static List<String> keys(String prefix, int n) {
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(prefix + i);
    }
    return out;
  }

  @Test
  void standaloneCutsOnlyBySize() {
    List<String> keys = keys("k", 2_500);
    List<List<String>> groups = new KeyBatches(false).groups(keys);
    assertThat(groups).extracting(List::size).containsExactly(1_000, 1_000, 500);
    assertThat(groups.stream().flatMap(List::stream).toList()).isEqualTo(keys);
  }

  @Test
  void clusterGroupsHoldOneSlotEach() {
    List<String> keys = new ArrayList<>(keys("{a}", 1_200));
    keys.addAll(keys("b", 300));
    List<List<String>> groups = new KeyBatches(true).groups(keys);

    for (List<String> g : groups) {
      assertThat(g).hasSizeLessThanOrEqualTo(KeyBatches.MAX_KEYS_PER_COMMAND);
      assertThat(g.stream().map(KeySlots::slot).distinct()).hasSize(1);
    }
    assertThat(groups.stream().flatMap(List::stream)).containsExactlyInAnyOrderElementsOf(keys);
    // The 1,200 keys of one hash tag need two commands, each keeping the input order.
    List<List<String>> tagged = groups.stream().filter(g -> g.get(0).startsWith("{a}")).toList();
    assertThat(tagged.stream().flatMap(List::stream).toList()).isEqualTo(keys.subList(0, 1_200));
  }

  @Test
  void noKeysNoCommands() {
    assertThat(new KeyBatches(true).groups(List.of())).isEmpty();
    assertThat(new KeyBatches(false).unlinkRequests(List.of())).isEmpty();
  }

  @Test
  void oneUnlinkPerGroup() {
    List<Request> unlinks = new KeyBatches(false).unlinkRequests(keys("k", 1_001));
    assertThat(unlinks).hasSize(2).allSatisfy(r -> assertThat(r.command()).isEqualTo(Command.UNLINK));
  }
}
