package org.fusioncds.flow;

/**
 * The write-back is done: the transaction named this DiagnosticReport.
 *
 * @param report what was written (findings, inputs, model), as the card shows it
 * @param reportUrl the DiagnosticReport's URL on the FHIR server
 */
public record Reported(Inferred inferred, ReportRequest report, String reportUrl) implements Keyed {

  @Override
  public EvaluationJob job() {
    return inferred.job();
  }

  @Override
  public ResultKey key() {
    return inferred.key();
  }
}
