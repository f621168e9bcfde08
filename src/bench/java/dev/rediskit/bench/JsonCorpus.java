package dev.rediskit.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

/**
 * A corpus of JSON documents as an API would cache them: a customer with addresses and an order
 * history (ids, timestamps, prices, status words, free-text notes from a vocabulary of a few
 * hundred words), each document grown to a size drawn uniformly between the bounds. Seeded, so
 * every run measures the same bytes.
 */
public final class JsonCorpus {

  private static final String[] WORDS;
  private static final String[] STATUS = {"pending", "paid", "shipped", "delivered", "returned", "cancelled"};
  private static final String[] CITIES = {"Lisbon", "Berlin", "Osaka", "Lyon", "Austin", "Turin", "Gdansk", "Quito"};

  static {
    Random r = new Random(7);
    WORDS = new String[400];
    for (int i = 0; i < WORDS.length; i++) {
      StringBuilder w = new StringBuilder();
      int n = 3 + r.nextInt(8);
      for (int j = 0; j < n; j++) {
        w.append((char) ('a' + r.nextInt(26)));
      }
      WORDS[i] = w.toString();
    }
  }

  private JsonCorpus() {
  }

  /**
   * @param count how many documents
   * @param minBytes smallest size
   * @param maxBytes largest size
   * @param seed the seed
   * @return the documents' UTF-8 bytes
   */
  public static List<byte[]> generate(int count, int minBytes, int maxBytes, long seed) {
    Random r = new Random(seed);
    List<byte[]> docs = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int target = minBytes + r.nextInt(maxBytes - minBytes + 1);
      docs.add(document(r, i, target).encode().getBytes(StandardCharsets.UTF_8));
    }
    return docs;
  }

  private static JsonObject document(Random r, int id, int targetBytes) {
    JsonObject doc = new JsonObject()
      .put("id", "cust-" + id)
      .put("uuid", new UUID(r.nextLong(), r.nextLong()).toString())
      .put("name", capital(word(r)) + " " + capital(word(r)))
      .put("email", word(r) + "." + word(r) + "@example.com")
      .put("createdAt", 1_700_000_000_000L + r.nextInt(1_000_000_000))
      .put("tier", r.nextInt(4))
      .put("addresses", new JsonArray()
        .add(address(r))
        .add(address(r)));
    JsonArray orders = new JsonArray();
    doc.put("orders", orders);
    // Grow by orders until the target size; the last one is kept even if it overshoots a little,
    // then cut back to stay within the bounds.
    int size = doc.encode().length();
    while (size < targetBytes) {
      JsonObject order = order(r);
      orders.add(order);
      size += order.encode().length() + 1;
    }
    while (orders.size() > 1 && doc.encode().length() > targetBytes + 512) {
      orders.remove(orders.size() - 1);
    }
    return doc;
  }

  private static JsonObject address(Random r) {
    return new JsonObject().put("street", (1 + r.nextInt(300)) + " " + capital(word(r)) + " Street")
      .put("city", CITIES[r.nextInt(CITIES.length)]).put("zip", String.format(Locale.ROOT, "%05d", r.nextInt(100_000)));
  }

  private static JsonObject order(Random r) {
    JsonArray lines = new JsonArray();
    int n = 1 + r.nextInt(4);
    for (int i = 0; i < n; i++) {
      lines.add(new JsonObject().put("sku", "SKU-" + r.nextInt(50_000)).put("qty", 1 + r.nextInt(5))
        .put("unitPrice", Math.round(r.nextDouble() * 20_000) / 100.0).put("title", capital(word(r)) + " " + word(r)));
    }
    StringBuilder note = new StringBuilder();
    int words = r.nextInt(12);
    for (int i = 0; i < words; i++) {
      note.append(i == 0 ? "" : " ").append(word(r));
    }
    return new JsonObject().put("orderId", new UUID(r.nextLong(), r.nextLong()).toString())
      .put("placedAt", 1_700_000_000_000L + r.nextInt(1_000_000_000))
      .put("status", STATUS[r.nextInt(STATUS.length)]).put("lines", lines)
      .put("total", Math.round(r.nextDouble() * 100_000) / 100.0).put("note", note.toString());
  }

  private static String word(Random r) {
    return WORDS[r.nextInt(WORDS.length)];
  }

  private static String capital(String w) {
    return Character.toUpperCase(w.charAt(0)) + w.substring(1);
  }
}
