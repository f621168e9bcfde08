package dev.rediskit.test;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The documentation code check on made-up files: what it finds, what it accepts and what it says. */
class DocSnippetsTest {

  private static final Path MD = Path.of("doc.md");
  private static final Path SRC = Path.of("Snippets.java");

  private static final String SNIPPETS = """
    class Snippets {
      void a() {
        // begin-snippet: greeting
        String s = "hello";
        System.out.println(s);   // hello
        // end-snippet
      }
      void b() {
        // begin-snippet: unused
        int x = 1;
        // end-snippet
      }
    }
    """;

  @Test
  void aBlockMatchesItsRegionWhateverTheWhitespace() {
    String md = """
      Intro.

      ```java
        String   s = "hello";

      System.out.println(s);      // hello
      ```
      """;
    List<String> problems = DocSnippets.problems(DocSnippets.markdownBlocks(MD, md), regions(SNIPPETS));
    assertThat(problems).hasSize(1);
    assertThat(problems.get(0)).startsWith("Snippets.java:10: snippet region 'unused' is shown in no document");
  }

  @Test
  void aBlockOfNoRegionIsReportedWithItsLineTheRuleAndTheClosestRegion() {
    String md = """
      # Title

      ```json
      {"not": "java"}
      ```

      ```java
      String s = "hello";
      System.out.println(s.length());   // hello
      ```
      """;
    List<String> problems = DocSnippets.problems(DocSnippets.markdownBlocks(MD, md), regions(SNIPPETS));
    assertThat(problems).filteredOn(p -> p.startsWith("doc.md:"))
      .singleElement().satisfies(p -> assertThat(p)
        .startsWith("doc.md:8: this ```java block is the copy of no snippet region, so the build does not compile it.")
        .contains("Closest region: 'greeting' at Snippets.java:4; the first difference, at line 2 of the code:")
        .contains("shown:  System.out.println(s.length()); // hello")
        .contains("region: System.out.println(s); // hello"));
  }

  @Test
  void theRuleIsSaidOnceWithTheMarkersToUse() {
    assertThat(DocSnippets.HOW_TO).contains("// begin-snippet: <name>", "// end-snippet", "test-compile",
      DocSnippets.SNIPPET_SOURCES.toString());
  }

  @Test
  void everyJavaFenceCountsWhateverItsStyle() {
    String md = """
      ```Java
      a();
      ```
      - a list item:

        ~~~java
        b();
        ~~~
      ````java title="x"
      c();
      ````
      ```
      not();
      ```
      ```java
      unclosed();
      """;
    List<DocSnippets.Block> blocks = DocSnippets.markdownBlocks(MD, md);
    assertThat(blocks).extracting(DocSnippets.Block::lines)
      .containsExactly(List.of("a();"), List.of("b();"), List.of("c();"), List.of("unclosed();"));
    assertThat(blocks).extracting(DocSnippets.Block::line).containsExactly(2, 7, 10, 16);
  }

  @Test
  void javadocExamplesAreFoundOnOneLineOrMany() {
    String java = """
      /**
       * Class doc.
       *
       * <pre>{@code
       * if (a) { b(); }
       *   c();
       * }</pre>
       */
      interface X {
        /** <pre>{@code x.go(() -> { y(); });}</pre> */
        void go();

        /** <pre>{@code if (x) { y();}</pre> */
        void broken();
      }
      """;
    List<DocSnippets.Block> blocks = DocSnippets.javadocBlocks(SRC, java);
    assertThat(blocks).extracting(DocSnippets.Block::line).containsExactly(5, 10, 13);
    assertThat(DocSnippets.normalise(blocks.get(0).lines())).containsExactly("if (a) { b(); }", "c();");
    assertThat(DocSnippets.normalise(blocks.get(1).lines())).containsExactly("x.go(() -> { y(); });");
    // Unbalanced: taken to the end of the comment, which no region can equal.
    assertThat(DocSnippets.normalise(blocks.get(2).lines())).containsExactly("if (x) { y();}</pre>");
  }

  @Test
  void markersMustPairAndNamesMustBeUnique() {
    String src = """
      // begin-snippet: a
      x();
      // begin-snippet: b
      y();
      // end-snippet
      // end-snippet
      // begin-snippet: b
      z();
      // end-snippet
      //begin-snippet c
      // begin-snippet: open
      """;
    List<String> problems = new ArrayList<>();
    List<DocSnippets.Region> regions = DocSnippets.regions(SRC, src, problems);
    assertThat(regions).extracting(DocSnippets.Region::name).containsExactly("b", "b");
    assertThat(problems).containsExactly(
      "Snippets.java:3: snippet region 'b' begins inside region 'a' (line 1); end the first with // end-snippet.",
      "Snippets.java:6: // end-snippet without a // begin-snippet: <name> before it.",
      "Snippets.java:10: malformed snippet marker; write // begin-snippet: <name> or // end-snippet on a line of its own.",
      "Snippets.java:11: snippet region 'open' is never closed with // end-snippet.");
    List<DocSnippets.Block> shown = List.of(new DocSnippets.Block(MD, 1, "```java block", List.of("y();")),
      new DocSnippets.Block(MD, 5, "```java block", List.of("z();")));
    assertThat(DocSnippets.problems(shown, regions)).containsExactly(
      "Snippets.java:8: snippet region 'b' has the name of the one at Snippets.java:4; give each region a name of its own.");
  }

  @Test
  void snippetSourcesImportTopLevelPublicTypesOnly() {
    String src = """
      import dev.rediskit.web.ClientIpResolver;
      import dev.rediskit.web.ClientIpResolver.ForwardedHeader;
      import static java.time.Duration.ofSeconds;
      import dev.rediskit.cache.impl.CacheKeys;
      import java.util.*;
      """;
    assertThat(DocSnippets.importProblems(SRC, src)).satisfiesExactly(
      p -> assertThat(p).startsWith("Snippets.java:2: snippet sources import top-level types only;"),
      p -> assertThat(p).startsWith("Snippets.java:3: snippet sources take no static imports"),
      p -> assertThat(p).startsWith("Snippets.java:4: snippet sources use the public API only;"));
  }

  @Test
  void aProjectIsCheckedThroughAllItsMarkdownAndMainSources(@TempDir Path root) throws IOException {
    write(root.resolve("README.md"), "```java\nString s = \"hello\";\nSystem.out.println(s);   // hello\n```\n");
    write(root.resolve("docs/NEW.md"), "A page someone adds later:\n\n```java\nnew Thing();\n```\n");
    write(root.resolve("target/copy/README.md"), "```java\nignored();\n```\n");
    write(root.resolve(".github/x.md"), "```java\nignored();\n```\n");
    write(root.resolve("src/main/java/a/A.java"), "/** <pre>{@code int x = 1;}</pre> */\nclass A {}\n");
    write(root.resolve(DocSnippets.SNIPPET_SOURCES).resolve("Snippets.java"), SNIPPETS);
    assertThat(DocSnippets.problems(root)).singleElement()
      .satisfies(p -> assertThat(p).startsWith(Path.of("docs", "NEW.md") + ":4: this ```java block is the copy of no"));
  }

  private static List<DocSnippets.Region> regions(String source) {
    List<String> problems = new ArrayList<>();
    List<DocSnippets.Region> regions = DocSnippets.regions(SRC, source, problems);
    assertThat(problems).isEmpty();
    return regions;
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }
}
