package org.fusioncds.evaluate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The empirical ROC curve: (false positive rate, true positive rate) at every distinct score used
 * as threshold, from (0, 0) to (1, 1); tied scores move diagonally. Empty when a class is empty.
 */
public record RocCurve(List<double[]> points) {

  public RocCurve {
    points = List.copyOf(points);
  }

  /** The curve of the scores against the 0/1 labels. */
  public static RocCurve of(double[] scores, int[] labels) {
    long positives = Arrays.stream(labels).filter(y -> y == 1).count();
    long negatives = labels.length - positives;
    if (positives == 0 || negatives == 0) {
      return new RocCurve(List.of());
    }
    Integer[] order = new Integer[scores.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
    List<double[]> points = new ArrayList<>();
    points.add(new double[] {0, 0});
    long tp = 0;
    long fp = 0;
    for (int k = 0; k < order.length; k++) {
      tp += labels[order[k]] == 1 ? 1 : 0;
      fp += labels[order[k]] == 1 ? 0 : 1;
      if (k + 1 == order.length || scores[order[k + 1]] != scores[order[k]]) {
        points.add(new double[] {(double) fp / negatives, (double) tp / positives});
      }
    }
    return new RocCurve(points);
  }
}
