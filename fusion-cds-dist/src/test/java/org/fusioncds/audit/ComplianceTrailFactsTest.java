package org.fusioncds.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.fusioncds.flow.ReportRequest;
import org.fusioncds.report.ReportBundleBuilder;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/** Reading the trail out of what our write-back builds and the BALP write-back AuditEvent. */
class ComplianceTrailFactsTest {

  private static final Instant ISSUED = Instant.parse("2026-11-20T08:16:30Z");
  private static final List<String> INPUTS =
      List.of("ImagingStudy/x/_history/1", "Observation/y/_history/2", "urn:oid:1.2.3");
  private static final WriteBackEvents.Ehr EHR =
      new WriteBackEvents.Ehr(
          "https://ehr.example.org", "ehr-client", "jti-1", "Practitioner/dr-1", "hook-1");

  private static ReportRequest request() {
    return AiResults.request(
        "p1",
        AiResults.model("cap-fusion", "0.1.0"),
        ISSUED,
        "ImagingStudy/x/_history/1",
        INPUTS,
        List.of("labs:pct"),
        "Practitioner/dr-1");
  }

  private static <T extends Resource> T first(Bundle b, Class<T> type) {
    return b.getEntry().stream()
        .map(Bundle.BundleEntryComponent::getResource)
        .filter(type::isInstance)
        .map(type::cast)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void provenanceGivesEveryInputTheMissingOnesAndTheRequester() {
    Provenance p = first(ReportBundleBuilder.build(request()), Provenance.class);

    assertEquals(INPUTS, TrailFacts.inputs(p));
    assertEquals(List.of("labs:pct"), TrailFacts.missing(p));
    assertEquals("Practitioner/dr-1", TrailFacts.requester(p));
  }

  @Test
  void deviceGivesModelIdVersionGraphAndSha256() {
    Device d = first(ReportBundleBuilder.build(request()), Device.class);
    d.setId("Device/5/_history/1");

    ComplianceRecord.ModelInfo m = TrailFacts.model(d);

    assertEquals(
        new ComplianceRecord.ModelInfo(
            "cap-fusion",
            "0.1.0",
            "cap-fusion.onnx",
            AiResults.sha256("cap-fusion"),
            "Device/5/_history/1"),
        m);
  }

  @Test
  void writeBackEventGivesIssuerClientTokenUserAndHookInstance() {
    AuditEvent e =
        WriteBackEvents.writeBack(EHR, List.of("DiagnosticReport/12/_history/1"), ISSUED);
    e.setId("AuditEvent/20/_history/1");

    ComplianceRecord.CallerInfo c = TrailFacts.caller(List.of(e));

    assertEquals(
        new ComplianceRecord.CallerInfo(
            "https://ehr.example.org",
            "ehr-client",
            "Practitioner/dr-1",
            "jti-1",
            "hook-1",
            List.of("AuditEvent/20/_history/1")),
        c);
    assertTrue(TrailFacts.isWriteBack(e));
    assertEquals(List.of("DiagnosticReport/12"), TrailFacts.reportsNamed(e));
  }

  @Test
  void aReadOfTheReportIsNotTheWriteBack() {
    assertFalse(TrailFacts.isWriteBack(WriteBackEvents.read(EHR, "DiagnosticReport/12", ISSUED)));
  }

  @Test
  void callerMatchesIssuerClientIdOrUserOnly() {
    ComplianceRecord.CallerInfo c =
        new ComplianceRecord.CallerInfo(
            "https://ehr.example.org", "ehr-client", "Practitioner/1", "jti", "h", List.of());

    assertTrue(c.matches("https://ehr.example.org"));
    assertTrue(c.matches("ehr-client"));
    assertTrue(c.matches("Practitioner/1"));
    assertFalse(c.matches("jti"));
    assertFalse(c.matches("h"));
    assertFalse(c.matches("Practitioner/10"));
  }

  @Test
  void referencesLoseTheirVersionForMatching() {
    assertEquals("DiagnosticReport/12", TrailFacts.unversioned("DiagnosticReport/12/_history/3"));
    assertEquals(
        "DiagnosticReport/12",
        TrailFacts.unversioned("http://fhir.example/fhir/DiagnosticReport/12/_history/3"));
    assertNull(TrailFacts.unversioned("urn:uuid:1234"));
  }
}
