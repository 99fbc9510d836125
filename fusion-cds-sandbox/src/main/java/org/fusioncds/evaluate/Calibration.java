package org.fusioncds.evaluate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Calibration of probabilities: the expected calibration error Σ (n_b / n)·|mean(p) − mean(y)| over
 * equal-width bins (Naeini, Cooper &amp; Hauskrecht 2015), the Brier score mean((p − y)²) (Brier
 * 1950), and the reliability table behind both; and, to read the ECE against, the ECE the same
 * probabilities would show if they were perfectly calibrated ({@link #ifCalibrated}).
 */
public record Calibration(double ece, double brier, List<ReliabilityBin> bins) {

  public Calibration {
    bins = List.copyOf(bins);
  }

  /** Calibration of the probabilities against the 0/1 labels over {@code binCount} bins. */
  public static Calibration of(double[] probabilities, int[] labels, int binCount) {
    long[] counts = new long[binCount];
    double[] sumP = new double[binCount];
    double[] sumY = new double[binCount];
    double squaredError = 0;
    for (int i = 0; i < probabilities.length; i++) {
      int b = Math.min((int) (probabilities[i] * binCount), binCount - 1);
      counts[b]++;
      sumP[b] += probabilities[i];
      sumY[b] += labels[i];
      squaredError += Math.pow(probabilities[i] - labels[i], 2);
    }
    int n = probabilities.length;
    List<ReliabilityBin> table = new ArrayList<>();
    double ece = 0;
    for (int b = 0; b < binCount; b++) {
      double meanP = counts[b] == 0 ? Double.NaN : sumP[b] / counts[b];
      double rate = counts[b] == 0 ? Double.NaN : sumY[b] / counts[b];
      table.add(
          new ReliabilityBin((double) b / binCount, (b + 1.0) / binCount, counts[b], meanP, rate));
      ece += counts[b] == 0 ? 0 : (double) counts[b] / n * Math.abs(meanP - rate);
    }
    return new Calibration(
        n == 0 ? Double.NaN : ece, n == 0 ? Double.NaN : squaredError / n, table);
  }

  /** Label draws behind {@link #ifCalibrated}. */
  public static final int DRAWS = 1000;

  /**
   * The ECE these probabilities would show if they were perfectly calibrated, at this cohort's
   * size: each patient's label drawn as 1 with their own probability, {@value #DRAWS} times
   * (seeded, so the same inputs give the same figures), the ECE of each draw over the same bins;
   * the median and the central {@code level} range of those ECEs. A 10-bin ECE is never 0 on a
   * finite cohort: one inside that range is what sampling alone gives, and the range narrows as the
   * cohort grows (about 0.055 at 300 patients, 0.03 at 1,000 for the nodule model's predictions).
   *
   * @return NaN figures for no probabilities
   */
  public static IfCalibrated ifCalibrated(
      double[] probabilities, int binCount, long seed, double level) {
    if (probabilities.length == 0) {
      return new IfCalibrated(Double.NaN, Double.NaN, Double.NaN);
    }
    SplittableRandom random = new SplittableRandom(seed);
    int[] labels = new int[probabilities.length];
    double[] eces = new double[DRAWS];
    for (int d = 0; d < DRAWS; d++) {
      for (int i = 0; i < probabilities.length; i++) {
        labels[i] = random.nextDouble() < probabilities[i] ? 1 : 0;
      }
      eces[d] = of(probabilities, labels, binCount).ece();
    }
    Arrays.sort(eces);
    Interval range = Bootstrap.percentile(eces, level);
    return new IfCalibrated(SeedReport.median(eces), range.lower(), range.upper());
  }

  /** The median ECE of perfectly calibrated draws and the central range of them. */
  public record IfCalibrated(double median, double lower, double upper) {}
}
