package dev.rediskit.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs a main class of the tests in a JVM of its own, with exactly the environment a container would set
 * (nothing of the test JVM's), for the tests of what an entry point reads from its process.
 */
public final class ChildJvm {

  /** What the child printed (stdout and stderr together), and its exit value. */
  public record Result(int exitValue, String output) {
  }

  private ChildJvm() {
  }

  /**
   * @param main the class whose {@code main} to run, on the test class path
   * @param jvmArgs arguments to the JVM before the class ({@code -Dkey=value})
   * @param args the program's arguments
   * @param env the child's whole environment
   * @param dir its working directory, or {@code null} for this one's
   * @return once the child has finished
   * @throws IOException when the child cannot be started or its output read
   * @throws InterruptedException when interrupted while waiting
   */
  public static Result run(Class<?> main, List<String> jvmArgs, List<String> args, Map<String, String> env, Path dir)
    throws IOException, InterruptedException {
    Path log = Files.createTempFile("child-" + main.getSimpleName(), ".log");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      "-cp", System.getProperty("java.class.path")));
    command.addAll(jvmArgs);
    command.add(main.getName());
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    if (dir != null) {
      pb.directory(dir.toFile());
    }
    pb.environment().clear();
    pb.environment().putAll(env);
    Process child = pb.start();
    try {
      // A JVM start, a connect and a few commands take seconds; 120 s only bounds a stuck child on a loaded machine.
      assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("child finished").isTrue();
    } finally {
      child.destroyForcibly();
    }
    String out = Files.readString(log);
    Files.deleteIfExists(log);
    return new Result(child.exitValue(), out);
  }
}
