package at.telco.hub.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;

/**
 * The command line's package stays a client: of the hub it uses the canonical JSON only (besides
 * picocli, Jackson, the JDK and the annotations of its generated API client), and only the launcher
 * uses it. (Rules in methods, as in ArchitectureTest.)
 */
@AnalyzeClasses(packages = "at.telco.hub", importOptions = ImportOption.DoNotIncludeTests.class)
class CliPackageTest {

  @ArchTest
  static void theCommandLineUsesOnlyTheCanonicalJsonOfTheHub(JavaClasses hub) {
    classes()
        .that()
        .resideInAPackage("at.telco.hub.cli..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "at.telco.hub.cli..",
            "at.telco.hub.canonical..",
            "picocli..",
            "com.fasterxml.jackson..",
            // the nullness annotations of the API client generated from the OpenAPI document
            // (at.telco.hub.cli.client): compile time only, nothing at run time needs them
            "jakarta.annotation..",
            // the JDK's TLS types, which an HttpClient names (RecordingHttpClient)
            "javax.net.ssl..",
            "java..")
        .check(hub);
  }

  @ArchTest
  static void onlyTheLauncherUsesTheCommandLine(JavaClasses hub) {
    noClasses()
        .that()
        .resideOutsideOfPackages("at.telco.hub.cli..", "at.telco.hub.launcher..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("at.telco.hub.cli..")
        .check(hub);
  }
}
