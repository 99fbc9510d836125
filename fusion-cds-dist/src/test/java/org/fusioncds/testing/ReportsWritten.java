package org.fusioncds.testing;

import java.time.Duration;
import org.fusioncds.app.FusionCdsApp;
import org.fusioncds.cdshooks.PendingReports;

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
}
