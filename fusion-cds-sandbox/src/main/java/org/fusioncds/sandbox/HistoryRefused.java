package org.fusioncds.sandbox;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes the sandbox server answer every {@code _history} read with 405, as many EHR FHIR APIs do
 * (they serve no history): what a client must cope with when a server lacks the interaction.
 */
public final class HistoryRefused {

  private static final Set<RestOperationTypeEnum> HISTORY =
      Set.of(
          RestOperationTypeEnum.HISTORY_SYSTEM,
          RestOperationTypeEnum.HISTORY_TYPE,
          RestOperationTypeEnum.HISTORY_INSTANCE);

  private final AtomicInteger refused = new AtomicInteger();

  HistoryRefused() {}

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
  public void refuse(RequestDetails request, RestOperationTypeEnum operation) {
    if (HISTORY.contains(operation)) {
      refused.incrementAndGet();
      throw new MethodNotAllowedException("this server serves no _history");
    }
  }

  /** History reads answered 405 so far. */
  public int refused() {
    return refused.get();
  }
}
