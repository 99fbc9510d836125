package org.fusioncds.cdshooks;

import java.util.Locale;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/**
 * When a hook whose model ran answers ({@code cds.card-timing}): {@code before-report}, the
 * default, as soon as the model has run, the report written behind the answer (routes/write-back:
 * {@code report-after-card}) at the id its result key gives, which the card's links already name,
 * its key and job journaled first ({@link PendingReports}); {@code after-report}, once the
 * transaction has written the report and its Provenance (every card shown names a report already on
 * the FHIR server). The queue between them ({@code cds.report-queue.size}, {@code .writers}) holds
 * the hook back when full. Checked when the service starts: FCDS-1027.
 */
public enum CardTiming {
  AFTER_REPORT,
  BEFORE_REPORT;

  /** The setting as written, or FCDS-1027 naming it; the queue's figures must be positive. */
  public static CardTiming of(String setting, int queueSize, int writers) {
    CardTiming timing = null;
    for (CardTiming t : values()) {
      if (t.setting().equals(setting == null ? null : setting.strip())) {
        timing = t;
      }
    }
    if (timing == null) {
      throw new FcdsException(
          ErrorCode.CARD_TIMING_SETTINGS,
          "cds.card-timing must be after-report or before-report, got '" + setting + "'");
    }
    if (queueSize < 1 || writers < 1) {
      throw new FcdsException(
          ErrorCode.CARD_TIMING_SETTINGS,
          "cds.report-queue.size and cds.report-queue.writers must be at least 1, got "
              + queueSize
              + " and "
              + writers);
    }
    return timing;
  }

  /** The setting's text: {@code after-report}, {@code before-report}. */
  public String setting() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
