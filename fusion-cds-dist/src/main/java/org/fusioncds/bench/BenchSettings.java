package org.fusioncds.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * What {@code fusion-cds bench} measures and how long.
 *
 * @param models the model folders; {@code model} the card id measured
 * @param device {@code cpu} or {@code cuda:N}, for the service and the raw sessions alike
 * @param parts which parts run: {@code hook}, {@code inference}, {@code audit}
 * @param patients fresh patients whose first hook call is measured, after {@code warmup} more
 * @param calls cached hook calls (and as many plain reads) per concurrency level, and at least
 *     {@code callsPerCaller} for each of its callers (400 calls are 8 each of 50 callers: under a
 *     second, where one GC pause or the last callers' tail moves the rate)
 * @param levels the concurrency levels of the cached calls
 * @param cohort the synthetic cohort's size; {@code seed} its seed
 * @param callers concurrent callers of the batched inference
 * @param batchMaxSize the micro-batcher's {@code inference.batch.max-size} in the inference part
 * @param batchInstances its {@code inference.batch.instances}
 * @param threads the served sessions' {@code inference.threads} (intra-op threads)
 * @param rawBatches the batch sizes raw ONNX Runtime is measured at
 * @param seconds how long each inference and audit case runs
 * @param work a folder for the cohort, the service's journals and the audit cases
 */
public record BenchSettings(
    Path models,
    String model,
    String device,
    Set<String> parts,
    int patients,
    int warmup,
    int calls,
    int callsPerCaller,
    List<Integer> levels,
    int cohort,
    long seed,
    int callers,
    int batchMaxSize,
    int batchInstances,
    int threads,
    List<Integer> rawBatches,
    double seconds,
    Path work) {

  /** The parts there are, in the order they run. */
  public static final List<String> PARTS = List.of("hook", "inference", "audit");

  public boolean runs(String part) {
    return parts.contains(part);
  }

  /** The cached calls (and plain reads) of the level with this many callers. */
  public int callsAt(int callers) {
    return Math.max(calls, callsPerCaller * callers);
  }
}
