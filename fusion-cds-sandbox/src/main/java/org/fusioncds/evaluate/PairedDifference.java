package org.fusioncds.evaluate;

/**
 * AUROC(primary) − AUROC(other) over the patients scored by both, with a bootstrap interval taken
 * on the same resamples for both variants (a paired comparison).
 *
 * @param n patients with a score from both variants
 * @param primaryAuroc the primary variant's AUROC over those patients
 * @param otherAuroc the other variant's AUROC over those patients
 * @param difference95 the bootstrap interval of the difference
 */
public record PairedDifference(
    String primary,
    String other,
    int n,
    double primaryAuroc,
    double otherAuroc,
    Interval difference95) {

  /** primaryAuroc − otherAuroc; NaN when a class is empty among those patients. */
  public double difference() {
    return primaryAuroc - otherAuroc;
  }

  /** The key used in metrics.json, for example {@code fused_minus_image_only}. */
  public String name() {
    return primary + "_minus_" + other;
  }
}
