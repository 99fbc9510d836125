package org.fusioncds.bench;

import java.nio.file.Path;
import org.fusioncds.audit.AuditEvents;
import org.fusioncds.audit.AuditSpool;
import org.fusioncds.audit.JournalSettings;
import org.fusioncds.flow.AuditContext;
import org.hl7.fhir.r4.model.AuditEvent;

/**
 * Part {@code audit} of {@code fusion-cds bench}: durable audit appends per second with 1, 8 and 32
 * appending threads: the journal (group commit, {@code audit.journal.*} defaults) beside the
 * per-file spool it replaced ({@link PerFileAuditSpool}: temp file, fsync, rename, folder fsync per
 * event), measured in the same run on the same disk (the bench's work folder: point {@code --work}
 * at the disk the service's journal will use). An append counts once it returned, i.e. once its
 * event is durable. Target of issue #10: at least 2,000 durable appends/s.
 */
final class AuditJournalBenchmark {

  private static final AuditContext CTX =
      new AuditContext("req-1", "hook-1", null, "10.0.0.1", "p-1", "Practitioner/1");
  private static final AuditEvents EVENTS = new AuditEvents("bench");

  /** Appends one event durably. */
  @FunctionalInterface
  private interface Appender {
    void append(AuditEvent event) throws Exception;
  }

  private AuditJournalBenchmark() {}

  static void run(Path root, double seconds) throws Exception {
    Report.line(
        "%n(4) durable audit appends/s in %s, %.1f s per case (journal: max-group %d, max-wait-us"
            + " %d)",
        root,
        seconds,
        JournalSettings.DEFAULTS.maxGroup(),
        JournalSettings.DEFAULTS.maxWaitMicros());
    Report.line(
        "  %7s | %14s | %9s | %7s | %s",
        "threads", "per-file spool", "journal", "ratio", "events per fsync (journal)");
    for (int threads : new int[] {1, 8, 32}) {
      PerFileAuditSpool perFile = new PerFileAuditSpool(root.resolve("per-file-" + threads));
      run(threads, Math.min(1, seconds), perFile::append); // warm-up
      double baseline = run(threads, seconds, perFile::append);
      try (AuditSpool journal = new AuditSpool(root.resolve("journal-" + threads))) {
        run(threads, Math.min(1, seconds), journal::append); // warm-up
        long groups0 = journal.groupsWritten();
        int size0 = journal.size();
        double rate = run(threads, seconds, journal::append);
        double perGroup = (journal.size() - size0) / (double) (journal.groupsWritten() - groups0);
        Report.line(
            "  %7d | %14.0f | %9.0f | %6.1fx | %.1f",
            threads, baseline, rate, rate / baseline, perGroup);
      }
    }
    Report.line("  target: journal >= 2,000 durable appends/s");
  }

  private static double run(int threads, double seconds, Appender appender) throws Exception {
    return TimedLoad.perSecond(
        threads,
        seconds,
        (caller, i) ->
            appender.append(
                EVENTS.fhirRead(CTX, "http://fhir", "GET", "Observation?patient=p-1", 200)));
  }
}
