package dev.rediskit;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's paragraph on class sizes tells the truth: each line count it gives is the class's,
 * and every main class over {@value #LIMIT} lines is one it names and explains.
 */
class ClassSizesTest {

  static final int LIMIT = 400;
  static final String START = "Each setting is declared once:";
  static final String END = "Every other main class is at most " + LIMIT + ".";
  /** {@code `Name` 732 lines}, {@code `Name` (436}, {@code `Name`, 371}. */
  static final Pattern SIZE = Pattern.compile("`(\\w+)`,? \\(?(\\d+)\\b");

  @Test
  void theReadmeGivesTheLineCountOfEveryLargeClassAndOnlyTrueOnes() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    int start = readme.indexOf(START);
    int end = readme.indexOf(END, start);
    assertThat(start).as("README.md has the paragraph starting \"%s\"", START).isNotNegative();
    assertThat(end).as("the paragraph ends with \"%s\"", END).isPositive();
    Map<String, Integer> stated = new TreeMap<>();
    Matcher m = SIZE.matcher(readme.substring(start, end));
    while (m.find()) {
      stated.put(m.group(1), Integer.parseInt(m.group(2)));
    }
    Map<String, Integer> actual = new TreeMap<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      files.filter(p -> p.toString().endsWith(".java")).forEach(p -> actual.put(
        p.getFileName().toString().replace(".java", ""), lines(p)));
    }
    Map<String, Integer> statedNow = new TreeMap<>();
    stated.keySet().forEach(name -> statedNow.put(name, actual.get(name)));
    assertThat(stated).as("the line counts README.md gives (actual) against the classes' own (expected)").isEqualTo(statedNow);
    Map<String, Integer> large = new TreeMap<>();
    actual.forEach((name, n) -> {
      if (n > LIMIT && !stated.containsKey(name)) {
        large.put(name, n);
      }
    });
    assertThat(large).as("main classes over %d lines that README.md does not name", LIMIT).isEmpty();
  }

  private static int lines(Path p) {
    try (Stream<String> s = Files.lines(p)) {
      return (int) s.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
