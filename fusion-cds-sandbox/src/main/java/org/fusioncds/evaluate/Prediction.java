package org.fusioncds.evaluate;

import java.util.Map;
import java.util.Set;

/**
 * One patient's true label and the probability each model variant gave, for a binary outcome.
 *
 * @param patientId an identifier used only to detect duplicates; it is never logged or written
 * @param label 1 when the outcome is present, 0 when absent
 * @param scores probability of the outcome per model variant (for example {@code fused}, {@code
 *     image_only}); a variant that could not run for this patient is simply absent
 * @param missing modalities absent for this patient (for example {@code image}, {@code labs})
 */
public record Prediction(
    String patientId, int label, Map<String, Double> scores, Set<String> missing) {

  public Prediction {
    scores = Map.copyOf(scores);
    missing = Set.copyOf(missing);
  }

  /** Whether the variant produced a score for this patient. */
  public boolean has(String variant) {
    return scores.containsKey(variant);
  }
}
