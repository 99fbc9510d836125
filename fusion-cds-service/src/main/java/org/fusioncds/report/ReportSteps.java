package org.fusioncds.report;

import org.apache.camel.Exchange;
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

  /**
   * The exchange property of a write whose lookup lies long behind it ({@code finish-evaluation}:
   * the model ran past the hook's time budget, for minutes at most): it looks the key up again.
   */
  public static final String LOOK_UP_FIRST = "fcdsLookUpFirst";

  /**
   * {@link ReportStep#write} of the job's model shortly after its own lookup (the hook's path, a
   * job's, the report after its card); {@link ReportStep#writeAgain} for a write marked {@link
   * #LOOK_UP_FIRST} (another replica may have written the report and a clinician amended it
   * meanwhile) or one the route's error handler delivers again (an earlier attempt may have
   * landed).
   */
  public Reported write(Inferred inferred, Exchange exchange) {
    ReportStep step = steps.of(inferred.job());
    Integer redeliveries =
        exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, Integer.class);
    boolean lookUpFirst = exchange.getProperty(LOOK_UP_FIRST, false, Boolean.class);
    return lookUpFirst || (redeliveries != null && redeliveries > 0)
        ? step.writeAgain(inferred)
        : step.write(inferred);
  }
}
