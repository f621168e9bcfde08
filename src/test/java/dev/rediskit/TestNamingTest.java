package dev.rediskit;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One naming convention for tests: a class tagged as an integration test (it starts real servers)
 * is named {@code *IT}, and an {@code *IT} class is tagged so. The build runs both kinds either way;
 * the names tell a reader which tests need Redis.
 */
class TestNamingTest {

  @Test
  void integrationTestsAreNamedItAndOnlyThey() throws IOException {
    List<String> wrong = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("src", "test", "java"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String name = f.getFileName().toString().replace(".java", "");
        String text = Files.readString(f);
        boolean declaresTests = text.contains("@Test") || text.contains("@ParameterizedTest");
        boolean integration = text.contains("\n@IntegrationTest") || text.contains("@Tag(\"integration\")");
        if (!declaresTests || name.equals("IntegrationTest")) {
          continue;
        }
        if (integration && !name.endsWith("IT")) {
          wrong.add(f + ": an integration test, so its name should end in IT");
        }
        if (!integration && name.endsWith("IT") && !text.contains("abstract class")) {
          wrong.add(f + ": named IT but not tagged @IntegrationTest");
        }
      }
    }
    assertThat(wrong).isEmpty();
  }
}
