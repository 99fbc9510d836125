package org.fusioncds.evaluate;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

/**
 * Percentile bootstrap over patients (Efron &amp; Tibshirani 1993, ch. 13), stratified by label:
 * each resample draws, with replacement, as many positives from the positives and as many negatives
 * from the negatives as the cohort holds. A resample is a multiplicity per patient; every statistic
 * is evaluated on the same resamples, so differences between statistics are paired. Seeded: the
 * same seed and cohort give the same numbers.
 */
final class Bootstrap {

  /** How the resamples are drawn, as written into metrics.json. */
  static final String METHOD = "percentile bootstrap over patients, stratified by label";

  private final int[] positives;
  private final int[] negatives;
  private final int cohortSize;

  Bootstrap(int[] labels) {
    this.cohortSize = labels.length;
    this.positives = IntStream.range(0, labels.length).filter(i -> labels[i] == 1).toArray();
    this.negatives = IntStream.range(0, labels.length).filter(i -> labels[i] != 1).toArray();
  }

  /**
   * Evaluates each statistic on {@code resamples} resamples.
   *
   * @return {@code values[statistic][resample]}; NaN where the statistic was undefined
   */
  double[][] replicate(
      List<ToDoubleFunction<int[]>> statistics, int resamples, long seed, Runnable onResample) {
    SplittableRandom random = new SplittableRandom(seed);
    double[][] values = new double[statistics.size()][resamples];
    int[] counts = new int[cohortSize];
    for (int r = 0; r < resamples; r++) {
      Arrays.fill(counts, 0);
      draw(positives, counts, random);
      draw(negatives, counts, random);
      for (int s = 0; s < statistics.size(); s++) {
        values[s][r] = statistics.get(s).applyAsDouble(counts);
      }
      onResample.run();
    }
    return values;
  }

  /** The central {@code level} percentile interval of the defined values. */
  static Interval percentile(double[] values, double level) {
    double[] valid = Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
    if (valid.length == 0) {
      return Interval.undefined(values.length);
    }
    double tail = (1 - level) / 2;
    return new Interval(
        quantile(valid, tail), quantile(valid, 1 - tail), valid.length, values.length);
  }

  /** Linear interpolation between order statistics (Hyndman &amp; Fan type 7). */
  static double quantile(double[] sorted, double q) {
    double position = q * (sorted.length - 1);
    int below = (int) Math.floor(position);
    int above = Math.min(below + 1, sorted.length - 1);
    return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
  }

  private static void draw(int[] stratum, int[] counts, SplittableRandom random) {
    for (int k = 0; k < stratum.length; k++) {
      counts[stratum[random.nextInt(stratum.length)]]++;
    }
  }
}
