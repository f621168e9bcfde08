package dev.rediskit.cache.impl;

import dev.rediskit.cache.CacheNames;
import dev.rediskit.error.InvalidRequestException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CacheKeysTest {

  private final CacheKeys keys = new CacheKeys("rk");

  @Test
  void layout() {
    assertThat(keys.entryKey("users", 0, "42")).isEqualTo("rk:c:users:0:42");
    assertThat(keys.entryKey("users", 7, "a:b")).isEqualTo("rk:c:users:7:a:b");
    assertThat(keys.entryStart("users", 7)).isEqualTo("rk:c:users:7:");
    assertThat(keys.leaseKey("rk:c:users:0:42")).isEqualTo("rk:cl:users:0:42");
    assertThat(keys.versionKey("users")).isEqualTo("rk:cv:users");
  }

  @Test
  void versionsNeverMakeTwoKeysOneWhateverTheKeysHold() {
    // Keys may hold ':' and digits; the version is in every key, so these are all different.
    assertThat(java.util.Set.of(keys.entryKey("u", 0, "3:a"), keys.entryKey("u", 3, "a"), keys.entryKey("u", 0, "a"),
      keys.entryKey("u", 30, "a"), keys.entryKey("u", 3, "0:a"))).hasSize(5);
    assertThat(keys.entryKey("u", 3, "a")).startsWith(keys.entryStart("u", 3)).doesNotStartWith(keys.entryStart("u", 0));
    assertThat(keys.versionKey("users")).doesNotStartWith("rk:c:");
  }

  @Test
  void leaseKeysCannotBeEntriesOfAnyNamespace() {
    // Entries and leases are two families, each under its own segment after the prefix.
    assertThat(keys.leaseKey(keys.entryKey("cl", 0, "x"))).isEqualTo("rk:cl:cl:0:x").isNotEqualTo(keys.entryKey("cl", 0, "x"));
    assertThat(keys.entryKey("cl", 0, "users:42")).isNotEqualTo(keys.leaseKey(keys.entryKey("users", 0, "42")));
    assertThat(keys.leaseKey("rk:c:a:0:b")).startsWith("rk:cl:");
  }

  @Test
  void patternsEscapeGlobCharacters() {
    assertThat(keys.matchPattern("users")).isEqualTo("rk:c:users:*").as("every version");
    assertThat(keys.matchPattern("user*")).isEqualTo("rk:c:user\\*:*");
    assertThat(keys.matchPattern("a[b")).isEqualTo("rk:c:a\\[b:*");
    assertThat(keys.matchPattern("q?]\\")).isEqualTo("rk:c:q\\?\\]\\\\:*");
    assertThat(CacheKeys.escapeGlob("plain")).isSameAs("plain");
  }

  @Test
  void namespaceRules() {
    assertThat(CacheNames.checkNamespace("user*")).isEqualTo("user*");
    assertThat(CacheNames.checkNamespace("a[b")).isEqualTo("a[b");
    assertThat(CacheNames.checkNamespace("n".repeat(CacheNames.MAX_NAMESPACE_LENGTH))).hasSize(128);
    refused(() -> CacheNames.checkNamespace(null), "namespace: is required");
    refused(() -> CacheNames.checkNamespace(""), "namespace: must not be empty");
    refused(() -> CacheNames.checkNamespace("a:b"), "namespace: must not contain ':' (it separates namespace and key), was \"a:b\"");
    refused(() -> CacheNames.checkNamespace("a b"), "namespace: must not contain whitespace or control characters (at index 1), was \"a b\"");
    refused(() -> CacheNames.checkNamespace("a\u0007"), "namespace: must not contain whitespace or control characters (at index 1), was \"a\\u0007\"");
    refused(() -> CacheNames.checkNamespace("n".repeat(129)), "namespace: must be at most 128 characters, was 129");
  }

  @Test
  void keyRules() {
    assertThat(CacheNames.checkKey("key", "with space:and*glob")).isEqualTo("with space:and*glob");
    refused(() -> CacheNames.checkKey("key", null), "key: is required");
    refused(() -> CacheNames.checkKey("key", ""), "key: must not be empty");
    refused(() -> CacheNames.checkKey("keys[2]", "a\nb"), "keys[2]: must not contain control characters (at index 1)");
    refused(() -> CacheNames.checkKey("key", "k".repeat(1025)), "key: must be at most 1024 characters, was 1025");
  }

  @Test
  void keyListsAreCheckedAndRepeatsDropped() {
    assertThat(CacheKeys.checkKeys(java.util.List.of("b", "a", "b", "c", "a"))).containsExactly("b", "a", "c");
    assertThat(CacheKeys.checkKeys(java.util.List.of())).isEmpty();
    refused(() -> CacheKeys.checkKeys(null), "keys: is required");
    refused(() -> CacheKeys.checkKeys(java.util.Arrays.asList("ok", "", "x")), "keys[1]: must not be empty");
  }

  private static void refused(Runnable r, String message) {
    assertThatThrownBy(r::run).isInstanceOf(InvalidRequestException.class).hasMessage(message);
  }
}
