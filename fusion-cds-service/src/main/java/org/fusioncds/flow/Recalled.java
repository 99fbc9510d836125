package org.fusioncds.flow;

/**
 * A result recalled without gathering: the freshness check found every input version unchanged
 * since the report with this key was written or read, and the report itself unchanged on the FHIR
 * server. The card is the cached card; neither the images nor the model were touched.
 *
 * @param reportUrl the DiagnosticReport's URL on the FHIR server
 * @param report what the report holds, as the card shows it
 */
public record Recalled(EvaluationJob job, ResultKey key, String reportUrl, ReportRequest report)
    implements Keyed {

  @Override
  public String toString() {
    return "Recalled[" + job + ", " + key + "]";
  }
}
