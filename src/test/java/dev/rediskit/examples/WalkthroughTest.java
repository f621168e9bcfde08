package dev.rediskit.examples;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How the walkthrough test reads steps, runs commands and compares output, on made-up text and a
 * made-up HTTP server (no Redis, no example): so that ExampleWalkthroughIT can only pass when the
 * walkthrough shows what its commands print.
 */
class WalkthroughTest {

  private static final String RESPONSE_200 = """
    HTTP/1.1 200 OK
    RateLimit-Policy: "per-ip";q=5;w=10
    RateLimit: "per-ip";r=3;t=4
    content-length: 57

    {"user":{"id":"1"},"source":"cache","tookMs":1.384627}
    """;

  // ---- reading the steps ----

  @Test
  void aCommandBlockTakesTheNextOutputBlockAndTranscriptsSplitPerCommand() {
    String md = """
      # Walkthrough

      ```sh
      mvn -Pexample exec:java
      ```
      It prints:
      ```
      banner
      ```
      Then:
      ```
      not the output of anything
      ```
      ```sh
      curl -i $B/a
      ```
      ```json
      {"a": 1}
      ```
      ```sh
      sleep 1
      ```
      ```
      $ curl -s $B/b \\
        -H 'X: y'
      {"b": 2}
      $ curl -s $B/c
      {"c": 3}
      ```
      """;
    List<Walkthrough.Step> steps = Walkthrough.steps(md);
    assertThat(steps).extracting(Walkthrough.Step::script)
      .containsExactly("mvn -Pexample exec:java", "curl -i $B/a", "sleep 1", "curl -s $B/b \\\n  -H 'X: y'", "curl -s $B/c");
    assertThat(steps).extracting(Walkthrough.Step::output).containsExactly(
      List.of("banner"), List.of("{\"a\": 1}"), List.of(), List.of("{\"b\": 2}"), List.of("{\"c\": 3}"));
    assertThat(steps).extracting(Walkthrough.Step::line).containsExactly(4, 15, 21, 24, 27);
    assertThat(steps).extracting(Walkthrough.Step::outputLine).containsExactly(8, 18, 0, 26, 28);
  }

  // ---- comparing output ----

  @Test
  void valuesThatDependOnTimeArePatterns() {
    String printed = """
      HTTP/1.1 200 OK
      RateLimit-Policy: "per-ip";q=5;w=10
      RateLimit: "per-ip";r=4;t=1
      content-length: 58

      {"user":{"id":"1"},"source":"cache","tookMs":12.5}
      """;
    assertThat(Walkthrough.compare(lines(RESPONSE_200), printed)).isNull();
  }

  @Test
  void aDifferentStatusIsReportedOnItsLine() {
    String printed = """
      HTTP/1.1 429 Too Many Requests
      RateLimit-Policy: "per-ip";q=5;w=10
      RateLimit: "per-ip";r=0;t=2
      Retry-After: 2
      content-length: 20

      {"status":429}
      """;
    Walkthrough.Mismatch m = Walkthrough.compare(lines(RESPONSE_200), printed);
    assertThat(m).isNotNull();
    assertThat(m.offset()).isZero();
    assertThat(m.what()).isEqualTo("status HTTP/1.1 200 OK, the run got HTTP/1.1 429 Too Many Requests");
  }

  @Test
  void fewerUnitsLeftThanShownIsAMismatchMoreIsNot() {
    String fewer = RESPONSE_200.replace("r=3;t=4", "r=2;t=6");
    Walkthrough.Mismatch m = Walkthrough.compare(lines(RESPONSE_200), fewer);
    assertThat(m).isNotNull();
    assertThat(m.offset()).isEqualTo(2);
    assertThat(m.what()).contains("RateLimit: \"per-ip\";r=3;t=4", "r=2;t=6");
    assertThat(Walkthrough.compare(lines(RESPONSE_200), RESPONSE_200.replace("r=3;t=4", "r=5;t=0"))).isNull();
    assertThat(Walkthrough.compare(lines(RESPONSE_200), RESPONSE_200.replace("\"per-ip\";r=3", "\"per-token\";r=3")))
      .isNotNull();
  }

  @Test
  void headersAreComparedByNameOrderAndValue() {
    assertThat(Walkthrough.compare(lines(RESPONSE_200), RESPONSE_200.replace("RateLimit-Policy: \"per-ip\";q=5;w=10",
      "RateLimit-Policy: \"per-ip\";q=6;w=10")).what()).startsWith("header RateLimit-Policy");
    assertThat(Walkthrough.compare(lines(RESPONSE_200), RESPONSE_200.replace("content-length", "Content-Length"))).isNotNull();
    assertThat(Walkthrough.compare(lines(RESPONSE_200), RESPONSE_200.replace("content-length: 57\n",
      "content-length: 57\ncache-control: no-store\n")).what()).isEqualTo("the response has a header more: cache-control: no-store");
  }

