package org.fusioncds.evaluate;

/**
 * Discrimination and calibration of one model variant over the patients it scored.
 *
 * @param variant the variant's name, for example {@code fused}
 * @param n patients with a score from this variant
 * @param positives of those, patients with the outcome
 * @param excluded patients without a score from this variant (left out of its metrics)
 * @param auroc area under the ROC curve; NaN when a class is empty
 * @param auroc95 its bootstrap interval
 * @param roc the ROC curve, for the chart
 * @param calibration ECE, Brier score and reliability table
 * @param eceIfCalibrated the ECE these scores would show if perfectly calibrated (the yardstick of
 *     {@code calibration.ece()})
 */
public record VariantMetrics(
    String variant,
    int n,
    long positives,
    int excluded,
    double auroc,
    Interval auroc95,
    RocCurve roc,
    Calibration calibration,
    Calibration.IfCalibrated eceIfCalibrated) {

  /** n − positives. */
  public long negatives() {
    return n - positives;
  }
}
