package org.fusioncds.cdshooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.camel.Exchange;
import org.fusioncds.flow.Delegated;
import org.fusioncds.flow.NotEvaluable;
import org.fusioncds.flow.Pending;
import org.fusioncds.flow.PerModel;
import org.fusioncds.flow.Recalled;
import org.fusioncds.flow.ReportFollows;
import org.fusioncds.flow.Reported;
import org.fusioncds.flow.StoredReport;

/**
 * The {@code cards} bean of the routes: the {@link CardStep} of the job's model (its wording, its
 * override reasons, its model card link).
 */
public final class CardSteps {

  private final PerModel<CardStep> steps;

  public CardSteps(PerModel<CardStep> steps) {
    this.steps = steps;
  }

  public HookAnswer notEvaluable(NotEvaluable n) {
    return steps.of(n.job()).notEvaluable(n);
  }

  public HookAnswer result(Reported r) {
    return steps.of(r.job()).result(r);
  }

  public HookAnswer follows(ReportFollows f) {
    return steps.of(f.job()).follows(f);
  }

  public HookAnswer cached(StoredReport s) {
    return steps.of(s.job()).cached(s);
  }

  public HookAnswer recalled(Recalled r) {
    return steps.of(r.job()).recalled(r);
  }

  public HookAnswer delegated(Delegated d) {
    return steps.of(d.job()).delegated(d);
  }

  public HookAnswer running(Pending p) {
    return steps.of(p.job()).running(p);
  }

  public String respond(HookAnswer answer, Exchange exchange) throws JsonProcessingException {
    return steps.of(answer.job()).respond(answer, exchange);
  }
}
