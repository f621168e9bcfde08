package dev.rediskit.cache.impl;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class SingleFlightTest {

  private final SingleFlight flights = new SingleFlight();
  private final AtomicInteger started = new AtomicInteger();
  private final AtomicInteger joins = new AtomicInteger();

  private Future<String> run(String key, Promise<String> work) {
    return flights.joinOrRun(key, () -> {
      started.incrementAndGet();
      return work.future();
    }, joins::incrementAndGet);
  }

  @Test
  void aSecondCallerJoinsTheRunningLoad() {
    Promise<String> first = Promise.promise();
    Promise<String> second = Promise.promise();
    Future<String> a = run("k", first);
    Future<String> b = run("k", second);

    assertThat(b).isSameAs(a);
    assertThat(started).hasValue(1);
    assertThat(joins).hasValue(1);
    assertThat(flights.<String>current("k")).isSameAs(a);

    first.complete("v");
    assertThat(a.result()).isEqualTo("v");
    assertThat(flights.<String>current("k")).isNull();
    assertThat(flights.size()).isZero();
  }

  @Test
  void otherKeysRunTheirOwnLoads() {
    Future<String> a = run("a", Promise.promise());
    Future<String> b = run("b", Promise.promise());
    assertThat(b).isNotSameAs(a);
    assertThat(started).hasValue(2);
    assertThat(joins).hasValue(0);
    assertThat(flights.size()).isEqualTo(2);
  }

  @Test
  void aCallerAfterCompletionStartsANewLoad() {
    Promise<String> first = Promise.promise();
    run("k", first);
    first.complete("old");

    Promise<String> next = Promise.promise();
    Future<String> again = run("k", next);
    assertThat(started).hasValue(2);
    next.complete("new");
    assertThat(again.result()).isEqualTo("new");
  }

  @Test
  void aFailedLoadLeavesTheKeyAndReachesEveryCaller() {
    Promise<String> work = Promise.promise();
    Future<String> a = run("k", work);
    Future<String> b = run("k", Promise.promise());
    IllegalStateException boom = new IllegalStateException("boom");
    work.fail(boom);

    assertThat(a.cause()).isSameAs(boom);
    assertThat(b.cause()).isSameAs(boom);
    assertThat(flights.size()).isZero();
  }

  @Test
  void workCompletedAtOnceStillLeavesTheMap() {
    Future<String> f = flights.joinOrRun("k", () -> Future.succeededFuture("now"), joins::incrementAndGet);
    assertThat(f.result()).isEqualTo("now");
    assertThat(flights.size()).isZero();
  }

  @Test
  void workThatThrowsFailsTheLoadInsteadOfHoldingTheKey() {
    Future<String> f = flights.joinOrRun("k", () -> {
      throw new IllegalArgumentException("cannot start");
    }, joins::incrementAndGet);
    assertThat(f.failed()).isTrue();
    assertThat(f.cause()).hasMessage("cannot start");
    assertThat(flights.size()).isZero();
  }
}
