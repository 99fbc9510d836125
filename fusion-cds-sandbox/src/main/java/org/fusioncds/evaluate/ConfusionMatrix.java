package org.fusioncds.evaluate;

/**
 * Counts of a binary decision at a threshold (a score at or above it predicts the outcome) and the
 * metrics derived from them. A metric whose denominator is zero is NaN.
 */
public record ConfusionMatrix(
    double threshold,
    long truePositives,
    long falsePositives,
    long trueNegatives,
    long falseNegatives) {

  /** Applies the threshold to each score and counts against the 0/1 labels. */
  public static ConfusionMatrix at(double threshold, double[] scores, int[] labels) {
    long tp = 0;
    long fp = 0;
    long tn = 0;
    long fn = 0;
    for (int i = 0; i < scores.length; i++) {
      boolean predicted = scores[i] >= threshold;
      boolean actual = labels[i] == 1;
      tp += predicted && actual ? 1 : 0;
      fp += predicted && !actual ? 1 : 0;
      tn += !predicted && !actual ? 1 : 0;
      fn += !predicted && actual ? 1 : 0;
    }
    return new ConfusionMatrix(threshold, tp, fp, tn, fn);
  }

  /** (TP + TN) / n. */
  public double accuracy() {
    return ratio(
        truePositives + trueNegatives,
        truePositives + trueNegatives + falsePositives + falseNegatives);
  }

  /** Recall of the positive class: TP / (TP + FN). */
  public double sensitivity() {
    return ratio(truePositives, truePositives + falseNegatives);
  }

  /** Recall of the negative class: TN / (TN + FP). */
  public double specificity() {
    return ratio(trueNegatives, trueNegatives + falsePositives);
  }

  /** Positive predictive value: TP / (TP + FP). */
  public double precision() {
    return ratio(truePositives, truePositives + falsePositives);
  }

  /** Harmonic mean of precision and sensitivity: 2 TP / (2 TP + FP + FN). */
  public double f1() {
    return ratio(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives);
  }

  private static double ratio(long numerator, long denominator) {
    return denominator == 0 ? Double.NaN : (double) numerator / denominator;
  }
}
