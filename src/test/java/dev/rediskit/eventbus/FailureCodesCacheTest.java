package dev.rediskit.eventbus;

import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.error.RedisTimeoutException;
import dev.rediskit.error.ValueTooLargeException;
import dev.rediskit.cache.LoadTimeoutException;
import dev.rediskit.cache.LoaderException;
import dev.rediskit.cache.LoaderUnavailableException;
import io.vertx.core.eventbus.ReplyException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FailureCodesCacheTest {

  @Test
  void valueTooLargeComesBackTyped() {
    ReplyException re = FailureCodes.toReply(new ValueTooLargeException("value", 2000, 1000));
    assertThat(re.failureCode()).isEqualTo(413);
    Throwable back = FailureCodes.fromReply(re);
    assertThat(back).isInstanceOf(ValueTooLargeException.class)
      .hasMessage("value: encoded value is 2000 bytes, larger than the maximum of 1000 bytes");
  }

  @Test
  void invalidRequestKeepsItsField() {
    Throwable back = FailureCodes.fromReply(FailureCodes.toReply(new InvalidRequestException("keys[1]", "must not be empty")));
    assertThat(back).isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("keys[1]"));
  }

  @Test
  void loaderFailuresHaveCodesOfTheirOwnAndComeBackTyped() {
    assertThat(FailureCodes.toReply(new LoaderUnavailableException("none")).failureCode()).isEqualTo(501);
    assertThat(FailureCodes.toReply(new LoaderException("failed")).failureCode()).isEqualTo(502);
    assertThat(FailureCodes.toReply(new LoadTimeoutException("slow")).failureCode()).isEqualTo(524);
    assertThat(FailureCodes.fromReply(FailureCodes.toReply(new LoaderUnavailableException("none"))))
      .isExactlyInstanceOf(LoaderUnavailableException.class).hasMessage("none");
    assertThat(FailureCodes.fromReply(FailureCodes.toReply(new LoaderException("failed"))))
      .isExactlyInstanceOf(LoaderException.class).hasMessage("failed");
    Throwable timeout = FailureCodes.fromReply(FailureCodes.toReply(new LoadTimeoutException("slow")));
    assertThat(timeout).isExactlyInstanceOf(LoadTimeoutException.class).isNotInstanceOf(RedisTimeoutException.class);
  }
}
