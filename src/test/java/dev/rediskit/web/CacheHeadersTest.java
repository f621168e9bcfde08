package dev.rediskit.web;

import dev.rediskit.cache.CacheResult;
import dev.rediskit.cache.CacheResult.Source;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The X-Cache value of every kind of read result. */
class CacheHeadersTest {

  @Test
  void everySourceMapsToHitMissOrStale() {
    assertThat(CacheHeaders.status(new CacheResult<>(true, "v", false, 10))).isEqualTo("HIT");
    assertThat(CacheHeaders.status(CacheResult.miss())).isEqualTo("MISS");
    assertThat(CacheHeaders.status(new CacheResult<>(true, "v", true, 0))).isEqualTo("STALE");
    assertThat(CacheHeaders.status(new CacheResult<>(true, null, false, 10))).as("a cached absence").isEqualTo("HIT");
    assertThat(CacheHeaders.status(CacheResult.loaded("v", 10))).isEqualTo("MISS");
    assertThat(CacheHeaders.status(CacheResult.loadedAbsent())).isEqualTo("MISS");
    assertThat(CacheHeaders.status(new CacheResult<>(true, "v", true, 0, Source.STALE))).isEqualTo("STALE");
    assertThat(CacheHeaders.status(new CacheResult<>(true, null, false, 5, Source.NEGATIVE))).isEqualTo("HIT");
  }

  @Test
  void everySourceHasAValue() {
    for (Source s : Source.values()) {
      assertThat(CacheHeaders.status(new CacheResult<>(true, "v", false, 1, s))).as(s.name()).isIn("HIT", "MISS", "STALE");
      assertThat(CacheHeaders.status(new CacheResult<>(false, null, false, 0, s))).as(s.name()).isIn("MISS", "STALE", "HIT");
    }
  }

  @Test
  void nullIsRefusedByName() {
    assertThatThrownBy(() -> CacheHeaders.status(null)).isInstanceOf(NullPointerException.class).hasMessage("result");
  }
}
