package dev.rediskit.config;

import java.util.List;

/**
 * The module's optional dependencies: the integrations an application adds only when it uses them.
 * The pom declares each {@code <optional>true</optional>}, so none reaches an application through
 * this module; the features that need one call {@link #require(String)} first, which fails at once,
 * naming the artifact to add, instead of a {@code NoClassDefFoundError} at the first request.
 * The README's dependency table lists the same artifacts ({@code DependencyTableTest} checks both
 * against the pom).
 */
public enum OptionalDependency {

  /** The HTTP rate-limit handler and the health and metrics routes ({@code dev.rediskit.web}). */
  VERTX_WEB("io.vertx:vertx-web", "io.vertx.ext.web.Router"),

  /** Micrometer: the meters ({@code dev.rediskit.metrics}); without it they are off. */
  MICROMETER_CORE("io.micrometer:micrometer-core", "io.micrometer.core.instrument.MeterRegistry"),

  /** Vert.x's Micrometer metrics: the default registry the meters and the {@code /metrics} route read. */
  VERTX_MICROMETER_METRICS("io.vertx:vertx-micrometer-metrics", "io.vertx.micrometer.backends.BackendRegistries"),

  /** The Prometheus registry the {@code /metrics} route scrapes. */
  MICROMETER_PROMETHEUS("io.micrometer:micrometer-registry-prometheus", "io.micrometer.prometheusmetrics.PrometheusMeterRegistry"),

  /** Jackson's data binding: {@code CacheCodec.pojo}, the mapping of user types to JSON. */
  JACKSON_DATABIND("com.fasterxml.jackson.core:jackson-databind", "com.fasterxml.jackson.databind.ObjectMapper");

  private final String artifact;
  private final String probeClass;
  private volatile Boolean present;

  OptionalDependency(String artifact, String probeClass) {
    this.artifact = artifact;
    this.probeClass = probeClass;
  }

  /** @return the Maven coordinates without the version, {@code groupId:artifactId} */
  public String artifact() {
    return artifact;
  }

  /** @return whether the dependency is on the class path (looked up once) */
  public boolean present() {
    Boolean p = present;
    if (p == null) {
      p = probe();
      present = p;
    }
    return p;
  }

  private boolean probe() {
    try {
      // Not initialised: only whether the class can be found, with the loader that loaded this module.
      Class.forName(probeClass, false, OptionalDependency.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /**
   * Fails unless the dependency is on the class path.
   *
   * @param feature what needs it, as the user called it (e.g. {@code "CacheCodec.pojo"})
   * @throws MissingDependencyException when it is missing, naming the artifact to add
   */
  public void require(String feature) {
    if (!present()) {
      throw new MissingDependencyException(this, feature);
    }
  }

  /** Thrown by {@link #require(String)}: a feature was used without the optional dependency it needs. */
  public static final class MissingDependencyException extends ConfigurationException {

    private static final long serialVersionUID = 1L;

    /** The missing dependency. */
    private final transient OptionalDependency dependency;

    MissingDependencyException(OptionalDependency dependency, String feature) {
      super(List.of(feature + " needs " + dependency.artifact + " on the class path: it is an optional dependency of"
        + " dev.rediskit:vertx-redis-kit, add it to the application's dependencies"));
      this.dependency = dependency;
    }

    /** @return the dependency to add */
    public OptionalDependency dependency() {
      return dependency;
    }
  }
}
