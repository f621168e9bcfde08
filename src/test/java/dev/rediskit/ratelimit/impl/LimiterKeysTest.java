package dev.rediskit.ratelimit.impl;

import dev.rediskit.config.KeyFamily;
import dev.rediskit.ratelimit.TokenHash;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The limiter's key layout. */
class LimiterKeysTest {

  private final LimiterKeys keys = new LimiterKeys(KeyFamily.RATE_LIMIT_GCRA, "app:");
  private final String base = KeyFamily.RATE_LIMIT_GCRA.start("app:");

  @Test
  void eachKindOfCallHasItsOwnPrefix() {
    assertThat(keys.check("user-1")).isEqualTo(base + "k:user-1");
    assertThat(keys.service("mailer")).isEqualTo(base + "s:mailer");
    assertThat(keys.verify("/login")).isEqualTo(base + "v:{/login}:");
    // A check key that looks like a service key stays a check key.
    assertThat(keys.check("s:mailer")).isNotEqualTo(keys.service("mailer"));
  }

  @Test
  void theKeysOfOneVerifyShareTheEndpointsHashTag() {
    String v = keys.verify("/login");
    assertThat(LimiterKeys.token(v, "secret")).isEqualTo(v + "t:" + TokenHash.of("secret")).doesNotContain("secret:");
    assertThat(LimiterKeys.ip(v, "10.0.0.1")).isEqualTo(v + "i:10.0.0.1");
    assertThat(LimiterKeys.endpoint(v)).isEqualTo(v + "e");
  }

  @Test
  void anEndpointCannotCloseTheHashTagOrOpenAnother() {
    assertThat(LimiterKeys.tagSafe("/plain")).isEqualTo("/plain");
    assertThat(LimiterKeys.tagSafe("a}b{c%d")).isEqualTo("a%7Db%7Bc%25d");
    String v = keys.verify("x}{y");
    // Exactly one brace pair, around the endpoint.
    assertThat(v.chars().filter(c -> c == '{').count()).isEqualTo(1);
    assertThat(v.chars().filter(c -> c == '}').count()).isEqualTo(1);
    // Escaping is one-to-one: a name that spells an escape stays distinct from the name escaped.
    assertThat(LimiterKeys.tagSafe("%7D")).isNotEqualTo(LimiterKeys.tagSafe("}"));
  }

  @Test
  void algorithmsUseKeysOfTheirOwn() {
    assertThat(new LimiterKeys(KeyFamily.RATE_LIMIT_FIXED, "app:").check("k")).isNotEqualTo(keys.check("k"));
  }
}
