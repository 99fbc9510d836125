package org.fusioncds.evaluate;

import java.util.ArrayList;
import java.util.List;

/**
 * Calibration of probabilities: the expected calibration error Σ (n_b / n)·|mean(p) − mean(y)| over
 * equal-width bins (Naeini, Cooper &amp; Hauskrecht 2015), the Brier score mean((p − y)²) (Brier
 * 1950), and the reliability table behind both.
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
}
