package org.fusioncds.flow;

import org.hl7.fhir.r4.model.Bundle;

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
}
