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
 * its batches, its answers) around a stand-in for the model: a batch is {@code perSample} of CPU
 * time per sample on its instance's thread, with no tensor to make and no output to read. Beside
 * the same CPU time spent by as many threads with no batcher ({@link #work}), what it reaches is
 * what handing samples from waiting callers to the batcher's threads and back costs on this
 * machine: a ceiling for any batcher whose callers wait, measured by {@code fusion-cds bench}.
 */
public final class HandOffProbe implements AutoCloseable {

  private static final ModelInputs SAMPLE =
      new ModelInputs("hand-off", "0", Map.of(), List.of(), List.of(), Instant.EPOCH, 0);

  /** Keeps the stand-in's loop from being optimised away. */
  private static volatile long sink;

  private final GraphBatcher batcher;

  public HandOffProbe(Batching batching, Duration perSample) {
    long nanos = perSample.toNanos();
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
                  work(nanos * samples.size());
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

  /** Spends {@code nanos} of CPU time on the calling thread, as the stand-in's batch does. */
  public static void work(long nanos) {
    long end = System.nanoTime() + nanos;
    long x = 0;
    while (System.nanoTime() < end) {
      x++;
    }
    sink += x;
  }

  @Override
  public void close() {
    batcher.close();
  }
}
