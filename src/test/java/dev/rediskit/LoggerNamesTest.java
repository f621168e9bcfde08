package dev.rediskit;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Logger names are part of the version policy: the main code logs only through SLF4J loggers named
 * after a public interface, and the README's logging table lists exactly those names.
 */
class LoggerNamesTest {

  private static final Pattern GET_LOGGER = Pattern.compile("LoggerFactory\\.getLogger\\(([\\w.]+)\\.class\\)");

  @Test
  void theMainCodeLogsThroughSlf4jUnderTheNamesTheReadmeLists() throws IOException {
    Set<String> used = new TreeSet<>();
    List<String> problems = new java.util.ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("src", "main", "java"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String text = Files.readString(f);
        if (text.contains("System.Logger") || text.contains("System.getLogger") || text.contains("java.util.logging")) {
          problems.add(f + ": logs around SLF4J");
        }
        Matcher m = GET_LOGGER.matcher(text);
        while (m.find()) {
          used.add(qualified(m.group(1), text));
        }
      }
    }
    assertThat(problems).isEmpty();
    Set<String> listed = new TreeSet<>();
    String readme = Files.readString(Path.of("README.md"));
    int start = readme.indexOf("\n## Logging\n");
    assertThat(start).as("the README's Logging section").isNotNegative();
    int end = readme.indexOf("\n## ", start + 1);
    Matcher row = Pattern.compile("(?m)^\\| `(dev\\.rediskit\\.[\\w.]+)` \\|").matcher(readme.substring(start, end < 0 ? readme.length() : end));
    while (row.find()) {
      listed.add(row.group(1));
    }
    assertThat(used).as("logger names in the main code").isNotEmpty().isEqualTo(listed);
  }

  /** @return the class's qualified name, from the file's imports (or its own package) */
  private static String qualified(String name, String source) {
    if (name.contains(".")) {
      return name;
    }
    Matcher imp = Pattern.compile("(?m)^import ([\\w.]+\\." + name + ");").matcher(source);
    if (imp.find()) {
      return imp.group(1);
    }
    Matcher pkg = Pattern.compile("(?m)^package ([\\w.]+);").matcher(source);
    assertThat(pkg.find()).isTrue();
    return pkg.group(1) + "." + name;
  }
}
