package org.fusioncds.recall;

import org.apache.camel.Exchange;
import org.fusioncds.flow.HookRequest;
import org.fusioncds.flow.PerModel;
import org.fusioncds.flow.Reported;
import org.fusioncds.flow.StoredReport;

/**
 * The {@code recall} bean of the routes: each served model keeps its own index ({@link
 * RecallStep}); a hook's CDS service chooses which one is checked, a result is remembered in its
 * job's model's. The counters are summed over the models.
 */
public final class RecallSteps {

  private final PerModel<RecallStep> steps;

  public RecallSteps(PerModel<RecallStep> steps) {
    this.steps = steps;
  }

  /** {@link RecallStep#check} of the model the hook's service answers with. */
  public Object check(HookRequest request, Exchange exchange) {
    return steps.service(request.serviceId()).check(request, exchange);
  }

  public StoredReport remember(StoredReport s, Exchange exchange) {
    return steps.of(s.job()).remember(s, exchange);
  }

  public Reported remember(Reported r, Exchange exchange) {
    return steps.of(r.job()).remember(r, exchange);
  }

  public long hits() {
    return steps.all().stream().mapToLong(RecallStep::hits).sum();
  }

  public long changed() {
    return steps.all().stream().mapToLong(RecallStep::changed).sum();
  }

  public long nothingRemembered() {
    return steps.all().stream().mapToLong(RecallStep::nothingRemembered).sum();
  }

  public long entries() {
    return steps.all().stream().mapToLong(RecallStep::entries).sum();
  }
}
