package dev.rediskit.test;

import io.vertx.core.Future;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for Vert.x futures from a test thread (never from an event loop), with a deadline so that
 * a hung operation fails the test instead of hanging the build.
 */
public final class Futures {

  /** Long enough for any single operation on a busy 2-core machine; a hang shows as a failure. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private Futures() {
  }

  /**
   * @param future the future
   * @param <T> its type
   * @return its result
   * @throws AssertionError when it fails or does not complete within {@link #DEFAULT_TIMEOUT}
   */
  public static <T> T await(Future<T> future) {
    return await(future, DEFAULT_TIMEOUT);
  }

  /**
   * @param future the future
   * @param timeout how long to wait
   * @param <T> its type
   * @return its result
   * @throws AssertionError when it fails or does not complete in time
   */
  public static <T> T await(Future<T> future, Duration timeout) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("future failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("future did not complete within " + timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * Like {@link #await(Future)}, but a failure is thrown as it is (a {@code RuntimeException}, so that
   * {@code assertThatThrownBy(() -> join(...)).isInstanceOf(...)} sees the module's own exception);
   * anything else, a timeout included, as an {@link IllegalStateException}.
   *
   * @param future the future
   * @param <T> its type
   * @return its result
   */
  public static <T> T join(Future<T> future) {
    return join(future, DEFAULT_TIMEOUT);
  }

  /**
   * {@link #join(Future)} with a deadline of its own.
   *
   * @param future the future
   * @param timeout how long to wait
   * @param <T> its type
   * @return its result
   */
  public static <T> T join(Future<T> future, Duration timeout) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("future did not complete within " + timeout, e);
    }
  }

  /**
   * @param future a future expected to fail
   * @return its failure
   * @throws AssertionError when it succeeds or does not complete within {@link #DEFAULT_TIMEOUT}
   */
  public static Throwable failure(Future<?> future) {
    return failure(future, DEFAULT_TIMEOUT);
  }

  /**
   * @param future a future expected to fail
   * @param timeout how long to wait
   * @return its failure
   * @throws AssertionError when it succeeds or does not complete in time
   */
  public static Throwable failure(Future<?> future, Duration timeout) {
    try {
      Object value = future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError("expected a failure, got " + value);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (TimeoutException e) {
      throw new AssertionError("future did not complete within " + timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
