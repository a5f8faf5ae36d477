package at.telco.hub.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import at.telco.hub.architecture.fixture.a.Alpha;
import at.telco.hub.architecture.fixture.b.Beta;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

/** The cycle rule of {@link ArchitectureTest} catches a cycle: two packages that use each other. */
class ArchitectureRulesTest {

  @Test
  void theCycleRuleFailsOnTwoPackagesThatUseEachOther() {
    JavaClasses cycle = new ClassFileImporter().importClasses(Alpha.class, Beta.class);
    EvaluationResult result = ArchitectureTest.NO_CYCLES.evaluate(cycle);
    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().toString())
        .contains("architecture.fixture.a")
        .contains("architecture.fixture.b");
  }

  @Test
  void theCycleRulePassesWhenTheDependencyGoesOneWay() {
    JavaClasses oneWay = new ClassFileImporter().importClasses(Beta.class);
    assertThat(ArchitectureTest.NO_CYCLES.evaluate(oneWay).hasViolation()).isFalse();
  }
}
