package dev.rediskit.examples;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Runs the shell commands of examples/README.md the way a reader pasting them into a terminal
 * would, with what the walkthrough needs and nothing more: {@code curl} (the options the
 * walkthrough uses), {@code for ... do ...; done}, {@code echo}, {@code sleep}, pipes into
 * {@code grep}, {@code redis-cli ... shutdown}, {@code $VARIABLES} and quoting. Anything else is
 * refused with a message naming it, so that a step nobody can run automatically never slips into
 * the walkthrough. {@code mvn} commands (starting the example) are skipped: the test has started it.
 *
 * <p>Output follows the terminal, with one convention of the walkthrough: a response body that
 * does not end with a newline is followed by one, as the walkthrough shows the next output on a line
 * of its own.
 */
final class WalkthroughShell {

  /** A response as curl would show it. */
  record Response(String version, int status, String reason, List<Map.Entry<String, String>> headers, String body) {
  }

  /** Sends one HTTP request. */
  interface Http {
    Response send(String method, String url, List<Map.Entry<String, String>> headers, String body) throws Exception;
  }

  /** What the commands that touch the world outside HTTP do. */
  interface World {
    /** {@code sleep seconds}: waits that long on the clock the rate limits are counted on. */
    void sleep(long seconds) throws Exception;

    /** {@code redis-cli ... shutdown}: stops the Redis the example uses. */
    void stopRedis() throws Exception;
  }

  /** What running a script did. */
  record Result(String stdout, boolean ranSomething) {
  }

  private static final Pattern NUMBER = Pattern.compile("\\d+");

  private final Map<String, String> variables;
  private final Set<String> provided;
  private final Http http;
  private final World world;
  private boolean ranSomething;

  /**
   * @param variables the shell variables the test provides ({@code B}, {@code R}: the example's and Redis' addresses)
   * @param http sends requests
   * @param world sleeps and stops Redis
   */
  WalkthroughShell(Map<String, String> variables, Http http, World world) {
    this.variables = new LinkedHashMap<>(variables);
    this.provided = Set.copyOf(variables.keySet());
    this.http = http;
    this.world = world;
  }

  /**
   * @param script one or more command lines
   * @return what they printed, and whether any command other than a skipped {@code mvn} ran
   * @throws IllegalArgumentException for a command or option the walkthrough may not use
   */
  Result run(String script) throws Exception {
    ranSomething = false;
    StringBuilder out = new StringBuilder();
    for (Node node : parse(tokenize(script))) {
      node.run(this, out);
    }
    return new Result(out.toString(), ranSomething);
  }

  // ---- words and tokens ----

  /** One part of a word: literal text, or a variable to expand. */
  private record Part(String text, boolean variable) {
  }

  private record Token(List<Part> parts, String operator) {
    boolean is(String op) {
      return op.equals(operator);
    }

    boolean isWord(String literal) {
      return operator == null && parts.size() == 1 && !parts.get(0).variable() && parts.get(0).text().equals(literal);
    }
  }

