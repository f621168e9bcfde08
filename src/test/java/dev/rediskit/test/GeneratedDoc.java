package dev.rediskit.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks that a document generated from code is up to date, and rewrites it when the build runs
 * with {@code -DregenerateDocs=true}: reference tables can't drift from the code they describe.
 */
public final class GeneratedDoc {

  private GeneratedDoc() {
  }

  /**
   * @param doc the committed document
   * @param rendered what the code renders now
   * @param source what it is generated from, for the failure message
   * @param regenerateCommand the command that rewrites it, for the failure message
   */
  public static void assertUpToDate(Path doc, String rendered, String source, String regenerateCommand) {
    try {
      if (Boolean.getBoolean("regenerateDocs")) {
        Files.createDirectories(doc.getParent());
        Files.writeString(doc, rendered, StandardCharsets.UTF_8);
      }
      assertThat(Files.exists(doc)).as(doc + " is missing; generate it with: " + regenerateCommand).isTrue();
      assertThat(Files.readString(doc, StandardCharsets.UTF_8))
        .as(doc + " is out of date with " + source + "; regenerate it with: " + regenerateCommand)
        .isEqualTo(rendered);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
