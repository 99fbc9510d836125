package org.fusioncds.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.util.List;
import org.fusioncds.flow.ResultKey;
import org.fusioncds.report.form.FormSamples;
import org.fusioncds.report.form.PresentedForms;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/** The forms and the key image inside the one write-back transaction. */
class FormEntriesTest {

  private static final String BASE = "http://fhir.test/fhir";

  @Test
  void theReportNamesBothFormsByUrlSizeAndHashAndItsKeyImageMedia() throws Exception {
    PresentedForms forms = FormSamples.minimal();

    Bundle tx = ReportRequests.transaction();

    DiagnosticReport report = only(tx, DiagnosticReport.class);
    ResultKey key = ReportRequests.capFusion().key();
    List<Attachment> pf = report.getPresentedForm();
    assertEquals(
        List.of("text/html", "application/pdf"),
        pf.stream().map(Attachment::getContentType).toList());
    assertEquals(BASE + "/Binary/" + FormEntries.htmlId(key), pf.get(0).getUrl());
    assertEquals(forms.pdf().length, pf.get(1).getSize());
    assertArrayEquals(MessageDigest.getInstance("SHA-1").digest(forms.pdf()), pf.get(1).getHash());
    String mediaUrl = fullUrl(tx, Media.class);
    assertEquals(mediaUrl, report.getMediaFirstRep().getLink().getReference());
    assertArrayEquals(forms.keyImagePng(), only(tx, Media.class).getContent().getData());
    assertEquals(
        "Media?identifier=" + ResultKey.SYSTEM + "|" + key.value() + "-key-image",
        entry(tx, Media.class).getRequest().getIfNoneExist());
  }

  @Test
  void formsAreBinariesPutAtIdsOfTheKeyGuardedAsTheReport() {
    Bundle tx = ReportRequests.transaction();

    String reportUrl = fullUrl(tx, DiagnosticReport.class);
    List<Bundle.BundleEntryComponent> binaries =
        tx.getEntry().stream().filter(e -> e.getResource() instanceof Binary).toList();
    assertEquals(2, binaries.size());
    for (Bundle.BundleEntryComponent e : binaries) {
      Binary b = (Binary) e.getResource();
      assertEquals(Bundle.HTTPVerb.PUT, e.getRequest().getMethod());
      assertEquals("Binary/" + b.getIdElement().getIdPart(), e.getRequest().getUrl());
      assertEquals(reportUrl, b.getSecurityContext().getReference());
      assertTrue(b.getIdElement().getIdPart().length() <= 64);
    }
  }

  @Test
  void theProvenanceTargetsTheKeyImageToo() {
    Bundle tx = ReportRequests.transaction();

    List<String> targets =
        only(tx, Provenance.class).getTarget().stream().map(Reference::getReference).toList();

    assertTrue(targets.contains(fullUrl(tx, Media.class)), targets.toString());
    assertTrue(targets.contains(fullUrl(tx, DiagnosticReport.class)), targets.toString());
  }

  @Test
  void theHtmlLinkOfACardIsTheBinaryOnTheReportsServer() {
    ResultKey key = ReportRequests.capFusion().key();

    String url = ReportStep.htmlUrl(BASE + "/DiagnosticReport/42", key);

    assertEquals(BASE + "/Binary/" + FormEntries.htmlId(key), url);
  }

  private static <T> T only(Bundle b, Class<T> type) {
    return type.cast(entry(b, type).getResource());
  }

  private static String fullUrl(Bundle b, Class<?> type) {
    return entry(b, type).getFullUrl();
  }

  private static Bundle.BundleEntryComponent entry(Bundle b, Class<?> type) {
    List<Bundle.BundleEntryComponent> found =
        b.getEntry().stream().filter(e -> type.isInstance(e.getResource())).toList();
    assertEquals(1, found.size(), type.getSimpleName());
    return found.get(0);
  }
}
