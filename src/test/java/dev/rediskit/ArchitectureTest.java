package dev.rediskit;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

/**
 * The package map of DESIGN.md, enforced on the main classes: layers that point one way (failures
 * and configuration at the bottom, then the gateway, the components, metrics, the adapters, and the
 * composition root on top), and {@code impl} packages private to their feature.
 */
class ArchitectureTest {

  static JavaClasses classes;

  @BeforeAll
  static void load() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.rediskit");
  }

  @Test
  void layersPointOneWay() {
    ArchRule rule = layeredArchitecture().consideringOnlyDependenciesInLayers()
      .layer("error").definedBy("dev.rediskit.error..")
      .layer("config").definedBy("dev.rediskit.config..")
      .layer("client").definedBy("dev.rediskit.client..")
      .layer("components").definedBy("dev.rediskit.cache..", "dev.rediskit.ratelimit..", "dev.rediskit.health..")
      .layer("metrics").definedBy("dev.rediskit.metrics..")
      .layer("adapters").definedBy("dev.rediskit.eventbus..", "dev.rediskit.web..")
      .layer("root").definedBy("dev.rediskit", "dev.rediskit.impl")
      .whereLayer("root").mayNotBeAccessedByAnyLayer()
      .whereLayer("adapters").mayOnlyBeAccessedByLayers("root")
      .whereLayer("metrics").mayOnlyBeAccessedByLayers("adapters", "root")
      .whereLayer("components").mayOnlyBeAccessedByLayers("metrics", "adapters", "root")
      .whereLayer("client").mayOnlyBeAccessedByLayers("components", "metrics", "adapters", "root")
      .whereLayer("config").mayOnlyBeAccessedByLayers("client", "components", "metrics", "adapters", "root")
      .whereLayer("error").mayOnlyBeAccessedByLayers("config", "client", "components", "metrics", "adapters", "root");
    rule.check(classes);
  }

  @Test
  void componentsDoNotDependOnEachOther() {
    for (String feature : List.of("cache", "ratelimit", "health")) {
      for (String other : List.of("cache", "ratelimit", "health")) {
        if (!feature.equals(other)) {
          noClasses().that().resideInAPackage("dev.rediskit." + feature + "..")
            .should().dependOnClassesThat().resideInAPackage("dev.rediskit." + other + "..")
            .because("the components are siblings; what they share lives below them").check(classes);
        }
      }
    }
  }

  @Test
  void implPackagesArePrivateToTheirFeature() {
    for (String feature : List.of("client", "cache", "ratelimit", "health", "metrics", "eventbus", "web")) {
      noClasses().that().resideOutsideOfPackage("dev.rediskit." + feature + "..")
        .and().resideOutsideOfPackages("dev.rediskit", "dev.rediskit.impl")
        .should().dependOnClassesThat().resideInAPackage("dev.rediskit." + feature + ".impl..")
        .because("an impl package is private to its feature; the composition root wires them")
        .check(classes);
    }
  }
}
