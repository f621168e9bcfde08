package dev.rediskit.examples;

import dev.rediskit.test.Await;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServers;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.rediskit.examples.RunningExample.PATIENCE;
import static dev.rediskit.examples.RunningExample.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Runs the walkthrough of examples/README.md as written: its commands in their order, against the
 * example started in-process on a free port with a Redis of its own, and checks that each prints
 * the status lines, headers and bodies the walkthrough shows ({@link Walkthrough} says which values
 * are matched as patterns, because they depend on time, the machine or the ports).
 *
 * <p>The walkthrough's {@code sleep N} lines exist for its rate limits, which are counted on Redis'
 * clock: the test waits until that clock (Redis {@code TIME}) has moved on N seconds, polling with a
 * bound, rather than sleeping on its own. {@code redis-cli ... shutdown} stops the test's Redis.
 */
@IntegrationTest
class ExampleWalkthroughIT {

  static final Path WALKTHROUGH = Path.of("examples", "README.md");

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  private RunningExample example;
  private boolean redisStopped;

  @BeforeEach
  void start() {
    example = RunningExample.start(redis.uri());
  }

  @AfterEach
  void stop() {
    if (example != null) {
      example.close();
    }
  }

  @Test
  void everyStepPrintsWhatTheWalkthroughShows() throws Exception {
    List<Walkthrough.Step> steps = Walkthrough.steps(Files.readString(WALKTHROUGH, StandardCharsets.UTF_8));
    WalkthroughShell shell = new WalkthroughShell(
      Map.of("B", "http://127.0.0.1:" + example.app().port(), "R", redis.uri()), this::send, new WalkthroughShell.World() {
        @Override
        public void sleep(long seconds) {
          waitOnRedisClock(seconds);
        }

        @Override
        public void stopRedis() {
          redis.server().stop();
          redisStopped = true;
        }
      });
    List<Integer> checked = new ArrayList<>();
    for (Walkthrough.Step step : steps) {
      WalkthroughShell.Result result;
      try {
        result = shell.run(step.script());
      } catch (IllegalArgumentException e) {
        fail(WALKTHROUGH + ":" + step.line() + ": " + e.getMessage() + "\n  in: " + Walkthrough.oneLine(step.script())
          + "\n  The walkthrough is run by " + getClass().getSimpleName() + ": keep its commands to what WalkthroughShell runs.");
        return;
      }
      if (!result.ranSomething() || step.output().isEmpty()) {
        continue;
      }
      Walkthrough.Mismatch m = Walkthrough.compare(step.output(), result.stdout());
      if (m != null) {
        fail(WALKTHROUGH + ":" + (step.outputLine() + m.offset()) + ": " + m.what()
          + "\n  step at line " + step.line() + ": " + Walkthrough.oneLine(step.script())
          + "\n  it printed:\n" + result.stdout().indent(4)
          + "  The walkthrough must show what its commands print when run in order as written (time-dependent values"
          + " aside, see Walkthrough); fix the text, or the example if the example is wrong.");
      }
      checked.add(step.line());
    }
    // Guards the check itself: the walkthrough's HTTP steps were all found and compared.
    assertThat(checked).as("walkthrough steps whose output was checked, by line").hasSizeGreaterThanOrEqualTo(10);
    assertThat(redisStopped).as("the walkthrough stops Redis").isTrue();
  }

  private WalkthroughShell.Response send(String method, String url, List<Map.Entry<String, String>> headers, String body)
      throws Exception {
    HttpRequest<Buffer> request = example.client().requestAbs(HttpMethod.valueOf(method), url);
    headers.forEach(h -> request.putHeader(h.getKey(), h.getValue()));
    HttpResponse<Buffer> r = await(body == null ? request.send() : request.sendBuffer(Buffer.buffer(body)));
    List<Map.Entry<String, String>> received = new ArrayList<>();
    r.headers().forEach(h -> received.add(Map.entry(h.getKey(), h.getValue())));
    String version = r.version() == HttpVersion.HTTP_2 ? "HTTP/2" : r.version() == HttpVersion.HTTP_1_0 ? "HTTP/1.0" : "HTTP/1.1";
    return new WalkthroughShell.Response(version, r.statusCode(), r.statusMessage(), received,
      r.body() == null ? "" : r.bodyAsString());
  }

  private void waitOnRedisClock(long seconds) {
    if (redisStopped) {
      throw new IllegalArgumentException("a sleep after Redis is stopped has no clock to wait on");
    }
    long from = redisTimeMs();
    Await.until(() -> redisTimeMs() >= from + seconds * 1000, PATIENCE.plusSeconds(seconds),
      seconds + " s on Redis' clock");
  }

  private static long redisTimeMs() {
    List<?> time = (List<?>) redis.server().command("TIME");
    return Long.parseLong((String) time.get(0)) * 1000 + Long.parseLong((String) time.get(1)) / 1000;
  }
}
