package dev.rediskit.client.impl;

import dev.rediskit.config.OptionChecks;
import dev.rediskit.config.Redaction;
import io.vertx.redis.client.RedisClientType;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The rules of the gateway's settings that need more than a range: endpoint URIs, the TLS CA file
 * and the key prefix. Each returns {@code null} or the problem line naming the key, so that a
 * setter (which throws it) and {@code problems()} (which collects it) say the same thing.
 */
public final class GatewayRules {

  private static final Pattern DATABASE_PATH = Pattern.compile("/\\d{1,9}");
  /** Characters a URI never holds unencoded (RFC 3986 has no place for them). */
  private static final String URI_EXCLUDED_CHARS = "\"<>\\^`{|}";

  private GatewayRules() {
  }


  /**
   * With a topology the client discovers, every endpoint must use the same scheme: vertx-redis-client
   * 5.0.7 reaches the nodes a cluster seed, a sentinel or a master hands out with the scheme of that
   * endpoint, so mixed schemes would make the connections plain or TLS depending on which endpoint
   * answered first.
   *
   * @param endpoints the endpoints, each valid on its own
   * @param type the topology
   * @return the first endpoint whose scheme differs from the first one's, as a problem, or {@code null}
   */
  public static String mixedSchemesProblem(List<String> endpoints, RedisClientType type) {
    if (type == RedisClientType.STANDALONE || endpoints.size() < 2) {
      return null;
    }
    String first = scheme(endpoints.get(0));
    for (int i = 1; i < endpoints.size(); i++) {
      String scheme = scheme(endpoints.get(i));
      if (first != null && scheme != null && !first.equals(scheme)) {
        return OptionChecks.violation("endpoints[" + i + "]", "must use the scheme of endpoints[0] (" + first
          + "://) with type " + type + ": the nodes the client discovers are reached with the scheme of the endpoint "
          + "they were discovered through, so all are TLS (rediss://) or none", Redaction.redact(endpoints.get(i)));
      }
    }
    return null;
  }

  private static String scheme(String endpoint) {
    if (endpoint == null) {
      return null;
    }
    if (endpoint.regionMatches(true, 0, "rediss://", 0, 9)) {
      return "rediss";
    }
    return endpoint.regionMatches(true, 0, "redis://", 0, 8) ? "redis" : null;
  }

  /**
   * @param key the key to name
   * @param path the CA file, or {@code null}
   * @return the problem, or {@code null} when unset or an existing readable file
   */
  public static String tlsCaPathProblem(String key, String path) {
    if (path == null) {
      return null;
    }
    Path p;
    try {
      p = Path.of(path);
    } catch (InvalidPathException e) {
      return OptionChecks.violation(key, "must be a valid file path (" + e.getReason() + ")", path);
    }
    // A stat at start-up: validate() runs once, before any traffic, so this tiny blocking call is fine.
    if (!Files.exists(p)) {
      return OptionChecks.violation(key, "must name an existing PEM file (no such file)", path);
    }
    if (Files.isDirectory(p)) {
      return OptionChecks.violation(key, "must name a PEM file, not a directory", path);
    }
    if (!Files.isReadable(p)) {
      return OptionChecks.violation(key, "must name a readable PEM file (permission denied)", path);
    }
    return null;
  }

  /**
   * @param key the key to name
   * @param prefix the key prefix
   * @return the problem, or {@code null} when it is a usable prefix of every key of the module
   */
  public static String keyPrefixProblem(String key, String prefix) {
    if (prefix == null || prefix.isEmpty()) {
      return OptionChecks.violation(key, "must not be empty (every key the module writes starts with it)", prefix);
    }
    if (prefix.chars().anyMatch(Character::isWhitespace)) {
      return OptionChecks.violation(key, "must not contain whitespace", prefix);
    }
    if (prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
      return OptionChecks.violation(key,
        "must not contain '{' or '}' (a Redis Cluster hash tag would put every key in one slot)", prefix);
    }
    if (prefix.chars().anyMatch(c -> "*?[]\\".indexOf(c) >= 0)) {
      return OptionChecks.violation(key,
        "must not contain the glob characters * ? [ ] \\ (namespace flush matches keys with SCAN patterns)", prefix);
    }
    return null;
  }

