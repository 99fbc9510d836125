package org.fusioncds.flow;

/**
 * The model has run and the card is answered before the report is written ({@code
 * cds.card-timing=before-report}): the result as the card shows it, and the URL the report will
 * have, derived from its result key. The background path writes the report from the same {@link
 * Inferred}.
 *
 * @param report the findings, inputs and model, as the card shows them
 * @param reportUrl where the DiagnosticReport will be: {@code <base>/DiagnosticReport/<id from the
 *     result key>}
 */
public record ReportFollows(Inferred inferred, ReportRequest report, String reportUrl)
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
