package org.fusioncds.sandbox;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.Bundle;

/**
 * Makes the sandbox server answer the next {@code n} transactions that hold a resource of one type
 * about one subject with 504 <em>after</em> it has committed them: what a client sees when a
 * gateway in front of the FHIR server times out while the server writes, so that the write landed
 * and its answer did not. Another patient's transactions (another writer's) are answered as usual.
 */
public final class TransactionAnswersLost {

  private final AtomicInteger left;
  private final ResourceAbout about;
  private final AtomicInteger lost = new AtomicInteger();

  TransactionAnswersLost(int n, String type, String subject) {
    this.left = new AtomicInteger(n);
    this.about = new ResourceAbout(type, subject);
  }

  @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
  public void lose(RequestDetails request) {
    if (request.getRestOperationType() == RestOperationTypeEnum.TRANSACTION
        && request.getResource() instanceof Bundle b
        && b.getEntry().stream().anyMatch(e -> e.hasResource() && about.matches(e.getResource()))
        && left.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      lost.incrementAndGet();
      throw new UnclassifiedServerFailureException(
          504, "the transaction was committed and its answer lost (a gateway time-out)");
    }
  }

  /** Transactions committed whose answer was a 504 so far. */
  public int lost() {
    return lost.get();
  }
}
