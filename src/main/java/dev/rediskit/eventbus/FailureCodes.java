package dev.rediskit.eventbus;

import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.error.RedisCommandException;
import dev.rediskit.error.RedisKitException;
import dev.rediskit.error.RedisPermissionException;
import dev.rediskit.error.RedisTimeoutException;
import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.error.ValueTooLargeException;
import dev.rediskit.cache.LoadTimeoutException;
import dev.rediskit.cache.LoaderException;
import dev.rediskit.cache.LoaderUnavailableException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * The failure codes of the event-bus contract, and the mapping between them and the typed
 * exceptions: consumers turn exceptions into {@link ReplyException}s, typed clients turn them back.
 *
 * <table>
 *   <caption>Failure codes</caption>
 *   <tr><th>code</th><th>meaning</th><th>exception</th></tr>
 *   <tr><td>400</td><td>invalid request; the message names the field</td><td>{@link InvalidRequestException}</td></tr>
 *   <tr><td>413</td><td>value too large</td><td>{@link ValueTooLargeException}</td></tr>
 *   <tr><td>500</td><td>Redis error reply or unexpected failure; a permission refusal (the ACL user lacks a command or
 *     key pattern) is one, typed back as a {@link RedisPermissionException}</td><td>{@link RedisCommandException}</td></tr>
 *   <tr><td>503</td><td>Redis unavailable or breaker open</td><td>{@link RedisUnavailableException}</td></tr>
 *   <tr><td>504</td><td>a Redis command (or the event-bus request) timed out</td><td>{@link RedisTimeoutException}</td></tr>
 *   <tr><td>501</td><td>no loader: none configured for the namespace, or nothing consumes its address</td>
 *     <td>{@link LoaderUnavailableException}</td></tr>
 *   <tr><td>502</td><td>the loader failed or answered outside the contract, and no stale value was there</td>
 *     <td>{@link LoaderException}</td></tr>
 *   <tr><td>524</td><td>the loader did not answer within {@code cache.loadTimeoutMs}</td>
 *     <td>{@link LoadTimeoutException}</td></tr>
 * </table>
 */
public final class FailureCodes {

  /** Invalid request. */
  public static final int INVALID_REQUEST = InvalidRequestException.CODE;
  /** Value too large. */
  public static final int VALUE_TOO_LARGE = ValueTooLargeException.CODE;
  /** Redis error reply, or an unexpected failure. */
  public static final int INTERNAL = RedisCommandException.CODE;
  /** Redis unavailable, or the breaker is open. */
  public static final int UNAVAILABLE = RedisUnavailableException.CODE;
  /** Timed out. */
  public static final int TIMEOUT = RedisTimeoutException.CODE;
  /** No loader: none configured for the namespace, or no consumer at its address. */
  public static final int LOADER_UNAVAILABLE = LoaderUnavailableException.CODE;
  /** The loader failed, or its reply broke the loader contract, and no stale value was there. */
  public static final int LOADER_FAILED = LoaderException.CODE;
  /** The loader did not answer within {@code cache.loadTimeoutMs}. */
  public static final int LOADER_TIMEOUT = LoadTimeoutException.CODE;

  private FailureCodes() {
  }

  /**
   * @param failure any failure of an operation
   * @return the reply a consumer sends for it
   */
  public static ReplyException toReply(Throwable failure) {
    if (failure instanceof RedisKitException rke) {
      return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, rke.code(), rke.getMessage());
    }
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, INTERNAL,
      failure.getClass().getSimpleName() + ": " + failure.getMessage());
  }

  /**
   * Turns a failed request back into a typed exception.
   *
   * @param failure what {@code request()} failed with
   * @return the typed exception (a {@link RedisTimeoutException} when no reply came in time)
   */
  public static Throwable fromReply(Throwable failure) {
    return fromReply(failure, "is RedisKitVerticle deployed?");
  }

  /**
   * {@link #fromReply(Throwable)}, telling a caller with no consumer at the address what to deploy
   * or configure (the privileged addresses, for instance, are off by default).
   *
   * @param failure what {@code request()} failed with
   * @param noConsumerHint what the message of a {@code NO_HANDLERS} failure suggests, after the address
   * @return the typed exception
   */
  public static Throwable fromReply(Throwable failure, String noConsumerHint) {
    if (!(failure instanceof ReplyException re)) {
      return failure;
    }
    if (re.failureType() == ReplyFailure.TIMEOUT) {
      return new RedisTimeoutException("no reply on the event bus in time: " + re.getMessage());
    }
    if (re.failureType() == ReplyFailure.NO_HANDLERS) {
      return new RedisUnavailableException(RedisUnavailableException.Reason.DISCONNECTED,
        "no consumer registered (" + noConsumerHint + "): " + re.getMessage(), re);
    }
    String msg = re.getMessage();
    switch (re.failureCode()) {
      case INVALID_REQUEST: {
        int colon = msg == null ? -1 : msg.indexOf(": ");
        return colon > 0
          ? new InvalidRequestException(msg.substring(0, colon), msg.substring(colon + 2))
          : new InvalidRequestException("request", String.valueOf(msg));
      }
      case VALUE_TOO_LARGE:
        return new ValueTooLargeException(msg);
      case UNAVAILABLE:
        return new RedisUnavailableException(RedisUnavailableException.Reason.DISCONNECTED, msg, re);
      case TIMEOUT:
        return new RedisTimeoutException(msg);
      case LOADER_UNAVAILABLE:
        return new LoaderUnavailableException(msg);
      case LOADER_FAILED:
        return new LoaderException(msg);
      case LOADER_TIMEOUT:
        return new LoadTimeoutException(msg);
      case INTERNAL:
        // A refusal keeps Redis's own words (NOPERM...) in its message: typed again, so that a caller can
        // tell a permission to grant from a bug.
        return msg != null && RedisPermissionException.isRefusal(msg) ? new RedisPermissionException(msg, re)
          : new RedisKitException(re.failureCode(), msg, re);
      default:
        return new RedisKitException(re.failureCode(), msg, re);
    }
  }
}
