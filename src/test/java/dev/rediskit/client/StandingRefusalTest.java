package dev.rediskit.client;

import ch.qos.logback.classic.Level;
import dev.rediskit.error.RedisPermissionException;
import dev.rediskit.test.LogCapture;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A standing refusal: reported on the board, logged under the component's logger when it starts and at most once a
 * minute, cleared when Redis serves the component again.
 */
class StandingRefusalTest {

  static final RedisPermissionException NOPERM = new RedisPermissionException(
    "EVALSHA: NOPERM this user has no permissions to run the 'evalsha' command", null);

  @Test
  void aRefusalIsReportedLoggedAtErrorRateLimitedAndClearedWhenRedisDecides() {
    AtomicLong clock = new AtomicLong(1_000);
    PermissionRefusals board = new PermissionRefusals();
    StandingRefusal refusal = new StandingRefusal("rate limiter api", "+evalsha", board, LoggerFactory.getLogger("dev.rediskit.client.StandingRefusalTest"),
      "The FAIL_OPEN failure policy decides", "Redis runs the limiter's commands again", clock::get);
    try (LogCapture log = LogCapture.of("dev.rediskit.client.StandingRefusalTest")) {
      assertThat(refusal.answered()).as("nothing to clear").isFalse();
      refusal.refused(NOPERM);
      assertThat(refusal.standing()).isTrue();
      assertThat(board.standing()).containsOnlyKeys("rate limiter api");
      assertThat(board.standing().get("rate limiter api")).contains("the command EVALSHA").contains("grant the ACL user +evalsha")
        .contains("NOPERM this user has no permissions");
      for (int i = 0; i < 100; i++) {
        refusal.refused(NOPERM);
        clock.addAndGet(StandingRefusal.LOG_INTERVAL_NANOS / 200);
      }
      assertThat(log.messages(Level.ERROR, "rate limiter api")).as("once when it starts, not per decision").hasSize(1);
      assertThat(log.messages(Level.ERROR, "FAIL_OPEN failure policy decides")).hasSize(1);
      clock.addAndGet(StandingRefusal.LOG_INTERVAL_NANOS);
      refusal.refused(NOPERM);
      assertThat(log.messages(Level.ERROR, "Still refused: 101 calls")).as("again after a minute, with the count").hasSize(1);
      refusal.refused(NOPERM);
      assertThat(log.messages(Level.ERROR, "rate limiter api")).hasSize(2);

      assertThat(refusal.answered()).isTrue();
      assertThat(refusal.answered()).as("once").isFalse();
      assertThat(board.standing()).isEmpty();
      assertThat(log.messages(Level.INFO, "rate limiter api: Redis runs the limiter's commands again")).hasSize(1);
      refusal.refused(NOPERM);
      assertThat(log.messages(Level.ERROR, "rate limiter api")).as("a new refusal is logged at once").hasSize(3);
    }
  }
}
