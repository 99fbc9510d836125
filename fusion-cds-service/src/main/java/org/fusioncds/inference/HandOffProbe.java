package org.fusioncds.inference;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.fusioncds.flow.ModelInputs;

/**
 * The service's micro-batcher ({@link GraphBatcher} as served: its bounded queue, its instances,
 * its batches, its answers) around a stand-in for the model: a batch is a fixed amount of
 * computation per sample on its instance's thread, {@code perSample} of CPU time on an otherwise
 * idle core (calibrated when the probe is made), with no tensor to make and no output to read. A
 * thread pre-empted mid-batch finishes its batch that much later, as a model's run would. Beside
 * the same computation done by as many threads with no batcher ({@link #work}), what it reaches is
 * what handing samples from waiting callers to the batcher's threads and back costs on this
 * machine: a ceiling for any batcher whose callers wait, measured by {@code fusion-cds bench}.
 */
public final class HandOffProbe implements AutoCloseable {

  private static final ModelInputs SAMPLE =
      new ModelInputs("hand-off", "0", Map.of(), List.of(), List.of(), Instant.EPOCH, 0);

  /** Keeps the stand-in's loop from being optimised away. */
  private static volatile long sink;

  private final GraphBatcher batcher;
  private final long stepsPerSample;

  /** Calibrates {@code perSample} on the calling thread (a few tens of ms), then starts. */
  public HandOffProbe(Batching batching, Duration perSample) {
    this.stepsPerSample = Math.max(1, Math.round(perSample.toNanos() * stepsPerNano()));
    long steps = stepsPerSample;
    this.batcher =
        new GraphBatcher(
            SAMPLE.modelId(),
            "stand-in",
            batching.maxSize(),
            batching,
            inputs -> {},
            () ->
                (samples, times) -> {
                  long t0 = System.nanoTime();
                  work(steps * samples.size());
                  times[1] += (System.nanoTime() - t0) / 1e6;
                  List<GraphRunner.Sample> out = new ArrayList<>(samples.size());
                  for (int i = 0; i < samples.size(); i++) {
                    out.add(new GraphRunner.Sample(new double[] {0}, null));
                  }
                  return out;
                });
  }

  /** One sample queued; completes once its batch has run. */
  public CompletableFuture<?> submit() {
    return batcher.submit(SAMPLE);
  }

  /** One sample, waited for (as a caller of {@link ModelRegistry#run} waits). */
  public void run() {
    submit().join();
  }

  /** Batches and samples run so far. */
  public BatchStats stats() {
    return batcher.stats();
  }

  /** The stand-in's computation for one sample, in {@link #work} steps. */
  public long stepsPerSample() {
    return stepsPerSample;
  }

  /**
   * Does {@code steps} steps of a computation that cannot be skipped or run in parallel (each step
   * needs the one before), on the calling thread: the stand-in's batch, and the batcher-less
   * threads' load.
   */
  public static void work(long steps) {
    long x = sink;
    for (long i = 0; i < steps; i++) {
      x = x * 6364136223846793005L + 1442695040888963407L;
    }
    sink = x;
  }

  /**
   * Steps of {@link #work} per nanosecond on this thread: the fastest of several timed runs (once
   * compiled), so that a run the machine interrupted does not lower it.
   */
  private static double stepsPerNano() {
    long steps = 2_000_000;
    long fastest = Long.MAX_VALUE;
    for (int i = 0; i < 12; i++) {
      long t0 = System.nanoTime();
      work(steps);
      fastest = Math.min(fastest, System.nanoTime() - t0);
    }
    return steps / (double) Math.max(1, fastest);
  }

  @Override
  public void close() {
    batcher.close();
  }
}
