package org.fusioncds.bench;

import java.io.PrintWriter;
import org.fusioncds.sandbox.SandboxEhr;

/**
 * {@code fusion-cds bench}: every figure beside its floor measured in the same run, on this machine
 * — (1) the first hook call against the raw fetches plus the raw {@code session.run}, (2) cached
 * hooks against plain FHIR reads at the same concurrency, (3) micro-batched inference against raw
 * ONNX Runtime at its best batch size, (4) durable audit appends of the journal against the
 * per-file spool. Tables on {@code out}; logs on stderr.
 */
public final class Bench {

  private Bench() {}

  public static void run(BenchSettings settings, PrintWriter out) throws Exception {
    long t0 = System.nanoTime();
    Report.to(out);
    Report.environment();
    Report.line("parts: %s; work folder: %s", settings.parts(), settings.work());
    if (settings.runs("hook")) {
      try (SandboxEhr ehr = SandboxEhr.start()) {
        new HookBenchmark(settings, ehr).run();
      }
    }
    if (settings.runs("inference")) {
      new InferenceBenchmark(settings).run();
    }
    if (settings.runs("audit")) {
      AuditJournalBenchmark.run(settings.work().resolve("audit"), settings.seconds());
    }
    Report.line("%nbench: %.0f s", (System.nanoTime() - t0) / 1e9);
  }
}