  @Test
  void jsonBodiesMustHaveTheSameFieldsAndValuesButVaryingOnes() {
    assertThat(Walkthrough.compare(lines(RESPONSE_200), RESPONSE_200.replace("\"cache\"", "\"database\"")).what())
      .startsWith("body shows \"cache\" at source, the run printed \"database\"");
    assertThat(Walkthrough.compare(lines(RESPONSE_200), RESPONSE_200.replace("\"source\"", "\"origin\"")).what())
      .startsWith("body shows the fields [source, tookMs, user], the run printed [origin, tookMs, user]");
    assertThat(Walkthrough.jsonDiff("", io.vertx.core.json.Json.decodeValue(
        "{\"detail\":\"retry in 2 s\",\"at\":\"2026-01-01T00:00:00Z\",\"report\":{\"job\":{\"runs\":3,\"limit\":\"3 per 10 s\"}}}"),
      io.vertx.core.json.Json.decodeValue(
        "{\"detail\":\"retry in 1 s\",\"at\":\"2027-05-05T10:00:00Z\",\"report\":{\"job\":{\"runs\":9,\"limit\":\"3 per 10 s\"}}}")))
      .isNull();
    assertThat(Walkthrough.jsonDiff("", io.vertx.core.json.Json.decodeValue("{\"hits\":6}"),
      io.vertx.core.json.Json.decodeValue("{\"hits\":5}"))).isEqualTo("shows 6 at hits, the run printed 5");
  }

  @Test
  void plainLinesAreExactAndMetricsAreSeriesInAnyOrder() {
    assertThat(Walkthrough.compare(List.of("200 200 200 200 200"), "200 200 200 200 429 \n").what())
      .isEqualTo("'200 200 200 200 200' shown, the run printed '200 200 200 200 429'");
    List<String> shown = List.of("rediskit_a{x=\"1\"} 2.0", "rediskit_b 0.0");
    assertThat(Walkthrough.compare(shown, "rediskit_b 7.0\nrediskit_a{x=\"1\"} 9.0\n")).isNull();
    assertThat(Walkthrough.compare(List.of("rediskit_s{gateway=\"verticle-1\"} 0.0"), "rediskit_s{gateway=\"verticle-3\"} 0.0"))
      .isNull();
    assertThat(Walkthrough.compare(shown, "rediskit_a{x=\"2\"} 2.0\nrediskit_b 0.0\n").what())
      .isEqualTo("series shown but not printed [rediskit_a{x=\"1\"}]; printed but not shown [rediskit_a{x=\"2\"}]");
  }

  @Test
  void textAndResponsesFollowEachOther() {
    List<String> shown = lines("200 200\n" + RESPONSE_200);
    assertThat(Walkthrough.compare(shown, "200 200 \n" + RESPONSE_200)).isNull();
    Walkthrough.Mismatch m = Walkthrough.compare(shown, RESPONSE_200);
    assertThat(m.what()).isEqualTo("shows 200 200 where the run printed the response HTTP/1.1 200 OK");
  }

  // ---- running commands ----

  @Test
  void runsCurlLoopsPipesAndVariablesLikeAShell() throws Exception {
    List<String> sent = new ArrayList<>();
    List<String> world = new ArrayList<>();
    WalkthroughShell shell = new WalkthroughShell(Map.of("B", "http://h:1"), (method, url, headers, body) -> {
      sent.add(method + " " + url + " " + headers + " " + body);
      return new WalkthroughShell.Response("HTTP/1.1", url.endsWith("/3") ? 429 : 200, "OK",
        List.of(Map.entry("content-type", "text/plain")), url.endsWith("/m") ? "a 1\nb 2\nab 3\n" : "body");
    }, new WalkthroughShell.World() {
      @Override
      public void sleep(long seconds) {
        world.add("sleep " + seconds);
      }

      @Override
      public void stopRedis() {
        world.add("stop");
      }
    });

    WalkthroughShell.Result r = shell.run("""
      B=http://elsewhere:2   # the test's own address stands
      sleep 3
      for i in 1 2 3; do curl -s -o /dev/null -w '%{http_code} ' "$B/x/$i"; done; echo
      curl -i -X PUT -H 'Content-Type: application/json' \\
        -d '{"a": "b c"}' $B/p
      curl -s $B/m | grep '^a'
      redis-cli -u redis://h:3 shutdown nosave
      """);
    assertThat(r.ranSomething()).isTrue();
    assertThat(r.stdout()).isEqualTo("200 200 429 \nHTTP/1.1 200 OK\ncontent-type: text/plain\n\nbody\na 1\nab 3\n");
    assertThat(sent).containsExactly("GET http://h:1/x/1 [] null", "GET http://h:1/x/2 [] null", "GET http://h:1/x/3 [] null",
      "PUT http://h:1/p [Content-Type=application/json] {\"a\": \"b c\"}", "GET http://h:1/m [] null");
    assertThat(world).containsExactly("sleep 3", "stop");
    assertThat(shell.run("mvn -Pexample -q test-compile exec:java   # starts it\n").ranSomething()).isFalse();
  }

  @Test
  void refusesWhatItCannotRunNamingIt() {
    WalkthroughShell shell = new WalkthroughShell(Map.of("B", "http://h:1"), (m, u, h, b) -> {
      throw new AssertionError("nothing is sent");
    }, null);
    assertThatThrownBy(() -> shell.run("wget $B/x")).hasMessage("the walkthrough test cannot run 'wget'");
    assertThatThrownBy(() -> shell.run("curl -L $B/x")).hasMessage("curl option the walkthrough test does not know: -L");
    assertThatThrownBy(() -> shell.run("curl $X/x")).hasMessageStartingWith("$X is not a variable the walkthrough defines");
    assertThatThrownBy(() -> shell.run("curl $B/x > out.txt")).hasMessageContaining("may not use '>'");
    assertThatThrownBy(() -> shell.run("for i in 1 2; do curl $B/x")).hasMessage("'done' is missing");
  }

  private static List<String> lines(String text) {
    return text.lines().toList();
  }
}
