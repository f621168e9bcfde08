package dev.rediskit.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Keeps the code shown in the documentation compiling: every {@code ```java} block of a Markdown
 * file and every {@code <pre>{@code ...}</pre>} example in the main sources must be a copy
 * (whitespace aside) of a snippet region in the snippet sources, which {@code test-compile}
 * compiles against the main classes. A region is marked in a Java file like this:
 *
 * <pre>
 *   // begin-snippet: readme-caching
 *   ...code...
 *   // end-snippet
 * </pre>
 *
 * <p>There is no list of blocks to opt in: whatever block someone adds is checked, and a block that
 * matches no region fails the build with its file and line and what to do about it. Regions must be
 * shown somewhere (a region no document shows is reported too), so the sources hold no dead copies.
 *
 * <p>Snippet sources import top-level types only, and nothing from an {@code impl} package: a
 * snippet then names nested types the way a reader must write them (Outer.Nested) and uses the
 * public API alone.
 */
public final class DocSnippets {

  /** Where the snippet regions live, relative to the project root. */
  public static final Path SNIPPET_SOURCES = Path.of("src", "test", "java", "dev", "rediskit", "docs");
  /** Where the Javadoc examples live, relative to the project root. */
  public static final Path MAIN_SOURCES = Path.of("src", "main", "java");

  private static final Pattern BEGIN = Pattern.compile("^\\s*// begin-snippet: ([A-Za-z0-9._-]+)\\s*$");
  private static final Pattern END = Pattern.compile("^\\s*// end-snippet\\s*$");
  private static final Pattern MARKER_LIKE = Pattern.compile("^\\s*//\\s*(begin|end)[- ]?snippet", Pattern.CASE_INSENSITIVE);
  private static final Pattern FENCE = Pattern.compile("^(\\s*)(`{3,}|~{3,})\\s*([^\\s`]*).*$");
  private static final Pattern IMPORT = Pattern.compile("^import\\s+(static\\s+)?([\\w.]+(\\.\\*)?)\\s*;");
  private static final Pattern JAVADOC_PREFIX = Pattern.compile("^\\s*\\*( ?)");
  private static final String PRE_CODE = "<pre>{@code";
  private static final Set<String> SKIPPED_DIRS = Set.of("target", "node_modules");

  /** What to do about a problem, said once above the list of problems. */
  public static final String HOW_TO = String.join("\n",
    "Every ```java block of a Markdown file and every <pre>{@code ...}</pre> example in " + MAIN_SOURCES + " must be",
    "the copy (whitespace aside) of a snippet region of a class in " + SNIPPET_SOURCES + ", which test-compile",
    "compiles against the main classes:",
    "    // begin-snippet: <name>",
    "    ...the code...",
    "    // end-snippet",
    "Change the region until it compiles and copy it into the document (or add a region for a new block). Declare",
    "what the code uses without defining it (vertx, gateway, ...) around the region, in SnippetContext or as",
    "parameters, not in the region itself.");

  private DocSnippets() {
  }

  /**
   * A piece of code shown to readers.
   *
   * @param file where it is, relative to the project root
   * @param line the line of its first code line (1-based)
   * @param kind what it is, for messages ({@code ```java block} or {@code <pre>{@code} example})
   * @param lines its lines
   */
  public record Block(Path file, int line, String kind, List<String> lines) {
  }

  /**
   * A marked region of a snippet source.
   *
   * @param name its name
   * @param file the source file, relative to the project root
   * @param line the line of its first code line (1-based)
   * @param lines its lines, indentation as in the source
   */
  public record Region(String name, Path file, int line, List<String> lines) {

    /** @return the code with the indentation common to its lines removed, one line per line */
    public String text() {
      return String.join("\n", dedent(lines));
    }
  }

  /**
   * Everything wrong with the documentation's code under a project root.
   *
   * @param root the project root
   * @return one message per problem, empty when every block is a region's copy
   */
  public static List<String> problems(Path root) {
    List<Block> blocks = new ArrayList<>();
    for (Path md : markdownFiles(root)) {
      blocks.addAll(markdownBlocks(root.relativize(md), read(md)));
    }
    for (Path java : javaFiles(root.resolve(MAIN_SOURCES))) {
      blocks.addAll(javadocBlocks(root.relativize(java), read(java)));
    }
    List<String> problems = new ArrayList<>();
    List<Region> regions = new ArrayList<>();
    for (Path java : javaFiles(root.resolve(SNIPPET_SOURCES))) {
      Path file = root.relativize(java);
      String source = read(java);
      List<Region> own = regions(file, source, problems);
      if (!own.isEmpty()) {
        problems.addAll(importProblems(file, source));
      }
      regions.addAll(own);
    }
    problems.addAll(problems(blocks, regions));
    return problems;
  }

  /**
   * Matches blocks against regions.
   *
   * @param blocks the code shown to readers
   * @param regions the compiled regions
   * @return a message for each block that is no region's copy, each region shown nowhere and each
   * region name used twice
   */
  public static List<String> problems(List<Block> blocks, List<Region> regions) {
    List<String> problems = new ArrayList<>();
    Map<String, Region> byName = new HashMap<>();
    for (Region r : regions) {
      Region other = byName.putIfAbsent(r.name(), r);
      if (other != null) {
        problems.add(r.file() + ":" + r.line() + ": snippet region '" + r.name() + "' has the name of the one at "
          + other.file() + ":" + other.line() + "; give each region a name of its own.");
      }
    }
    Map<List<String>, List<Region>> byCode = new LinkedHashMap<>();
    for (Region r : regions) {
      byCode.computeIfAbsent(normalise(r.lines()), k -> new ArrayList<>()).add(r);
    }
    // A region closest to a block that drifted from it is not dead: the block is the problem reported.
    Set<Region> shown = new HashSet<>();
    for (Block b : blocks) {
      List<Region> copies = byCode.get(normalise(b.lines()));
      if (copies != null) {
        shown.addAll(copies);
      } else {
        Region closest = closest(b, regions);
        problems.add(notARegion(b, closest));
        if (closest != null) {
          shown.add(closest);
        }
      }
    }
    for (Region r : regions) {
      if (!shown.contains(r)) {
        problems.add(r.file() + ":" + r.line() + ": snippet region '" + r.name() + "' is shown in no document and no "
          + "Javadoc example; delete it, or show it (a ```java block or <pre>{@code} example that is its copy).");
      }
    }
    return problems;
  }

  /**
   * @param name a region's name
   * @return the region of that name in the snippet sources of the working directory's project
   * @throws IllegalArgumentException when there is none
   */
  public static Region region(String name) {
    List<String> ignored = new ArrayList<>();
    for (Path java : javaFiles(SNIPPET_SOURCES)) {
      for (Region r : regions(java, read(java), ignored)) {
        if (r.name().equals(name)) {
          return r;
        }
      }
    }
    throw new IllegalArgumentException("no snippet region '" + name + "' in " + SNIPPET_SOURCES);
  }

  /**
   * @param file the Markdown file, for positions
   * @param text its content
   * @return its fenced blocks whose info string is {@code java} (any case), in order
   */
  public static List<Block> markdownBlocks(Path file, String text) {
    List<Block> blocks = new ArrayList<>();
    List<String> lines = text.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      Matcher open = FENCE.matcher(lines.get(i));
      if (!open.matches()) {
        continue;
      }
      String indent = open.group(1);
      String fence = open.group(2);
      boolean java = open.group(3).equalsIgnoreCase("java");
      int start = i + 1;
      int end = start;
      while (end < lines.size() && !closes(lines.get(end), fence)) {
        end++;
      }
      if (java) {
        List<String> code = new ArrayList<>();
        for (String l : lines.subList(start, end)) {
          code.add(l.startsWith(indent) ? l.substring(indent.length()) : l.stripLeading());
        }
        blocks.add(new Block(file, start + 1, "```java block", code));
      }
      i = end;
    }
    return blocks;
  }

  /**
   * @param file the Java file, for positions
   * @param text its content
   * @return its {@code <pre>{@code ...}</pre>} Javadoc examples, in order; one with unbalanced
   * braces is returned up to the end of its comment, so that it shows as a block no region matches
   */
  public static List<Block> javadocBlocks(Path file, String text) {
    List<Block> blocks = new ArrayList<>();
    int from = 0;
    while (true) {
      int at = text.indexOf(PRE_CODE, from);
      if (at < 0) {
        return blocks;
      }
      int start = at + PRE_CODE.length();
      int commentEnd = text.indexOf("*/", start);
      int limit = commentEnd < 0 ? text.length() : commentEnd;
      int depth = 1;
      int end = start;
      while (end < limit && depth > 0) {
        char c = text.charAt(end);
        if (c == '{') {
          depth++;
        } else if (c == '}') {
          depth--;
        }
        end++;
      }
      String body = depth == 0 ? text.substring(start, end - 1) : text.substring(start, limit);
      List<String> code = new ArrayList<>();
      List<String> raw = body.lines().toList();
      for (int k = 0; k < raw.size(); k++) {
        String l = raw.get(k);
        code.add(k == 0 ? l : JAVADOC_PREFIX.matcher(l).replaceFirst(""));
      }
      int line = (int) text.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
      int firstCode = raw.isEmpty() || !raw.get(0).isBlank() ? line : line + 1;
      blocks.add(new Block(file, firstCode, "<pre>{@code} example", code));
      from = Math.max(end, start);
    }
  }

  /**
   * @param file the snippet source, for positions
   * @param text its content
   * @param problems where unclosed, nested or stray markers are reported
   * @return its regions, in order
   */
  public static List<Region> regions(Path file, String text, List<String> problems) {
    List<Region> regions = new ArrayList<>();
    List<String> lines = text.lines().toList();
    String name = null;
    int start = 0;
    for (int i = 0; i < lines.size(); i++) {
      Matcher begin = BEGIN.matcher(lines.get(i));
      if (begin.matches()) {
        if (name != null) {
          problems.add(file + ":" + (i + 1) + ": snippet region '" + begin.group(1) + "' begins inside region '" + name
            + "' (line " + start + "); end the first with // end-snippet.");
        }
        name = begin.group(1);
        start = i + 1;
      } else if (END.matcher(lines.get(i)).matches()) {
        if (name == null) {
          problems.add(file + ":" + (i + 1) + ": // end-snippet without a // begin-snippet: <name> before it.");
        } else {
          regions.add(new Region(name, file, start + 1, List.copyOf(lines.subList(start, i))));
          name = null;
        }
      } else if (MARKER_LIKE.matcher(lines.get(i)).find()) {
        problems.add(file + ":" + (i + 1) + ": malformed snippet marker; write // begin-snippet: <name> or // end-snippet"
          + " on a line of its own.");
      }
    }
    if (name != null) {
      problems.add(file + ":" + start + ": snippet region '" + name + "' is never closed with // end-snippet.");
    }
    return regions;
  }

  /**
   * @param file a snippet source, for positions
   * @param text its content
   * @return a message for each import of a nested type, a static member or an {@code impl} package
   */
  public static List<String> importProblems(Path file, String text) {
    List<String> problems = new ArrayList<>();
    List<String> lines = text.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = IMPORT.matcher(lines.get(i).strip());
      if (!m.find()) {
        continue;
      }
      String name = m.group(2);
      String where = file + ":" + (i + 1) + ": ";
      if (m.group(1) != null) {
        problems.add(where + "snippet sources take no static imports (a reader copying a snippet would not know them);"
          + " write the qualified name, e.g. Duration.ofSeconds(1).");
      } else if (name.contains(".impl.") || name.endsWith(".impl.*")) {
        problems.add(where + "snippet sources use the public API only; " + name + " is in an impl package.");
      } else if (nestedTypeImport(name)) {
        problems.add(where + "snippet sources import top-level types only; " + name + " is a nested type, so name it in"
          + " the snippet as Outer.Nested the way a reader has to.");
      }
    }
    return problems;
  }

  /**
   * The form in which blocks and regions are compared: each line trimmed, runs of whitespace made
   * one space, blank lines dropped.
   *
   * @param lines code lines
   * @return the normalised lines
   */
  public static List<String> normalise(List<String> lines) {
    return lines.stream().map(l -> l.strip().replaceAll("\\s+", " ")).filter(l -> !l.isEmpty()).toList();
  }

  private static boolean nestedTypeImport(String name) {
    String[] parts = name.split("\\.");
    for (int i = 1; i < parts.length; i++) {
      if (startsUpper(parts[i - 1]) && startsUpper(parts[i])) {
        return true;
      }
    }
    return false;
  }

  private static boolean startsUpper(String s) {
    return !s.isEmpty() && Character.isUpperCase(s.charAt(0));
  }

  private static boolean closes(String line, String fence) {
    String s = line.strip();
    return s.length() >= fence.length() && s.chars().allMatch(c -> c == fence.charAt(0));
  }

  private static Region closest(Block b, List<Region> regions) {
    List<String> code = normalise(b.lines());
    return regions.stream().filter(r -> similarity(code, normalise(r.lines())) > 0)
      .max(Comparator.comparingDouble(r -> similarity(code, normalise(r.lines())))).orElse(null);
  }

  private static String notARegion(Block b, Region closest) {
    StringBuilder msg = new StringBuilder();
    msg.append(b.file()).append(':').append(b.line()).append(": this ").append(b.kind())
      .append(" is the copy of no snippet region, so the build does not compile it.");
    if (closest != null) {
      List<String> code = normalise(b.lines());
      List<String> other = normalise(closest.lines());
      int k = 0;
      while (k < code.size() && k < other.size() && code.get(k).equals(other.get(k))) {
        k++;
      }
      msg.append("\n  Closest region: '").append(closest.name()).append("' at ").append(closest.file()).append(':')
        .append(closest.line()).append("; the first difference, at line ").append(k + 1).append(" of the code:\n")
        .append("    shown:  ").append(k < code.size() ? code.get(k) : "(the block ends here)").append('\n')
        .append("    region: ").append(k < other.size() ? other.get(k) : "(the region ends here)");
    }
    return msg.toString();
  }

  /** Shared words over all words, as multisets: enough to point at the region a block was copied from. */
  private static double similarity(List<String> a, List<String> b) {
    List<String> wa = words(a);
    List<String> wb = words(b);
    Map<String, Integer> counts = new HashMap<>();
    wa.forEach(w -> counts.merge(w, 1, Integer::sum));
    int shared = 0;
    for (String w : wb) {
      Integer n = counts.get(w);
      if (n != null && n > 0) {
        shared++;
        counts.put(w, n - 1);
      }
    }
    return wa.size() + wb.size() == 0 ? 0 : 2.0 * shared / (wa.size() + wb.size());
  }

  private static List<String> words(List<String> lines) {
    return Stream.of(String.join(" ", lines).split("\\W+")).filter(w -> !w.isEmpty()).toList();
  }

  private static List<String> dedent(List<String> lines) {
    int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
      .min().orElse(0);
    List<String> out = lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent).stripTrailing())
      .collect(Collectors.toCollection(ArrayList::new));
    while (!out.isEmpty() && out.get(0).isEmpty()) {
      out.remove(0);
    }
    while (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
      out.remove(out.size() - 1);
    }
    return out;
  }

  private static List<Path> markdownFiles(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(p -> p.toString().endsWith(".md") && Files.isRegularFile(p))
        .filter(p -> {
          for (Path part : root.relativize(p)) {
            String s = part.toString();
            if (s.startsWith(".") || SKIPPED_DIRS.contains(s)) {
              return false;
            }
          }
          return true;
        })
        .sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Path> javaFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
