package dev.rediskit.eventbus;

import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.error.RedisCommandException;
import dev.rediskit.error.RedisKitException;
import dev.rediskit.error.RedisPermissionException;
import dev.rediskit.error.RedisTimeoutException;
import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.error.ValueTooLargeException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FailureCodesTest {

  @Test
  void typedFailuresRoundTripThroughReplyCodes() {
    InvalidRequestException invalid = (InvalidRequestException) FailureCodes.fromReply(
      FailureCodes.toReply(new InvalidRequestException("ttlMs", "must be > 0, was -5")));
    assertThat(invalid.field()).isEqualTo("ttlMs");
    assertThat(invalid.getMessage()).isEqualTo("ttlMs: must be > 0, was -5");

    Throwable tooLarge = FailureCodes.fromReply(FailureCodes.toReply(new ValueTooLargeException("value", 10, 5)));
    assertThat(((RedisKitException) tooLarge).code()).isEqualTo(413);

    Throwable unavailable = FailureCodes.fromReply(FailureCodes.toReply(
      new RedisUnavailableException(RedisUnavailableException.Reason.BREAKER_OPEN, "open", null)));
    assertThat(unavailable).isInstanceOf(RedisUnavailableException.class).hasMessage("open");

    assertThat(FailureCodes.fromReply(FailureCodes.toReply(new RedisTimeoutException("slow"))))
      .isInstanceOf(RedisTimeoutException.class).hasMessage("slow");
  }

  @Test
  void aPermissionRefusalIs500AndTypedBack() {
    ReplyException re = FailureCodes.toReply(new RedisPermissionException(
      "GET: NOPERM this user has no permissions to run the 'get' command", null));
    assertThat(re.failureCode()).isEqualTo(FailureCodes.INTERNAL);
    assertThat(FailureCodes.fromReply(re)).isInstanceOf(RedisPermissionException.class)
      .hasMessage("GET: NOPERM this user has no permissions to run the 'get' command");
    Throwable other = FailureCodes.fromReply(FailureCodes.toReply(new RedisCommandException("WRONGTYPE Operation against a key", null)));
    assertThat(other).isNotInstanceOf(RedisPermissionException.class);
    assertThat(((RedisKitException) other).code()).isEqualTo(500);
  }

  @Test
  void unexpectedFailuresAre500AndNamed() {
    ReplyException re = FailureCodes.toReply(new IllegalStateException("boom"));
    assertThat(re.failureCode()).isEqualTo(500);
    assertThat(re.getMessage()).isEqualTo("IllegalStateException: boom");
  }

  @Test
  void eventBusTimeoutBecomesTypedTimeout() {
    Throwable t = FailureCodes.fromReply(new ReplyException(ReplyFailure.TIMEOUT, -1, "Timed out after 100 ms"));
    assertThat(t).isInstanceOf(RedisTimeoutException.class);
    Throwable none = FailureCodes.fromReply(new ReplyException(ReplyFailure.NO_HANDLERS, -1, "no handlers"));
    assertThat(none).isInstanceOf(RedisUnavailableException.class).hasMessageContaining("RedisKitVerticle");
  }
}
