package dev.rediskit.test;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code redis-server} executable that tests start.
 *
 * <p>{@link #get()} prefers, in order: the path in system property {@value #PROPERTY} (or environment variable
 * {@value #ENVIRONMENT}), a {@code redis-server} on the {@code PATH}, and finally the binary shipped inside the
 * {@code embedded-redis} test dependency, so that the integration tests also run on a machine without Redis
 * installed. Only the server binary is needed: everything else is done over the Redis protocol.
 */
public final class RedisBinary {

  /** System property naming a {@code redis-server} executable to use instead of searching. */
  public static final String PROPERTY = "rediskit.redis-server";

  /** Environment variable naming a {@code redis-server} executable, for CI setups that cannot pass properties. */
  public static final String ENVIRONMENT = "REDISKIT_REDIS_SERVER";

  private static final Pattern VERSION = Pattern.compile("v=(\\d+)\\.(\\d+)\\.(\\d+)");

  private static RedisBinary selected;
  private static RedisBinary extracted;

  private final Path executable;
  private final boolean embedded;
  private final String version;
  private final int major;
  private final int minor;

  private RedisBinary(Path executable, boolean embedded) {
    this.executable = executable;
    this.embedded = embedded;
    String output = runVersion(executable);
    Matcher matcher = VERSION.matcher(output);
    if (!matcher.find()) {
      throw new IllegalStateException("Cannot read the version of " + executable + " from: " + output);
    }
    this.version = matcher.group(1) + "." + matcher.group(2) + "." + matcher.group(3);
    this.major = Integer.parseInt(matcher.group(1));
    this.minor = Integer.parseInt(matcher.group(2));
  }

  /**
   * The binary all fixtures use unless told otherwise; looked up once per JVM.
   *
   * @return the configured, installed or embedded {@code redis-server}
   * @throws IllegalStateException when none can be found or run
   */
  public static synchronized RedisBinary get() {
    if (selected == null) {
      String override = System.getProperty(PROPERTY);
      if (override == null || override.isBlank()) {
        override = System.getenv(ENVIRONMENT);
      }
      if (override != null && !override.isBlank()) {
        selected = of(Path.of(override));
      } else {
        selected = onPath().orElseGet(RedisBinary::embedded);
      }
    }
    return selected;
  }

  /**
   * The {@code redis-server} found on the {@code PATH}, if any.
   *
   * @return the installed binary, or empty when there is none
   */
  public static Optional<RedisBinary> onPath() {
    return findOnPath("redis-server").map(path -> new RedisBinary(path, false));
  }

  /**
   * Searches the {@code PATH} for an executable file.
   *
   * @param name file name, e.g. {@code "redis-server"}
   * @return the first executable match, or empty
   */
  public static Optional<Path> findOnPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /**
   * The binary shipped in the {@code embedded-redis} jar for this OS and architecture, extracted once per JVM to a
   * temporary directory that is removed when the JVM exits.
   *
   * @return the extracted binary
   * @throws IllegalStateException when the jar has no binary for this platform or extraction fails
   */
  public static synchronized RedisBinary embedded() {
    if (extracted == null) {
      extracted = new RedisBinary(extractEmbedded(), true);
    }
    return extracted;
  }

  /**
   * Wraps a given executable.
   *
   * @param executable path to a {@code redis-server} binary
   * @return the binary, with its version read
   * @throws IllegalStateException when it cannot be run
   */
  public static RedisBinary of(Path executable) {
    return new RedisBinary(executable, false);
  }

  /**
   * Path to the executable.
   *
   * @return the executable
   */
  public Path executable() {
    return executable;
  }

  /**
   * Whether this is the binary extracted from the {@code embedded-redis} jar.
   *
   * @return {@code true} for the embedded fallback
   */
  public boolean isEmbedded() {
    return embedded;
  }

  /**
   * The server version as printed by {@code redis-server --version}.
   *
   * @return e.g. {@code "7.0.15"}
   */
  public String version() {
    return version;
  }

  /**
   * Major version, to choose configuration that older servers reject.
   *
   * @return e.g. {@code 7}
   */
  public int majorVersion() {
    return major;
  }

  /**
   * Whether the server is at least the given version, for tests of features that older servers lack.
   *
   * @param major major version
   * @param minor minor version
   * @return {@code true} when this version is the same or newer
   */
  public boolean isAtLeast(int major, int minor) {
    return this.major > major || (this.major == major && this.minor >= minor);
  }

  @Override
  public String toString() {
    return "redis-server " + version + " at " + executable + (embedded ? " (embedded)" : "");
  }

  /**
   * The name of the binary in the embedded-redis jar for this platform. The jar keeps its binaries at its root,
   * named {@code redis-server-VERSION-OS-ARCH}; matching by pattern rather than by full name keeps this working if
   * the dependency is upgraded to a jar with other server versions.
   */
  static Pattern embeddedEntryPattern() {
    String osName = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String os = osName.contains("win") ? "windows" : osName.contains("mac") ? "darwin" : "linux";
    String arch = switch (System.getProperty("os.arch").toLowerCase(Locale.ROOT)) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      case "x86", "i386", "i686" -> "386";
      default -> System.getProperty("os.arch");
    };
    return Pattern.compile("redis-server-[^/]*-" + os + "-" + arch + "(\\.exe)?");
  }

  private static Path extractEmbedded() {
    Path jar = embeddedJar();
    Pattern pattern = embeddedEntryPattern();
    try (JarFile jarFile = new JarFile(jar.toFile())) {
      List<JarEntry> matches = new ArrayList<>();
      jarFile.stream().filter(e -> pattern.matcher(e.getName()).matches()).forEach(matches::add);
      if (matches.isEmpty()) {
        throw new IllegalStateException("No entry matching " + pattern + " in " + jar);
      }
      JarEntry entry = matches.get(0);
      Path dir = Files.createTempDirectory("rediskit-redis-bin-");
      Path target = dir.resolve(entry.getName());
      ProcessReaper.claim(dir);
      try (InputStream in = jarFile.getInputStream(entry)) {
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      }
      try {
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
      } catch (UnsupportedOperationException e) {
        if (!target.toFile().setExecutable(true)) {
          throw new IllegalStateException("Cannot make " + target + " executable", e);
        }
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot extract redis-server from " + jar, e);
    }
  }

  private static Path embeddedJar() {
    try {
      Class<?> anchor = Class.forName("redis.embedded.RedisServer");
      Path location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (!Files.isRegularFile(location)) {
        throw new IllegalStateException("embedded-redis is not loaded from a jar: " + location);
      }
      return location;
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("No redis-server on the PATH and embedded-redis is not on the class path", e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("Cannot locate the embedded-redis jar", e);
    }
  }

  private static String runVersion(Path executable) {
    try {
      Process process = new ProcessBuilder(executable.toString(), "--version").redirectErrorStream(true).start();
      // Bounded so that a binary that hangs (wrong architecture under emulation, say) fails instead of blocking.
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(executable + " --version did not finish within 10 s");
      }
      return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot run " + executable, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running " + executable, e);
    }
  }
}
