package org.fusioncds.flow;

/**
 * A hook whose evaluation a worker did (evaluation.hook-mode=workers): the job as queued, the
 * outcome the worker published (a {@code RUNNING} one when none came within the time budget), and
 * the report read back when the outcome names one. Holds PHI in {@code report}: never logged.
 *
 * @param report what the worker's report holds, or null (no report: running, not evaluable)
 */
public record Delegated(EvaluationJob job, EvaluationOutcome outcome, ReportRequest report)
    implements Keyed {

  @Override
  public ResultKey key() {
    return outcome.resultKey() == null ? null : new ResultKey(outcome.resultKey());
  }

  @Override
  public String toString() {
    return "Delegated[" + job + ", " + outcome.status() + "]";
  }
}
