package org.fusioncds.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.fusioncds.flow.ReportRequest;
import org.fusioncds.flow.ResultKey;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/** The report's address follows from its result key, so a card can name it before it exists. */
class ReportIdentityTest {

  @Test
  void theReportIsPutAtTheIdItsResultKeyGivesOverNothingButItsOwnPreliminaryReport() {
    ReportRequest r = ReportRequests.capFusion();
    Bundle tx = ReportRequests.transaction();

    Bundle.BundleEntryComponent entry =
        tx.getEntry().stream()
            .filter(e -> e.getResource() instanceof DiagnosticReport)
            .findFirst()
            .orElseThrow();
    assertEquals(Bundle.HTTPVerb.PUT, entry.getRequest().getMethod());
    String id = "fcds-report-" + r.key().value().substring(0, 52);
    assertEquals(id, entry.getResource().getIdElement().getIdPart());
    // only over a preliminary report of the same key: a report someone changed is never replaced
    assertEquals(
        "DiagnosticReport?_id="
            + id
            + "&identifier="
            + ResultKey.SYSTEM
            + "|"
            + r.key().value()
            + "&status=preliminary",
        entry.getRequest().getUrl());
    assertFalse(entry.getRequest().hasIfNoneExist());
    assertEquals(
        ResultKey.SYSTEM,
        ((DiagnosticReport) entry.getResource()).getIdentifierFirstRep().getSystem());
    Provenance provenance =
        (Provenance)
            tx.getEntry().stream()
                .filter(e -> e.getResource() instanceof Provenance)
                .findFirst()
                .orElseThrow()
                .getResource();
    List<String> targets = provenance.getTarget().stream().map(Reference::getReference).toList();
    assertTrue(targets.contains(entry.getFullUrl()), "the Provenance names the report: " + targets);
  }

  @Test
  void anotherKeyGivesAnotherReportAndTheIdIsAValidFhirId() {
    String a = ReportBundleBuilder.reportId(new ResultKey("a".repeat(64)));
    String b = ReportBundleBuilder.reportId(new ResultKey("a".repeat(51) + "b" + "a".repeat(12)));

    assertTrue(a.matches("[A-Za-z0-9\\-.]{1,64}"), a);
    assertEquals(64, a.length());
    assertFalse(a.equals(b));
    assertFalse(a.equals(ReportBundleBuilder.provenanceId(new ResultKey("a".repeat(64)))));
  }
}
