package org.fusioncds.inference;

import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/**
 * The {@code inference.batch.*} settings, Triton's dynamic-batcher knobs: concurrent evaluations of
 * one graph are run as one {@code session.run} of up to {@code maxSize} samples. A batch starts as
 * soon as the graph is free; it waits for more requests at most {@code maxDelayMicros} after its
 * first request arrived (0: never waits, so a lone request runs at once and batches form only while
 * the graph is busy). At most {@code maxQueue} requests wait per graph; one more is refused with
 * FCDS-5304 (503) rather than queued without bound.
 */
public record Batching(int maxSize, long maxDelayMicros, int maxQueue) {

  /**
   * 32 samples, no added wait, 1,024 waiting: on 2 CPU cores the demo model runs more samples per
   * second the larger the batch, up to 32–64 (`fusion-cds bench`, raw ONNX Runtime fed the same
   * tensors: 14,484 samples/s at 8, 18,644 at 32); a GPU wants larger ones still.
   */
  public static final Batching DEFAULT = new Batching(32, 0, 1024);

  /** One sample per run (no batching). */
  public static final Batching OFF = new Batching(1, 0, 1024);

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
  }
}
