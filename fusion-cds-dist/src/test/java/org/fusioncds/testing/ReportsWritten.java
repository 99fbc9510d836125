package org.fusioncds.testing;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.time.Duration;
import org.fusioncds.app.FusionCdsApp;
import org.fusioncds.cdshooks.PendingReports;
import org.hl7.fhir.r4.model.DiagnosticReport;

/**
 * Waits for the reports a running service named in its cards to be written ({@code
 * cds.card-timing=before-report} writes them behind the card): for a test whose next step must not
 * share its time with those writes, or needs them on the FHIR server.
 */
public final class ReportsWritten {

  private ReportsWritten() {}

  /** Until no report a card named is unwritten, at most {@code limit}. */
  public static void await(FusionCdsApp app, Duration limit) {
    PendingReports pending =
        app.camelContext()
            .getRegistry()
            .lookupByNameAndType("pendingReports", PendingReports.class);
    org.awaitility.Awaitility.await()
        .atMost(limit)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> pending.size() == 0);
  }

  /** The report a card named, read once it is written (a 404 until then), at most {@code limit}. */
  public static DiagnosticReport read(IGenericClient fhir, String reportUrl, Duration limit) {
    return org.awaitility.Awaitility.await()
        .atMost(limit)
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions()
        .until(
            () -> fhir.read().resource(DiagnosticReport.class).withUrl(reportUrl).execute(),
            r -> r != null);
  }
}
