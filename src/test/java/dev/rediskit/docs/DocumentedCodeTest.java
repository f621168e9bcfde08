package dev.rediskit.docs;

import dev.rediskit.test.DocSnippets;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The code shown in README.md, docs/*.md (every Markdown file of the project) and the main
 * sources' Javadoc examples compiles: each block is the copy of a snippet region of this package,
 * which test-compile compiles against the main classes. See {@link DocSnippets} for the rules.
 */
class DocumentedCodeTest {

  private static final Path ROOT = Path.of("");

  @Test
  void everyJavaBlockAndJavadocExampleIsACompiledRegion() {
    List<String> problems = DocSnippets.problems(ROOT);
    assertThat(problems)
      .as("%d problems with the code the documents show.%n%s%n%n%s", problems.size(), DocSnippets.HOW_TO,
        String.join("\n", problems))
      .isEmpty();
  }

  /** Guards the check itself: it must see every {@code ```java} fence the files have. */
  @Test
  void findsEveryJavaFenceOfTheDocuments() throws IOException {
    Pattern fence = Pattern.compile("(?m)^\\s*(```|~~~)\\s*java\\s*$", Pattern.CASE_INSENSITIVE);
    int total = 0;
    for (Path md : List.of(Path.of("README.md"), Path.of("docs", "CACHING.md"), Path.of("docs", "RATE_LIMITING.md"))) {
      String text = Files.readString(md, StandardCharsets.UTF_8);
      long fences = fence.matcher(text).results().count();
      assertThat(DocSnippets.markdownBlocks(md, text)).as(md + " java blocks").hasSize((int) fences);
      total += (int) fences;
    }
    assertThat(total).as("java blocks in README.md, CACHING.md and RATE_LIMITING.md").isGreaterThanOrEqualTo(10);
    String redisKit = Files.readString(DocSnippets.MAIN_SOURCES.resolve(Path.of("dev", "rediskit", "RedisKit.java")));
    assertThat(DocSnippets.javadocBlocks(Path.of("RedisKit.java"), redisKit)).hasSize(1);
  }
}
