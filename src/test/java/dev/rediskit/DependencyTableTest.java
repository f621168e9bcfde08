package dev.rediskit;

import dev.rediskit.config.OptionalDependency;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's dependency table tells what the pom says: every dependency an application gets or
 * may add (everything but test scope), each marked required or optional as the pom marks it; the
 * guard ({@link OptionalDependency}) names the optional ones; the test-support pom has the
 * library's version and the same versions of what both build with.
 */
class DependencyTableTest {

  private static final String HEADER = "| dependency | what it is for | required or optional |";

  @Test
  void theReadmeTableListsEveryNonTestDependencyAsThePomMarksIt() throws Exception {
    Map<String, String> pom = new TreeMap<>();
    for (Element d : dependencies(parse(Path.of("pom.xml")))) {
      if ("test".equals(text(d, "scope"))) {
        continue;
      }
      pom.put(text(d, "groupId") + ":" + text(d, "artifactId"), "true".equals(text(d, "optional")) ? "optional" : "required");
    }
    assertThat(readmeTable()).isEqualTo(pom);
  }

  @Test
  void theGuardKnowsExactlyTheOptionalDependencies() throws Exception {
    List<String> optional = readmeTable().entrySet().stream().filter(e -> e.getValue().equals("optional"))
      .map(Map.Entry::getKey).sorted().toList();
    assertThat(Arrays.stream(OptionalDependency.values()).map(OptionalDependency::artifact).sorted().toList())
      .isEqualTo(optional);
  }

  @Test
  void theTestSupportPomFollowsTheLibrarysVersions() throws Exception {
    Document root = parse(Path.of("pom.xml"));
    Document support = parse(Path.of("test-support", "pom.xml"));
    assertThat(text(support.getDocumentElement(), "version")).isEqualTo(text(root.getDocumentElement(), "version"));
    Element rootProps = child(root.getDocumentElement(), "properties");
    Element supportProps = child(support.getDocumentElement(), "properties");
    for (String p : List.of("vertx.version", "embedded-redis.version", "bouncycastle.version", "project.build.outputTimestamp",
        "maven.compiler.release")) {
      assertThat(text(supportProps, p)).as(p).isEqualTo(text(rootProps, p));
    }
  }

  /** @return artifact to "required"/"optional", from the README's table */
  private static Map<String, String> readmeTable() throws Exception {
    List<String> lines = Files.readAllLines(Path.of("README.md"));
    int start = lines.indexOf(HEADER);
    assertThat(start).as("the README's dependency table, headed " + HEADER).isGreaterThanOrEqualTo(0);
    Map<String, String> table = new LinkedHashMap<>();
    for (String line : lines.subList(start + 2, lines.size())) {
      if (!line.startsWith("|")) {
        break;
      }
      String[] cells = Arrays.stream(line.split("\\|")).map(String::trim).filter(c -> !c.isEmpty()).toArray(String[]::new);
      assertThat(cells).as(line).hasSize(3);
      assertThat(table.put(cells[0].replace("`", ""), cells[2])).as("listed twice: " + line).isNull();
    }
    return new TreeMap<>(table);
  }

  private static Document parse(Path pom) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
  }

  /** @return the project's own dependencies (not those of dependencyManagement or of profiles) */
  private static List<Element> dependencies(Document pom) {
    Element deps = child(pom.getDocumentElement(), "dependencies");
    NodeList list = deps.getChildNodes();
    return java.util.stream.IntStream.range(0, list.getLength()).mapToObj(list::item)
      .filter(n -> n.getNodeType() == Node.ELEMENT_NODE).map(n -> (Element) n).collect(Collectors.toList());
  }

  private static Element child(Element parent, String name) {
    NodeList list = parent.getChildNodes();
    for (int i = 0; i < list.getLength(); i++) {
      if (list.item(i) instanceof Element e && e.getTagName().equals(name)) {
        return e;
      }
    }
    return null;
  }

  private static String text(Element parent, String name) {
    Element e = child(parent, name);
    return e == null ? null : e.getTextContent().trim();
  }
}
