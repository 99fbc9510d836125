package org.fusioncds.evaluate;

/**
 * A percentile bootstrap confidence interval.
 *
 * @param lower the (1 − level)/2 quantile of the resampled statistic
 * @param upper the (1 + level)/2 quantile
 * @param validResamples resamples where the statistic was defined (both classes present)
 * @param resamples resamples drawn
 */
public record Interval(double lower, double upper, int validResamples, int resamples) {

  /** An interval that could not be formed: no resample had the statistic defined. */
  public static Interval undefined(int resamples) {
    return new Interval(Double.NaN, Double.NaN, 0, resamples);
  }

  /** Whether the bounds are numbers. */
  public boolean defined() {
    return validResamples > 0;
  }

  /** Whether the value lies within the bounds, inclusive. */
  public boolean contains(double value) {
    return defined() && value >= lower && value <= upper;
  }

  /** upper − lower. */
  public double width() {
    return upper - lower;
  }
}
