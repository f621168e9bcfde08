package dev.rediskit.eventbus;

import dev.rediskit.InvalidRequestException;
import dev.rediskit.ValueTooLargeException;
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
}
