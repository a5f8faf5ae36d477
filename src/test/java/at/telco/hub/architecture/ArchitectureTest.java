package at.telco.hub.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package rules of docs/decisions (the hub's layout): no package cycles; the core (everything
 * but the launcher, the embedded servers and the simulated systems) never depends on those three;
 * the management API's package is used by nobody else (its beans are wired in its own area, the
 * domain's refusals become HTTP statuses there); no package is named {@code target}, which tools
 * that ignore Maven's {@code target/} folders would drop.
 *
 * <p>The rules are checked in {@code ArchTest} methods, not fields: Surefire 3.5.3 does not run
 * {@code ArchTest} fields (TNG/ArchUnit#1442).
 */
@AnalyzeClasses(packages = "at.telco.hub", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  /** Every package of the hub is a slice: a cycle between any two of them fails. */
  static final ArchRule NO_CYCLES =
      slices().matching("at.telco.hub.(**)").should().beFreeOfCycles();

  static final String[] OUTSIDE_THE_CORE = {
    "at.telco.hub.launcher..",
    "at.telco.hub.karaf..",
    "at.telco.hub.embedded..",
    "at.telco.hub.simulator.."
  };

  @ArchTest
  static void noPackageCycles(JavaClasses classes) {
    NO_CYCLES.check(classes);
  }

  static final ArchRule
      THE_CORE_DOES_NOT_DEPEND_ON_THE_LAUNCHER_THE_EMBEDDED_SERVERS_OR_THE_SIMULATORS =
          noClasses()
              .that()
              .resideOutsideOfPackages(OUTSIDE_THE_CORE)
              .should()
              .dependOnClassesThat()
              .resideInAnyPackage(OUTSIDE_THE_CORE);

  @ArchTest
  static void theCoreDoesNotDependOnTheLauncherTheEmbeddedServersOrTheSimulators(
      JavaClasses classes) {
    THE_CORE_DOES_NOT_DEPEND_ON_THE_LAUNCHER_THE_EMBEDDED_SERVERS_OR_THE_SIMULATORS.check(classes);
  }

  static final ArchRule ONLY_THE_API_USES_THE_API =
      noClasses()
          .that()
          .resideOutsideOfPackage("at.telco.hub.api..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("at.telco.hub.api..");

  @ArchTest
  static void onlyTheApiUsesTheApi(JavaClasses classes) {
    ONLY_THE_API_USES_THE_API.check(classes);
  }

  static final ArchRule THE_ROOT_PACKAGE_IS_USED_ONLY_BY_THE_LAUNCHER_AND_KARAF =
      noClasses()
          .that()
          .resideOutsideOfPackages(
              "at.telco.hub", "at.telco.hub.launcher..", "at.telco.hub.karaf..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("at.telco.hub");

  @ArchTest
  static void theRootPackageIsUsedOnlyByTheLauncherAndTheKarafActivator(JavaClasses classes) {
    THE_ROOT_PACKAGE_IS_USED_ONLY_BY_THE_LAUNCHER_AND_KARAF.check(classes);
  }

  static final ArchRule NO_PACKAGE_IS_NAMED_TARGET =
      classes().should().resideOutsideOfPackages("..target..");

  @ArchTest
  static void noPackageIsNamedTarget(JavaClasses classes) {
    NO_PACKAGE_IS_NAMED_TARGET.check(classes);
  }
}
