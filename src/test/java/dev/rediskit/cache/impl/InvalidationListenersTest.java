package dev.rediskit.cache.impl;

import dev.rediskit.cache.InvalidationListener;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InvalidationListenersTest {

  private final InvalidationListeners listeners = new InvalidationListeners();
  private final List<String> heard = new ArrayList<>();

  private final InvalidationListener recorder = new InvalidationListener() {
    @Override
    public void onInvalidate(String namespace, List<String> keys) {
      heard.add(namespace + keys);
    }

    @Override
    public void onFlush(String namespace) {
      heard.add("flush " + namespace);
    }
  };

  private final InvalidationListener broken = new InvalidationListener() {
    @Override
    public void onInvalidate(String namespace, List<String> keys) {
      throw new IllegalStateException("broken listener");
    }

    @Override
    public void onFlush(String namespace) {
      throw new IllegalStateException("broken listener");
    }
  };

  @Test
  void aFailingListenerDoesNotSilenceTheOthers() {
    listeners.add(broken);
    listeners.add(recorder);
    listeners.notifyInvalidate("users", List.of("1", "2"));
    listeners.notifyFlush("users");
    assertThat(heard).containsExactly("users[1, 2]", "flush users");
  }

  @Test
  void aRemovedListenerHearsNothing() {
    listeners.add(recorder);
    listeners.remove(recorder);
    listeners.notifyInvalidate("users", List.of("1"));
    assertThat(heard).isEmpty();
  }

  @Test
  void nullIsRefused() {
    assertThatThrownBy(() -> listeners.add(null)).isInstanceOf(NullPointerException.class).hasMessage("listener");
  }
}
