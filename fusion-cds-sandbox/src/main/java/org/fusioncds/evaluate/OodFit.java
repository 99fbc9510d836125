package org.fusioncds.evaluate;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.fusioncds.assemble.InputAssembler;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.export.CohortExporter;
import org.fusioncds.inference.EmbeddingGraph;
import org.fusioncds.inference.Mahalanobis;
import org.fusioncds.model.ModelCard;

/**
 * Fits the model card's out-of-distribution check: the fused embeddings ({@code ood.graph}) of a
 * training cohort, through the serving assembly, summarised by {@link Mahalanobis}; the threshold
 * is the (1 − false-abstain rate) quantile of the distances of a validation cohort, so that about
 * that fraction of in-distribution patients is refused.
 *
 * @param statistics the fitted mean and shrinkage precision
 * @param threshold the distance above which the model does not speak
 * @param falseAbstainRate the rate asked for
 * @param validationAbstainRate the fraction of validation patients above the threshold
 * @param trainingPatients patients summarised
 * @param validationPatients patients the threshold was set on
 */
public record OodFit(
    Mahalanobis statistics,
    double threshold,
    double falseAbstainRate,
    double validationAbstainRate,
    int trainingPatients,
    int validationPatients) {

  /** Fits on the two cohort folders with the card of {@code folder}. */
  public static OodFit fit(
      ModelCard card, Path folder, Path training, Path validation, double falseAbstainRate) {
    if (card.ood() == null) {
      throw new FcdsException(
          ErrorCode.OOD_FIT, "the model card declares no ood section — " + card.id());
    }
    if (!(falseAbstainRate > 0 && falseAbstainRate < 1)) {
      throw new FcdsException(
          ErrorCode.OOD_FIT, "the false-abstain rate must lie in (0, 1) — " + falseAbstainRate);
    }
    try (EmbeddingGraph graph = EmbeddingGraph.open(card, folder)) {
      double[][] train = embeddings(card, graph, training);
      Mahalanobis stats = Mahalanobis.fit(train);
      double[] d =
          Arrays.stream(embeddings(card, graph, validation))
              .mapToDouble(e -> stats.distance(toFloat(e)))
              .sorted()
              .toArray();
      double threshold = Bootstrap.quantile(d, 1 - falseAbstainRate);
      double above = Arrays.stream(d).filter(v -> v > threshold).count() / (double) d.length;
      return new OodFit(stats, threshold, falseAbstainRate, above, train.length, d.length);
    }
  }

  private static double[][] embeddings(ModelCard card, EmbeddingGraph graph, Path cohort) {
    List<double[]> out = new ArrayList<>();
    new CohortExporter(new InputAssembler(card))
        .forEachCase(
            cohort,
            c -> {
              float[] e = graph.embed(c.inputs());
              double[] row = new double[e.length];
              for (int i = 0; i < e.length; i++) {
                row[i] = e[i];
              }
              out.add(row);
            });
    return out.toArray(double[][]::new);
  }

  private static float[] toFloat(double[] e) {
    float[] f = new float[e.length];
    for (int i = 0; i < e.length; i++) {
      f[i] = (float) e[i];
    }
    return f;
  }
}