  /**
   * Says, in the module's own words, why {@link URI} refused an endpoint. The JDK's reason and index
   * are not used as they are: their wording changes between Java versions (17 points at the start
   * of the authority, 25 at the offending character), and the exception's message repeats the
   * input, password included.
   *
   * @param url the endpoint {@link URI} refused
   * @param e what it said
   * @return the rule the endpoint breaks
   */
  private static String uriSyntaxRule(String url, URISyntaxException e) {
    for (int i = 0; i < url.length(); i++) {
      char c = url.charAt(i);
      if (Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)) {
        return "must not contain whitespace or control characters (at index " + i + ")";
      }
      if (URI_EXCLUDED_CHARS.indexOf(c) >= 0) {
        return "must percent-encode the characters \" < > \\ ^ ` { | } (at index " + i + ")";
      }
      if (c == '%' && (i + 2 >= url.length() || Character.digit(url.charAt(i + 1), 16) < 0
        || Character.digit(url.charAt(i + 2), 16) < 0)) {
        return "must follow '%' with two hex digits, or write '%' itself as %25 (at index " + i + ")";
      }
    }
    int open = url.indexOf('[');
    if (open >= 0 && url.indexOf(']', open) < 0) {
      return "must close the IPv6 address opened at index " + open + " with ']'";
    }
    if (url.endsWith("://")) {
      return url.regionMatches(true, 0, "unix", 0, 4)
        ? "must name the socket file (unix:///run/redis/redis.sock)"
        : "must name a host (redis://host:port)";
    }
    // Rare shapes the checks above don't name; the JDK's reason, without its index, is the best said.
    return "must be a valid URI (" + e.getReason() + ")";
  }

  /**
   * @param scheme an endpoint's scheme that is not one of the module's
   * @return a hint for a scheme that names a topology, the way other clients' URLs do; empty otherwise
   */
  static String topologyHint(String scheme) {
    // Other clients' URL forms (Lettuce's redis-sentinel://, some libraries' redis-cluster://) name
    // the topology in the scheme; here it is a key of its own, and the URLs stay plain.
    String s = scheme == null ? "" : scheme.toLowerCase(java.util.Locale.ROOT);
    if (s.contains("sentinel")) {
      return " (for Sentinel: type SENTINEL, masterName, and each sentinel as redis://host:26379)";
    }
    if (s.contains("cluster")) {
      return " (for a Redis Cluster: type CLUSTER, and the seed nodes as redis://host:port)";
    }
    return "";
  }

  /**
   * @param key the key to name, e.g. {@code endpoints[1]}
   * @param url the endpoint
   * @param type the topology, or {@code null} to skip the checks that depend on it
   * @return the problem (showing the URL with its password hidden), or {@code null}
   */
  public static String endpointProblem(String key, String url, RedisClientType type) {
    if (url == null) {
      return key + ": must be a redis://, rediss:// or unix:// URI, was null";
    }
    String shown = Redaction.redact(url);
    if (url.isBlank()) {
      return OptionChecks.violation(key, "must be a redis://, rediss:// or unix:// URI", shown);
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return OptionChecks.violation(key, uriSyntaxRule(url, e), shown);
    }
    String scheme = uri.getScheme();
    if (scheme == null || !(scheme.equals("redis") || scheme.equals("rediss") || scheme.equals("unix"))) {
      return OptionChecks.violation(key, "must start with redis://, rediss:// or unix://" + topologyHint(scheme), shown);
    }
    if (scheme.equals("unix")) {
      String path = uri.getPath();
      if (path == null || path.isEmpty() || path.equals("/")) {
        return OptionChecks.violation(key, "must name the socket file (unix:///run/redis/redis.sock)", shown);
      }
      return null;
    }
    if (uri.getHost() == null) {
      String authority = uri.getRawAuthority();
      if (authority == null || authority.isEmpty()) {
        return OptionChecks.violation(key, "must name a host (redis://host:port)", shown);
      }
      String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
      int colon = hostPort.lastIndexOf(':');
      if (colon >= 0 && !hostPort.endsWith("]") && !hostPort.substring(colon + 1).chars().allMatch(Character::isDigit)) {
        return OptionChecks.violation(key, "must have a port between 1 and 65535", shown);
      }
      return OptionChecks.violation(key, "must name a valid host (redis://host:port"
        + (authority.indexOf('@') != authority.lastIndexOf('@') ? "; write an '@' in the password as %40" : "") + ")", shown);
    }
    int port = uri.getPort();
    if (port != -1 && (port < 1 || port > 65535)) {
      return OptionChecks.violation(key, "must have a port between 1 and 65535", shown);
    }
    String path = uri.getRawPath();
    if (path != null && !path.isEmpty() && !path.equals("/")) {
      if (!DATABASE_PATH.matcher(path).matches()) {
        return OptionChecks.violation(key, "may only have a database index as path (redis://host:port/0)", shown);
      }
      if (type == RedisClientType.CLUSTER && Integer.parseInt(path.substring(1)) != 0) {
        return OptionChecks.violation(key, "must not select a database with type CLUSTER (Redis Cluster has database 0 only)", shown);
      }
    }
    return null;
  }
}
