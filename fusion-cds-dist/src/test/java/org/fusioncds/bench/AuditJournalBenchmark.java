package org.fusioncds.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.fusioncds.audit.AuditEvents;
import org.fusioncds.audit.AuditSpool;
import org.fusioncds.audit.JournalSettings;
import org.fusioncds.flow.AuditContext;
import org.hl7.fhir.r4.model.AuditEvent;

/**
 * Durable audit appends per second with 1, 8 and 32 appending threads: the journal (group commit,
 * {@code audit.journal.*} defaults) beside the per-file spool it replaced ({@link
 * PerFileAuditSpool}: temp file, fsync, rename, folder fsync per event), measured in the same run
 * on the same disk. An append counts once it returned, i.e. once its event is durable. Arguments:
 * folder (default: a new temp folder on the disk to measure), seconds per case (default 3). Target
 * of issue #10: at least 2,000 durable appends/s. Not a test: run its {@code main}:
 *
 * <pre>
 * mvn -B -o -q -DskipTests test-compile
 * java -cp "fusion-cds-dist/target/test-classes:fusion-cds-dist/target/classes:$(cat cp.txt)" \
 *   org.fusioncds.bench.AuditJournalBenchmark /var/lib/fusion-cds/bench 3
 * </pre>
 *
 * ({@code cp.txt} from {@code mvn -pl fusion-cds-dist dependency:build-classpath
 * -Dmdep.outputFile=../cp.txt}.)
 */
public final class AuditJournalBenchmark {

  private static final AuditContext CTX =
      new AuditContext("req-1", "hook-1", null, "10.0.0.1", "p-1", "Practitioner/1");
  private static final AuditEvents EVENTS = new AuditEvents("bench");

  /** Appends one event durably. */
  @FunctionalInterface
  private interface Appender {
    void append(AuditEvent event) throws Exception;
  }

  private AuditJournalBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path root = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("audit-bench");
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
    System.out.printf(
        "durable audit appends/s in %s, %.1f s per case (journal: max-group %d, max-wait-us %d)%n",
        root,
        seconds,
        JournalSettings.DEFAULTS.maxGroup(),
        JournalSettings.DEFAULTS.maxWaitMicros());
    System.out.println("threads | per-file spool | journal | ratio | events per fsync (journal)");
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
        System.out.printf(
            "%7d | %14.0f | %7.0f | %5.1f× | %.1f%n",
            threads, baseline, rate, rate / baseline, perGroup);
      }
    }
  }

  private static double run(int threads, double seconds, Appender appender) throws Exception {
    LongAdder done = new LongAdder();
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> all = new ArrayList<>();
    List<Exception> failures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread thread =
          new Thread(
              () -> {
                try {
                  go.await();
                  while (!stop.get()) {
                    appender.append(
                        EVENTS.fhirRead(CTX, "http://fhir", "GET", "Observation?patient=p-1", 200));
                    done.increment();
                  }
                } catch (Exception e) {
                  synchronized (failures) {
                    failures.add(e);
                  }
                }
              });
      thread.start();
      all.add(thread);
    }
    long t0 = System.nanoTime();
    go.countDown();
    Thread.sleep((long) (seconds * 1000)); // the measured interval itself, not a poll
    stop.set(true);
    for (Thread t : all) {
      t.join();
    }
    double elapsed = (System.nanoTime() - t0) / 1e9;
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
    return done.sum() / elapsed;
  }
}
