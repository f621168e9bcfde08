package dev.rediskit.cache.impl;

import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.cache.CacheOptions;
import dev.rediskit.cache.LoadOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TtlRulesTest {

  private final TtlRules rules = new TtlRules(new CacheOptions().setMaxTtlMs(60_000).setTtlMs(10_000).setNullTtlMs(5_000));

  @Test
  void ttlMustBePositiveAndWithinTheMaximum() {
    assertThat(rules.checkTtl("ttlMs", Duration.ofSeconds(60))).isEqualTo(60_000);
    refused(() -> rules.checkTtl("ttlMs", null), "ttlMs: is required");
    refused(() -> rules.checkTtl("ttlMs", Duration.ZERO), "ttlMs: must be > 0, was 0");
    refused(() -> rules.checkTtlMs("nullTtlMs", -5), "nullTtlMs: must be > 0, was -5");
    refused(() -> rules.checkTtl("ttlMs", Duration.ofMillis(60_001)), "ttlMs: must be <= cache.maxTtlMs (60000), was 60001");
  }

  @Test
  void aPositiveDurationBelowAMillisecondIsRefusedAsGivenNotReadAsZero() {
    refused(() -> rules.checkTtl("ttlMs", Duration.ofNanos(1)),
      "ttlMs: must be at least 1 ms (lifetimes are whole milliseconds), was PT0.000000001S");
    refused(() -> rules.resolve(new LoadOptions().setNullTtl(Duration.ofNanos(999_999))),
      "nullTtlMs: must be at least 1 ms (lifetimes are whole milliseconds), was PT0.000999999S");
    refused(() -> rules.resolve(new LoadOptions().setStaleTtl(Duration.ofNanos(500_000))),
      "staleTtlMs: must be 0 or at least 1 ms (lifetimes are whole milliseconds), was PT0.0005S");
    refused(() -> rules.checkIdleTtl("idleTtlMs", Duration.ofNanos(1)),
      "idleTtlMs: must be 0 (sliding expiry off) or at least 1 ms (lifetimes are whole milliseconds), was PT0.000000001S");
    // Zero keeps its meaning (off), and a millisecond and a fraction is that millisecond.
    assertThat(rules.resolve(new LoadOptions().setStaleTtl(Duration.ZERO)).staleMs()).isZero();
    assertThat(rules.checkIdleTtl("idleTtlMs", Duration.ZERO)).isZero();
    assertThat(rules.checkTtl("ttlMs", Duration.ofNanos(1_500_000))).isEqualTo(1);
  }

  @Test
  void noJitterByDefault() {
    assertThat(rules.jitter(10_000)).isEqualTo(10_000);
  }

  @Test
  void jitterOnlyShortensAndStaysWithinItsPercent() {
    TtlRules jittered = new TtlRules(new CacheOptions().setTtlJitterPercent(10));
    for (int i = 0; i < 1_000; i++) {
      assertThat(jittered.jitter(1_000)).isBetween(900L, 1_000L);
    }
    // Too short to shorten by a whole millisecond: left as it is, never 0.
    assertThat(jittered.jitter(1)).isEqualTo(1);
    assertThat(jittered.jitter(5)).isEqualTo(5);
  }

  @Test
  void defaultsFillWhatTheCallerLeavesOut() {
    LoadSettings s = rules.resolve(null);
    assertThat(s).isEqualTo(new LoadSettings(10_000, 0, 0, 0, false, 5_000, 0, java.util.List.of()));
    assertThat(s.refreshAhead()).isFalse();

    LoadSettings given = rules.resolve(new LoadOptions().setTtl(Duration.ofSeconds(2)).setStaleTtl(Duration.ofSeconds(3))
      .setRefreshAheadFraction(0.25).setCacheNulls(true).setNullTtl(Duration.ofSeconds(1)));
    assertThat(given).isEqualTo(new LoadSettings(2_000, 3_000, 0.25, 0, true, 1_000, 0, java.util.List.of()));
    assertThat(given.refreshAhead()).isTrue();
    assertThat(rules.resolve(new LoadOptions().setRefreshAheadBeta(1)).refreshAhead()).isTrue();
  }

  @Test
  void theDefaultNullTtlIsCappedByTheMaximum() {
    TtlRules capped = new TtlRules(new CacheOptions().setMaxTtlMs(1_000).setTtlMs(1_000).setNullTtlMs(60_000));
    assertThat(capped.resolve(null).nullTtlMs()).isEqualTo(1_000);
  }

  @Test
  void outOfRangeLoadOptionsNameTheirField() {
    refused(() -> rules.resolve(new LoadOptions().setTtl(Duration.ofMinutes(2))), "ttlMs: must be <= cache.maxTtlMs (60000), was 120000");
    refused(() -> rules.resolve(new LoadOptions().setStaleTtl(Duration.ofMillis(-1))), "staleTtlMs: must be >= 0, was -1");
    refused(() -> rules.resolve(new LoadOptions().setStaleTtl(Duration.ofMinutes(2))),
      "staleTtlMs: must be <= cache.maxTtlMs (60000), was 120000");
    refused(() -> rules.resolve(new LoadOptions().setRefreshAheadFraction(1)), "refreshAheadFraction: must be >= 0 and < 1, was 1.0");
    refused(() -> rules.resolve(new LoadOptions().setRefreshAheadFraction(Double.NaN)),
      "refreshAheadFraction: must be >= 0 and < 1, was NaN");
    refused(() -> rules.resolve(new LoadOptions().setRefreshAheadBeta(10.5)), "refreshAheadBeta: must be between 0 and 10, was 10.5");
    refused(() -> rules.resolve(new LoadOptions().setRefreshAheadFraction(0.1).setRefreshAheadBeta(1)),
      "refreshAheadBeta: must be 0 when refreshAheadFraction is set (pick one way)");
    refused(() -> rules.resolve(new LoadOptions().setNullTtl(Duration.ZERO)), "nullTtlMs: must be > 0, was 0");
  }

  /** A namespace's configured load options: TTL 30 s, stale 20 s, refresh-ahead 0.2, tags. */
  private static LoadOptions namespace() {
    return new LoadOptions().setTtl(Duration.ofSeconds(30)).setStaleTtl(Duration.ofSeconds(20)).setRefreshAheadFraction(0.2)
      .setTags(java.util.List.of("tenant:7"));
  }

  @Test
  void noOptionsTakeTheNamespacesThenTheCaches() {
    assertThat(rules.resolve(null, namespace()))
      .isEqualTo(new LoadSettings(30_000, 20_000, 0.2, 0, false, 5_000, 0, java.util.List.of("tenant:7")));
    assertThat(rules.resolve(new LoadOptions(), namespace())).isEqualTo(rules.resolve(null, namespace()));
  }

  @Test
  void aCallersTtlKeepsTheNamespacesOtherFields() {
    // The old rule resolved the caller's options against the cache alone: 0 stale, no refresh-ahead, no tags.
    assertThat(rules.resolve(LoadOptions.ttl(Duration.ofSeconds(2)), namespace()))
      .isEqualTo(new LoadSettings(2_000, 20_000, 0.2, 0, false, 5_000, 0, java.util.List.of("tenant:7")));
    assertThat(rules.resolve(new LoadOptions().setTags(java.util.List.of()).setCacheNulls(true), namespace()))
      .isEqualTo(new LoadSettings(30_000, 20_000, 0.2, 0, true, 5_000, 0, java.util.List.of()));
  }

  @Test
  void aNamespaceWithoutConfigurationTakesTheCachesDefaults() {
    assertThat(rules.resolve(null, (LoadOptions) null)).isEqualTo(rules.resolve(null));
    assertThat(rules.resolve(null, new LoadOptions()))
      .isEqualTo(new LoadSettings(10_000, 0, 0, 0, false, 5_000, 0, java.util.List.of()));
    assertThat(rules.resolve(LoadOptions.ttl(Duration.ofSeconds(2)), (LoadOptions) null))
      .isEqualTo(new LoadSettings(2_000, 0, 0, 0, false, 5_000, 0, java.util.List.of()));
  }

  @Test
  void aMergedValueOutOfRangeStillNamesItsField() {
    LoadOptions tooLong = new LoadOptions().setTtl(Duration.ofMinutes(2));
    refused(() -> rules.resolve(null, tooLong), "ttlMs: must be <= cache.maxTtlMs (60000), was 120000");
    refused(() -> rules.resolve(new LoadOptions().setRefreshAheadFraction(1), namespace()),
      "refreshAheadFraction: must be >= 0 and < 1, was 1.0");
  }

  private static void refused(Executable call, String message) {
    assertThatThrownBy(call::execute).isInstanceOf(InvalidRequestException.class).hasMessage(message);
  }
}
