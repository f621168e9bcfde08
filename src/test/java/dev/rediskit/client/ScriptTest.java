package dev.rediskit.client;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScriptTest {

  @Test
  void digestIsTheOneRedisComputes() {
    // SCRIPT LOAD "return 1" answers e0e1f9fabfc9d4800c877a703b823ac0578ff8db.
    assertThat(Script.of("return 1").sha()).isEqualTo("e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
  }

  @Test
  void blankSourceIsRefused() {
    assertThatThrownBy(() -> Script.of(" ")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("source");
  }
}
