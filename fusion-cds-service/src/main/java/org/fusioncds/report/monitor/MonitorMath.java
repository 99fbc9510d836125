package org.fusioncds.report.monitor;

/**
 * The statistics of the model owner's page: the Wilson score interval of a proportion, the
 * population stability index of two binned distributions, and quantiles of a sorted sample.
 */
public final class MonitorMath {

  /** z of a two-sided 95 % interval. */
  static final double Z95 = 1.959963984540054;

  /** The share a bin with no value is given in the PSI, so that its logarithm stays finite. */
  static final double PSI_FLOOR = 1e-4;

  private MonitorMath() {}

  /**
   * The Wilson score interval (Wilson 1927) of {@code k} successes in {@code n} trials at 95 %:
   * {@code {lower, upper}}; {@code {0, 1}} when {@code n} is 0.
   */
  public static double[] wilson(long k, long n) {
    if (n == 0) {
      return new double[] {0, 1};
    }
    double p = k / (double) n;
    double z2 = Z95 * Z95;
    double denominator = 1 + z2 / n;
    double centre = (p + z2 / (2.0 * n)) / denominator;
    double half = Z95 / denominator * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
    return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
  }

  /**
   * The population stability index Σ (a − e) · ln(a / e) of the observed shares {@code actual}
   * against the expected {@code expected}, each share floored at {@value #PSI_FLOOR}. Below 0.1 is
   * read as stable, 0.1–0.2 as a moderate shift, above 0.2 as a significant one.
   */
  public static double psi(double[] expected, double[] actual) {
    if (expected.length != actual.length) {
      throw new IllegalArgumentException(
          "bins differ: expected " + expected.length + ", actual " + actual.length);
    }
    double sum = 0;
    for (int i = 0; i < expected.length; i++) {
      double e = Math.max(expected[i], PSI_FLOOR);
      double a = Math.max(actual[i], PSI_FLOOR);
      sum += (a - e) * Math.log(a / e);
    }
    return sum;
  }

  /**
   * The {@code q}-quantile of an ascending sample, linearly interpolated between order statistics
   * (Hyndman and Fan type 7, as numpy's default).
   */
  public static double quantile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    double h = (sorted.length - 1) * q;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }
}
