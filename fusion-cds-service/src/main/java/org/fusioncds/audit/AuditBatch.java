package org.fusioncds.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.util.List;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;

/**
 * One batch of spooled AuditEvents as a FHIR R4 transaction of {@code PUT AuditEvent/<id>} entries
 * (update as create with client-assigned ids: sending it twice leaves one resource per event).
 * Encoded here, without HAPI's default stripping of versions from references, so a write-back's
 * {@code entity.what} keeps its {@code _history} part.
 */
final class AuditBatch {

  private static final FhirContext FHIR = FhirContext.forR4Cached();

  private AuditBatch() {}

  /** The transaction Bundle of these entries, in spool order. */
  static Bundle transaction(List<AuditSpool.Entry> batch) {
    Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    for (AuditSpool.Entry entry : batch) {
      BundleEntryComponent e = bundle.addEntry().setResource(entry.event());
      e.getRequest().setMethod(HTTPVerb.PUT).setUrl("AuditEvent/" + entry.id());
    }
    return bundle;
  }

  /**
   * Sends the batch and checks the answer names a 2xx status for every entry.
   *
   * @throws FcdsException 7073 when the answer does not account for every event; HAPI's exceptions
   *     when the server refused or could not be reached
   */
  static void send(IGenericClient client, List<AuditSpool.Entry> batch) {
    String body = parser().encodeResourceToString(transaction(batch));
    String answer = client.transaction().withBundle(body).execute();
    Bundle response = parser().parseResource(Bundle.class, answer);
    if (response.getEntry().size() != batch.size()) {
      throw new FcdsException(
          ErrorCode.AUDIT_BATCH_REFUSED,
          "audit transaction answer has "
              + response.getEntry().size()
              + " entries for "
              + batch.size()
              + " events");
    }
    for (BundleEntryComponent e : response.getEntry()) {
      String status = e.getResponse().getStatus();
      if (status == null || !status.startsWith("2")) {
        throw new FcdsException(
            ErrorCode.AUDIT_BATCH_REFUSED, "audit transaction entry answered " + status);
      }
    }
  }

  private static IParser parser() {
    return FHIR.newJsonParser().setStripVersionsFromReferences(false);
  }
}
