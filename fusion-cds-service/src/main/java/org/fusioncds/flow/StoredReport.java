package org.fusioncds.flow;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;

/**
 * A report found for the same result key: the cached path (the model is not run again).
 *
 * @param reportUrl the DiagnosticReport's URL on the FHIR server
 * @param stored the search answer: the DiagnosticReport and its included Observations
 */
public record StoredReport(EvaluationInputs inputs, String reportUrl, Bundle stored)
    implements Keyed {

  @Override
  public EvaluationJob job() {
    return inputs.job();
  }

  @Override
  public ResultKey key() {
    return inputs.key();
  }

  /** The stored DiagnosticReport (the search answer holds exactly one with the key). */
  public DiagnosticReport report() {
    return stored.getEntry().stream()
        .map(Bundle.BundleEntryComponent::getResource)
        .filter(DiagnosticReport.class::isInstance)
        .map(DiagnosticReport.class::cast)
        .findFirst()
        .orElseThrow();
  }

  /** The stored report's version id, or null when the server gave none. */
  public String reportVersion() {
    DiagnosticReport d = report();
    return d.getIdElement().hasVersionIdPart()
        ? d.getIdElement().getVersionIdPart()
        : d.getMeta().getVersionId();
  }
}
