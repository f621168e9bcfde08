package dev.rediskit.client.impl;

import dev.rediskit.client.TrackingLink;
import dev.rediskit.error.InvalidRequestException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

/**
 * The tracking links opened on a gateway, one per cache that asked for one: their prefixes checked
 * as Redis will check them, their status as the gateway reports it, and their end with the gateway.
 * Opened on any thread and closed on the owning context; status reads the list from any thread,
 * hence the copy-on-write list.
 */
final class TrackingLinks {

  /** Makes a link for checked prefixes and a listener; the link belongs to the gateway. */
  private final BiFunction<List<String>, TrackingLink.Listener, TrackingLinkImpl> factory;
  private final List<TrackingLinkImpl> links = new CopyOnWriteArrayList<>();

  /** @param factory makes a link for checked prefixes and a listener */
  TrackingLinks(BiFunction<List<String>, TrackingLink.Listener, TrackingLinkImpl> factory) {
    this.factory = factory;
  }

  /**
   * @param prefixes the key prefixes to track
   * @param listener told about the invalidations
   * @return the link, open until it or the gateway is closed
   */
  TrackingLink open(Collection<String> prefixes, TrackingLink.Listener listener) {
    List<String> list = trackedPrefixes(prefixes);
    TrackingLinkImpl link = factory.apply(list, Objects.requireNonNull(listener, "listener"));
    links.add(link);
    return link;
  }

  /** Checks the prefixes as Redis will: at least one, none a prefix of another. */
  static List<String> trackedPrefixes(Collection<String> prefixes) {
    if (prefixes == null || prefixes.isEmpty()) {
      throw new InvalidRequestException("prefixes", "at least one key prefix is required");
    }
    List<String> list = new ArrayList<>(new LinkedHashSet<>(prefixes));
    for (String a : list) {
      if (a == null || a.isEmpty()) {
        throw new InvalidRequestException("prefixes", "must not hold an empty prefix (it would track every key)");
      }
      for (String b : list) {
        if (a != b && b.startsWith(a)) {
          throw new InvalidRequestException("prefixes", "\"" + a + "\" overlaps \"" + b + "\" (Redis refuses overlapping BCAST prefixes)");
        }
      }
    }
    return list;
  }

  /** @return the tracking part of the gateway's status, or {@code null} without a link */
  JsonObject status() {
    if (links.isEmpty()) {
      return null;
    }
    // The first link speaks for the gateway, the others are listed.
    JsonObject tracking = links.get(0).status();
    if (links.size() > 1) {
      JsonArray all = new JsonArray();
      links.forEach(l -> all.add(l.status()));
      tracking.put("links", all);
    }
    return tracking;
  }

  /** Closes every link; called on the owning context as the gateway closes. */
  void close() {
    links.forEach(TrackingLinkImpl::close);
    links.clear();
  }
}