  private static List<Token> tokenize(String script) {
    List<Token> tokens = new ArrayList<>();
    String s = script.replace("\\\r\n", " ").replace("\\\n", " ");
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '\n' || c == ';') {
        tokens.add(new Token(List.of(), ";"));
        i++;
      } else if (c == '|') {
        if (i + 1 < s.length() && s.charAt(i + 1) == '|') {
          throw new IllegalArgumentException("the walkthrough may not use '||'");
        }
        tokens.add(new Token(List.of(), "|"));
        i++;
      } else if (c == '&' || c == '>' || c == '<' || c == '`' || c == '(' || c == ')') {
        throw new IllegalArgumentException("the walkthrough may not use '" + c + "' (only ;, | and for loops)");
      } else if (c == '#') {
        while (i < s.length() && s.charAt(i) != '\n') {
          i++;
        }
      } else if (Character.isWhitespace(c)) {
        i++;
      } else {
        List<Part> parts = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        while (i < s.length() && !Character.isWhitespace(s.charAt(i)) && ";|&><`()".indexOf(s.charAt(i)) < 0) {
          char d = s.charAt(i);
          if (d == '\'') {
            int end = s.indexOf('\'', i + 1);
            if (end < 0) {
              throw new IllegalArgumentException("unclosed ' in: " + script.strip());
            }
            lit.append(s, i + 1, end);
            i = end + 1;
          } else if (d == '"') {
            i++;
            while (i < s.length() && s.charAt(i) != '"') {
              char e = s.charAt(i);
              if (e == '\\' && i + 1 < s.length() && "\"\\$`".indexOf(s.charAt(i + 1)) >= 0) {
                lit.append(s.charAt(i + 1));
                i += 2;
              } else if (e == '$') {
                i = variable(s, i, lit, parts);
              } else {
                lit.append(e);
                i++;
              }
            }
            if (i >= s.length()) {
              throw new IllegalArgumentException("unclosed \" in: " + script.strip());
            }
            i++;
          } else if (d == '\\' && i + 1 < s.length()) {
            lit.append(s.charAt(i + 1));
            i += 2;
          } else if (d == '$') {
            i = variable(s, i, lit, parts);
          } else {
            lit.append(d);
            i++;
          }
        }
        if (lit.length() > 0 || parts.isEmpty()) {
          parts.add(new Part(lit.toString(), false));
        }
        tokens.add(new Token(parts, null));
      }
    }
    return tokens;
  }

  /** Reads {@code $NAME} or {@code ${NAME}} at {@code i}; flushes the literal before it. */
  private static int variable(String s, int i, StringBuilder lit, List<Part> parts) {
    int start = i + 1;
    boolean braced = start < s.length() && s.charAt(start) == '{';
    int from = braced ? start + 1 : start;
    int end = from;
    while (end < s.length() && (Character.isLetterOrDigit(s.charAt(end)) || s.charAt(end) == '_')) {
      end++;
    }
    if (end == from) {
      lit.append('$');
      return start;
    }
    if (lit.length() > 0) {
      parts.add(new Part(lit.toString(), false));
      lit.setLength(0);
    }
    parts.add(new Part(s.substring(from, end), true));
    if (braced) {
      if (end >= s.length() || s.charAt(end) != '}') {
        throw new IllegalArgumentException("unclosed ${ in: " + s.strip());
      }
      end++;
    }
    return end;
  }

  // ---- commands ----

  private interface Node {
    void run(WalkthroughShell shell, StringBuilder out) throws Exception;
  }

  private record Pipeline(List<List<Token>> commands) implements Node {
    @Override
    public void run(WalkthroughShell shell, StringBuilder out) throws Exception {
      String input = "";
      for (List<Token> command : commands) {
        List<String> argv = new ArrayList<>();
        for (Token t : command) {
          argv.add(shell.expand(t));
        }
        input = shell.command(argv, input);
      }
      out.append(input);
    }
  }

  private record ForLoop(Token variable, List<Token> values, List<Node> body) implements Node {
    @Override
    public void run(WalkthroughShell shell, StringBuilder out) throws Exception {
      String name = shell.expand(variable);
      for (Token value : values) {
        shell.variables.put(name, shell.expand(value));
        for (Node n : body) {
          n.run(shell, out);
        }
      }
    }
  }

  private static List<Node> parse(List<Token> tokens) {
    int[] at = {0};
    List<Node> nodes = parseList(tokens, at, null);
    if (at[0] < tokens.size()) {
      throw new IllegalArgumentException("unexpected '" + describe(tokens.get(at[0])) + "'");
    }
    return nodes;
  }

  private static List<Node> parseList(List<Token> tokens, int[] at, String until) {
    List<Node> nodes = new ArrayList<>();
    while (at[0] < tokens.size()) {
      Token t = tokens.get(at[0]);
      if (t.is(";")) {
        at[0]++;
      } else if (until != null && t.isWord(until)) {
        return nodes;
      } else if (t.isWord("for")) {
        at[0]++;
        Token variable = word(tokens, at, "a variable after 'for'");
        expect(tokens, at, "in");
        List<Token> values = new ArrayList<>();
        while (at[0] < tokens.size() && !tokens.get(at[0]).is(";") && !tokens.get(at[0]).isWord("do")) {
          values.add(tokens.get(at[0]++));
        }
        skipSeparators(tokens, at);
        expect(tokens, at, "do");
        List<Node> body = parseList(tokens, at, "done");
        expect(tokens, at, "done");
        nodes.add(new ForLoop(variable, values, body));
      } else {
        List<List<Token>> pipeline = new ArrayList<>();
        List<Token> command = new ArrayList<>();
        while (at[0] < tokens.size() && !tokens.get(at[0]).is(";") && !(until != null && command.isEmpty()
          && tokens.get(at[0]).isWord(until))) {
          Token u = tokens.get(at[0]++);
          if (u.is("|")) {
            pipeline.add(command);
            command = new ArrayList<>();
          } else {
            command.add(u);
          }
        }
        pipeline.add(command);
        if (pipeline.stream().anyMatch(List::isEmpty)) {
          throw new IllegalArgumentException("an empty command in a pipeline");
        }
        nodes.add(new Pipeline(pipeline));
      }
    }
    if (until != null) {
      throw new IllegalArgumentException("'" + until + "' is missing");
    }
    return nodes;
  }

  private static Token word(List<Token> tokens, int[] at, String what) {
    if (at[0] >= tokens.size() || tokens.get(at[0]).operator() != null) {
      throw new IllegalArgumentException("expected " + what);
    }
    return tokens.get(at[0]++);
  }

  private static void expect(List<Token> tokens, int[] at, String keyword) {
    if (at[0] >= tokens.size() || !tokens.get(at[0]).isWord(keyword)) {
      throw new IllegalArgumentException("expected '" + keyword + "'"
        + (at[0] < tokens.size() ? ", found '" + describe(tokens.get(at[0])) + "'" : " at the end"));
    }
    at[0]++;
  }

  private static void skipSeparators(List<Token> tokens, int[] at) {
    while (at[0] < tokens.size() && tokens.get(at[0]).is(";")) {
      at[0]++;
    }
  }

  private static String describe(Token t) {
    if (t.operator() != null) {
      return t.operator();
    }
    StringBuilder sb = new StringBuilder();
    t.parts().forEach(p -> sb.append(p.variable() ? "$" + p.text() : p.text()));
    return sb.toString();
  }

  private String expand(Token t) {
    StringBuilder sb = new StringBuilder();
    for (Part p : t.parts()) {
      if (p.variable()) {
        String value = variables.get(p.text());
        if (value == null) {
          throw new IllegalArgumentException("$" + p.text() + " is not a variable the walkthrough defines " + variables.keySet());
        }
        sb.append(value);
      } else {
        sb.append(p.text());
      }
    }
    return sb.toString();
  }

  private String command(List<String> argv, String stdin) throws Exception {
    int first = 0;
    while (first < argv.size() && argv.get(first).matches("[A-Za-z_][A-Za-z0-9_]*=.*")) {
      first++;
    }
    if (first == argv.size()) {
      // NAME=value lines: the values of the walkthrough's own run; the test's (its ports) stand.
      for (String assignment : argv) {
        String name = assignment.substring(0, assignment.indexOf('='));
        if (!provided.contains(name)) {
          variables.put(name, assignment.substring(name.length() + 1));
        }
      }
      return "";
    }
    String name = argv.get(first);
    List<String> args = argv.subList(first + 1, argv.size());
    if (name.equals("mvn")) {
      return "";
    }
    if (first > 0) {
      throw new IllegalArgumentException("only mvn may be run with variables before it: " + argv);
    }
    ranSomething = true;
    return switch (name) {
      case "curl" -> curl(args);
      case "echo" -> String.join(" ", args) + "\n";
      case "sleep" -> {
        if (args.size() != 1 || !NUMBER.matcher(args.get(0)).matches()) {
          throw new IllegalArgumentException("sleep takes whole seconds: " + argv);
        }
        world.sleep(Long.parseLong(args.get(0)));
        yield "";
      }
      case "grep" -> grep(args, stdin);
      case "redis-cli" -> {
        if (args.stream().noneMatch(a -> a.equalsIgnoreCase("shutdown"))) {
          throw new IllegalArgumentException("redis-cli only stops Redis in the walkthrough: " + argv);
        }
        world.stopRedis();
        yield "";
      }
      default -> throw new IllegalArgumentException("the walkthrough test cannot run '" + name + "'");
    };
  }

  private String curl(List<String> args) throws Exception {
    boolean include = false;
    boolean discard = false;
    String method = null;
    String data = null;
    String writeOut = null;
    String url = null;
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.startsWith("--")) {
        switch (a) {
          case "--include" -> include = true;
          case "--silent" -> { }
          case "--request" -> method = value(args, ++i, a);
          case "--header" -> headers.add(header(value(args, ++i, a)));
          case "--data" -> data = value(args, ++i, a);
          case "--output" -> discard = devNull(value(args, ++i, a));
          case "--write-out" -> writeOut = value(args, ++i, a);
          default -> throw new IllegalArgumentException("curl option the walkthrough test does not know: " + a);
        }
      } else if (a.startsWith("-") && a.length() > 1) {
        for (int k = 1; k < a.length(); k++) {
          char o = a.charAt(k);
          switch (o) {
            case 'i' -> include = true;
            case 's', 'S' -> { }
            case 'X', 'H', 'd', 'o', 'w' -> {
              String v = k + 1 < a.length() ? a.substring(k + 1) : value(args, ++i, "-" + o);
              k = a.length();
              switch (o) {
                case 'X' -> method = v;
                case 'H' -> headers.add(header(v));
                case 'd' -> data = v;
                case 'o' -> discard = devNull(v);
                default -> writeOut = v;
              }
            }
            default -> throw new IllegalArgumentException("curl option the walkthrough test does not know: -" + o);
          }
        }
      } else if (url == null) {
        url = a;
      } else {
        throw new IllegalArgumentException("one URL per curl in the walkthrough, got " + url + " and " + a);
      }
    }
    if (url == null) {
      throw new IllegalArgumentException("curl without a URL");
    }
    if (data != null && headers.stream().noneMatch(h -> h.getKey().equalsIgnoreCase("Content-Type"))) {
      headers.add(Map.entry("Content-Type", "application/x-www-form-urlencoded"));
    }
    Response r = http.send(method != null ? method : data != null ? "POST" : "GET", url, headers, data);
    StringBuilder out = new StringBuilder();
    if (!discard) {
      if (include) {
        out.append(r.version()).append(' ').append(r.status()).append(' ').append(r.reason()).append('\n');
        r.headers().forEach(h -> out.append(h.getKey()).append(": ").append(h.getValue()).append('\n'));
        out.append('\n');
      }
      out.append(r.body());
      if (!r.body().isEmpty() && !r.body().endsWith("\n")) {
        out.append('\n');
      }
    }
    if (writeOut != null) {
      String w = writeOut.replace("%{http_code}", Integer.toString(r.status()))
        .replace("%{response_code}", Integer.toString(r.status())).replace("\\n", "\n");
      if (w.contains("%{")) {
        throw new IllegalArgumentException("curl -w variable the walkthrough test does not know: " + writeOut);
      }
      out.append(w);
    }
    return out.toString();
  }

  private static String value(List<String> args, int i, String option) {
    if (i >= args.size()) {
      throw new IllegalArgumentException("curl " + option + " needs a value");
    }
    return args.get(i);
  }

  private static boolean devNull(String file) {
    if (!file.equals("/dev/null")) {
      throw new IllegalArgumentException("the walkthrough writes no files: -o " + file);
    }
    return true;
  }

  private static Map.Entry<String, String> header(String h) {
    int colon = h.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("not a header: " + h);
    }
    return Map.entry(h.substring(0, colon).strip(), h.substring(colon + 1).strip());
  }

  private static String grep(List<String> args, String stdin) {
    boolean extended = false;
    String pattern = null;
    for (String a : args) {
      if (a.equals("-E")) {
        extended = true;
      } else if (a.startsWith("-")) {
        throw new IllegalArgumentException("grep option the walkthrough test does not know: " + a);
      } else if (pattern == null) {
        pattern = a;
      } else {
        throw new IllegalArgumentException("grep reads its input, not files: " + a);
      }
    }
    if (pattern == null) {
      throw new IllegalArgumentException("grep without a pattern");
    }
    Pattern p = Pattern.compile(extended ? pattern : basicToJava(pattern));
    StringBuilder out = new StringBuilder();
    for (String line : stdin.split("\n", -1)) {
      if (p.matcher(line).find()) {
        out.append(line).append('\n');
      }
    }
    return out.toString();
  }

  /** A basic regular expression: + ? | ( ) { } are literal unless escaped, the rest as in Java. */
  private static String basicToJava(String bre) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < bre.length(); i++) {
      char c = bre.charAt(i);
      if (c == '\\' && i + 1 < bre.length()) {
        char n = bre.charAt(++i);
        sb.append("+?|(){}".indexOf(n) >= 0 ? String.valueOf(n) : "\\" + n);
      } else if ("+?|(){}".indexOf(c) >= 0) {
        sb.append('\\').append(c);
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
