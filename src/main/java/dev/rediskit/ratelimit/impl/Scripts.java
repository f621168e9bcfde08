package dev.rediskit.ratelimit.impl;

import dev.rediskit.client.Script;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The Lua scripts of the limiters, read once from {@code src/main/resources/dev/rediskit/ratelimit}. */
public final class Scripts {

  /** GCRA on one key, in microseconds; replies with one integer. */
  public static final Script GCRA = load("gcra.lua");
  /** GCRA on one key whose emission interval is whole milliseconds, kept in the key's expiry; replies with one integer. */
  public static final Script GCRA_MS = load("gcra_ms.lua");
  /** GCRA on one key with a bounded wait: books a future slot when it is close enough. */
  public static final Script GCRA_RESERVE = load("gcra_reserve.lua");
  /** GCRA on several keys, all or nothing. */
  public static final Script GCRA_MULTI = load("gcra_multi.lua");
  /** Fixed window on one or several keys, all or nothing. */
  public static final Script FIXED_WINDOW = load("fixed_window.lua");
  /** Sliding-window counter on one or several keys, all or nothing. */
  public static final Script SLIDING_WINDOW = load("sliding_window.lua");

  /** Concurrency limit: take a place in a key's holder set, if one is free. */
  public static final Script PERMIT_ACQUIRE = load("permit_acquire.lua");
  /** Concurrency limit: give a place back. */
  public static final Script PERMIT_RELEASE = load("permit_release.lua");
  /** Concurrency limit: extend a live lease. */
  public static final Script PERMIT_RENEW = load("permit_renew.lua");

  /** Run-time limits: one change, all its entries at once, the version bumped. */
  public static final Script LIMITS_APPLY = load("limits_apply.lua");
  /** Run-time limits: the stored hash as a flat array. */
  public static final Script LIMITS_READ = load("limits_read.lua");

  private Scripts() {
  }

  private static Script load(String name) {
    // Read once when the class is initialised, from the jar: not on an event loop's hot path.
    try (InputStream in = Scripts.class.getResourceAsStream("/dev/rediskit/ratelimit/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource dev/rediskit/ratelimit/" + name);
      }
      return Script.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
