package org.fusioncds.evaluate;

/**
 * AUROC(primary) − AUROC(other) over the patients scored by both, with a bootstrap interval taken
 * on the same resamples for both variants (a paired comparison).
 *
 * @param n patients with a score from both variants
 * @param difference the point difference; NaN when a class is empty among those patients
 */
public record PairedDifference(
    String primary, String other, int n, double difference, Interval difference95) {

  /** The key used in metrics.json, for example {@code fused_minus_image_only}. */
  public String name() {
    return primary + "_minus_" + other;
  }
}
