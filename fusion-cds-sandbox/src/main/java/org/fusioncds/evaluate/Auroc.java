package org.fusioncds.evaluate;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Area under the ROC curve as the Mann–Whitney U statistic divided by (positives × negatives), ties
 * counted ½ (Hanley &amp; McNeil 1982): the probability that a random positive scores above a
 * random negative. Computed from mid-ranks in O(n log n). NaN when either class is empty.
 */
public final class Auroc {

  private Auroc() {}

  /** AUROC of the scores against the 0/1 labels. */
  public static double of(double[] scores, int[] labels) {
    double[] ranks = midRanks(scores);
    long positives = Arrays.stream(labels).filter(y -> y == 1).count();
    long negatives = labels.length - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    double rankSum = 0;
    for (int i = 0; i < labels.length; i++) {
      rankSum += labels[i] == 1 ? ranks[i] : 0;
    }
    double u = rankSum - positives * (positives + 1) / 2.0;
    return u / ((double) positives * negatives);
  }

  /** Ranks 1..n of the scores in ascending order; tied scores share the mean of their ranks. */
  static double[] midRanks(double[] scores) {
    Integer[] order = IntStream.range(0, scores.length).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
    double[] ranks = new double[scores.length];
    int start = 0;
    while (start < order.length) {
      int end = start;
      while (end + 1 < order.length && scores[order[end + 1]] == scores[order[start]]) {
        end++;
      }
      double mid = (start + end) / 2.0 + 1;
      for (int k = start; k <= end; k++) {
        ranks[order[k]] = mid;
      }
      start = end + 1;
    }
    return ranks;
  }
}
