package org.fusioncds.flow;

import java.util.List;
import java.util.Map;
import org.fusioncds.model.ModelCard;

/**
 * What one run produced, labelled with the card's warning (shown on every output) and the exact
 * model (id, version, SHA-256 of each graph used). Crosses from inference to report (DESIGN.md).
 *
 * @param graph the graph run: a card graph name or {@code late}
 * @param graphSha256 graph name → SHA-256 of every graph file that ran
 * @param device where it ran: {@code cpu} or {@code cuda:N}
 */
public record InferenceResult(
    String modelId,
    String modelVersion,
    String graph,
    Map<String, String> graphSha256,
    String device,
    String warning,
    List<OutputResult> outputs,
    Timings timings) {

  /**
   * One output after calibration: the probability, the decision (probability ≥ threshold) and the
   * CDS Hooks card indicator ({@code info|warning|critical}).
   */
  public record OutputResult(
      String tensor,
      ModelCard.Coding code,
      double probability,
      double threshold,
      boolean positive,
      String indicator) {}

  /** Milliseconds: assembly + tensor creation, ONNX Runtime run(s), calibration and decisions. */
  public record Timings(double preprocessMs, double runMs, double postprocessMs) {}

  /** The output of that tensor name, or null. */
  public OutputResult output(String tensor) {
    return outputs.stream().filter(o -> o.tensor().equals(tensor)).findFirst().orElse(null);
  }
}
