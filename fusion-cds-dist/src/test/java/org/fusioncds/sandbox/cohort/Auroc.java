package org.fusioncds.sandbox.cohort;

import java.util.Arrays;
import java.util.Comparator;

/** Area under the ROC curve by the Mann–Whitney statistic (ties count one half). */
final class Auroc {

  private Auroc() {}

  static double of(double[] scores, boolean[] labels) {
    Integer[] order = new Integer[scores.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
    double rankSumPositives = 0;
    long positives = 0;
    int i = 0;
    while (i < order.length) {
      int j = i;
      while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]]) {
        j++;
      }
      double midRank = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        if (labels[order[k]]) {
          rankSumPositives += midRank;
          positives++;
        }
      }
      i = j + 1;
    }
    long negatives = scores.length - positives;
    return (rankSumPositives - positives * (positives + 1) / 2.0)
        / ((double) positives * negatives);
  }
}
