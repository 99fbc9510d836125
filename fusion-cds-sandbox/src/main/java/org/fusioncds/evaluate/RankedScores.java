package org.fusioncds.evaluate;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The scores of one variant over one group of patients, sorted once so that each bootstrap resample
 * costs a linear sweep: a resample is a multiplicity per patient, and the Mann–Whitney count is
 * taken over tie groups with those multiplicities as weights.
 */
final class RankedScores {

  private final int[] cohortIndex;
  private final int[] labels;
  private final int[] groupEnd;

  private RankedScores(int[] cohortIndex, int[] labels, int[] groupEnd) {
    this.cohortIndex = cohortIndex;
    this.labels = labels;
    this.groupEnd = groupEnd;
  }

  /**
   * Sorts the patients given by cohort index by their score.
   *
   * @param cohortIndex each patient's index in the cohort (the resample counts are indexed by it)
   * @param scores the score of each of these patients
   * @param labels the 0/1 label of each of these patients
   */
  static RankedScores of(int[] cohortIndex, double[] scores, int[] labels) {
    Integer[] order = new Integer[scores.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
    int[] index = new int[order.length];
    int[] sortedLabels = new int[order.length];
    int[] ends = new int[order.length];
    int groups = 0;
    for (int k = 0; k < order.length; k++) {
      index[k] = cohortIndex[order[k]];
      sortedLabels[k] = labels[order[k]];
      boolean lastOfGroup = k + 1 == order.length || scores[order[k + 1]] != scores[order[k]];
      if (lastOfGroup) {
        ends[groups++] = k + 1;
      }
    }
    return new RankedScores(index, sortedLabels, Arrays.copyOf(ends, groups));
  }

  /** Patients in this group. */
  int size() {
    return cohortIndex.length;
  }

  /** AUROC with every patient counted once. */
  double auroc() {
    int[] ones = new int[Arrays.stream(cohortIndex).max().orElse(-1) + 1];
    Arrays.fill(ones, 1);
    return auroc(ones);
  }

  /**
   * AUROC when patient {@code i} of the cohort appears {@code counts[i]} times; NaN when the
   * resample holds no positive or no negative of this group.
   */
  double auroc(int[] counts) {
    double u = 0;
    double negativesBelow = 0;
    double positives = 0;
    int start = 0;
    for (int end : groupEnd) {
      double groupPositives = 0;
      double groupNegatives = 0;
      for (int k = start; k < end; k++) {
        int weight = counts[cohortIndex[k]];
        if (labels[k] == 1) {
          groupPositives += weight;
        } else {
          groupNegatives += weight;
        }
      }
      u += groupPositives * (negativesBelow + 0.5 * groupNegatives);
      negativesBelow += groupNegatives;
      positives += groupPositives;
      start = end;
    }
    return positives == 0 || negativesBelow == 0 ? Double.NaN : u / (positives * negativesBelow);
  }
}
