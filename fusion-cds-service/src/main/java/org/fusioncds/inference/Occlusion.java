package org.fusioncds.inference;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.Explanation;
import org.fusioncds.flow.InferenceResult;
import org.fusioncds.flow.ModelInputs;
import org.fusioncds.flow.Tensor;
import org.fusioncds.model.ModelCard;

/**
 * Occlusion sensitivity (Zeiler and Fergus, ECCV 2014) with the graph that gave the result: one
 * copy of the inputs per grid cell, the cell's pixels set to the card's {@code image.fill} (what
 * the model reads when the image is missing), every copy queued at once on the graph's
 * micro-batcher ({@link ModelRegistry#submit(ModelInputs, String)}), so they run in batches of
 * {@code inference.batch.max-size}. An 8×8 grid is 64 samples. Only the image tensor changes; labs,
 * masks and the rest are those of the result.
 */
public final class Occlusion {

  private final ModelRegistry registry;
  private final int grid;

  /**
   * @param grid cells per side ({@code inference.explain.grid}); 0 turns the explanation off
   */
  public Occlusion(ModelRegistry registry, int grid) {
    if (grid < 0 || grid > 32) {
      throw new FcdsException(
          ErrorCode.INFERENCE_SETTINGS, "inference.explain.grid must be 0..32 — " + grid);
    }
    this.registry = registry;
    this.grid = grid;
  }

  /** The occlusion map of the image the result was computed from; null without an image. */
  public Explanation explain(ModelInputs in, InferenceResult result) {
    ModelCard.ImageSpec spec = registry.model(in.modelId()).card().image();
    if (grid == 0 || spec == null || !imagePresent(in, spec)) {
      return null;
    }
    long t0 = System.nanoTime();
    Tensor image = in.tensor(spec.tensor());
    int rows = spec.rows();
    int columns = spec.columns();
    int cells = Math.min(grid, Math.min(rows, columns));
    List<CompletableFuture<InferenceResult>> runs = new ArrayList<>(cells * cells);
    for (int r = 0; r < cells; r++) {
      for (int c = 0; c < cells; c++) {
        float[] hidden = hide(image.data(), rows, columns, cells, r, c, spec.fill().floatValue());
        runs.add(registry.submit(withImage(in, image, hidden), result.graph()));
      }
    }
    String output = result.outputs().get(0).tensor();
    double base = result.outputs().get(0).probability();
    double[] delta = new double[runs.size()];
    for (int i = 0; i < delta.length; i++) {
      delta[i] = base - join(runs.get(i)).output(output).probability();
    }
    return new Explanation(
        result.graph(), cells, cells, delta, base, runs.size(), (System.nanoTime() - t0) / 1e6);
  }

  private static boolean imagePresent(ModelInputs in, ModelCard.ImageSpec spec) {
    Tensor present = spec.presentTensor() == null ? null : in.tensor(spec.presentTensor());
    return in.tensor(spec.tensor()) != null && (present == null || present.data()[0] >= 0.5f);
  }

  /** A copy of the image (every channel plane) with cell (r, c) of an n×n grid set to fill. */
  static float[] hide(float[] image, int rows, int columns, int n, int r, int c, float fill) {
    float[] out = image.clone();
    int plane = rows * columns;
    int y0 = r * rows / n;
    int y1 = (r + 1) * rows / n;
    int x0 = c * columns / n;
    int x1 = (c + 1) * columns / n;
    for (int p = 0; p + plane <= out.length; p += plane) {
      for (int y = y0; y < y1; y++) {
        java.util.Arrays.fill(out, p + y * columns + x0, p + y * columns + x1, fill);
      }
    }
    return out;
  }

  private static ModelInputs withImage(ModelInputs in, Tensor image, float[] hidden) {
    Map<String, Tensor> tensors = new LinkedHashMap<>(in.tensors());
    tensors.put(image.name(), new Tensor(image.name(), image.shape(), hidden));
    return new ModelInputs(
        in.modelId(), in.modelVersion(), tensors, List.of(), List.of(), in.studyTime(), 0);
  }

  private static InferenceResult join(CompletableFuture<InferenceResult> run) {
    try {
      return run.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof FcdsException f
          ? f
          : new FcdsException(
              ErrorCode.INFERENCE_FAILED, "occlusion run failed — " + e.getCause(), e.getCause());
    }
  }
}
