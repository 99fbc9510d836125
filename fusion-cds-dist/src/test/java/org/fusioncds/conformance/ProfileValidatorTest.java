package org.fusioncds.conformance;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.Profiles;
import org.fusioncds.report.ReportRequests;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class ProfileValidatorTest {

  private static final Logger LOG = LoggerFactory.getLogger(ProfileValidatorTest.class);
  private static final Coding AIAST =
      new Coding("http://terminology.hl7.org/CodeSystem/v3-ObservationValue", "AIAST", null);
  private static ProfileValidator validator;

  @BeforeAll
  static void buildOnce() {
    long start = System.nanoTime();
    validator = new ProfileValidator();
    LOG.info("validator built in {} ms", (System.nanoTime() - start) / 1_000_000);
  }

  @Test
  void everyResourceOfTheTransactionConformsToItsProfile() {
    Bundle transaction = ReportRequests.transaction();

    for (Bundle.BundleEntryComponent entry : transaction.getEntry()) {
      Resource r = entry.getResource();
      assertTrue(r.getMeta().hasProfile(), r.fhirType() + " claims no profile");
      assertEquals(List.of(), validator.errors(r), r.fhirType());
    }
    assertDoesNotThrow(() -> validator.check(transaction));
  }

  @Test
  void refusesReportWithStatusFinal() {
    Bundle transaction = ReportRequests.transaction();
    first(transaction, DiagnosticReport.class)
        .setStatus(DiagnosticReport.DiagnosticReportStatus.FINAL);

    FcdsException e = refused(transaction);

    assertRefusal(
        e,
        Profiles.PROFILE_REPORT,
        "DiagnosticReport.status",
        "Value is 'final' but is fixed to 'preliminary'");
  }

  @Test
  void refusesReportWithoutAiastLabel() {
    Bundle transaction = ReportRequests.transaction();
    first(transaction, DiagnosticReport.class).getMeta().setSecurity(new ArrayList<>());

    FcdsException e = refused(transaction);

    assertRefusal(
        e,
        Profiles.PROFILE_REPORT,
        "DiagnosticReport.meta.security",
        "minimum required = 1, but only found 0");
  }

  @Test
  void refusesObservationWithoutDevice() {
    Bundle transaction = ReportRequests.transaction();
    first(transaction, Observation.class).setDevice(null);

    FcdsException e = refused(transaction);

    assertRefusal(
        e,
        Profiles.PROFILE_OBSERVATION,
        "Observation.device",
        "minimum required = 1, but only found 0");
  }

  @Test
  void refusesProvenanceWithoutEntity() {
    Bundle transaction = ReportRequests.transaction();
    first(transaction, Provenance.class).setEntity(new ArrayList<>());

    FcdsException e = refused(transaction);

    assertRefusal(
        e,
        Profiles.PROFILE_PROVENANCE,
        "Provenance.entity",
        "minimum required = 1, but only found 0");
  }

  @Test
  void refusesDeviceWithoutIdentifier() {
    Bundle transaction = ReportRequests.transaction();
    first(transaction, Device.class).setIdentifier(new ArrayList<>());

    FcdsException e = refused(transaction);

    assertRefusal(
        e, Profiles.PROFILE_DEVICE, "Device.identifier", "minimum required = 1, but only found 0");
  }

  @Test
  void everyObservationCarriesTheAiConfidenceOfItsInterpretation() {
    Bundle transaction = ReportRequests.transaction();

    for (Bundle.BundleEntryComponent e : transaction.getEntry()) {
      if (e.getResource() instanceof Observation o) {
        double p = o.getValueQuantity().getValue().doubleValue();
        boolean positive =
            "POS".equals(o.getInterpretationFirstRep().getCodingFirstRep().getCode());
        double confidence =
            ((org.hl7.fhir.r4.model.DecimalType)
                    o.getExtensionByUrl(Profiles.EXT_AI_CONFIDENCE).getValue())
                .getValueAsNumber()
                .doubleValue();
        assertEquals(positive ? p : 1 - p, confidence, 1e-4);
      }
    }
  }

  @Test
  void refusesObservationWithoutAiConfidence() {
    Bundle transaction = ReportRequests.transaction();
    first(transaction, Observation.class)
        .getExtension()
        .removeIf(x -> Profiles.EXT_AI_CONFIDENCE.equals(x.getUrl()));

    FcdsException e = refused(transaction);

    assertRefusal(e, Profiles.PROFILE_OBSERVATION, "Observation", "fcds-ait-1");
  }

  @Test
  void refusesDeviceNotTypedArtificialIntelligence() {
    Bundle transaction = ReportRequests.transaction();
    first(transaction, Device.class)
        .setType(
            new org.hl7.fhir.r4.model.CodeableConcept(
                new Coding("http://snomed.info/sct", "706689003", null)));

    FcdsException e = refused(transaction);

    assertRefusal(e, Profiles.PROFILE_DEVICE, "Device", "fcds-ait-2");
  }

  @Test
  void refusesProvenanceWithoutTheAiReasonOrTheAiAgentRole() {
    Bundle noReason = ReportRequests.transaction();
    first(noReason, Provenance.class).setReason(new ArrayList<>());
    Bundle noRole = ReportRequests.transaction();
    first(noRole, Provenance.class).getAgentFirstRep().setRole(new ArrayList<>());

    assertRefusal(refused(noReason), Profiles.PROFILE_PROVENANCE, "Provenance", "fcds-ait-3");
    assertRefusal(refused(noRole), Profiles.PROFILE_PROVENANCE, "Provenance", "fcds-ait-3");
  }

  @Test
  void refusesMissingInputThatIsNotAString() {
    Bundle transaction = ReportRequests.transaction();
    Provenance p = first(transaction, Provenance.class);
    p.getExtensionByUrl(Profiles.EXT_MISSING_INPUT).setValue(new IntegerType(3));

    FcdsException e = refused(transaction);

    assertRefusal(
        e,
        Profiles.PROFILE_PROVENANCE,
        "Provenance.extension",
        "allows for the types [string] but found type integer");
  }

  @Test
  void refusesReportLabelledWithAnotherSecurityCodeOnly() {
    Bundle transaction = ReportRequests.transaction();
    first(transaction, DiagnosticReport.class)
        .getMeta()
        .setSecurity(
            new ArrayList<>(
                List.of(
                    new Coding(
                        "http://terminology.hl7.org/CodeSystem/v3-Confidentiality",
                        "N",
                        "normal"))));

    FcdsException e = refused(transaction);

    assertRefusal(
        e,
        Profiles.PROFILE_REPORT,
        "Slice 'DiagnosticReport.meta.security:aiast'",
        "a matching slice is required, but not found");
  }

  @Test
  void refusesReportWithoutItsPdfForm() {
    Bundle transaction = ReportRequests.transaction();
    DiagnosticReport report = first(transaction, DiagnosticReport.class);
    report.getPresentedForm().removeIf(a -> "application/pdf".equals(a.getContentType()));

    FcdsException e = refused(transaction);

    assertRefusal(e, Profiles.PROFILE_REPORT, "DiagnosticReport.presentedForm", "minimum required");
  }

  @Test
  void refusesKeyImageWithoutItsPng() {
    Bundle transaction = ReportRequests.transaction();
    first(transaction, Media.class).getContent().setData(null);

    FcdsException e = refused(transaction);

    assertRefusal(
        e,
        Profiles.PROFILE_KEY_IMAGE,
        "Media.content.data",
        "minimum required = 1, but only found 0");
  }

  @Test
  void refusesReportFormWithoutTheReportItBelongsTo() {
    Bundle transaction = ReportRequests.transaction();
    first(transaction, Binary.class).setSecurityContext(null);

    FcdsException e = refused(transaction);

    assertRefusal(
        e,
        Profiles.PROFILE_REPORT_FORM,
        "Binary.securityContext",
        "minimum required = 1, but only found 0");
  }

  @Test
  void stillReportsAnUnknownObservationValueCodeOtherThanAiast() {
    Bundle transaction = ReportRequests.transaction();
    DiagnosticReport report = first(transaction, DiagnosticReport.class);
    report.getMeta().addSecurity(new Coding(AIAST.getSystem(), "AIASTX", null));

    List<String> errors = validator.errors(report);

    assertEquals(1, errors.size(), errors.toString());
    assertTrue(errors.get(0).contains("Unknown code '" + AIAST.getSystem() + "#AIASTX'"));
  }

  @Test
  void wholeTransactionConformsToTheBundleRulesAndEveryProfile() {
    Bundle transaction = ReportRequests.transaction();

    assertEquals(List.of(), validator.errors(transaction));
  }

  @Test
  void wholeTransactionRefusesAPerformerThatIsNotTheDevice() {
    Bundle transaction = ReportRequests.transaction();
    String observationUrl = transaction.getEntry().get(1).getFullUrl();
    first(transaction, Provenance.class).getAgentFirstRep().getWho().setReference(observationUrl);

    List<String> errors = validator.errors(transaction);

    assertTrue(
        errors.stream()
            .anyMatch(
                m ->
                    m.contains("agent[0].who")
                        && m.contains("Found Observation, but expected one of ([Device])")),
        errors.toString());
  }

  private static FcdsException refused(Bundle transaction) {
    return assertThrows(FcdsException.class, () -> validator.check(transaction));
  }

  private static void assertRefusal(FcdsException e, String profile, String where, String what) {
    assertEquals(6103, e.code());
    assertTrue(e.getMessage().contains("does not conform to " + profile), e.getMessage());
    assertTrue(e.getMessage().contains(where), e.getMessage());
    assertTrue(e.getMessage().contains(what), e.getMessage());
  }

  static <T extends Resource> T first(Bundle bundle, Class<T> type) {
    return bundle.getEntry().stream()
        .map(Bundle.BundleEntryComponent::getResource)
        .filter(type::isInstance)
        .map(type::cast)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void conformsOnEveryRebuild() {
    List<Long> micros = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Bundle transaction = ReportRequests.transaction();
      long start = System.nanoTime();
      assertDoesNotThrow(() -> validator.check(transaction), "rebuild " + i);
      micros.add((System.nanoTime() - start) / 1000);
      for (Bundle.BundleEntryComponent entry : transaction.getEntry()) {
        Resource r = entry.getResource();
        assertEquals(List.of(), validator.errors(r), "rebuild " + i + ", " + r.fhirType());
      }
    }
    Collections.sort(micros);
    LOG.info(
        "check(transaction of 4 resources): median {} us, max {} us",
        micros.get(10),
        micros.get(19));
  }
}
