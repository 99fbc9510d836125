package org.fusioncds.flow;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.time.Instant;
import java.util.List;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Patient;

/**
 * The first stage after the request: whom and where to evaluate — the job, the FHIR server (checked
 * against the allowlist) with its client and audited reads, the patient, their imaging studies and
 * the study the model card chose. Immutable: the resources read are never modified after the read
 * (the gather branches only read them); the client is thread-safe. Holds PHI: never logged.
 *
 * @param request the hook request (prefetch and the EHR's token stay in-process, never on a queue)
 * @param studies the studies the card's maximum age allows at {@code evaluationTime}
 * @param searchedStudies every study the gather read (its search, a day wider than the card's age
 *     each side, or the EHR's prefetch: all of them), before that filter: what tells the cached
 *     path whether another study is within age for a later hook
 * @param study the eligible study, never null here (a patient without one is {@link NotEvaluable})
 */
public record PatientContext(
    EvaluationJob job,
    HookRequest request,
    Instant evaluationTime,
    AuditContext audit,
    String fhirBase,
    IGenericClient fhir,
    AuditedReads reads,
    Patient patient,
    List<ImagingStudy> studies,
    List<ImagingStudy> searchedStudies,
    ImagingStudy study) {

  /**
   * The exchange property with the time a queued job is evaluated as of (an {@link Instant}; set by
   * the worker from {@link EvaluationJob#asOf}); absent on a hook call: the evaluation time is now.
   */
  public static final String AS_OF = "fcdsEvaluationAsOf";

  public PatientContext {
    studies = List.copyOf(studies);
    searchedStudies = List.copyOf(searchedStudies);
  }

  @Override
  public String toString() {
    return "PatientContext[" + job + "]";
  }
}
