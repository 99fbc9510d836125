package org.fusioncds.inference;

import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/**
 * The {@code inference.batch.*} settings, Triton's dynamic-batcher knobs: concurrent evaluations of
 * one graph are run as one {@code session.run} of up to {@code maxSize} samples. A batch starts as
 * soon as the graph is free; it waits for more requests at most {@code maxDelayMicros} after its
 * first request arrived (0: never waits, so a lone request runs at once and batches form only while
 * the graph is busy). At most {@code maxQueue} requests wait per graph; one more is refused with
 * FCDS-5304 (503) rather than queued without bound. {@code instances} threads (Triton's instance
 * count) each run their own batch on the graph's one session at the same time.
 */
public record Batching(int maxSize, long maxDelayMicros, int maxQueue, int instances) {

  /**
   * 32 samples, no added wait, 1,024 waiting, 2 instances: on 2 CPU cores two single-threaded runs
   * side by side did as much as one run on two intra-op threads at its best batch, 64, and at any
   * batch (`fusion-cds bench`, raw ONNX Runtime fed the same tensors: 14,253–14,543 samples/s
   * against 4,517 at batch 1 and 14,516 at 64); larger batches pay where a run is spread over
   * threads or a GPU.
   */
  public static final Batching DEFAULT = new Batching(32, 0, 1024, 2);

  /** The most instances one graph may have. */
  public static final int MAX_INSTANCES = 64;

  /** One sample per run (no batching), one run at a time. */
  public static final Batching OFF = new Batching(1, 0, 1024);

  /** One instance. */
  public Batching(int maxSize, long maxDelayMicros, int maxQueue) {
    this(maxSize, maxDelayMicros, maxQueue, 1);
  }

  public Batching {
    if (maxSize < 1 || maxSize > 4096) {
      throw new FcdsException(
          ErrorCode.INFERENCE_SETTINGS, "inference.batch.max-size must be 1..4096 — " + maxSize);
    }
    if (maxDelayMicros < 0 || maxDelayMicros > 1_000_000) {
      throw new FcdsException(
          ErrorCode.INFERENCE_SETTINGS,
          "inference.batch.max-delay-us must be 0..1000000 — " + maxDelayMicros);
    }
    if (maxQueue < 1) {
      throw new FcdsException(
          ErrorCode.INFERENCE_SETTINGS, "inference.batch.max-queue must be ≥ 1 — " + maxQueue);
    }
    if (instances < 1 || instances > MAX_INSTANCES) {
      throw new FcdsException(
          ErrorCode.INFERENCE_SETTINGS,
          "inference.batch.instances must be 1.." + MAX_INSTANCES + " — " + instances);
    }
  }
}
