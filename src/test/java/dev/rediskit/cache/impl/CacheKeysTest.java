package dev.rediskit.cache.impl;

import dev.rediskit.InvalidRequestException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CacheKeysTest {

  private final CacheKeys keys = new CacheKeys("rk");

  @Test
  void layout() {
    assertThat(keys.entryKey("users", "42")).isEqualTo("rk:users:42");
    assertThat(keys.entryKey("users", "a:b")).isEqualTo("rk:users:a:b");
    assertThat(keys.leaseKey("rk:users:42")).isEqualTo("rk::lease:users:42");
  }

  @Test
  void leaseKeysCannotBeEntriesOfAnyNamespace() {
    // An entry key has a non-empty namespace right after the prefix; a lease key has an empty one.
    assertThat(keys.leaseKey(keys.entryKey("lease", "x"))).isNotEqualTo(keys.entryKey("lease", "x"));
    assertThat(keys.leaseKey("rk:a:b")).startsWith("rk::");
  }

  @Test
  void patternsEscapeGlobCharacters() {
    assertThat(keys.matchPattern("users")).isEqualTo("rk:users:*");
    assertThat(keys.matchPattern("user*")).isEqualTo("rk:user\\*:*");
    assertThat(keys.matchPattern("a[b")).isEqualTo("rk:a\\[b:*");
    assertThat(keys.matchPattern("q?]\\")).isEqualTo("rk:q\\?\\]\\\\:*");
    assertThat(CacheKeys.escapeGlob("plain")).isSameAs("plain");
  }

  @Test
  void namespaceRules() {
    assertThat(CacheKeys.checkNamespace("user*")).isEqualTo("user*");
    assertThat(CacheKeys.checkNamespace("a[b")).isEqualTo("a[b");
    assertThat(CacheKeys.checkNamespace("n".repeat(CacheKeys.MAX_NAMESPACE_LENGTH))).hasSize(128);
    refused(() -> CacheKeys.checkNamespace(null), "namespace: is required");
    refused(() -> CacheKeys.checkNamespace(""), "namespace: must not be empty");
    refused(() -> CacheKeys.checkNamespace("a:b"), "namespace: must not contain ':' (it separates namespace and key), was \"a:b\"");
    refused(() -> CacheKeys.checkNamespace("a b"), "namespace: must not contain whitespace or control characters (at index 1), was \"a b\"");
    refused(() -> CacheKeys.checkNamespace("a\u0007"), "namespace: must not contain whitespace or control characters (at index 1), was \"a\\u0007\"");
    refused(() -> CacheKeys.checkNamespace("n".repeat(129)), "namespace: must be at most 128 characters, was 129");
  }

  @Test
  void keyRules() {
    assertThat(CacheKeys.checkKey("key", "with space:and*glob")).isEqualTo("with space:and*glob");
    refused(() -> CacheKeys.checkKey("key", null), "key: is required");
    refused(() -> CacheKeys.checkKey("key", ""), "key: must not be empty");
    refused(() -> CacheKeys.checkKey("keys[2]", "a\nb"), "keys[2]: must not contain control characters (at index 1)");
    refused(() -> CacheKeys.checkKey("key", "k".repeat(1025)), "key: must be at most 1024 characters, was 1025");
  }

  private static void refused(Runnable r, String message) {
    assertThatThrownBy(r::run).isInstanceOf(InvalidRequestException.class).hasMessage(message);
  }
}
