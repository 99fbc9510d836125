package org.fusioncds.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.Profiles;
import org.fusioncds.report.ReportRequests;
import org.fusioncds.report.ReviewProvenance;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class ProfileValidatorTest {

  private static final Logger LOG = LoggerFactory.getLogger(ProfileValidatorTest.class);
  private static final String CARD = "models/cap-fusion/model-card.yaml";
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
  void theModelCardIsOneDocumentReferenceNamedByTheDeviceAndTheProvenance() throws Exception {
    Bundle transaction = ReportRequests.transaction();
    byte[] file = java.nio.file.Files.readAllBytes(java.nio.file.Path.of(CARD));
    String sha256 =
        java.util.HexFormat.of()
            .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(file));

    List<Bundle.BundleEntryComponent> cards =
        transaction.getEntry().stream()
            .filter(e -> e.getResource() instanceof DocumentReference)
            .toList();

    assertEquals(1, cards.size());
    Bundle.BundleEntryComponent entry = cards.get(0);
    DocumentReference card = (DocumentReference) entry.getResource();
    assertEquals("cap-fusion|0.1.0|" + sha256, card.getIdentifierFirstRep().getValue());
    assertEquals(
        "DocumentReference?identifier=urn:fusion-cds:model-card|cap-fusion|0.1.0|" + sha256,
        entry.getRequest().getIfNoneExist(),
        "created once per card text");
    assertEquals("AIModelCard", card.getType().getCodingFirstRep().getCode());
    assertEquals(Profiles.CS_AI_INPUTS, card.getType().getCodingFirstRep().getSystem());
    assertEquals("application/yaml", card.getContentFirstRep().getAttachment().getContentType());
    assertArrayEquals(file, card.getContentFirstRep().getAttachment().getData(), "the file as is");
    String markdown =
        new String(card.getContent().get(1).getAttachment().getData(), StandardCharsets.UTF_8);
    assertTrue(markdown.contains("## Evaluation") && markdown.contains("auroc"), markdown);
    Device device = first(transaction, Device.class);
    assertEquals(
        entry.getFullUrl(),
        ((Reference) device.getExtensionByUrl(Profiles.EXT_MODEL_CARD).getValue()).getReference());
    assertEquals(
        List.of(
            "Deep-Learning-Models",
            "AI-for-Multimodal-Data",
            "Medical-Image-Analysis",
            "Deterministic-AI"),
        device.getExtensionsByUrl(Profiles.EXT_AI_KIND).stream()
            .map(x -> ((CodeableConcept) x.getValue()).getCodingFirstRep().getCode())
            .toList(),
        "the card's kind");
    List<Provenance.ProvenanceEntityComponent> derivations =
        first(transaction, Provenance.class).getEntity().stream()
            .filter(e -> e.getRole() == Provenance.ProvenanceEntityRole.DERIVATION)
            .toList();
    assertEquals(1, derivations.size());
    assertEquals(entry.getFullUrl(), derivations.get(0).getWhat().getReference());
    assertEquals(List.of(), validator.errors(card));
  }

  @Test
  void refusesDeviceWithoutItsModelCard() {
    Bundle transaction = ReportRequests.transaction();
    first(transaction, Device.class)
        .getExtension()
        .removeIf(x -> Profiles.EXT_MODEL_CARD.equals(x.getUrl()));

    assertRefusal(refused(transaction), Profiles.PROFILE_DEVICE, "Device", "fcds-ait-4");
  }

  @Test
  void refusesDeviceWhoseKindIsNotAnAiDeviceTypeCode() {
    Bundle transaction = ReportRequests.transaction();
    first(transaction, Device.class)
        .addExtension(
            Profiles.EXT_AI_KIND,
            new CodeableConcept(new Coding("http://snomed.info/sct", "706689003", null)));

    assertRefusal(refused(transaction), Profiles.PROFILE_DEVICE, "Device", "fcds-ait-4");
  }

  @Test
  void refusesProvenanceWithoutTheModelCard() {
    Bundle transaction = ReportRequests.transaction();
    first(transaction, Provenance.class)
        .getEntity()
        .removeIf(e -> e.getRole() == Provenance.ProvenanceEntityRole.DERIVATION);

    assertRefusal(refused(transaction), Profiles.PROFILE_PROVENANCE, "Provenance", "fcds-ait-5");
  }

  @Test
  void refusesModelCardWithoutTheCardFileOrTheAiModelCardType() {
    Bundle noFile = ReportRequests.transaction();
    first(noFile, DocumentReference.class)
        .getContent()
        .removeIf(c -> "application/yaml".equals(c.getAttachment().getContentType()));
    Bundle noType = ReportRequests.transaction();
    first(noType, DocumentReference.class)
        .setType(new CodeableConcept(new Coding("http://loinc.org", "11502-2", null)));

    assertRefusal(refused(noFile), Profiles.PROFILE_MODEL_CARD, "DocumentReference", "fcds-ait-6");
    assertRefusal(refused(noType), Profiles.PROFILE_MODEL_CARD, "DocumentReference", "fcds-ait-6");
  }

  @Test
  void wholeTransactionRefusesAModelCardEntityThatIsNotADocumentReference() {
    Bundle transaction = ReportRequests.transaction();
    String deviceUrl = transaction.getEntryFirstRep().getFullUrl();
    first(transaction, Provenance.class).getEntity().stream()
        .filter(e -> e.getRole() == Provenance.ProvenanceEntityRole.DERIVATION)
        .forEach(e -> e.getWhat().setReference(deviceUrl));

    List<String> errors = validator.errors(transaction);

    assertTrue(
        errors.stream()
            .anyMatch(m -> m.contains("Found Device, but expected one of ([DocumentReference])")),
        errors.toString());
  }

  private static ReviewProvenance.Feedback override(String timestamp) {
    return new ReviewProvenance.Feedback(
        "3f1c7c1e-0000-4000-8000-000000000001",
        "overridden",
        timestamp,
        "rk-1",
        "http://fhir.test/fhir/DiagnosticReport/12",
        ReviewProvenance.Reviewer.of("Practitioner/example"),
        new Coding(
            "https://fusion-cds.org/CodeSystem/override-reason",
            "image-reading",
            "My reading of the image differs"));
  }

  @Test
  void aClinicianOverridingACardIsAVerifierAgentOnTheVersionedReportWithTheCodedReason() {
    ReviewProvenance.Feedback f = override("2026-11-28T10:00:00Z");

    Provenance review = ReviewProvenance.of(f, "DiagnosticReport/12/_history/1");

    assertEquals(List.of(), validator.errors(review));
    assertEquals(
        "verifier", review.getAgentFirstRep().getType().getCodingFirstRep().getCode(), "type");
    assertEquals("Practitioner/example", review.getAgentFirstRep().getWho().getReference());
    assertEquals("DiagnosticReport/12/_history/1", review.getTargetFirstRep().getReference());
    assertEquals("overridden", review.getActivity().getCodingFirstRep().getCode());
    assertEquals(
        Profiles.CS_FEEDBACK_OUTCOME, review.getActivity().getCodingFirstRep().getSystem());
    assertEquals("image-reading", review.getReasonFirstRep().getCodingFirstRep().getCode());
    assertEquals(
        ReviewProvenance.id(f),
        ReviewProvenance.id(override("2026-11-28T10:00:00Z")),
        "the same feedback, the same id");
    assertTrue(
        !ReviewProvenance.id(f).equals(ReviewProvenance.id(override("2026-11-28T10:05:00Z"))),
        "another answer, another review");
    assertTrue(ReviewProvenance.id(f).matches("fcds-review-[0-9a-f]{40}"), ReviewProvenance.id(f));
  }

  @Test
  void refusesAReviewOfAnUnversionedReportOrWithoutItsVerifier() {
    Provenance unversioned =
        ReviewProvenance.of(override("2026-11-28T10:00:00Z"), "DiagnosticReport/12");
    Provenance noVerifier =
        ReviewProvenance.of(override("2026-11-28T10:00:00Z"), "DiagnosticReport/12/_history/1");
    noVerifier.getAgentFirstRep().getType().getCodingFirstRep().setCode("performer");

    assertTrue(
        validator.errors(unversioned).stream().anyMatch(m -> m.contains("fcds-ait-8")),
        validator.errors(unversioned).toString());
    assertTrue(
        validator.errors(noVerifier).stream().anyMatch(m -> m.contains("fcds-ait-7")),
        validator.errors(noVerifier).toString());
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
        "check(transaction of {} resources): median {} us, max {} us",
        ReportRequests.transaction().getEntry().size(),
        micros.get(10),
        micros.get(19));
  }
}
