package org.fusioncds.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of docs/ARCHITECTURE.md, checked on the compiled classes: no cycle between packages;
 * the DICOM library imports nothing of the application; the stage messages import no step; the
 * model card imports neither of its readers.
 */
class ArchitectureTest {

  static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.fusioncds");
  }

  @Test
  void noCycleBetweenPackages() {
    slices().matching("org.fusioncds.(**)").should().beFreeOfCycles().check(classes);
  }

  /**
   * The same on the sources: a constant (static final String) is inlined by javac and leaves no
   * trace in the class files, so an import cycle through constants is found only here.
   */
  @Test
  void noImportCycleBetweenPackagesInTheSources() throws IOException {
    Map<String, Set<String>> imports = SourceImports.ofAllModules();
    List<List<String>> cycles = SourceImports.cycles(imports);
    assertTrue(cycles.isEmpty(), "package cycles in the sources: " + cycles);
  }

  @Test
  void theDicomLibraryImportsNothingOfTheApplication() {
    noClasses()
        .that()
        .resideInAPackage("org.fusioncds.dicom..")
        .should()
        .dependOnClassesThat(
            resideInAPackage("org.fusioncds..")
                .and(not(resideInAnyPackage("org.fusioncds.dicom..", "org.fusioncds.error.."))))
        .check(classes);
  }

  @Test
  void theStageMessagesImportNoStep() {
    noClasses()
        .that()
        .resideInAPackage("org.fusioncds.flow..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.fusioncds.cdshooks..",
            "org.fusioncds.fhir..",
            "org.fusioncds.imaging..",
            "org.fusioncds.assemble..",
            "org.fusioncds.inference..",
            "org.fusioncds.report..",
            "org.fusioncds.audit..",
            "org.fusioncds.config..",
            "org.fusioncds.sandbox..",
            "org.apache.camel..")
        .check(classes);
  }

  @Test
  void theModelCardImportsNeitherOfItsReaders() {
    noClasses()
        .that()
        .resideInAPackage("org.fusioncds.model..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.fusioncds.assemble..", "org.fusioncds.inference..", "org.fusioncds.flow..")
        .check(classes);
  }
}
