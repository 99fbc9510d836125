package org.fusioncds.sandbox;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.hl7.fhir.r4.model.Bundle;

/**
 * Runs a change just before the sandbox server processes the next transaction that writes a
 * resource of one type about one subject: what a writer sees when someone else (another replica, a
 * clinician) changed the server between its last read and its write. The change is given a copy of
 * the transaction and makes its own requests (they are served before the transaction goes on; a
 * transaction of its own passes untouched); another patient's transactions are left alone.
 */
public final class ChangeBeforeTransaction {

  private final ResourceAbout about;
  private final Consumer<Bundle> change;
  private final AtomicInteger left = new AtomicInteger(1);
  private final AtomicInteger made = new AtomicInteger();

  ChangeBeforeTransaction(String type, String subject, Consumer<Bundle> change) {
    this.about = new ResourceAbout(type, subject);
    this.change = change;
  }

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
  public void before(RequestDetails request, RestOperationTypeEnum operation) {
    if (operation != RestOperationTypeEnum.TRANSACTION || left.get() <= 0) {
      return; // spent: later transactions are not even read
    }
    Bundle bundle = request.getResource() instanceof Bundle b ? b : parsed(request);
    for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
      if (e.hasResource() && about.matches(e.getResource()) && left.getAndDecrement() > 0) {
        change.accept(bundle.copy());
        made.incrementAndGet();
        return;
      }
    }
  }

  /** The transaction as sent, JSON or XML (the request is not parsed yet at this point). */
  private static Bundle parsed(RequestDetails request) {
    String body = new String(request.loadRequestContents(), StandardCharsets.UTF_8);
    return (Bundle)
        EncodingEnum.detectEncoding(body).newParser(request.getFhirContext()).parseResource(body);
  }

  /** Changes made so far (0 or 1). */
  public int made() {
    return made.get();
  }
}
