package org.fusioncds.report;

import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.fusioncds.audit.AuditTrail;
import org.fusioncds.cdshooks.PatientCase;
import org.fusioncds.error.FcdsException;
import org.fusioncds.inference.InferenceResult;
import org.fusioncds.inference.ModelCard;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.IdType;

/**
 * The {@code report} step: looks up a report already written for the same result key (the cached
 * path), and writes the preliminary DiagnosticReport, its Observations, the model's Device and the
 * Provenance in one transaction (sent under {@link TransactionRetry}). Coded errors: 6001 the FHIR
 * server refused the transaction, 6002 it cannot be reached, 6003 its answer names no
 * DiagnosticReport, 6005 it kept answering 409/412.
 */
public final class ReportStep {

  private final ModelCard card;
  private final String organization;
  private final AuditTrail audit;
  private final TransactionRetry transactions;

  public ReportStep(
      ModelCard card, String organization, AuditTrail audit, TransactionRetry transactions) {
    this.card = card;
    this.organization = organization == null || organization.isBlank() ? null : organization;
    this.audit = audit;
    this.transactions = transactions;
  }

  /** The cached path: a DiagnosticReport that carries the case's result key, if any. */
  public PatientCase findExisting(PatientCase c) {
    Bundle found = c.reads.audited(() -> lookUp(c));
    for (Bundle.BundleEntryComponent e : found.getEntry()) {
      if (e.getResource() instanceof DiagnosticReport d) {
        c.reportUrl = url(c.fhirBase, d.getIdElement());
        c.stored = found;
      }
    }
    return c;
  }

  private static Bundle lookUp(PatientCase c) {
    return call(
        () ->
            c.fhir
                .search()
                .forResource(DiagnosticReport.class)
                .where(
                    DiagnosticReport.IDENTIFIER
                        .exactly()
                        .systemAndCode(ResultKey.SYSTEM, c.key.value()))
                .include(DiagnosticReport.INCLUDE_RESULT)
                .cacheControl(new CacheControlDirective().setNoCache(true))
                .returnBundle(Bundle.class)
                .execute(),
        "DiagnosticReport?identifier");
  }

  /**
   * Writes the transaction; the report's URL goes on the case. Two transactions that create the
   * same Device (or report) at once make the server answer 409 to one of them: that one is sent
   * again, and its conditional creates then find what the other wrote.
   */
  public PatientCase write(PatientCase c) {
    c.report = request(c);
    Bundle response;
    try {
      response = transactions.send(c.fhir, ReportBundleBuilder.build(c.report));
    } catch (FcdsException e) {
      audit.record(audit.events().fhirWrite(c.audit, c.fhirBase, List.of(), 0, e.codeText()));
      throw e;
    }
    List<String> written = new ArrayList<>();
    for (Bundle.BundleEntryComponent e : response.getEntry()) {
      String location = e.getResponse().getLocation();
      if (location != null) {
        written.add(location);
      }
      if (location != null && location.startsWith("DiagnosticReport/")) {
        c.reportUrl = url(c.fhirBase, new IdType(location));
      }
    }
    audit.record(audit.events().fhirWrite(c.audit, c.fhirBase, written, 200, null));
    if (c.reportUrl == null) {
      throw new FcdsException(6003, "the transaction answer names no DiagnosticReport");
    }
    return c;
  }

  /** What the write-back needs, from the case. */
  ReportRequest request(PatientCase c) {
    InferenceResult r = c.result;
    List<ReportRequest.Finding> findings = new ArrayList<>();
    for (InferenceResult.OutputResult o : r.outputs()) {
      findings.add(
          new ReportRequest.Finding(
              o.tensor(),
              new ReportRequest.Coding(o.code().system(), o.code().code(), o.code().display()),
              o.probability(),
              o.threshold(),
              o.positive()));
    }
    List<String> inputs = c.inputs.referenceStrings();
    String study =
        inputs.stream().filter(i -> i.startsWith("ImagingStudy/")).findFirst().orElse(null);
    List<String> missing = c.inputs.missingNames();
    return new ReportRequest(
        c.key,
        c.request.patientId(),
        study,
        c.inputs.studyTime(),
        Instant.now(),
        model(r),
        new ReportRequest.Coding(
            card.report().system(), card.report().code(), card.report().display()),
        findings,
        inputs,
        missing,
        organization,
        c.request.userId());
  }

  /** The model as the report names it. */
  public ReportRequest.Model model(InferenceResult r) {
    String graph = r == null ? card.fusion().defaultGraph() : r.graph();
    String sha = r == null ? card.graphs().get(graph).sha256() : r.graphSha256().get(graph);
    return new ReportRequest.Model(
        card.id(), card.version(), card.name(), graph, sha, card.warning());
  }

  private static String url(String base, IdType id) {
    return base + "/DiagnosticReport/" + id.getIdPart();
  }

  private static <T> T call(java.util.function.Supplier<T> request, String what) {
    try {
      return request.get();
    } catch (FhirClientConnectionException e) {
      throw new FcdsException(6002, "the FHIR server cannot be reached — " + what, e);
    } catch (BaseServerResponseException e) {
      throw new FcdsException(
          6004, "the FHIR server answered HTTP " + e.getStatusCode() + " — " + what);
    }
  }
}
