package org.fusioncds.evaluate;

import java.util.Map;

/**
 * Discrimination among the patients that lack one modality, for example {@code no_image}.
 *
 * @param modality the missing modality
 * @param n patients lacking it
 * @param positives of those, patients with the outcome
 * @param primaryN of those, patients the primary variant scored
 * @param auroc the primary variant's AUROC over them; NaN when a class is empty
 * @param auroc95 its bootstrap interval, resampled within the subset
 * @param aurocPerVariant the AUROC of every variant that scored someone in the subset
 */
public record SubsetMetrics(
    String modality,
    int n,
    long positives,
    int primaryN,
    double auroc,
    Interval auroc95,
    Map<String, Double> aurocPerVariant) {

  public SubsetMetrics {
    aurocPerVariant =
        java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(aurocPerVariant));
  }

  /** The key used in metrics.json, for example {@code no_image}. */
  public String name() {
    return "no_" + modality;
  }
}
