package org.fusioncds.fhir;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.fusioncds.flow.GatheredInputs;

/**
 * The gather route's aggregation: the two parallel branches (clinical, image) each return their own
 * message; this makes one {@link GatheredInputs} of them, in whichever order they finish.
 */
public final class GatherJoin implements AggregationStrategy {

  @Override
  public Exchange aggregate(Exchange joined, Exchange branch) {
    if (joined == null) {
      return branch;
    }
    if (branch.getException() != null) {
      joined.setException(branch.getException());
      return joined;
    }
    Object first = joined.getMessage().getBody();
    Object second = branch.getMessage().getBody();
    joined.getMessage().setBody(GatheredInputs.join(first, second));
    return joined;
  }
}
