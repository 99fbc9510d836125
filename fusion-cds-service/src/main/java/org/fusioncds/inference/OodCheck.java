package org.fusioncds.inference;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.ModelInputs;
import org.fusioncds.model.ModelCard;

/**
 * The model card's {@code ood}: the embedding graph, the training statistics (SHA-256 checked) and
 * the threshold. A case whose distance exceeds the threshold is outside the training distribution
 * and the model does not speak (FCDS-5600).
 */
public final class OodCheck implements AutoCloseable {

  /** Why a case is outside: its distance and the card's threshold. */
  public record Outside(double distance, double threshold) {
    /** The sentence the info card and the report carry (no probability, no identifier). */
    public String reason() {
      return String.format(
          Locale.ROOT,
          "the case is unlike the patients the model was trained on (distance %.1f to the"
              + " training cases in the model's fused embedding; the model speaks up to %.1f)",
          distance,
          threshold);
    }
  }

  private final ModelCard.Ood ood;
  private final EmbeddingGraph graph;
  private final Mahalanobis statistics;

  private OodCheck(ModelCard.Ood ood, EmbeddingGraph graph, Mahalanobis statistics) {
    this.ood = ood;
    this.graph = graph;
    this.statistics = statistics;
  }

  /** Opens the card's ood section in {@code folder}, or null when the card has none. */
  public static OodCheck open(ModelCard card, Path folder) {
    if (card.ood() == null) {
      return null;
    }
    Path file = folder.resolve(card.ood().statistics().file()).normalize();
    if (!file.startsWith(folder.normalize()) || !Files.isRegularFile(file)) {
      throw new FcdsException(
          ErrorCode.OOD_STATISTICS_INVALID, "statistics file missing — " + file);
    }
    String actual = Sha256.of(file);
    if (!actual.equalsIgnoreCase(card.ood().statistics().sha256())) {
      throw new FcdsException(
          ErrorCode.OOD_STATISTICS_INVALID,
          "statistics hash differs from the model card — "
              + file
              + " expected sha256 "
              + card.ood().statistics().sha256()
              + ", actual "
              + actual);
    }
    Mahalanobis stats = Mahalanobis.read(file);
    EmbeddingGraph g = EmbeddingGraph.open(card, folder);
    return new OodCheck(card.ood(), g, stats);
  }

  /** The case's Mahalanobis distance to the training embeddings. */
  public double distance(ModelInputs in) {
    return statistics.distance(graph.embed(in));
  }

  /** Present when the case lies beyond the card's threshold. */
  public Optional<Outside> outside(ModelInputs in) {
    double d = distance(in);
    return d > ood.threshold() ? Optional.of(new Outside(d, ood.threshold())) : Optional.empty();
  }

  /** The card's threshold. */
  public double threshold() {
    return ood.threshold();
  }

  @Override
  public void close() {
    graph.close();
  }
}
