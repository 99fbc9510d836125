package org.fusioncds.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.fusioncds.bench.Bench;
import org.fusioncds.bench.BenchSettings;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.inference.Batching;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench}: the performance figures of issue #10 on the embedded servers, each beside its
 * floor measured in the same run (see {@link Bench}). {@code --quick} is a short run with small
 * numbers (the test suite runs it); the defaults take about 3 minutes on 2 cores.
 */
@Command(
    name = "bench",
    description =
        "Measure the hook, the micro-batched inference and the audit journal, each beside its"
            + " floor measured in the same run.")
public final class BenchCommand implements Callable<Integer> {

  @Option(names = "--models", defaultValue = "models", paramLabel = "DIR")
  Path models;

  @Option(names = "--model", defaultValue = "cap-fusion", paramLabel = "ID")
  String model;

  @Option(names = "--device", defaultValue = "cpu", description = "cpu or cuda:N")
  String device;

  @Option(
      names = "--parts",
      defaultValue = "hook,inference,audit",
      split = ",",
      description = "which parts run: hook, inference, audit")
  List<String> parts;

  @Option(names = "--patients", defaultValue = "30", description = "fresh patients measured")
  int patients;

  @Option(names = "--warmup", defaultValue = "5", description = "fresh patients before those")
  int warmup;

  @Option(names = "--calls", defaultValue = "400", description = "cached calls per level")
  int calls;

  @Option(
      names = "--calls-per-caller",
      defaultValue = "40",
      description = "cached calls per level at least this many times its callers")
  int callsPerCaller;

  @Option(names = "--levels", defaultValue = "1,10,50", split = ",", description = "callers")
  List<Integer> levels;

  @Option(
      names = "--cohort",
      defaultValue = "100",
      description =
          "synthetic cohort size (two groups of --warmup + --patients need a radiograph and labs)")
  int cohort;

  @Option(names = "--seed", defaultValue = "4242", description = "cohort seed")
  long seed;

  @Option(names = "--callers", defaultValue = "32", description = "inference callers")
  int callers;

  @Option(
      names = "--batch-max-size",
      defaultValue = "32",
      description = "inference.batch.max-size in the inference part")
  int batchMaxSize;

  @Option(
      names = "--batch-instances",
      defaultValue = "2",
      description = "inference.batch.instances in the inference part")
  int batchInstances;

  @Option(
      names = "--threads",
      defaultValue = "1",
      description = "inference.threads (intra-op threads of each session) in the inference part")
  int threads;

  @Option(
      names = "--raw-batches",
      defaultValue = "1,2,4,8,16,32,64",
      split = ",",
      description = "batch sizes of raw ONNX Runtime")
  List<Integer> rawBatches;

  @Option(names = "--seconds", defaultValue = "3", description = "per inference or audit case")
  double seconds;

  @Option(names = "--work", paramLabel = "DIR", description = "work folder (default: a temp one)")
  Path work;

  @Option(names = "--quick", description = "a short run with small numbers (about a minute)")
  boolean quick;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    BenchSettings settings = settings();
    PrintWriter out = spec.commandLine().getOut();
    Bench.run(settings, out);
    return 0;
  }

  BenchSettings settings() throws IOException {
    Set<String> chosen = new LinkedHashSet<>(parts);
    if (chosen.isEmpty() || !BenchSettings.PARTS.containsAll(chosen)) {
      throw invalid("--parts must name some of " + BenchSettings.PARTS, String.join(",", parts));
    }
    if (quick) {
      patients = 4;
      warmup = 1;
      calls = 40;
      callsPerCaller = 4;
      levels = List.of(1, 10);
      cohort = 24;
      callers = 8;
      rawBatches = List.of(1, 4, 16);
      seconds = 0.5;
    }
    positive("--patients", patients);
    positive("--calls", calls);
    positive("--calls-per-caller", callsPerCaller);
    positive("--cohort", cohort);
    positive("--callers", callers);
    positive("--threads", threads);
    if (batchInstances < 1 || batchInstances > Batching.MAX_INSTANCES) {
      throw invalid(
          "--batch-instances must be 1.." + Batching.MAX_INSTANCES,
          Integer.toString(batchInstances));
    }
    if (warmup < 0) {
      throw invalid("--warmup must be ≥ 0", Integer.toString(warmup));
    }
    if (levels.isEmpty() || levels.stream().anyMatch(l -> l < 1 || l > 1000)) {
      throw invalid("--levels must be callers in 1..1000", levels.toString());
    }
    if (rawBatches.isEmpty() || rawBatches.stream().anyMatch(b -> b < 1 || b > 4096)) {
      throw invalid("--raw-batches must be sizes in 1..4096", rawBatches.toString());
    }
    if (!(seconds > 0 && seconds <= 600)) {
      throw invalid("--seconds must be in (0, 600]", Double.toString(seconds));
    }
    if (!Files.isDirectory(models)) {
      throw invalid("--models is not a folder", models.toString());
    }
    Path folder =
        work != null ? Files.createDirectories(work) : Files.createTempDirectory("fcds-bench");
    return new BenchSettings(
        models,
        model,
        device,
        chosen,
        patients,
        warmup,
        calls,
        callsPerCaller,
        List.copyOf(levels),
        cohort,
        seed,
        callers,
        batchMaxSize,
        batchInstances,
        threads,
        List.copyOf(rawBatches),
        seconds,
        folder);
  }

  private static void positive(String option, int value) {
    if (value < 1) {
      throw invalid(option + " must be ≥ 1", Integer.toString(value));
    }
  }

  private static FcdsException invalid(String what, String value) {
    return new FcdsException(ErrorCode.CLI_INVALID_COMMAND, what + " — " + value);
  }
}
