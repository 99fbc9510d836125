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
   * {@link ReportStep#write} of the job's model right after its own lookup (the hook's path, a
   * job's); {@link ReportStep#writeAgain} for a write that came through a queue (the report after
   * its card, "analysis running": seconds to minutes after the lookup, another replica may have
   * written the report and a clinician amended it meanwhile) or that the route's error handler
   * delivers again (an earlier attempt may have landed).
   */
  public Reported write(Inferred inferred, Exchange exchange) {
    ReportStep step = steps.of(inferred.job());
    Integer redeliveries =
        exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, Integer.class);
    boolean queued =
        exchange.getFromEndpoint() != null
            && exchange.getFromEndpoint().getEndpointUri().startsWith("seda:");
    return queued || (redeliveries != null && redeliveries > 0)
        ? step.writeAgain(inferred)
        : step.write(inferred);
  }
}
