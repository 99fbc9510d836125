package org.fusioncds.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Nearest-rank percentiles of millisecond samples, and the table cells the benchmark prints. */
final class Stats {

  private final double[] sorted;

  Stats(List<Double> samples) {
    this.sorted = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
  }

  /** The {@code p}-th percentile (0 < p ≤ 100), nearest rank; NaN when there are no samples. */
  double p(double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  double median() {
    return p(50);
  }

  int count() {
    return sorted.length;
  }

  double mean() {
    return Arrays.stream(sorted).average().orElse(Double.NaN);
  }

  static String ms(double v) {
    return String.format(Locale.ROOT, "%8.1f", v);
  }

  static String ratio(double v) {
    return String.format(Locale.ROOT, "%6.2f", v);
  }
}
