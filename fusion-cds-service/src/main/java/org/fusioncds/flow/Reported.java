package org.fusioncds.flow;

/**
 * The write-back is done: the transaction named this DiagnosticReport.
 *
 * @param report what was written (findings, inputs, model), as the card shows it
 * @param reportUrl the DiagnosticReport's URL on the FHIR server
 * @param reportVersion its version id as the server answered it, or null when it named none (or the
 *     write found the report already there): the index does not remember it
 */
public record Reported(
    Inferred inferred, ReportRequest report, String reportUrl, String reportVersion)
    implements Keyed {

  @Override
  public EvaluationJob job() {
    return inferred.job();
  }

  @Override
  public ResultKey key() {
    return inferred.key();
  }
}
