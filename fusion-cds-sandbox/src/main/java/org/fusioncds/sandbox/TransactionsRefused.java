package org.fusioncds.sandbox;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * While on, makes the sandbox server answer every {@code transaction} with 503 (a FHIR server that
 * reads but cannot write for a while: a failover, a full disk); reads and searches are served.
 */
public final class TransactionsRefused {

  private final AtomicBoolean on = new AtomicBoolean(true);
  private final AtomicInteger refused = new AtomicInteger();

  TransactionsRefused() {}

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
  public void refuse(RequestDetails request, RestOperationTypeEnum operation) {
    if (on.get() && operation == RestOperationTypeEnum.TRANSACTION) {
      refused.incrementAndGet();
      throw new UnclassifiedServerFailureException(503, "transactions refused for now");
    }
  }

  /** Serves transactions again from now on. */
  public void end() {
    on.set(false);
  }

  /** Transactions answered 503 so far. */
  public int refused() {
    return refused.get();
  }
}
