package org.fusioncds.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.Profiles;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileDefinitionsTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static List<StructureDefinition> files;
  private static ProfileValidator validator;

  @BeforeAll
  static void load() {
    files = ProfileFolder.read(FHIR, ProfileValidator.DEFAULT_FOLDER);
    validator = new ProfileValidator();
  }

  @Test
  void folderHoldsEveryCanonicalTheBuilderClaims() {
    Set<String> urls = files.stream().map(StructureDefinition::getUrl).collect(Collectors.toSet());

    assertEquals(
        Set.of(
            Profiles.PROFILE_REPORT,
            Profiles.PROFILE_OBSERVATION,
            Profiles.PROFILE_DEVICE,
            Profiles.PROFILE_PROVENANCE,
            Profiles.PROFILE_REPORT_FORM,
            Profiles.PROFILE_KEY_IMAGE,
            Profiles.PROFILE_MODEL_CARD,
            Profiles.PROFILE_REVIEW,
            Profiles.EXT_MISSING_INPUT,
            Profiles.EXT_EVALUATED_AS_OF),
        urls);
  }

  @Test
  void filesAreActiveDifferentialOnlyConstraintsOnR4() {
    for (StructureDefinition sd : files) {
      assertEquals(
          StructureDefinition.TypeDerivationRule.CONSTRAINT, sd.getDerivation(), sd.getId());
      assertEquals(Enumerations.PublicationStatus.ACTIVE, sd.getStatus(), sd.getId());
      assertEquals("4.0.1", sd.getFhirVersion().toCode(), sd.getId());
      assertTrue(sd.hasDifferential() && !sd.hasSnapshot(), sd.getId());
      assertTrue(sd.hasName() && sd.hasTitle() && sd.hasDescription(), sd.getId());
      assertEquals(
          Profiles.CANONICAL + "/StructureDefinition/" + sd.getIdElement().getIdPart(),
          sd.getUrl());
    }
  }

  @Test
  void everyProfileHasASnapshotCoveringItsDifferential() {
    for (StructureDefinition sd : files) {
      StructureDefinition built = validator.profiles().get(sd.getUrl());
      Set<String> snapshotIds =
          built.getSnapshot().getElement().stream().map(e -> e.getId()).collect(Collectors.toSet());

      assertTrue(built.hasSnapshot(), sd.getUrl());
      sd.getDifferential()
          .getElement()
          .forEach(e -> assertTrue(snapshotIds.contains(e.getId()), sd.getUrl() + " " + e.getId()));
    }
  }

  /**
   * Resource profiles only: validating the extension's StructureDefinition makes the 6.6.7 core
   * validator look for the hl7.fhir.r4.core package online (packages.fhir.org), which we neither
   * reach nor want; the extension is proven instead by refusesMissingInputThatIsNotAString.
   */
  @Test
  void resourceProfilesConformToTheStructureDefinitionResource() {
    for (StructureDefinition sd : files) {
      if (sd.getKind() == StructureDefinition.StructureDefinitionKind.RESOURCE) {
        assertEquals(List.of(), validator.errors(sd), sd.getUrl());
      }
    }
  }

  @Test
  void refusesAFolderWithoutDefinitions(@TempDir Path empty) {
    FcdsException e = assertThrows(FcdsException.class, () -> new ProfileValidator(empty));

    assertEquals(6100, e.code());
  }

  @Test
  void refusesADefinitionWhoseElementIsNotInItsBase(@TempDir Path folder) throws IOException {
    StructureDefinition sd =
        files.stream()
            .filter(f -> f.getUrl().equals(Profiles.PROFILE_OBSERVATION))
            .findFirst()
            .orElseThrow()
            .copy();
    sd.getDifferential().addElement().setPath("Observation.noSuch").setId("Observation.noSuch");
    Files.writeString(
        folder.resolve("StructureDefinition-ai-observation.json"),
        FHIR.newJsonParser().encodeResourceToString(sd));

    FcdsException e = assertThrows(FcdsException.class, () -> new ProfileValidator(folder));

    assertEquals(6102, e.code());
    assertFalse(e.getMessage().isEmpty());
  }
}
