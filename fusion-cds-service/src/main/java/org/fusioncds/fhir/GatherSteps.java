package org.fusioncds.fhir;

import java.util.List;
import org.apache.camel.Exchange;
import org.fusioncds.flow.ClinicalInputs;
import org.fusioncds.flow.HookRequest;
import org.fusioncds.flow.PatientContext;
import org.fusioncds.flow.PerModel;

/**
 * The {@code gather} bean of the routes when several models are served: a hook's CDS service
 * chooses the model whose {@link GatherStep} opens the case (its study rule, its LOINC codes); the
 * case's job then names that model for every later step.
 */
public final class GatherSteps {

  private final PerModel<GatherStep> steps;

  public GatherSteps(PerModel<GatherStep> steps) {
    this.steps = steps;
  }

  /** {@link GatherStep#start} of the model the hook's service answers with. */
  public Object start(HookRequest request, Exchange exchange) {
    return steps.service(request.serviceId()).start(request, exchange);
  }

  /** The primary model's LOINC codes (its prefetch, its Subscriptions). */
  public List<String> loincCodes() {
    return steps.primary().loincCodes();
  }

  /** {@link GatherStep#clinical} of the case's model. */
  public ClinicalInputs clinical(PatientContext c) {
    return steps.of(c.job()).clinical(c);
  }
}
