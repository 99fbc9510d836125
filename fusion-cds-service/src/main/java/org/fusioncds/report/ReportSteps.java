package org.fusioncds.report;

import org.fusioncds.flow.EvaluationInputs;
import org.fusioncds.flow.Inferred;
import org.fusioncds.flow.PerModel;
import org.fusioncds.flow.ReportFollows;
import org.fusioncds.flow.Reported;

/** The {@code reports} bean of the routes: the {@link ReportStep} of the job's model. */
public final class ReportSteps {

  private final PerModel<ReportStep> steps;

  public ReportSteps(PerModel<ReportStep> steps) {
    this.steps = steps;
  }

  /** {@link ReportStep#findExisting} of the job's model. */
  public Object findExisting(EvaluationInputs in) {
    return steps.of(in.job()).findExisting(in);
  }

  /** {@link ReportStep#follows} of the job's model. */
  public ReportFollows follows(Inferred inferred) {
    return steps.of(inferred.job()).follows(inferred);
  }

  /** {@link ReportStep#write} of the job's model. */
  public Reported write(Inferred inferred) {
    return steps.of(inferred.job()).write(inferred);
  }
}
