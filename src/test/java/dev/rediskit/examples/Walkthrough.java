package dev.rediskit.examples;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The steps of examples/README.md, read from the Markdown, and the check of what a step printed
 * against the output the walkthrough shows for it.
 *
 * <p>A step is a {@code ```sh} block, whose output is the next fenced block without a language (or
 * {@code json}) when no other command block comes first, or one {@code $ command} line of a
 * transcript block with the lines after it as its output.
 *
 * <p>The output shown must be what the run printed, except for what depends on time, the machine
 * or the ports of the run, which is matched as a pattern: the {@code t} of {@code RateLimit} items,
 * {@code Retry-After}, {@code content-length}, the values of Prometheus samples and the number of a
 * {@code gateway="verticle-N"} label (counted over the JVM's deployments), and the JSON fields
 * of {@link #VARYING_FIELDS} (numbers inside {@code detail} texts). The {@code r} (units left) of a
 * {@code RateLimit} item may be higher than shown, since a run slower than the one shown gets units
 * back in between, but never lower: the walkthrough must show what its commands leave when run
 * right after one another. Everything else, status lines, header names and their order, the other
 * header values, JSON field names and values, is compared as it is.
 */
final class Walkthrough {

  /**
   * JSON fields whose values change from run to run, by name anywhere in a body or by dotted path
   * from its root: timings and timestamps; the Redis port, version, memory and connections of the
   * machine; the gateway's state while it notices an outage (how many reconnects and failures it
   * has seen by then, and whether the breaker has opened yet); the counters of the report job,
   * which runs every second whatever the walkthrough does.
   */
  static final Set<String> VARYING_FIELDS = Set.of(
    "tookMs", "at", "pingMs", "elapsedMs", "uptimeSeconds", "usedBytes", "endpoints", "version", "connected",
    "degraded", "reasons", "warnings", "lastError", "connection", "breaker", "breakerFailures", "reconnects", "pending",
    "loadTimeMs", "report.job.runs", "report.job.skipped", "report.cached.summary", "report.reportsCache");

  /** JSON fields whose text may carry a number that depends on time ("retry in 2 s"). */
  static final Set<String> NUMBERS_VARY_IN = Set.of("detail");

  private static final Pattern FENCE = Pattern.compile("^(`{3,}|~{3,})\\s*([^\\s`]*).*$");
  private static final Pattern STATUS_LINE = Pattern.compile("^HTTP/\\d(\\.\\d)? \\d{3}( .*)?$");
  private static final Pattern HEADER = Pattern.compile("^([!#$%&'*+.^_`|~0-9A-Za-z-]+): ?(.*)$");
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(\\{.*\\})?) (\\S+)$");
  private static final Pattern RATE_LIMIT_ITEM = Pattern.compile("^(\"[^\"]*\");r=(\\d+);t=\\d+$");
  private static final Set<String> NUMERIC_HEADERS = Set.of("retry-after", "content-length");
  /** A RedisKitVerticle's gateway is numbered in the order of deployment in the JVM, which differs when tests ran before. */
  private static final Pattern VERTICLE_GATEWAY = Pattern.compile("gateway=\"verticle-\\d+\"");

  private Walkthrough() {
  }

  /**
   * One command block (or transcript line) and the output shown for it.
   *
   * @param line the line of its first command
   * @param script the commands
   * @param outputLine the line of the first output line; 0 when no output is shown
   * @param output the output shown, one element a line; empty when none is shown
   */
  record Step(int line, String script, int outputLine, List<String> output) {
  }

  /**
   * @param markdown the walkthrough
   * @return its steps, in the order written
   */
  static List<Step> steps(String markdown) {
    List<String> lines = markdown.lines().toList();
    List<Step> steps = new ArrayList<>();
    int pending = -1;
    for (int i = 0; i < lines.size(); i++) {
      Matcher open = FENCE.matcher(lines.get(i));
      if (!open.matches()) {
        continue;
      }
      String fence = open.group(1);
      String info = open.group(2).toLowerCase();
      int start = i + 1;
      int end = start;
      while (end < lines.size() && !lines.get(end).strip().startsWith(fence.substring(0, 3))) {
        end++;
      }
      List<String> body = lines.subList(start, Math.min(end, lines.size()));
      if (info.equals("sh") || info.equals("bash") || info.equals("shell")) {
        steps.add(new Step(start + 1, String.join("\n", body), 0, List.of()));
        pending = steps.size() - 1;
      } else if ((info.isEmpty() || info.equals("console")) && !body.isEmpty() && body.get(0).startsWith("$ ")) {
        steps.addAll(transcript(start, body));
        pending = -1;
      } else if ((info.isEmpty() || info.equals("json") || info.equals("text")) && pending >= 0) {
        Step s = steps.get(pending);
        steps.set(pending, new Step(s.line(), s.script(), start + 1, List.copyOf(body)));
        pending = -1;
      } else {
        pending = -1;
      }
      i = end;
    }
    return steps;
  }

  private static List<Step> transcript(int start, List<String> body) {
    List<Step> steps = new ArrayList<>();
    int i = 0;
    while (i < body.size()) {
      int line = start + i + 1;
      StringBuilder script = new StringBuilder(body.get(i).substring(2));
      while (script.toString().endsWith("\\") && i + 1 < body.size()) {
        script.append('\n').append(body.get(++i));
      }
      i++;
      int outStart = i;
      while (i < body.size() && !body.get(i).startsWith("$ ")) {
        i++;
      }
      List<String> out = List.copyOf(body.subList(outStart, i));
      steps.add(new Step(line, script.toString(), out.isEmpty() ? 0 : start + outStart + 1, out));
    }
    return steps;
  }

  /**
   * @param shown the output the walkthrough shows
   * @param printed what the run printed
   * @return {@code null} when they agree, else what differs, as "line offset in the shown output:
   * what"
   */
  static Mismatch compare(List<String> shown, String printed) {
    List<String> actual = printed.lines().map(String::stripTrailing).toList();
    List<String> expected = shown.stream().map(String::stripTrailing).toList();
    List<Section> e = sections(expected);
    List<Section> a = sections(actual);
    for (int k = 0; k < Math.max(e.size(), a.size()); k++) {
      if (k >= e.size()) {
        return new Mismatch(expected.size(), "the run printed more: " + a.get(k).describe());
      }
      if (k >= a.size()) {
        return new Mismatch(e.get(k).start, "the run printed nothing like this (it ended before)");
      }
      Mismatch m = e.get(k).compare(a.get(k));
      if (m != null) {
        return m;
      }
    }
    return null;
  }

  /**
   * Where and how shown and printed output differ.
   *
   * @param offset the line of the shown output, counted from 0
   * @param what what differs
   */
  record Mismatch(int offset, String what) {
  }

  /** Lines of plain output, or an HTTP response as {@code curl -i} prints it. */
  private record Section(int start, String statusLine, List<String> headers, List<String> body) {

    String describe() {
      return statusLine != null ? statusLine : body.isEmpty() ? "(nothing)" : body.get(0);
    }

    Mismatch compare(Section actual) {
      if ((statusLine == null) != (actual.statusLine == null)) {
        return new Mismatch(start, statusLine != null
          ? "shows the response " + statusLine + " where the run printed: " + actual.describe()
          : "shows " + describe() + " where the run printed the response " + actual.statusLine);
      }
      if (statusLine != null) {
        if (!statusLine.equals(actual.statusLine)) {
          return new Mismatch(start, "status " + statusLine + ", the run got " + actual.statusLine);
        }
        for (int i = 0; i < Math.max(headers.size(), actual.headers.size()); i++) {
          int at = start + 1 + i;
          if (i >= headers.size()) {
            return new Mismatch(at, "the response has a header more: " + actual.headers.get(i));
          }
          if (i >= actual.headers.size()) {
            return new Mismatch(at, "the response has no header " + headers.get(i));
          }
          if (!headerMatches(headers.get(i), actual.headers.get(i))) {
            return new Mismatch(at, "header " + headers.get(i) + ", the run got " + actual.headers.get(i));
          }
        }
      }
      int bodyAt = statusLine == null ? start : start + headers.size() + 2;
      return bodyMatches(bodyAt, body, actual.body);
    }
  }

  private static List<Section> sections(List<String> lines) {
    List<Section> sections = new ArrayList<>();
    int i = 0;
    while (i < lines.size()) {
      if (STATUS_LINE.matcher(lines.get(i)).matches()) {
        int start = i;
        String status = lines.get(i++);
        List<String> headers = new ArrayList<>();
        while (i < lines.size() && !lines.get(i).isEmpty()) {
          headers.add(lines.get(i++));
        }
        i++;
        int bodyStart = i;
        while (i < lines.size() && !STATUS_LINE.matcher(lines.get(i)).matches()) {
          i++;
        }
        sections.add(new Section(start, status, headers, trimBlank(lines.subList(Math.min(bodyStart, i), i))));
      } else {
        int start = i;
        while (i < lines.size() && !STATUS_LINE.matcher(lines.get(i)).matches()) {
          i++;
        }
        List<String> text = trimBlank(lines.subList(start, i));
        if (!text.isEmpty()) {
          sections.add(new Section(start, null, List.of(), text));
        }
      }
    }
    return sections;
  }

  private static List<String> trimBlank(List<String> lines) {
    int from = 0;
    int to = lines.size();
    while (from < to && lines.get(from).isBlank()) {
      from++;
    }
    while (to > from && lines.get(to - 1).isBlank()) {
      to--;
    }
    return lines.subList(from, to);
  }

  private static boolean headerMatches(String shown, String actual) {
    Matcher s = HEADER.matcher(shown);
    Matcher a = HEADER.matcher(actual);
    if (!s.matches() || !a.matches() || !s.group(1).equals(a.group(1))) {
      return false;
    }
    String name = s.group(1).toLowerCase();
    String sv = s.group(2).strip();
    String av = a.group(2).strip();
    if (NUMERIC_HEADERS.contains(name)) {
      return sv.matches("\\d+") && av.matches("\\d+");
    }
    if (name.equals("ratelimit")) {
      String[] si = sv.split(",\\s*");
      String[] ai = av.split(",\\s*");
      if (si.length != ai.length) {
        return false;
      }
      for (int i = 0; i < si.length; i++) {
        Matcher sm = RATE_LIMIT_ITEM.matcher(si[i]);
        Matcher am = RATE_LIMIT_ITEM.matcher(ai[i]);
        // A run slower than the one shown gets units back in between, never fewer than shown.
        if (!sm.matches() || !am.matches() || !sm.group(1).equals(am.group(1))
          || Long.parseLong(am.group(2)) < Long.parseLong(sm.group(2))) {
          return false;
        }
      }
      return true;
    }
    return sv.equals(av);
  }

  private static Mismatch bodyMatches(int at, List<String> shown, List<String> printed) {
    if (!shown.isEmpty() && shown.stream().allMatch(l -> SAMPLE.matcher(l).matches())) {
      // Prometheus samples: the series must be the same, in any order; their values change every run.
      Set<String> s = new TreeSet<>();
      Set<String> p = new TreeSet<>();
      shown.forEach(l -> s.add(series(l)));
      printed.forEach(l -> p.add(SAMPLE.matcher(l).matches() ? series(l) : l));
      if (!s.equals(p) || shown.size() != printed.size()) {
        Set<String> missing = new TreeSet<>(s);
        missing.removeAll(p);
        Set<String> extra = new TreeSet<>(p);
        extra.removeAll(s);
        return new Mismatch(at, "series shown but not printed " + missing + "; printed but not shown " + extra);
      }
      return null;
    }
    Object sj = json(shown);
    Object pj = json(printed);
    if (sj != null && pj != null) {
      String diff = jsonDiff("", sj, pj);
      return diff == null ? null : new Mismatch(at, "body " + diff + "; the run printed: " + String.join("\n", printed));
    }
    for (int i = 0; i < Math.max(shown.size(), printed.size()); i++) {
      String s = i < shown.size() ? shown.get(i) : null;
      String p = i < printed.size() ? printed.get(i) : null;
      if (!Objects.equals(s, p)) {
        return new Mismatch(at + Math.min(i, Math.max(shown.size() - 1, 0)),
          (s == null ? "nothing" : "'" + s + "'") + " shown, the run printed " + (p == null ? "nothing" : "'" + p + "'"));
      }
    }
    return null;
  }

  private static String series(String sample) {
    Matcher m = SAMPLE.matcher(sample);
    return m.matches() ? VERTICLE_GATEWAY.matcher(m.group(1)).replaceAll("gateway=\"verticle-N\"") : sample;
  }

  private static Object json(List<String> lines) {
    String text = String.join("\n", lines).strip();
    if (!(text.startsWith("{") || text.startsWith("["))) {
      return null;
    }
    try {
      return Json.decodeValue(text);
    } catch (DecodeException e) {
      return null;
    }
  }

  /** @return {@code null} when equal under the walkthrough's rules, else the first difference */
  static String jsonDiff(String path, Object shown, Object printed) {
    String name = path.contains(".") ? path.substring(path.lastIndexOf('.') + 1) : path;
    if (VARYING_FIELDS.contains(name) || VARYING_FIELDS.contains(path)) {
      return null;
    }
    String where = path.isEmpty() ? "" : " at " + path;
    if (shown instanceof JsonObject so) {
      if (!(printed instanceof JsonObject po)) {
        return "shows an object" + where + ", the run printed " + printed;
      }
      if (!so.fieldNames().equals(po.fieldNames())) {
        return "shows the fields " + new TreeSet<>(so.fieldNames()) + where + ", the run printed "
          + new TreeSet<>(po.fieldNames());
      }
      for (String f : so.fieldNames()) {
        String d = jsonDiff(path.isEmpty() ? f : path + "." + f, so.getValue(f), po.getValue(f));
        if (d != null) {
          return d;
        }
      }
      return null;
    }
    if (shown instanceof JsonArray sa) {
      if (!(printed instanceof JsonArray pa) || sa.size() != pa.size()) {
        return "shows " + sa.encode() + where + ", the run printed " + printed;
      }
      for (int i = 0; i < sa.size(); i++) {
        String d = jsonDiff(path + "[" + i + "]", sa.getValue(i), pa.getValue(i));
        if (d != null) {
          return d;
        }
      }
      return null;
    }
    if (shown instanceof Number sn && printed instanceof Number pn) {
      return new BigDecimal(sn.toString()).compareTo(new BigDecimal(pn.toString())) == 0 ? null
        : "shows " + sn + where + ", the run printed " + pn;
    }
    if (shown instanceof String ss && printed instanceof String ps && NUMBERS_VARY_IN.contains(name)) {
      return ss.replaceAll("\\d+", "0").equals(ps.replaceAll("\\d+", "0")) ? null
        : "shows \"" + ss + "\"" + where + ", the run printed \"" + ps + "\"";
    }
    return Objects.equals(shown, printed) ? null
      : "shows " + Json.encode(shown) + where + ", the run printed " + Json.encode(printed);
  }

  /** For messages: the step's commands on one line. */
  static String oneLine(String script) {
    return script.lines().map(String::strip).filter(l -> !l.isEmpty()).reduce((x, y) -> x + "; " + y).orElse("");
  }
}
