package org.fusioncds.flow;

import java.time.Instant;

/**
 * A hook whose evaluation a worker did (evaluation.hook-mode=workers): the job as queued, the
 * outcome the worker published (a {@code RUNNING} one when none came within the time budget), and
 * the report read back when the outcome names one. Holds PHI in {@code report}: never logged.
 *
 * @param report what the worker's report holds, or null (no report: running, not evaluable)
 * @param withdrawn the report read back is marked entered in error: its result is not shown
 * @param updated the report's {@code meta.lastUpdated} as read back, or null (none read, or the
 *     server gave none)
 */
public record Delegated(
    EvaluationJob job,
    EvaluationOutcome outcome,
    ReportRequest report,
    boolean withdrawn,
    Instant updated)
    implements Keyed {

  /** An outcome with no report to read back (running, not evaluable, failed). */
  public Delegated(EvaluationJob job, EvaluationOutcome outcome) {
    this(job, outcome, null, false, null);
  }

  @Override
  public ResultKey key() {
    return outcome.resultKey() == null ? null : new ResultKey(outcome.resultKey());
  }

  @Override
  public String toString() {
    return "Delegated[" + job + ", " + outcome.status() + "]";
  }
}
