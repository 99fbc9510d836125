package org.fusioncds.audit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.fusioncds.flow.AuditContext;
import org.fusioncds.security.Caller;
import org.hl7.fhir.r4.model.AuditEvent;

/**
 * Measures what {@link AuditSpool#append} costs per event from one thread (encode, hand-over to the
 * journal's writer, write, fsync of a group of one) in a folder given as the first argument
 * (default: a new temp folder), so the number can be taken on the disk the spool will live on. Many
 * threads, and the per-file spool as baseline: {@code bench.AuditJournalBenchmark}. Not a test: run
 * its {@code main}.
 */
public final class AuditSpoolBenchmark {

  private AuditSpoolBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path folder =
        args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("audit-spool-bench");
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    AuditSpool spool = new AuditSpool(folder);
    Caller caller = new Caller("https://ehr", "client", "app", "jti-1", null, null, null);
    AuditContext ctx =
        new AuditContext("req-1", "hook-1", caller, "10.0.0.1", "p-1", "Practitioner/1");
    AuditEvents events = new AuditEvents("bench");
    for (int i = 0; i < 200; i++) {
      spool.append(events.hookCall(ctx, "svc", "patient-view", 200, null)); // warm-up
    }
    List<Long> micros = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      AuditEvent e = events.fhirRead(ctx, "http://fhir", "GET", "Observation?patient=p-1", 200);
      long t0 = System.nanoTime();
      spool.append(e);
      micros.add((System.nanoTime() - t0) / 1000);
    }
    Collections.sort(micros);
    double mean = micros.stream().mapToLong(Long::longValue).average().orElse(0);
    System.out.printf(
        "audit spool append in %s: %d events, mean %.0f µs, median %d µs, p99 %d µs, max %d µs%n",
        folder, n, mean, micros.get(n / 2), micros.get(n * 99 / 100), micros.get(n - 1));
  }
}
