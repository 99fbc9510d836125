package org.fusioncds.assemble;

/**
 * Histogram equalisation of a [0, 1] image over a mask, with 256 bins: a value in bin b becomes
 * (cdf(b) − cdf_min) / (n − cdf_min), where cdf counts the masked pixels in bins ≤ b, cdf_min is
 * the count of the lowest occupied bin and n the masked pixel count (the formula of OpenCV's {@code
 * equalizeHist}, scaled to [0, 1]). Pixels outside the mask are left as they are; a mask of one
 * grey level maps every masked pixel to 0.
 */
final class HistogramEqualisation {

  static final int BINS = 256;

  private HistogramEqualisation() {}

  /** The bin of a [0, 1] value: ⌊v·256⌋, 1 in the last bin. */
  static int bin(double v) {
    return Math.min(BINS - 1, Math.max(0, (int) Math.floor(v * BINS)));
  }

  static double[] apply(double[] image, boolean[] mask) {
    long[] cdf = new long[BINS];
    long n = 0;
    for (int i = 0; i < image.length; i++) {
      if (mask[i]) {
        cdf[bin(image[i])]++;
        n++;
      }
    }
    long min = 0;
    for (int b = 0; b < BINS; b++) {
      if (min == 0 && cdf[b] > 0) {
        min = cdf[b];
      }
      cdf[b] += b > 0 ? cdf[b - 1] : 0;
    }
    double[] out = image.clone();
    for (int i = 0; i < image.length; i++) {
      if (mask[i]) {
        out[i] = n == min ? 0 : (cdf[bin(image[i])] - min) / (double) (n - min);
      }
    }
    return out;
  }
}
