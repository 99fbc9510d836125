package org.fusioncds.cdshooks;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.fusioncds.assemble.DicomImage;
import org.fusioncds.assemble.ModelInputs;
import org.fusioncds.audit.AuditContext;
import org.fusioncds.audit.AuditingClientInterceptor;
import org.fusioncds.inference.InferenceResult;
import org.fusioncds.report.ReportRequest;
import org.fusioncds.report.ResultKey;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;

/**
 * One hook evaluation as it moves through the flow (gather → assemble → infer → report → card): the
 * message body of {@code routes/evaluate-patient.camel.yaml}. Parallel branches of the gather step
 * each fill their own fields, so the fields are volatile; nothing here is logged (it holds PHI).
 */
public final class PatientCase {

  /** Why there is no result, for the info card; null while the case can go on. */
  public record Stop(String summary, String detail) {}

  public final HookRequest request;
  public final Instant evaluationTime;
  public volatile AuditContext audit;

  /** Audits the case's FHIR reads; told of a read that got no answer where that is caught. */
  public volatile AuditingClientInterceptor reads;

  public volatile IGenericClient fhir;
  public volatile String fhirBase;
  public volatile Patient patient;
  public volatile List<ImagingStudy> studies = List.of();
  public volatile ImagingStudy study;
  public volatile List<Observation> observations = List.of();
  public volatile List<Condition> conditions = List.of();
  public volatile DicomImage image;
  public volatile String imageProblem;
  public volatile ModelInputs inputs;
  public volatile ResultKey key;
  public volatile InferenceResult result;
  public volatile ReportRequest report;
  public volatile org.hl7.fhir.r4.model.Bundle stored;
  public volatile String reportUrl;
  public volatile CompletableFuture<InferenceResult> pending;
  public volatile Stop stop;
  public final List<Card> cards = new ArrayList<>();

  public PatientCase(HookRequest request, Instant evaluationTime) {
    this.request = request;
    this.evaluationTime = evaluationTime;
  }

  /** For the routes: the case can go on to the next step. */
  public boolean isEvaluable() {
    return stop == null;
  }

  /** For the routes: a report for the same inputs and model was found. */
  public boolean isCached() {
    return reportUrl != null && result == null && pending == null;
  }

  /** For the routes: inference finished within the time budget. */
  public boolean isFinished() {
    return result != null;
  }

  public List<Card> cards() {
    return List.copyOf(cards);
  }

  @Override
  public String toString() {
    return "PatientCase[" + request + "]";
  }
}
